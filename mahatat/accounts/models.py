"""Users, roles over a scope, citizen profiles, consent and the log of personal-data reveals."""

from __future__ import annotations

from typing import ClassVar

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from mahatat.core.arabic_text import build_index
from mahatat.core.models import TimeStampedModel
from mahatat.stations.models import Area, Governorate, Station

from .identity import IdentityDocumentType, validate_jordan_mobile
from .pii import decrypt, encrypt, keyed_hash, mask


class Language(models.TextChoices):
    ARABIC = "ar", _("Arabic")
    ENGLISH = "en", _("English")


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str | None, password: str | None, **extra: object) -> User:
        email = self.normalize_email(email) if email else None
        user = self.model(email=email, **extra)
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save(using=self._db)
        return user

    def create_user(self, email: str | None = None, password: str | None = None, **extra: object) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: object) -> User:
        extra["is_staff"] = True
        extra["is_superuser"] = True
        return self._create_user(email, password, **extra)

    def get_by_natural_key(self, username: str | None) -> User:
        return self.get(**{f"{self.model.USERNAME_FIELD}__iexact": username})


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in, by e-mail or by Jordanian mobile number. Citizens and staff alike."""

    email = models.EmailField(_("e-mail"), unique=True, null=True, blank=True)
    phone = models.CharField(
        _("mobile number"),
        max_length=13,
        unique=True,
        null=True,
        blank=True,
        validators=[validate_jordan_mobile],
        help_text=_("A Jordanian mobile number, e.g. 079 123 4567."),
    )
    phone_verified = models.BooleanField(_("mobile number verified"), default=False)
    display_name = models.CharField(_("name"), max_length=150, blank=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=2, choices=Language.choices, default=Language.ARABIC
    )
    is_business_owner = models.BooleanField(_("business owner"), default=False)
    is_staff = models.BooleanField(
        _("Django admin access"), default=False, help_text=_("Can open the Django admin site.")
    )
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(email__isnull=False) | Q(phone__isnull=False), name="user_has_email_or_phone"
            )
        ]
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.display_name or self.email or self.phone or f"#{self.pk}"

    def clean(self) -> None:
        super().clean()
        if self.email == "":
            self.email = None
        if self.phone == "":
            self.phone = None
        if self.email:
            self.email = self.__class__.objects.normalize_email(self.email).lower()

    def save(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        self.email = self.email.lower() if self.email else None
        self.phone = self.phone or None
        super().save(*args, **kwargs)

    def get_full_name(self) -> str:
        return str(self)

    def get_short_name(self) -> str:
        return str(self)


class Role(models.TextChoices):
    GAM_ADMIN = "gam_admin", _("GAM administrator")
    NITC_COORDINATOR = "nitc_coordinator", _("NITC coordinator")
    STATION_MANAGER = "station_manager", _("Station manager")
    STATION_STAFF = "station_staff", _("Station staff")
    TRAINER = "trainer", _("Trainer")
    INSPECTOR = "inspector", _("Inspector")
    INSPECTION_SUPERVISOR = "inspection_supervisor", _("Inspection supervisor")
    CITIZEN = "citizen", _("Citizen")
    BUSINESS_OWNER = "business_owner", _("Business owner")


STAFF_ROLES = frozenset(
    {
        Role.GAM_ADMIN,
        Role.NITC_COORDINATOR,
        Role.STATION_MANAGER,
        Role.STATION_STAFF,
        Role.TRAINER,
        Role.INSPECTOR,
        Role.INSPECTION_SUPERVISOR,
    }
)


class ScopeKind(models.TextChoices):
    STATION = "station", _("One station")
    AREA = "area", _("An area")
    GOVERNORATE = "governorate", _("A governorate")
    NETWORK = "network", _("The whole network")


class StaffAssignmentQuerySet(models.QuerySet["StaffAssignment"]):
    def current(self) -> StaffAssignmentQuerySet:
        today = timezone.localdate()
        return self.filter(Q(starts_on__isnull=True) | Q(starts_on__lte=today)).filter(
            Q(ends_on__isnull=True) | Q(ends_on__gte=today)
        )

    def for_role(self, *roles: str) -> StaffAssignmentQuerySet:
        return self.filter(role__in=roles)


class StaffAssignment(TimeStampedModel):
    """A staff role held over a scope: one station, an area, a governorate or the whole network."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("user")
    )
    role = models.CharField(
        _("role"), max_length=30, choices=[(r.value, r.label) for r in Role if r in STAFF_ROLES]
    )
    scope = models.CharField(_("scope"), max_length=12, choices=ScopeKind.choices)
    station = models.ForeignKey(
        Station, on_delete=models.CASCADE, null=True, blank=True, related_name="staff_assignments"
    )
    area = models.ForeignKey(Area, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    governorate = models.ForeignKey(
        Governorate, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    title_ar = models.CharField(_("job title (Arabic)"), max_length=120, blank=True)
    title_en = models.CharField(_("job title (English)"), max_length=120, blank=True)
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    created_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("granted by")
    )

    history = HistoricalRecords()
    objects = StaffAssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["user", "role"]
        constraints = [
            models.CheckConstraint(
                name="assignment_scope_matches_target",
                condition=(
                    Q(scope="station", station__isnull=False, area__isnull=True, governorate__isnull=True)
                    | Q(scope="area", station__isnull=True, area__isnull=False, governorate__isnull=True)
                    | Q(
                        scope="governorate",
                        station__isnull=True,
                        area__isnull=True,
                        governorate__isnull=False,
                    )
                    | Q(scope="network", station__isnull=True, area__isnull=True, governorate__isnull=True)
                ),
            ),
        ]
        indexes = [models.Index(fields=["user", "role"], name="assignment_user_role_idx")]
        verbose_name = _("staff assignment")
        verbose_name_plural = _("staff assignments")

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.scope_label}"

    @property
    def scope_label(self) -> str:
        target = self.station or self.area or self.governorate
        return str(target) if target else str(ScopeKind.NETWORK.label)

    def covers_station(self, station: Station) -> bool:
        if self.scope == ScopeKind.NETWORK:
            return True
        if self.scope == ScopeKind.STATION:
            return self.station_id == station.pk
        if self.scope == ScopeKind.AREA:
            return station.area_id is not None and self.area_id == station.area_id
        return self.governorate_id == station.governorate_id


class Gender(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")


class DisabilityStatus(models.TextChoices):
    NOT_ASKED = "not_asked", _("Not asked")
    DECLINED = "declined", _("Prefers not to say")
    NONE = "none", _("No disability")
    DISABILITY = "disability", _("Has a disability")


class CitizenProfileQuerySet(models.QuerySet["CitizenProfile"]):
    def with_identity_number(self, number: str) -> CitizenProfileQuerySet:
        """Find a profile by its identity number without decrypting anything: through the keyed hash."""
        return self.filter(id_number_hash=keyed_hash(number))

    def search(self, query: str) -> CitizenProfileQuerySet:
        qs = self
        for term in build_index(query).split():
            qs = qs.filter(search_index__contains=term)
        return qs


class CitizenProfile(TimeStampedModel):
    """What a citizen tells the stations about themselves. The identity number is encrypted at rest."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="citizen_profile")
    name_ar = models.CharField(_("full name (Arabic)"), max_length=150)
    name_en = models.CharField(_("full name (Latin letters)"), max_length=150, blank=True)
    id_type = models.CharField(
        _("identity document"),
        max_length=20,
        choices=IdentityDocumentType.choices,
        default=IdentityDocumentType.NATIONAL_NUMBER,
    )
    id_number_encrypted = models.TextField(editable=False, blank=True)
    id_number_hash = models.CharField(max_length=64, editable=False, blank=True, db_index=True)
    id_number_last4 = models.CharField(max_length=4, editable=False, blank=True)
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices, blank=True)
    birth_year = models.PositiveSmallIntegerField(_("year of birth"), null=True, blank=True)
    disability = models.CharField(
        _("disability"), max_length=12, choices=DisabilityStatus.choices, default=DisabilityStatus.NOT_ASKED
    )
    governorate = models.ForeignKey(
        Governorate,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("governorate"),
    )
    area = models.ForeignKey(
        Area, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("area")
    )
    search_index = models.TextField(editable=False, blank=True)

    # Disability is health data, kept only while its consent stands: no copy of it stays in the history.
    history = HistoricalRecords(
        excluded_fields=["id_number_encrypted", "id_number_hash", "search_index", "disability"]
    )
    objects = CitizenProfileQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["id_type", "id_number_hash"],
                condition=~Q(id_number_hash=""),
                name="citizen_unique_identity_number",
            ),
        ]
        indexes = [models.Index(fields=["governorate", "gender"], name="citizen_gov_gender_idx")]
        verbose_name = _("citizen profile")
        verbose_name_plural = _("citizen profiles")

    def __str__(self) -> str:
        return self.name_ar

    def set_identity_number(self, number: str) -> None:
        number = number.strip()
        self.id_number_encrypted = encrypt(number) if number else ""
        self.id_number_hash = keyed_hash(number) if number else ""
        self.id_number_last4 = number[-4:] if number else ""

    @property
    def masked_identity_number(self) -> str:
        return mask(self.id_number_last4) if self.id_number_last4 else ""

    def reveal_identity_number(self) -> str:
        """The clear number. Call only through services.reveal_identity_number, which logs the reveal."""
        return decrypt(self.id_number_encrypted) if self.id_number_encrypted else ""

    def save(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        self.search_index = build_index(self.name_ar, self.name_en)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "search_index"}
        super().save(*args, **kwargs)


class Consent(models.Model):
    """A documented consent: who agreed to what purpose, with which version of the text, and when."""

    class Purpose(models.TextChoices):
        TERMS = "terms", _("Terms of use and privacy notice")
        DISABILITY_DATA = "disability_data", _("Recording disability status for inclusion reports")
        SMS_NOTIFICATIONS = "sms", _("Notifications by SMS")
        OUTCOME_FOLLOW_UP = "outcomes", _("Follow-up on training outcomes")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(_("purpose"), max_length=30, choices=Purpose.choices)
    text_version = models.CharField(_("text version"), max_length=20)
    granted_at = models.DateTimeField(_("granted at"), default=timezone.now)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-granted_at"]
        indexes = [models.Index(fields=["user", "purpose"], name="consent_user_purpose_idx")]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")

    def __str__(self) -> str:
        return f"{self.user} · {self.get_purpose_display()} · {self.text_version}"

    @property
    def active(self) -> bool:
        return self.withdrawn_at is None


class PersonalDataAccess(models.Model):
    """One staff read of protected personal data (a reveal of an identity number, an export). Append-only."""

    actor = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    subject = models.ForeignKey(User, on_delete=models.PROTECT, related_name="personal_data_accesses")
    field = models.CharField(_("data"), max_length=40)
    reason = models.CharField(_("reason"), max_length=200)
    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("personal data access")
        verbose_name_plural = _("personal data accesses")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor} → {self.subject} ({self.field})"
