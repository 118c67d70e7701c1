"""Writes about people that touch several rows: registering citizens, granting roles, revealing personal data."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mahatat.stations.models import Area, Governorate, Station

from .identity import validate_identity_number
from .models import (
    CitizenProfile,
    Consent,
    DisabilityStatus,
    PersonalDataAccess,
    Role,
    ScopeKind,
    StaffAssignment,
    User,
)

CONSENT_TEXT_VERSION = "2026-11"


@dataclass(frozen=True)
class CitizenDetails:
    name_ar: str
    name_en: str = ""
    id_type: str = ""
    id_number: str = ""
    gender: str = ""
    birth_year: int | None = None
    disability: str = DisabilityStatus.NOT_ASKED
    disability_consent: bool = False
    governorate: Governorate | None = None
    area: Area | None = None


def _apply_details(profile: CitizenProfile, details: CitizenDetails) -> None:
    profile.name_ar = details.name_ar
    profile.name_en = details.name_en
    profile.gender = details.gender
    profile.birth_year = details.birth_year
    profile.governorate = details.governorate
    profile.area = details.area
    if details.id_type:
        profile.id_type = details.id_type
    if details.id_number:
        profile.set_identity_number(validate_identity_number(profile.id_type, details.id_number))
    # Disability status is recorded only with explicit consent for that purpose.
    profile.disability = details.disability if details.disability_consent else DisabilityStatus.NOT_ASKED


def _identity_taken(profile: CitizenProfile) -> bool:
    if not profile.id_number_hash:
        return False
    return (
        CitizenProfile.objects.filter(id_type=profile.id_type, id_number_hash=profile.id_number_hash)
        .exclude(pk=profile.pk)
        .exists()
    )


@transaction.atomic
def save_citizen_profile(
    *, user: User, details: CitizenDetails, recorded_by: User | None = None
) -> CitizenProfile:
    """Create or update a user's citizen profile with its consent records. All or nothing."""
    profile = CitizenProfile.objects.filter(user=user).first() or CitizenProfile(user=user)
    _apply_details(profile, details)
    if _identity_taken(profile):
        raise ValidationError({"id_number": _("Another account is already registered with this number.")})
    try:
        with transaction.atomic():
            profile.save()
    except IntegrityError as exc:  # a concurrent registration with the same number
        raise ValidationError(
            {"id_number": _("Another account is already registered with this number.")}
        ) from exc
    if details.disability_consent:
        record_consent(user=user, purpose=Consent.Purpose.DISABILITY_DATA, recorded_by=recorded_by)
    else:
        withdraw_consent(user=user, purpose=Consent.Purpose.DISABILITY_DATA)
    return profile


@transaction.atomic
def update_own_profile(*, user: User, details: CitizenDetails, preferred_language: str) -> CitizenProfile:
    """What a citizen saves on their profile page: the profile, its consents and their language, together."""
    profile = save_citizen_profile(user=user, details=details)
    set_preferred_language(user=user, language=preferred_language)
    return profile


def record_consent(*, user: User, purpose: str, recorded_by: User | None = None) -> Consent:
    existing = Consent.objects.filter(
        user=user, purpose=purpose, text_version=CONSENT_TEXT_VERSION, withdrawn_at__isnull=True
    ).first()
    if existing:
        return existing
    return Consent.objects.create(
        user=user, purpose=purpose, text_version=CONSENT_TEXT_VERSION, recorded_by=recorded_by
    )


def withdraw_consent(*, user: User, purpose: str) -> int:
    return Consent.objects.filter(user=user, purpose=purpose, withdrawn_at__isnull=True).update(
        withdrawn_at=timezone.now()
    )


@transaction.atomic
def reveal_identity_number(
    *, actor: User, profile: CitizenProfile, reason: str, ip_address: str | None
) -> str:
    """Show a citizen's identity number to a staff member, and log that they saw it."""
    if not actor.has_perm("accounts.reveal_identity_number"):
        raise PermissionDenied
    reason = reason.strip()
    if len(reason) < 3:
        raise ValidationError({"reason": _("Say why you need to see the number.")})
    PersonalDataAccess.objects.create(
        actor=actor, subject=profile.user, field="id_number", reason=reason[:200], ip_address=ip_address
    )
    return profile.reveal_identity_number()


@transaction.atomic
def assign_role(
    *,
    user: User,
    role: str,
    granted_by: User | None,
    station: Station | None = None,
    area: Area | None = None,
    governorate: Governorate | None = None,
    title_ar: str = "",
    title_en: str = "",
) -> StaffAssignment:
    """Give a user a staff role over one scope (the most specific target given), idempotently."""
    if role in (Role.CITIZEN, Role.BUSINESS_OWNER):
        raise ValidationError({"role": _("This role is not a staff role.")})
    target: dict[str, Station | Area | Governorate]
    if station is not None:
        scope, target = ScopeKind.STATION, {"station": station}
    elif area is not None:
        scope, target = ScopeKind.AREA, {"area": area}
    elif governorate is not None:
        scope, target = ScopeKind.GOVERNORATE, {"governorate": governorate}
    else:
        scope, target = ScopeKind.NETWORK, {}
    assignment, created = StaffAssignment.objects.get_or_create(
        user=user,
        role=role,
        scope=scope,
        **target,
        defaults={"created_by": granted_by, "title_ar": title_ar, "title_en": title_en},
    )
    if (
        not created
        and (title_ar or title_en)
        and (assignment.title_ar, assignment.title_en) != (title_ar, title_en)
    ):
        assignment.title_ar, assignment.title_en = title_ar, title_en
        assignment.save(update_fields=["title_ar", "title_en", "updated_at"])
    return assignment


def set_preferred_language(*, user: User, language: str) -> None:
    if user.preferred_language != language:
        user.preferred_language = language
        user.save(update_fields=["preferred_language"])
