"""Completion of a cohort: who met the programme's rule, and who can no longer meet it.

The rule (Programme.min_attendance_percent, and Programme.min_assessment_score when set):

- **Attendance is counted in hours, not in sessions.** Each session weighs its length (ends_at - starts_at), so
  missing a four-hour workshop costs more than missing a one-hour review. Present and late both count as
  attended (Attendance.COUNTS_AS_PRESENT).
- **Excused absences leave the denominator.** An excused session neither counts for nor against the citizen: the
  percentage is attended hours over (all session hours - excused hours). If every session is excused (or the
  cohort has no sessions) nothing was attended and the percentage is 0: no certificate without attendance.
- **A session without a mark** counts as still open while the course runs (the citizen may yet attend or the
  trainer may yet mark it), and as absent at the final evaluation.
- **The assessment score**, when the programme sets a minimum, must be recorded and at least that minimum at the
  final evaluation. A missing score then means "not completed".

`evaluate_enrolment(final=False)` only reads. `evaluate_enrolment(final=True)` and `evaluate_cohort` write the
outcome. `warn_if_cannot_complete` tells the citizen and the trainers, once, when the rule can no longer be met
even by attending every remaining session; attendance.mark() calls it after every mark that is not
"present" or "late" (a check-in only ever adds attendance).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from mahatat.core.notifications import notify

from ..models import Attendance, Cohort, Enrolment, Trainer, TrainingSession
from .certificates import issue_certificate_later

ATTENDED = frozenset(Attendance.COUNTS_AS_PRESENT)


@dataclass(frozen=True)
class Progress:
    """Where a citizen stands against the completion rule. Hours are floats (sessions may last 1.5 hours)."""

    total_hours: float  # all session hours of the cohort
    excused_hours: float
    attended_hours: float  # present or late
    missed_hours: float  # marked absent (and, at the final evaluation, never marked)
    open_hours: float  # not marked yet (0 at the final evaluation)
    required_percent: int
    min_score: int | None
    score: int | None

    @property
    def counted_hours(self) -> float:
        """The denominator: every session hour except the excused ones."""
        return self.total_hours - self.excused_hours

    @property
    def percent(self) -> float:
        """Attended hours over counted hours, 0-100 (0 when there is nothing to count)."""
        if self.counted_hours <= 0:
            return 0.0
        return 100 * self.attended_hours / self.counted_hours

    @property
    def best_possible_percent(self) -> float:
        """The percentage reached if the citizen attends every session not marked yet."""
        if self.counted_hours <= 0:
            return 0.0
        return 100 * (self.attended_hours + self.open_hours) / self.counted_hours

    @property
    def meets_attendance(self) -> bool:
        # A small tolerance: 16 of 20 hours is 80 % even when float division says 79.999…
        return self.counted_hours > 0 and self.percent + 1e-9 >= self.required_percent

    @property
    def can_still_meet_attendance(self) -> bool:
        return self.counted_hours > 0 and self.best_possible_percent + 1e-9 >= self.required_percent

    @property
    def meets_assessment(self) -> bool:
        return self.min_score is None or (self.score is not None and self.score >= self.min_score)

    @property
    def completed(self) -> bool:
        return self.meets_attendance and self.meets_assessment


def _progress(
    *,
    enrolment: Enrolment,
    sessions: Iterable[TrainingSession],
    marks: Mapping[int, str],
    final: bool,
) -> Progress:
    """`marks` maps session id -> attendance status for this enrolment."""
    total = excused = attended = missed = open_ = 0.0
    for session in sessions:
        hours = session.hours
        total += hours
        status = marks.get(session.pk)
        if status == Attendance.Status.EXCUSED:
            excused += hours
        elif status in ATTENDED:
            attended += hours
        elif status == Attendance.Status.ABSENT or final:
            missed += hours
        else:
            open_ += hours
    programme = enrolment.cohort.programme
    return Progress(
        total_hours=total,
        excused_hours=excused,
        attended_hours=attended,
        missed_hours=missed,
        open_hours=open_,
        required_percent=programme.min_attendance_percent,
        min_score=programme.min_assessment_score,
        score=enrolment.assessment_score,
    )


def _load_enrolment(enrolment: Enrolment) -> tuple[list[TrainingSession], dict[int, str]]:
    sessions = list(
        TrainingSession.objects.filter(cohort_id=enrolment.cohort_id).only("id", "starts_at", "ends_at")
    )
    marks = dict(Attendance.objects.filter(enrolment=enrolment).values_list("session_id", "status"))
    return sessions, marks


def evaluate_enrolment(
    *, enrolment: Enrolment, final: bool = False, now: dt.datetime | None = None
) -> Progress:
    """Where `enrolment` stands against the completion rule.

    With final=False this only reads (pages may call it to show progress). With final=True it records the outcome
    (completed / not completed, completed_at = when it was decided) and, when completed, asks for the certificate
    once the transaction commits.
    """
    sessions, marks = _load_enrolment(enrolment)
    progress = _progress(enrolment=enrolment, sessions=sessions, marks=marks, final=final)
    if final:
        with transaction.atomic():
            _record_outcome(enrolment=enrolment, progress=progress, now=now or timezone.now())
    return progress


def _record_outcome(*, enrolment: Enrolment, progress: Progress, now: dt.datetime) -> None:
    outcome = Enrolment.Outcome.COMPLETED if progress.completed else Enrolment.Outcome.NOT_COMPLETED
    if enrolment.outcome != outcome or enrolment.completed_at is None:
        enrolment.outcome = outcome
        enrolment.completed_at = now
        enrolment.save(update_fields=["outcome", "completed_at", "updated_at"])
    if outcome == Enrolment.Outcome.COMPLETED:
        # Issued after commit, once per enrolment (the certificates service is idempotent).
        issue_certificate_later(enrolment.pk)


@transaction.atomic
def evaluate_cohort(*, cohort: Cohort, now: dt.datetime | None = None) -> dict[int, Progress]:
    """The final evaluation of every enrolled place of a finished cohort; returns progress by enrolment id.

    Reads the sessions and all attendance of the cohort in two queries, then writes each outcome. Running it again
    gives the same outcomes (an outcome already decided keeps its completed_at) and asks again for certificates,
    which the certificates service issues only once.
    """
    now = now or timezone.now()
    enrolments = list(
        Enrolment.objects.filter(cohort=cohort, status=Enrolment.Status.ENROLLED).select_related(
            "cohort__programme"
        )
    )
    sessions = list(TrainingSession.objects.filter(cohort=cohort).only("id", "starts_at", "ends_at"))
    marks: dict[int, dict[int, str]] = {}
    for enrolment_id, session_id, status in Attendance.objects.filter(session__cohort=cohort).values_list(
        "enrolment_id", "session_id", "status"
    ):
        marks.setdefault(enrolment_id, {})[session_id] = status
    results: dict[int, Progress] = {}
    for enrolment in enrolments:
        progress = _progress(
            enrolment=enrolment, sessions=sessions, marks=marks.get(enrolment.pk, {}), final=True
        )
        _record_outcome(enrolment=enrolment, progress=progress, now=now)
        results[enrolment.pk] = progress
    return results


# --- The warning when the rule can no longer be met ----------------------------------------------------------


def _percent(value: float) -> str:
    return f"{value:.0f}"


def _citizen_message(enrolment: Enrolment, progress: Progress) -> tuple[str, str]:
    programme = enrolment.cohort.programme
    subject = _("%(programme)s: too many absences to complete the course") % {"programme": programme.title}
    body = _(
        "Your absences from %(programme)s at %(station)s mean you can no longer reach the %(required)s%% attendance "
        "needed to complete it, even by attending every remaining session (at most %(best)s%%). You may keep "
        "attending, but no certificate can be issued. If an absence was excused, please ask your trainer to record it."
    ) % {
        "programme": programme.title,
        "station": enrolment.cohort.station.name,
        "required": progress.required_percent,
        "best": _percent(progress.best_possible_percent),
    }
    return subject, body


def _trainer_message(enrolment: Enrolment, progress: Progress) -> tuple[str, str]:
    programme = enrolment.cohort.programme
    subject = _("%(programme)s: a participant can no longer complete") % {"programme": programme.title}
    body = _(
        "%(citizen)s, in %(programme)s at %(station)s (starting %(start)s), can no longer reach the %(required)s%% "
        "attendance needed to complete: %(attended)s%% so far, at most %(best)s%% by the end. Please check the "
        "roster; an absence with a valid reason can be marked as excused."
    ) % {
        "citizen": _citizen_name(enrolment),
        "programme": programme.title,
        "station": enrolment.cohort.station.name,
        "start": enrolment.cohort.starts_on.isoformat() if enrolment.cohort.starts_on else "–",
        "required": progress.required_percent,
        "attended": _percent(progress.percent),
        "best": _percent(progress.best_possible_percent),
    }
    return subject, body


def _citizen_name(enrolment: Enrolment) -> str:
    profile = getattr(enrolment.citizen, "citizen_profile", None)
    if profile is not None:
        english = (translation.get_language() or "ar")[:2] == "en"
        return (profile.name_en if english and profile.name_en else profile.name_ar) or str(enrolment.citizen)
    return str(enrolment.citizen)


def trainers_of(cohort: Cohort) -> list[Trainer]:
    """The cohort's trainers and those teaching any of its sessions, each once."""
    return list(
        Trainer.objects.filter(Q(cohorts=cohort) | Q(sessions__cohort=cohort))
        .distinct()
        .select_related("user")
        .order_by("pk")
    )


@transaction.atomic
def warn_if_cannot_complete(*, enrolment: Enrolment, now: dt.datetime | None = None) -> bool:
    """Tell the citizen and the cohort's trainers, once, that the attendance rule can no longer be met.

    "Can no longer be met": even attending every session not yet marked, the percentage stays below the minimum
    (sessions already marked absent are lost; excused ones leave the denominator). The enrolment row is locked so
    two marks at once send one warning. Returns True when the warning was sent now.
    """
    locked = (
        Enrolment.objects.select_for_update()
        .select_related("cohort__programme", "cohort__station", "citizen")
        .get(pk=enrolment.pk)
    )
    if locked.absence_warned_at is not None or locked.status != Enrolment.Status.ENROLLED:
        return False
    if locked.outcome != Enrolment.Outcome.PENDING:
        return False
    sessions, marks = _load_enrolment(locked)
    progress = _progress(enrolment=locked, sessions=sessions, marks=marks, final=False)
    if progress.counted_hours <= 0 or progress.can_still_meet_attendance:
        return False
    locked.absence_warned_at = now or timezone.now()
    locked.save(update_fields=["absence_warned_at", "updated_at"])
    enrolment.absence_warned_at = locked.absence_warned_at

    citizen = locked.citizen
    with translation.override(citizen.preferred_language or "ar"):
        subject, body = _citizen_message(locked, progress)
    notify(email=citizen.email or "", phone=citizen.phone or "", subject=subject, body=body)
    for trainer in trainers_of(locked.cohort):
        user = trainer.user
        language = user.preferred_language if user is not None else locked.cohort.language
        email = trainer.email or (user.email if user is not None else "") or ""
        phone = trainer.phone or (user.phone if user is not None else "") or ""
        if not (email or phone):
            continue
        with translation.override(language or "ar"):
            subject, body = _trainer_message(locked, progress)
        notify(email=email, phone=phone, subject=subject, body=body)
    return True
