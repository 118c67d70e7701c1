"""Programmes the network offers and their cohorts (one run of a programme at a station)."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from mahatat.accounts.models import Gender, Language
from mahatat.core.arabic_text import build_index, search_terms
from mahatat.core.models import TimeStampedModel, localized
from mahatat.stations.models import Station


class Provider(models.TextChoices):
    NITC = "nitc", _("NITC")
    GAM = "gam", _("Greater Amman Municipality")
    PARTNER = "partner", _("Partner")


class Topic(models.TextChoices):
    DIGITAL_SKILLS = "digital_skills", _("Digital skills")
    IT_DIPLOMA = "it_diploma", _("IT diploma")
    E_SERVICES = "e_services", _("E-services literacy")
    ENTREPRENEURSHIP = "entrepreneurship", _("Entrepreneurship")
    ENGLISH = "english", _("English")
    OTHER = "other", _("Other")


class TargetGroup(models.TextChoices):
    WOMEN = "women", _("Women")
    YOUTH = "youth", _("Youth")
    DISABILITIES = "disabilities", _("People with disabilities")
    JOB_SEEKERS = "job_seekers", _("Job seekers")
    ENTREPRENEURS = "entrepreneurs", _("Entrepreneurs")
    EVERYONE = "everyone", _("Everyone")


class CertificateTemplate(models.TextChoices):
    ATTENDANCE = "attendance", _("Certificate of completion")
    DIPLOMA = "diploma", _("Diploma")


class ProgrammeQuerySet(models.QuerySet["Programme"]):
    def search(self, query: str | None) -> ProgrammeQuerySet:
        """Arabic-aware search: every folded term of the query must appear in the folded index."""
        qs = self
        for term in search_terms(query):
            qs = qs.filter(search_index__contains=term)
        return qs

    def active(self) -> ProgrammeQuerySet:
        return self.filter(is_active=True)


class Programme(TimeStampedModel):
    """A course the network offers; each run of it at a station is a Cohort."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    title_ar = models.CharField(_("title (Arabic)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200)
    description_ar = models.TextField(_("description (Arabic)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    provider = models.CharField(_("provider"), max_length=10, choices=Provider.choices, default=Provider.NITC)
    partner_name = models.CharField(
        _("partner"), max_length=200, blank=True, help_text=_("When the provider is a partner: its name.")
    )
    topic = models.CharField(_("topic"), max_length=20, choices=Topic.choices)
    # A list of TargetGroup values; validated in clean().
    target_groups = models.JSONField(_("target groups"), default=list, blank=True)
    prerequisites_ar = models.TextField(_("prerequisites (Arabic)"), blank=True)
    prerequisites_en = models.TextField(_("prerequisites (English)"), blank=True)
    total_hours = models.PositiveSmallIntegerField(_("total hours"), validators=[MinValueValidator(1)])
    min_attendance_percent = models.PositiveSmallIntegerField(
        _("minimum attendance (%)"), default=80, validators=[MaxValueValidator(100)]
    )
    min_assessment_score = models.PositiveSmallIntegerField(
        _("minimum assessment score"), null=True, blank=True, validators=[MaxValueValidator(100)]
    )
    certificate_template = models.CharField(
        _("certificate template"),
        max_length=12,
        choices=CertificateTemplate.choices,
        default=CertificateTemplate.ATTENDANCE,
    )
    is_active = models.BooleanField(_("offered"), default=True)
    search_index = models.TextField(editable=False, blank=True)

    history = HistoricalRecords(excluded_fields=["search_index", "updated_at"])

    objects = ProgrammeQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return localized(self, "title")

    @property
    def description(self) -> str:
        return localized(self, "description")

    @property
    def prerequisites(self) -> str:
        return localized(self, "prerequisites")

    def save(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        self.search_index = self.build_search_index()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "search_index"}
        super().save(*args, **kwargs)

    def build_search_index(self) -> str:
        return build_index(
            self.code,
            self.title_ar,
            self.title_en,
            self.description_ar,
            self.description_en,
            self.partner_name,
            self.get_topic_display(),
        )

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        unknown = [group for group in self.target_groups or [] if group not in TargetGroup.values]
        if unknown:
            raise ValidationError(
                {
                    "target_groups": _("Unknown target group: %(groups)s")
                    % {"groups": ", ".join(map(str, unknown))}
                }
            )


class Cohort(TimeStampedModel):
    """One run of a programme at a station, with its seats, eligibility and enrolment window."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open")
        FULL = "full", _("Full")
        RUNNING = "running", _("Running")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")

    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="cohorts", verbose_name=_("programme")
    )
    station = models.ForeignKey(
        Station, on_delete=models.PROTECT, related_name="cohorts", verbose_name=_("station")
    )
    trainers = models.ManyToManyField(
        "training.Trainer", related_name="cohorts", blank=True, verbose_name=_("trainers")
    )
    seats = models.PositiveSmallIntegerField(_("seats"), validators=[MinValueValidator(1)])
    language = models.CharField(
        _("language"), max_length=5, choices=Language.choices, default=Language.ARABIC
    )
    enrolment_opens = models.DateTimeField(_("enrolment opens"))
    enrolment_closes = models.DateTimeField(_("enrolment closes"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    gender = models.CharField(
        _("open to gender"),
        max_length=10,
        choices=Gender.choices,
        blank=True,
        help_text=_("Blank: everyone."),
    )
    min_age = models.PositiveSmallIntegerField(_("minimum age"), null=True, blank=True)
    max_age = models.PositiveSmallIntegerField(_("maximum age"), null=True, blank=True)
    # The first and last session days, kept by the schedule service so the catalogue can filter by start date.
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    notes_ar = models.TextField(_("notes (Arabic)"), blank=True)
    notes_en = models.TextField(_("notes (English)"), blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["-enrolment_opens", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(seats__gt=0), name="cohort_seats_positive"),
            models.CheckConstraint(
                condition=Q(enrolment_closes__gt=models.F("enrolment_opens")), name="cohort_window_ordered"
            ),
            models.CheckConstraint(
                condition=Q(min_age__isnull=True)
                | Q(max_age__isnull=True)
                | Q(min_age__lte=models.F("max_age")),
                name="cohort_age_range_ordered",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "starts_on"], name="cohort_status_start_idx"),
            models.Index(fields=["station", "status"], name="cohort_station_status_idx"),
            models.Index(fields=["programme", "status"], name="cohort_programme_status_idx"),
        ]
        verbose_name = _("cohort")
        verbose_name_plural = _("cohorts")

    def __str__(self) -> str:
        return f"{self.programme} · {self.station} · {self.enrolment_opens:%Y-%m-%d}"

    @property
    def notes(self) -> str:
        return localized(self, "notes")

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("training:cohort", kwargs={"pk": self.pk})
