"""Reads for a citizen's own training: their places grouped by state, attendance and certificates."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from mahatat.accounts.models import User

from ..models import Attendance, Certificate, Cohort, Enrolment, FeedbackResponse, TrainingSession

FINISHED_COHORT_STATUSES = (Cohort.Status.COMPLETED, Cohort.Status.CANCELLED)


@dataclass
class Place:
    """One enrolment as My training shows it."""

    enrolment: Enrolment
    next_session: TrainingSession | None = None
    sessions_total: int = 0
    sessions_held: int = 0
    attended: int = 0
    waitlist_position: int | None = None
    needs_feedback: bool = False

    @property
    def attendance_percent(self) -> int | None:
        if not self.sessions_held:
            return None
        return round(100 * self.attended / self.sessions_held)

    @property
    def required_percent(self) -> int:
        return self.enrolment.cohort.programme.min_attendance_percent

    @property
    def meets_attendance_rule(self) -> bool:
        percent = self.attendance_percent
        return percent is not None and percent >= self.required_percent


@dataclass
class MyTraining:
    current: list[Place] = field(default_factory=list)
    offers: list[Place] = field(default_factory=list)
    waitlist: list[Place] = field(default_factory=list)
    past: list[Place] = field(default_factory=list)

    @property
    def certificates(self) -> list[Enrolment]:
        return [p.enrolment for p in self.past + self.current if _certificate_of(p.enrolment) is not None]

    @property
    def is_empty(self) -> bool:
        return not (self.current or self.offers or self.waitlist or self.past)


def _certificate_of(enrolment: Enrolment) -> Certificate | None:
    try:
        return enrolment.certificate
    except Certificate.DoesNotExist:
        return None


def _has_feedback(enrolment: Enrolment) -> bool:
    try:
        enrolment.feedback  # noqa: B018
    except FeedbackResponse.DoesNotExist:
        return False
    return True


def enrolments_of(user: User) -> QuerySet[Enrolment]:
    """Every place of the user, with what the page shows about it, in one query (waitlist position included)."""
    ahead = (
        Enrolment.objects.filter(cohort=OuterRef("cohort"), status=Enrolment.Status.WAITLISTED)
        .filter(
            Q(created_at__lt=OuterRef("created_at"))
            | Q(created_at=OuterRef("created_at"), id__lt=OuterRef("id"))
        )
        .order_by()
        .values("cohort")
        .annotate(n=Count("id"))
        .values("n")
    )
    return (
        Enrolment.objects.filter(citizen=user)
        .select_related("cohort__programme", "cohort__station", "certificate", "feedback")
        .annotate(ahead=Coalesce(Subquery(ahead, output_field=IntegerField()), 0))
        .order_by("-created_at", "-id")
    )


def my_training(user: User, *, now: dt.datetime | None = None) -> MyTraining:
    """What My training shows, in a fixed number of queries (enrolments, sessions, attendance counts)."""
    now = now or timezone.now()
    enrolments = list(enrolments_of(user))
    cohort_ids = {e.cohort_id for e in enrolments if e.status == Enrolment.Status.ENROLLED}
    sessions_by_cohort: dict[int, list[TrainingSession]] = {}
    if cohort_ids:
        for session in TrainingSession.objects.filter(cohort_id__in=cohort_ids).order_by("starts_at", "id"):
            sessions_by_cohort.setdefault(session.cohort_id, []).append(session)
    attended: dict[int, int] = {}
    enrolled_ids = [e.pk for e in enrolments if e.status == Enrolment.Status.ENROLLED]
    if enrolled_ids:
        attended = dict(
            Attendance.objects.filter(enrolment_id__in=enrolled_ids, status__in=Attendance.COUNTS_AS_PRESENT)
            .values("enrolment_id")
            .annotate(n=Count("id"))
            .values_list("enrolment_id", "n")
        )
    result = MyTraining()
    for enrolment in enrolments:
        place = Place(enrolment=enrolment)
        cohort = enrolment.cohort
        if enrolment.status == Enrolment.Status.ENROLLED:
            sessions = sessions_by_cohort.get(cohort.pk, [])
            place.sessions_total = len(sessions)
            place.sessions_held = sum(1 for s in sessions if s.starts_at <= now)
            place.next_session = next((s for s in sessions if s.ends_at > now), None)
            place.attended = attended.get(enrolment.pk, 0)
            finished = (
                cohort.status in FINISHED_COHORT_STATUSES or enrolment.outcome != Enrolment.Outcome.PENDING
            )
            if finished:
                place.needs_feedback = cohort.status == Cohort.Status.COMPLETED and not _has_feedback(
                    enrolment
                )
                result.past.append(place)
            else:
                result.current.append(place)
        elif enrolment.status == Enrolment.Status.OFFERED:
            result.offers.append(place)
        elif enrolment.status == Enrolment.Status.WAITLISTED:
            place.waitlist_position = enrolment.ahead + 1  # type: ignore[attr-defined]
            result.waitlist.append(place)
        else:
            result.past.append(place)
    # Current seats: the soonest next session first.
    far = now + dt.timedelta(days=36500)
    result.current.sort(key=lambda p: p.next_session.starts_at if p.next_session else far)
    return result
