"""Attendance: the trainer's roster marks, and the citizens' own check-in with the rotating QR code.

Both write the one Attendance row of a (session, enrolment) pair (a unique constraint): marking again updates
it, so a tablet that resends a tap after a lost answer changes nothing more (the last mark wins). Both lock the
enrolment row first, so a roster tap and a QR scan of the same citizen at the same moment are applied one after
the other, and one citizen scanning twice at once is counted once.

Check-in rules (against a code passed on to a friend who is not in the room):
- the trainer opens check-in for a session, at the earliest CHECKIN_OPENS_BEFORE its start, until the session's
  end + DEFAULT_CHECKIN_AFTER_END (or for a number of minutes they choose); outside that it is refused;
- the code in the QR changes every 30 seconds and is accepted for at most 60 (checkin_codes.py);
- the row records method "qr", so the roster shows who checked themselves in, for the trainer to compare with the
  room; a scan after LATE_AFTER from the start is recorded as late.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mahatat.accounts.models import User

from ..models import Attendance, Cohort, Enrolment, TrainingSession
from . import checkin_codes
from .completion import warn_if_cannot_complete

# A scan this long after the start is recorded as late.
LATE_AFTER = dt.timedelta(minutes=15)
# Check-in can be opened from this long before the start (people arrive early).
CHECKIN_OPENS_BEFORE = dt.timedelta(minutes=30)
# By default check-in stays open until this long after the session's end.
DEFAULT_CHECKIN_AFTER_END = dt.timedelta(minutes=15)
# Present, late or absent can be recorded from this long before the start; "excused" at any time.
MARK_FROM_BEFORE_START = dt.timedelta(hours=1)
# A citizen who scanned a valid code and was sent to sign in may finish within this time.
SIGN_IN_GRACE = dt.timedelta(minutes=10)
# Codes older than this are called "invalid" rather than "expired" in the refusal.
EXPIRED_LOOKBACK = dt.timedelta(hours=6)

CLOSED_COHORT_STATUSES = (Cohort.Status.CANCELLED, Cohort.Status.COMPLETED)


def _check_cohort_open(cohort: Cohort) -> None:
    if cohort.status == Cohort.Status.CANCELLED:
        raise ValidationError(_("This course was cancelled."), code="cohort_cancelled")
    if cohort.status == Cohort.Status.COMPLETED:
        raise ValidationError(
            _("This course is completed: its attendance can no longer be changed."), code="cohort_completed"
        )


def _upsert(
    *, session: TrainingSession, enrolment: Enrolment, status: str, method: str, by: User | None
) -> tuple[Attendance, bool]:
    """Create or update the (session, enrolment) row; the caller holds the enrolment's row lock."""
    attendance = Attendance.objects.filter(session=session, enrolment=enrolment).first()
    if attendance is None:
        try:
            with transaction.atomic():
                attendance = Attendance.objects.create(
                    session=session, enrolment=enrolment, status=status, method=method, marked_by=by
                )
            return attendance, True
        except IntegrityError:  # pragma: no cover - the enrolment lock makes this a last line of defence
            attendance = Attendance.objects.get(session=session, enrolment=enrolment)
    if (attendance.status, attendance.method, attendance.marked_by_id) != (
        status,
        method,
        getattr(by, "pk", None),
    ):
        attendance.status = status
        attendance.method = method
        attendance.marked_by = by
        attendance.save(update_fields=["status", "method", "marked_by", "marked_at"])
    return attendance, False


def mark(
    *,
    session: TrainingSession,
    enrolment: Enrolment,
    status: str,
    by: User | None,
    method: str = Attendance.Method.ROSTER,
    now: dt.datetime | None = None,
) -> Attendance:
    """Record `status` for the citizen of `enrolment` at `session` (the trainer's roster tap). Idempotent.

    Refused (ValidationError with a code): an unknown status, an enrolment of another cohort or without a seat, a
    cancelled or completed course, and present/late/absent long before the session starts (excused may be
    recorded in advance). After an absence the citizen and trainers are warned, once, if the course can no longer
    be completed (completion.warn_if_cannot_complete).
    """
    now = now or timezone.now()
    if status not in Attendance.Status.values:
        raise ValidationError(_("Unknown attendance status."), code="invalid_status")
    if enrolment.cohort_id != session.cohort_id:
        raise ValidationError(_("This person is not in this session's course."), code="wrong_cohort")
    with transaction.atomic():
        locked = Enrolment.objects.select_for_update().select_related("cohort").get(pk=enrolment.pk)
        if locked.status != Enrolment.Status.ENROLLED:
            raise ValidationError(_("This person does not hold a seat in this course."), code="not_enrolled")
        _check_cohort_open(locked.cohort)
        if status != Attendance.Status.EXCUSED and now < session.starts_at - MARK_FROM_BEFORE_START:
            raise ValidationError(
                _("This session has not started yet: only an excused absence can be recorded in advance."),
                code="too_early",
            )
        attendance, _created = _upsert(session=session, enrolment=locked, status=status, method=method, by=by)
        if status not in Attendance.COUNTS_AS_PRESENT:
            warn_if_cannot_complete(enrolment=locked, now=now)
    return attendance


def mark_unmarked_absent(*, session: TrainingSession, by: User | None, now: dt.datetime | None = None) -> int:
    """Mark everyone with a seat and no mark yet as absent (after check-in closes). Returns how many."""
    marked = set(Attendance.objects.filter(session=session).values_list("enrolment_id", flat=True))
    count = 0
    for enrolment in Enrolment.objects.filter(cohort_id=session.cohort_id, status=Enrolment.Status.ENROLLED):
        if enrolment.pk in marked:
            continue
        mark(session=session, enrolment=enrolment, status=Attendance.Status.ABSENT, by=by, now=now)
        count += 1
    return count


# --- Self check-in -------------------------------------------------------------------------------------------


def checkin_is_open(session: TrainingSession, now: dt.datetime | None = None) -> bool:
    now = now or timezone.now()
    return (
        session.checkin_open_until is not None
        and now < session.checkin_open_until
        and now >= session.starts_at - CHECKIN_OPENS_BEFORE
    )


def open_checkin(
    *, session: TrainingSession, by: User, minutes: int | None = None, now: dt.datetime | None = None
) -> TrainingSession:
    """Open self check-in: until the end of the session + 15 minutes, or for `minutes` from now."""
    now = now or timezone.now()
    _check_cohort_open(session.cohort)
    if now < session.starts_at - CHECKIN_OPENS_BEFORE:
        raise ValidationError(
            _("Check-in can be opened from %(minutes)s minutes before the session starts.")
            % {"minutes": int(CHECKIN_OPENS_BEFORE.total_seconds() // 60)},
            code="too_early",
        )
    if minutes is not None:
        if not 1 <= minutes <= 240:
            raise ValidationError(_("Choose between 1 and 240 minutes."), code="invalid_minutes")
        until = now + dt.timedelta(minutes=minutes)
    else:
        until = max(session.ends_at + DEFAULT_CHECKIN_AFTER_END, now + DEFAULT_CHECKIN_AFTER_END)
    session.checkin_open_until = until
    session.save(update_fields=["checkin_open_until"])
    return session


def close_checkin(*, session: TrainingSession, by: User, now: dt.datetime | None = None) -> TrainingSession:
    now = now or timezone.now()
    if session.checkin_open_until is not None and session.checkin_open_until > now:
        session.checkin_open_until = now
        session.save(update_fields=["checkin_open_until"])
    return session


@dataclass(frozen=True)
class CheckIn:
    attendance: Attendance
    session: TrainingSession
    already: bool  # the citizen had already checked in (or been marked present or late)


def _code_refusal(session_id: int, code: str, now: dt.datetime) -> ValidationError:
    """Expired (a real code of this session, from the last hours) or simply not valid."""
    step = checkin_codes.step_at(now)
    lookback = int(EXPIRED_LOOKBACK.total_seconds()) // checkin_codes.STEP_SECONDS
    if isinstance(code, str) and len(code) == checkin_codes.CODE_LENGTH:
        code = code.lower()
        for back in range(lookback):
            if checkin_codes.code_for(session_id, step - back) == code:
                return ValidationError(
                    _(
                        "This code has expired: codes change every 30 seconds. Please scan the code on the screen again."
                    ),
                    code="code_expired",
                )
    return ValidationError(
        _(
            "This check-in code is not valid for this session. Please scan the code on the screen in the room."
        ),
        code="invalid_code",
    )


def check_in(
    *,
    session_id: int,
    code: str,
    citizen: User,
    now: dt.datetime | None = None,
    scanned_at: dt.datetime | None = None,
) -> CheckIn:
    """A citizen checks themself in by the code of the QR on the trainer's screen.

    `scanned_at`: when the code was first seen valid, for a citizen who scanned, had to sign in and came back
    (accepted within SIGN_IN_GRACE; the caller must have checked the code at that moment). Refusals raise
    ValidationError with a code: invalid_code, code_expired, checkin_closed, not_enrolled (and the cohort's
    cancelled/completed). Scanning again (or twice at once) records the citizen once: `already` is then True.
    """
    now = now or timezone.now()
    session = (
        TrainingSession.objects.select_related("cohort__programme", "cohort__station")
        .filter(pk=session_id)
        .first()
    )
    if session is None:
        raise ValidationError(
            _(
                "This check-in code is not valid for this session. Please scan the code on the screen in the room."
            ),
            code="invalid_code",
        )
    code_time = now
    if scanned_at is not None and now - SIGN_IN_GRACE <= scanned_at <= now:
        code_time = scanned_at
    if not checkin_codes.is_valid(session.pk, code, code_time):
        raise _code_refusal(session.pk, code, now)
    if not checkin_is_open(session, now):
        raise ValidationError(
            _("Check-in for this session is closed. Please tell your trainer you are here."),
            code="checkin_closed",
        )
    _check_cohort_open(session.cohort)
    with transaction.atomic():
        enrolment = (
            Enrolment.objects.select_for_update()
            .filter(cohort_id=session.cohort_id, citizen=citizen, status=Enrolment.Status.ENROLLED)
            .first()
        )
        if enrolment is None:
            raise ValidationError(
                _("You do not have a seat in this course, so you cannot check in to it."), code="not_enrolled"
            )
        existing = Attendance.objects.filter(session=session, enrolment=enrolment).first()
        if existing is not None and existing.status in Attendance.COUNTS_AS_PRESENT:
            return CheckIn(attendance=existing, session=session, already=True)
        status = Attendance.Status.LATE if now > session.starts_at + LATE_AFTER else Attendance.Status.PRESENT
        attendance, _created = _upsert(
            session=session,
            enrolment=enrolment,
            status=status,
            method=Attendance.Method.SELF_CHECKIN,
            by=citizen,
        )
    return CheckIn(attendance=attendance, session=session, already=False)
