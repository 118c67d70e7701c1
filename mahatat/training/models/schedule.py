"""The sessions of a cohort: when and where it meets, and who teaches each meeting."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .programmes import Cohort
from .trainers import Trainer


class TrainingSession(models.Model):
    """One meeting of a cohort. Times are stored aware (UTC) and shown in Amman time.

    A trainer is never booked into two overlapping sessions: the schedule service locks the trainer's row and
    checks before every write (see services/schedule.py), on SQLite and PostgreSQL alike.
    """

    cohort = models.ForeignKey(
        Cohort, on_delete=models.CASCADE, related_name="sessions", verbose_name=_("cohort")
    )
    trainer = models.ForeignKey(
        Trainer,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sessions",
        verbose_name=_("trainer"),
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    room = models.CharField(_("room"), max_length=100, blank=True)
    # Self check-in is open while now < checkin_open_until (the trainer opens it from the roster).
    checkin_open_until = models.DateTimeField(_("self check-in open until"), null=True, blank=True)

    class Meta:
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="session_ordered"),
        ]
        indexes = [
            models.Index(fields=["trainer", "starts_at"], name="session_trainer_start_idx"),
            models.Index(fields=["cohort", "starts_at"], name="session_cohort_start_idx"),
        ]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")

    def __str__(self) -> str:
        return f"{self.cohort} · {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def hours(self) -> float:
        return (self.ends_at - self.starts_at).total_seconds() / 3600
