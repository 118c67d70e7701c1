"""When a station is open: weekly hours, date exceptions and public holidays, in Asia/Amman time.

The functions work on rows already loaded (prefetched), so a page that shows many stations makes no query per
station. Load them with `selectors.stations_with_hours(...)`.

Precedence for a day: the station's own exception for that date (closed, or other hours) first, then a public
holiday that applies to the station (closed), then the usual weekly hours.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from mahatat.core.dates import AMMAN, to_amman

from .models import WEEK_ORDER, HoursException, OpeningHours, PublicHoliday, Weekday

# How far ahead "closed now" looks for the next opening.
NEXT_OPENING_HORIZON_DAYS = 14

Period = tuple[dt.time, dt.time]


@dataclass(frozen=True)
class DaySchedule:
    date: dt.date
    periods: tuple[Period, ...]
    note: str = ""
    special: bool = False  # a holiday or an exception, not the usual weekly hours

    @property
    def closed(self) -> bool:
        return not self.periods


@dataclass(frozen=True)
class OpenStatus:
    is_open: bool
    closes_at: dt.time | None = None
    next_opening: dt.datetime | None = None  # aware, Amman time
    note: str = ""


@dataclass(frozen=True)
class WeekRow:
    weekday: int
    label: str
    periods: list[Period]
    is_today: bool = False


def _reason(exception: HoursException, english: bool) -> str:
    return (exception.reason_en if english else "") or exception.reason_ar


def day_schedule(
    day: dt.date,
    hours: Iterable[OpeningHours],
    exceptions: Iterable[HoursException],
    holidays: Iterable[PublicHoliday],
    *,
    english: bool = False,
) -> DaySchedule:
    for exception in exceptions:
        if exception.date == day:
            note = _reason(exception, english)
            if exception.closed or exception.opens is None or exception.closes is None:
                return DaySchedule(day, (), note, special=True)
            return DaySchedule(day, ((exception.opens, exception.closes),), note, special=True)
    for holiday in holidays:
        if holiday.date == day:
            return DaySchedule(day, (), (holiday.name_en if english else "") or holiday.name_ar, special=True)
    periods = sorted((h.opens, h.closes) for h in hours if h.weekday == day.isoweekday())
    return DaySchedule(day, tuple(periods))


def open_status(
    now: dt.datetime,
    hours: Iterable[OpeningHours],
    exceptions: Iterable[HoursException],
    holidays: Iterable[PublicHoliday],
    *,
    english: bool = False,
) -> OpenStatus:
    """Whether a station is open at `now`, and if not, when it opens next (within two weeks).

    `now` is read in Amman time whatever its zone (a naive value is taken to be Amman time).
    """
    hours, exceptions, holidays = list(hours), list(exceptions), list(holidays)
    local = to_amman(now)
    today = day_schedule(local.date(), hours, exceptions, holidays, english=english)
    for opens, closes in today.periods:
        if opens <= local.time() < closes:
            return OpenStatus(True, closes_at=closes, note=today.note)
    for offset in range(NEXT_OPENING_HORIZON_DAYS + 1):
        day = local.date() + dt.timedelta(days=offset)
        schedule = day_schedule(day, hours, exceptions, holidays, english=english)
        for opens, _closes in schedule.periods:
            start = dt.datetime.combine(day, opens, tzinfo=AMMAN)
            if start > local:
                return OpenStatus(False, next_opening=start, note=today.note)
    return OpenStatus(False, note=today.note)


def weekly_table(hours: Iterable[OpeningHours], *, today: dt.date | None = None) -> list[WeekRow]:
    """The usual week, Sunday first; a day with no periods is closed."""
    hours = list(hours)
    rows = []
    for weekday in WEEK_ORDER:
        periods = sorted((h.opens, h.closes) for h in hours if h.weekday == weekday)
        is_today = today is not None and today.isoweekday() == weekday
        rows.append(WeekRow(weekday, str(Weekday(weekday).label), periods, is_today))
    return rows


def special_days(
    start: dt.date,
    days: int,
    hours: Iterable[OpeningHours],
    exceptions: Iterable[HoursException],
    holidays: Iterable[PublicHoliday],
    *,
    english: bool = False,
) -> list[DaySchedule]:
    """The days from `start` (inclusive, `days` of them) that differ from the usual week: holidays, exceptions."""
    hours, exceptions, holidays = list(hours), list(exceptions), list(holidays)
    result = []
    for offset in range(days):
        schedule = day_schedule(
            start + dt.timedelta(days=offset), hours, exceptions, holidays, english=english
        )
        if schedule.special:
            result.append(schedule)
    return result


def overlapping(periods: Iterable[tuple[int, dt.time, dt.time]]) -> list[int]:
    """The weekdays on which two of the given (weekday, opens, closes) periods overlap."""
    by_day: dict[int, list[Period]] = {}
    for weekday, opens, closes in periods:
        by_day.setdefault(weekday, []).append((opens, closes))
    clashes = []
    for weekday in WEEK_ORDER:
        spans = sorted(by_day.get(weekday, []))
        if any(later[0] < earlier[1] for earlier, later in zip(spans, spans[1:], strict=False)):
            clashes.append(weekday)
    return clashes
