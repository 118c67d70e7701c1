"""What the community says it needs, what it thought of a cohort, and what became of it afterwards."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from mahatat.stations.models import Station

from .enrolment import Enrolment
from .programmes import Programme, Topic
from .trainers import Trainer

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class TimeOfDay(models.TextChoices):
    MORNING = "morning", _("Mornings")
    AFTERNOON = "afternoon", _("Afternoons")
    EVENING = "evening", _("Evenings")
    WEEKEND = "weekend", _("Weekends")


class NeedsSurveyResponse(models.Model):
    """A public answer to "what training do you need, where, and when?" (anonymous answers allowed)."""

    station = models.ForeignKey(
        Station, on_delete=models.CASCADE, related_name="needs_responses", verbose_name=_("station")
    )
    topic = models.CharField(_("topic"), max_length=20, choices=Topic.choices)
    programme = models.ForeignKey(
        Programme,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="needs_responses",
        verbose_name=_("programme"),
    )
    wish = models.CharField(_("what you would like to learn"), max_length=300, blank=True)
    # A list of TimeOfDay values.
    times = models.JSONField(_("preferred times"), default=list, blank=True)
    citizen = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("citizen"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["station", "created_at"], name="needs_station_created_idx")]
        verbose_name = _("needs survey answer")
        verbose_name_plural = _("needs survey answers")

    def __str__(self) -> str:
        return f"{self.station} · {self.get_topic_display()}"


class CatalogueSearchMiss(models.Model):
    """A catalogue search that found nothing: unmet demand for the planning view."""

    query = models.CharField(_("search"), max_length=200)
    folded = models.CharField(max_length=200, editable=False, db_index=True)
    station = models.ForeignKey(
        Station, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("station")
    )
    governorate_id = models.PositiveIntegerField(null=True, blank=True)
    topic = models.CharField(_("topic"), max_length=20, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["station", "created_at"], name="searchmiss_station_created_idx")]
        verbose_name = _("search without results")
        verbose_name_plural = _("searches without results")

    def __str__(self) -> str:
        return self.query


def _rating_field(label: StrOrPromise) -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(label, validators=[MinValueValidator(1), MaxValueValidator(5)])


class FeedbackResponse(models.Model):
    """A citizen's end-of-cohort ratings (1-5) of the programme, the trainer and the station."""

    enrolment = models.OneToOneField(
        Enrolment, on_delete=models.CASCADE, related_name="feedback", verbose_name=_("enrolment")
    )
    trainer = models.ForeignKey(
        Trainer,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="feedback",
        verbose_name=_("trainer"),
    )
    programme_rating = _rating_field(_("the programme"))
    trainer_rating = _rating_field(_("the trainer"))
    station_rating = _rating_field(_("the station"))
    comment = models.TextField(_("comment"), blank=True, max_length=2000)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(programme_rating__gte=1, programme_rating__lte=5)
                & Q(trainer_rating__gte=1, trainer_rating__lte=5)
                & Q(station_rating__gte=1, station_rating__lte=5),
                name="feedback_ratings_in_range",
            ),
        ]
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")

    def __str__(self) -> str:
        return f"{self.enrolment} · {self.programme_rating}/{self.trainer_rating}/{self.station_rating}"


class OutcomeFollowUp(models.Model):
    """What became of a graduate 3 or 6 months after completing: asked by a link, or entered by staff."""

    class Months(models.IntegerChoices):
        THREE = 3, _("3 months")
        SIX = 6, _("6 months")

    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.CASCADE, related_name="follow_ups", verbose_name=_("enrolment")
    )
    months = models.PositiveSmallIntegerField(_("after"), choices=Months.choices)
    due_on = models.DateField(_("due on"))
    # Only the SHA-256 of the link's token is kept; the token itself is in the message sent to the citizen.
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    responded_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    employed = models.BooleanField(_("found a job"), null=True, blank=True)
    started_business = models.BooleanField(_("started a business"), null=True, blank=True)
    continued_study = models.BooleanField(_("continued studying"), null=True, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("entered by"),
    )

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "months"], name="follow_up_once_per_interval"),
        ]
        indexes = [models.Index(fields=["sent_at", "due_on"], name="follow_up_due_idx")]
        verbose_name = _("outcome follow-up")
        verbose_name_plural = _("outcome follow-ups")

    def __str__(self) -> str:
        return f"{self.enrolment} · {self.get_months_display()}"
