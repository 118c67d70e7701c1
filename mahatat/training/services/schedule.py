"""The sessions of a cohort: a trainer is never booked into two overlapping sessions, at any station.

Every write locks the cohort row and then the trainer row(s), in that order (SELECT ... FOR UPDATE on
PostgreSQL; on SQLite the IMMEDIATE transaction already holds the database's write lock), and only then looks
for a clash, so two bookings of the same trainer racing for the same hour cannot both pass the check. Two
sessions clash when `start < other.end and end > other.start` (back-to-back sessions do not clash).

The trainer's weekly availability is advice, not a rule: trainers are often booked ad hoc, so a session outside
it is accepted and `availability_warning` gives the text the page shows.

Each write keeps the cohort's `starts_on`/`ends_on` (the first and last session days, in Amman time) current.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Min
from django.utils.formats import date_format, time_format
from django.utils.translation import gettext as _

from mahatat.core.dates import AMMAN, to_amman

from ..models import Attendance, Cohort, Trainer, TrainingSession

# Cohorts whose schedule can no longer change.
CLOSED_STATUSES = (Cohort.Status.COMPLETED, Cohort.Status.CANCELLED)
# The longest a single session may last (a whole-day workshop).
MAX_SESSION = dt.timedelta(hours=12)


class _Keep:
    """Marks an argument of update_session that keeps its current value."""

    def __repr__(self) -> str:
        return "KEEP"


KEEP: Any = _Keep()


def describe_when(starts_at: dt.datetime, ends_at: dt.datetime) -> str:
    """'Sunday 6 December 2026, 17:00–19:00' in Amman time and the active language."""
    start, end = to_amman(starts_at), to_amman(ends_at)
    day = date_format(start.date(), "l j F Y")
    if end.date() != start.date():
        return _("%(day)s %(start)s – %(end_day)s %(end)s") % {
            "day": day,
            "start": time_format(start.time(), "H:i"),
            "end_day": date_format(end.date(), "l j F Y"),
            "end": time_format(end.time(), "H:i"),
        }
    return _("%(day)s, %(start)s–%(end)s") % {
        "day": day,
        "start": time_format(start.time(), "H:i"),
        "end": time_format(end.time(), "H:i"),
    }


def _clash_error(trainer: Trainer, clash: TrainingSession) -> ValidationError:
    return ValidationError(
        _(
            "%(trainer)s is already teaching at that time: %(programme)s at %(station)s, %(when)s. "
            "Choose another time or another trainer."
        )
        % {
            "trainer": trainer.name,
            "programme": clash.cohort.programme.title,
            "station": clash.cohort.station.name,
            "when": describe_when(clash.starts_at, clash.ends_at),
        },
        code="trainer_busy",
    )


def _validate_times(starts_at: dt.datetime, ends_at: dt.datetime) -> None:
    if ends_at <= starts_at:
        raise ValidationError(_("A session must end after it starts."), code="session_order")
    if ends_at - starts_at > MAX_SESSION:
        raise ValidationError(_("A session cannot last more than 12 hours."), code="session_too_long")


def _lock_cohort(cohort: Cohort) -> Cohort:
    locked = Cohort.objects.select_for_update().get(pk=cohort.pk)
    if locked.status in CLOSED_STATUSES:
        raise ValidationError(
            _("The schedule of a %(status)s course cannot be changed.")
            % {"status": locked.get_status_display().lower()},
            code="cohort_closed",
        )
    return locked


def _lock_trainers(pks: Iterable[int | None]) -> dict[int, Trainer]:
    """Lock the trainers' rows in primary-key order (a fixed order, so two writers cannot deadlock)."""
    wanted = sorted({pk for pk in pks if pk is not None})
    if not wanted:
        return {}
    return {t.pk: t for t in Trainer.objects.select_for_update().filter(pk__in=wanted).order_by("pk")}


def find_clash(
    *,
    trainer: Trainer,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    exclude: Sequence[int] = (),
) -> TrainingSession | None:
    """The trainer's first session overlapping [starts_at, ends_at), in any cohort at any station."""
    return (
        TrainingSession.objects.filter(trainer=trainer, starts_at__lt=ends_at, ends_at__gt=starts_at)
        .exclude(pk__in=exclude)
        .exclude(cohort__status=Cohort.Status.CANCELLED)
        .select_related("cohort__programme", "cohort__station")
        .order_by("starts_at", "id")
        .first()
    )


def _check_trainer(
    trainer: Trainer | None, starts_at: dt.datetime, ends_at: dt.datetime, exclude: Sequence[int] = ()
) -> None:
    if trainer is None:
        return
    if not trainer.is_active:
        raise ValidationError(
            _("%(trainer)s is no longer active in the trainer pool.") % {"trainer": trainer.name},
            code="trainer_inactive",
        )
    clash = find_clash(trainer=trainer, starts_at=starts_at, ends_at=ends_at, exclude=exclude)
    if clash is not None:
        raise _clash_error(trainer, clash)


def refresh_cohort_dates(cohort: Cohort) -> None:
    """Set starts_on/ends_on to the first and last session days (Amman time), or clear them."""
    bounds = TrainingSession.objects.filter(cohort=cohort).aggregate(
        first=Min("starts_at"), last=Max("ends_at")
    )
    starts_on = to_amman(bounds["first"]).date() if bounds["first"] else None
    ends_on = to_amman(bounds["last"]).date() if bounds["last"] else None
    if (cohort.starts_on, cohort.ends_on) != (starts_on, ends_on):
        cohort.starts_on, cohort.ends_on = starts_on, ends_on
        cohort.save(update_fields=["starts_on", "ends_on", "updated_at"])


def availability_warning(*, trainer: Trainer | None, starts_at: dt.datetime, ends_at: dt.datetime) -> str:
    """A sentence for the page when the session falls outside the trainer's weekly availability ('' if not).

    A trainer with no availability entered is taken to be available at any time.
    """
    if trainer is None:
        return ""
    slots = list(trainer.availability.all())
    if not slots:
        return ""
    start, end = to_amman(starts_at), to_amman(ends_at)
    if start.date() == end.date():
        for slot in slots:
            if slot.weekday == start.weekday() and slot.start <= start.time() and end.time() <= slot.end:
                return ""
    return _("%(trainer)s is not usually available at this time (%(when)s). The session was kept.") % {
        "trainer": trainer.name,
        "when": describe_when(starts_at, ends_at),
    }


def _attach_trainer(cohort: Cohort, trainer: Trainer | None) -> None:
    if trainer is not None:
        cohort.trainers.add(trainer)  # idempotent: the cohort lists everyone who teaches one of its sessions


@transaction.atomic
def add_session(
    *,
    cohort: Cohort,
    trainer: Trainer | None,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    room: str = "",
) -> TrainingSession:
    """Add a session to the cohort. Refused (ValidationError) when the trainer is busy then (code
    "trainer_busy", naming the clashing session), inactive, or the times are out of order."""
    _validate_times(starts_at, ends_at)
    locked = _lock_cohort(cohort)
    trainers = _lock_trainers([trainer.pk if trainer else None])
    trainer = trainers.get(trainer.pk) if trainer is not None else None
    _check_trainer(trainer, starts_at, ends_at)
    session = TrainingSession.objects.create(
        cohort=locked, trainer=trainer, starts_at=starts_at, ends_at=ends_at, room=room.strip()
    )
    _attach_trainer(locked, trainer)
    refresh_cohort_dates(locked)
    cohort.starts_on, cohort.ends_on = locked.starts_on, locked.ends_on
    return session


@transaction.atomic
def update_session(
    *,
    session: TrainingSession,
    trainer: Trainer | None = KEEP,
    starts_at: dt.datetime | None = None,
    ends_at: dt.datetime | None = None,
    room: str | None = None,
) -> TrainingSession:
    """Change a session's trainer, times or room (arguments left out keep their value), with the same checks
    as add_session; the session's own current times never count as a clash."""
    current = TrainingSession.objects.select_related("cohort").get(pk=session.pk)
    locked = _lock_cohort(current.cohort)
    new_trainer_pk = current.trainer_id if trainer is KEEP else (trainer.pk if trainer is not None else None)
    trainers = _lock_trainers([current.trainer_id, new_trainer_pk])
    new_trainer = trainers.get(new_trainer_pk) if new_trainer_pk is not None else None
    new_start = starts_at or current.starts_at
    new_end = ends_at or current.ends_at
    _validate_times(new_start, new_end)
    _check_trainer(new_trainer, new_start, new_end, exclude=[current.pk])
    current.trainer = new_trainer
    current.starts_at, current.ends_at = new_start, new_end
    if room is not None:
        current.room = room.strip()
    current.save(update_fields=["trainer", "starts_at", "ends_at", "room"])
    _attach_trainer(locked, new_trainer)
    refresh_cohort_dates(locked)
    for name in ("trainer", "starts_at", "ends_at", "room"):
        setattr(session, name, getattr(current, name))
    return current


@transaction.atomic
def delete_session(*, session: TrainingSession) -> None:
    """Delete a session. Refused once attendance has been recorded for it (the record would be lost)."""
    current = TrainingSession.objects.select_related("cohort").get(pk=session.pk)
    locked = _lock_cohort(current.cohort)
    if Attendance.objects.filter(session=current).exists():
        raise ValidationError(
            _(
                "Attendance has been taken for this session, so it cannot be deleted. Change its time instead."
            ),
            code="has_attendance",
        )
    current.delete()
    refresh_cohort_dates(locked)


@dataclass(frozen=True)
class SeriesSlot:
    """One session a series would create (local Amman times)."""

    starts_at: dt.datetime
    ends_at: dt.datetime


def series_slots(
    *,
    weekdays: Iterable[int],
    start_time: dt.time,
    end_time: dt.time,
    first_day: dt.date,
    weeks: int,
) -> list[SeriesSlot]:
    """The sessions of 'every <weekdays> <start>–<end> from <first_day> for <weeks> weeks', in order.

    `weekdays` use Python's numbering (Monday 0 … Sunday 6). The weeks count from first_day: weeks=2 from a
    Sunday on Sundays and Tuesdays gives that Sunday, the Tuesday after, and the same two days a week later.
    """
    days = set(weekdays)
    if not days:
        raise ValidationError(_("Choose at least one day of the week."), code="no_weekdays")
    if not 1 <= weeks <= 52:
        raise ValidationError(_("A series runs for 1 to 52 weeks."), code="series_weeks")
    if end_time <= start_time:
        raise ValidationError(_("A session must end after it starts."), code="session_order")
    slots = []
    for offset in range(weeks * 7):
        day = first_day + dt.timedelta(days=offset)
        if day.weekday() in days:
            slots.append(
                SeriesSlot(
                    starts_at=dt.datetime.combine(day, start_time, tzinfo=AMMAN),
                    ends_at=dt.datetime.combine(day, end_time, tzinfo=AMMAN),
                )
            )
    return slots


@transaction.atomic
def add_series(
    *,
    cohort: Cohort,
    trainer: Trainer | None,
    weekdays: Iterable[int],
    start_time: dt.time,
    end_time: dt.time,
    first_day: dt.date,
    weeks: int,
    room: str = "",
) -> list[TrainingSession]:
    """Add a weekly series of sessions through add_session, all or nothing: the first refusal (a trainer
    clash names the clashing session and the date of the series it hit) undoes the whole series."""
    slots = series_slots(
        weekdays=weekdays, start_time=start_time, end_time=end_time, first_day=first_day, weeks=weeks
    )
    sessions = []
    for slot in slots:
        try:
            sessions.append(
                add_session(
                    cohort=cohort, trainer=trainer, starts_at=slot.starts_at, ends_at=slot.ends_at, room=room
                )
            )
        except ValidationError as error:
            if getattr(error, "code", None) != "trainer_busy":
                raise
            raise ValidationError(
                _("Nothing was added. The session of %(day)s clashes: %(reason)s")
                % {"day": date_format(slot.starts_at.date(), "l j F Y"), "reason": error.messages[0]},
                code="trainer_busy",
            ) from None
    return sessions
