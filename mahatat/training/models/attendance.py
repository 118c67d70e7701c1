"""Who was present at each session, and how it was recorded."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .enrolment import Enrolment
from .schedule import TrainingSession


class Attendance(models.Model):
    """One citizen's presence at one session. One row per (session, enrolment): a second mark updates it."""

    class Status(models.TextChoices):
        PRESENT = "present", _("Present")
        LATE = "late", _("Late")
        ABSENT = "absent", _("Absent")
        EXCUSED = "excused", _("Excused")

    class Method(models.TextChoices):
        ROSTER = "roster", _("Marked by the trainer")
        SELF_CHECKIN = "qr", _("Self check-in (QR)")
        IMPORT = "import", _("Imported")

    # Statuses that count towards the attendance percentage.
    COUNTS_AS_PRESENT = (Status.PRESENT, Status.LATE)

    session = models.ForeignKey(
        TrainingSession, on_delete=models.CASCADE, related_name="attendance", verbose_name=_("session")
    )
    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.CASCADE, related_name="attendance", verbose_name=_("enrolment")
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    method = models.CharField(_("recorded by"), max_length=10, choices=Method.choices)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("marked by"),
    )
    marked_at = models.DateTimeField(_("marked at"), auto_now=True)

    class Meta:
        ordering = ["session", "enrolment"]
        constraints = [
            models.UniqueConstraint(fields=["session", "enrolment"], name="attendance_once_per_session"),
        ]
        indexes = [models.Index(fields=["enrolment", "status"], name="attendance_enrolment_idx")]
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")

    def __str__(self) -> str:
        return f"{self.enrolment} · {self.session} · {self.get_status_display()}"
