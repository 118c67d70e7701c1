"""Training: programmes, their cohorts at the stations, and the citizens enrolled or waiting for a seat."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from mahatat.accounts.models import Gender, Language
from mahatat.core.models import TimeStampedModel
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


class Programme(TimeStampedModel):
    """A course the network offers; each run of it at a station is a Cohort."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    title_ar = models.CharField(_("title (Arabic)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200)
    description_ar = models.TextField(_("description (Arabic)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    provider = models.CharField(_("provider"), max_length=10, choices=Provider.choices, default=Provider.NITC)
    topic = models.CharField(_("topic"), max_length=20, choices=Topic.choices)
    # A list of TargetGroup values; validated in clean().
    target_groups = models.JSONField(_("target groups"), default=list, blank=True)
    total_hours = models.PositiveSmallIntegerField(_("total hours"), validators=[MinValueValidator(1)])
    min_attendance_percent = models.PositiveSmallIntegerField(
        _("minimum attendance (%)"), default=80, validators=[MaxValueValidator(100)]
    )
    min_assessment_score = models.PositiveSmallIntegerField(
        _("minimum assessment score"), null=True, blank=True, validators=[MaxValueValidator(100)]
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")

    def __str__(self) -> str:
        return self.title_ar

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
        verbose_name = _("cohort")
        verbose_name_plural = _("cohorts")

    def __str__(self) -> str:
        return f"{self.programme} · {self.station} · {self.enrolment_opens:%Y-%m-%d}"


class Enrolment(models.Model):
    """A citizen's place in a cohort: a seat, a place on its waitlist, or a cancelled one."""

    class Status(models.TextChoices):
        ENROLLED = "enrolled", _("Enrolled")
        WAITLISTED = "waitlisted", _("Waitlisted")
        CANCELLED = "cancelled", _("Cancelled")

    ACTIVE = (Status.ENROLLED, Status.WAITLISTED)

    cohort = models.ForeignKey(
        Cohort, on_delete=models.PROTECT, related_name="enrolments", verbose_name=_("cohort")
    )
    citizen = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="enrolments",
        verbose_name=_("citizen"),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    # The waitlist is served in order of arrival: created_at, then id.
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, editable=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["cohort", "citizen"],
                condition=Q(status__in=["enrolled", "waitlisted"]),
                name="enrolment_one_active_per_citizen",
            ),
        ]
        indexes = [
            models.Index(fields=["cohort", "status", "created_at"], name="enrolment_cohort_status_idx")
        ]
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")

    def __str__(self) -> str:
        return f"{self.citizen} · {self.cohort} · {self.get_status_display()}"
