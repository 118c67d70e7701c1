"""Reads for the roster and the check-in display: a fixed number of queries whatever the size of the cohort."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils.translation import get_language

from ..models import Attendance, Enrolment, TrainingSession


@dataclass
class RosterRow:
    enrolment: Enrolment
    name: str
    status: str  # "" when not marked yet
    method: str
    warned: bool


def session_for_attendance(pk: int) -> TrainingSession | None:
    return (
        TrainingSession.objects.select_related("cohort__programme", "cohort__station", "trainer")
        .filter(pk=pk)
        .first()
    )


def _name(enrolment: Enrolment) -> str:
    profile = getattr(enrolment.citizen, "citizen_profile", None)
    if profile is None:
        return str(enrolment.citizen)
    english = (get_language() or "ar")[:2] == "en"
    return (profile.name_en if english and profile.name_en else profile.name_ar) or str(enrolment.citizen)


def roster_rows(session: TrainingSession, *, enrolment_id: int | None = None) -> list[RosterRow]:
    """Everyone holding a seat in the session's cohort, with their mark for this session (two queries)."""
    enrolments = Enrolment.objects.filter(
        cohort_id=session.cohort_id, status=Enrolment.Status.ENROLLED
    ).select_related("citizen__citizen_profile")
    marks = Attendance.objects.filter(session=session)
    if enrolment_id is not None:
        enrolments = enrolments.filter(pk=enrolment_id)
        marks = marks.filter(enrolment_id=enrolment_id)
    by_enrolment = {a.enrolment_id: a for a in marks}
    rows = []
    for enrolment in enrolments:
        mark = by_enrolment.get(enrolment.pk)
        rows.append(
            RosterRow(
                enrolment=enrolment,
                name=_name(enrolment),
                status=mark.status if mark else "",
                method=mark.method if mark else "",
                warned=enrolment.absence_warned_at is not None,
            )
        )
    rows.sort(key=lambda row: row.name)
    return rows


@dataclass(frozen=True)
class Counts:
    attending: int  # present or late
    marked: int
    total: int  # seats held
    self_checked_in: int


def counts(session: TrainingSession) -> Counts:
    """Present or late over everyone holding a seat (one query)."""
    seated = Q(enrolment__status=Enrolment.Status.ENROLLED)
    result = Attendance.objects.filter(session=session).aggregate(
        attending=Count("pk", filter=seated & Q(status__in=Attendance.COUNTS_AS_PRESENT)),
        marked=Count("pk", filter=seated),
        qr=Count("pk", filter=seated & Q(method=Attendance.Method.SELF_CHECKIN)),
    )
    total = Enrolment.objects.filter(cohort_id=session.cohort_id, status=Enrolment.Status.ENROLLED).count()
    return Counts(
        attending=result["attending"], marked=result["marked"], total=total, self_checked_in=result["qr"]
    )
