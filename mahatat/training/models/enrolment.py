"""A citizen's place in a cohort: a seat, a timed offer of a seat, a place on the waitlist, or an ended one."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .programmes import Cohort


class EnrolmentQuerySet(models.QuerySet["Enrolment"]):
    def active(self) -> EnrolmentQuerySet:
        return self.filter(status__in=Enrolment.ACTIVE)

    def holding_seats(self) -> EnrolmentQuerySet:
        """Seats taken: enrolled people and people holding an offer.

        An offer past its expiry still holds its seat until expire_offers (every 5 minutes) or an attempt to accept
        it ends the offer and passes the seat on; nobody else can take the seat meanwhile.
        """
        return self.filter(status__in=Enrolment.HOLDS_SEAT)


class Enrolment(models.Model):
    """A citizen's place in a cohort.

    - enrolled: holds a seat;
    - offered: a seat is held for them until `offer_expires_at` (then it passes to the next person);
    - waitlisted: waiting in order of arrival (created_at, then id);
    - cancelled: ended, with `end_reason` saying why.
    """

    class Status(models.TextChoices):
        ENROLLED = "enrolled", _("Enrolled")
        OFFERED = "offered", _("Seat offered")
        WAITLISTED = "waitlisted", _("Waitlisted")
        CANCELLED = "cancelled", _("Cancelled")

    class EndReason(models.TextChoices):
        BY_CITIZEN = "by_citizen", _("Cancelled by the citizen")
        BY_STAFF = "by_staff", _("Cancelled by staff")
        OFFER_DECLINED = "offer_declined", _("Offer declined")
        OFFER_EXPIRED = "offer_expired", _("Offer not taken in time")
        SEAT_ELSEWHERE = "seat_elsewhere", _("Took a seat at another station")
        COHORT_CANCELLED = "cohort_cancelled", _("The course was cancelled")

    class Channel(models.TextChoices):
        ONLINE = "online", _("Online")
        DESK = "desk", _("At the station desk")
        IMPORT = "import", _("Imported")
        API = "api", _("API")

    class Outcome(models.TextChoices):
        PENDING = "pending", _("In progress")
        COMPLETED = "completed", _("Completed")
        NOT_COMPLETED = "not_completed", _("Not completed")

    ACTIVE = (Status.ENROLLED, Status.OFFERED, Status.WAITLISTED)
    HOLDS_SEAT = (Status.ENROLLED, Status.OFFERED)

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
    end_reason = models.CharField(_("reason"), max_length=20, choices=EndReason.choices, blank=True)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.ONLINE)
    enrolled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("enrolled by"),
        help_text=_("The staff member who enrolled a walk-in citizen at the desk."),
    )
    offer_expires_at = models.DateTimeField(_("offer expires at"), null=True, blank=True)
    # The citizen also accepts a seat in the same programme at any other station (nearest first).
    any_station = models.BooleanField(_("any station"), default=False)
    # When this place is an offer made from a waitlist at another station: that waitlist place.
    offered_from = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("offered from"),
    )
    # True when the citizen had never enrolled in any cohort before (kept for the reports).
    first_time = models.BooleanField(_("first-time learner"), default=False)
    assessment_score = models.PositiveSmallIntegerField(
        _("assessment score"), null=True, blank=True, validators=[MaxValueValidator(100)]
    )
    outcome = models.CharField(_("outcome"), max_length=14, choices=Outcome.choices, default=Outcome.PENDING)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    # Set when the citizen and trainer were told that absences passed what the completion rule allows.
    absence_warned_at = models.DateTimeField(_("absence warning sent"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, editable=False)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    objects = EnrolmentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["cohort", "citizen"],
                condition=Q(status__in=["enrolled", "offered", "waitlisted"]),
                name="enrolment_one_active_per_citizen",
            ),
            models.CheckConstraint(
                condition=~Q(status="offered") | Q(offer_expires_at__isnull=False),
                name="enrolment_offer_has_expiry",
            ),
        ]
        indexes = [
            models.Index(fields=["cohort", "status", "created_at"], name="enrolment_cohort_status_idx"),
            models.Index(fields=["status", "offer_expires_at"], name="enrolment_offer_expiry_idx"),
            models.Index(fields=["citizen", "status"], name="enrolment_citizen_status_idx"),
        ]
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")

    def __str__(self) -> str:
        return f"{self.citizen} · {self.cohort} · {self.get_status_display()}"
