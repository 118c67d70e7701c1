"""The trainer pool the network shares, with each trainer's weekly availability."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from mahatat.core.models import BilingualNameMixin, TimeStampedModel
from mahatat.stations.models import Station

from .programmes import Topic


class TrainerQuerySet(models.QuerySet["Trainer"]):
    def active(self) -> TrainerQuerySet:
        return self.filter(is_active=True)


class Trainer(BilingualNameMixin, TimeStampedModel):
    """A person who teaches cohorts, at any station of the network.

    A trainer usually has a user account (role `trainer`) to take attendance; a guest trainer may have none.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="trainer",
        verbose_name=_("user account"),
    )
    home_station = models.ForeignKey(
        Station,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("home station"),
    )
    qualifications_ar = models.TextField(_("qualifications (Arabic)"), blank=True)
    qualifications_en = models.TextField(_("qualifications (English)"), blank=True)
    # A list of Topic values the trainer may teach.
    topics = models.JSONField(_("topics"), default=list, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("mobile"), max_length=16, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    objects = TrainerQuerySet.as_manager()

    class Meta:
        ordering = ["name_ar"]
        verbose_name = _("trainer")
        verbose_name_plural = _("trainers")

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        unknown = [topic for topic in self.topics or [] if topic not in Topic.values]
        if unknown:
            raise ValidationError(
                {"topics": _("Unknown topic: %(topics)s") % {"topics": ", ".join(map(str, unknown))}}
            )


class Weekday(models.IntegerChoices):
    # Python's date.weekday() numbering.
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class TrainerAvailability(models.Model):
    """A weekly slot in which the trainer can teach (local Amman time)."""

    trainer = models.ForeignKey(
        Trainer, on_delete=models.CASCADE, related_name="availability", verbose_name=_("trainer")
    )
    weekday = models.PositiveSmallIntegerField(_("day"), choices=Weekday.choices)
    start = models.TimeField(_("from"))
    end = models.TimeField(_("until"))

    class Meta:
        ordering = ["trainer", "weekday", "start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=models.F("start")), name="trainer_availability_ordered"
            ),
        ]
        verbose_name = _("availability")
        verbose_name_plural = _("availability")

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.start:%H:%M}–{self.end:%H:%M}"
