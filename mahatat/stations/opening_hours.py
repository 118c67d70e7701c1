"""When a station is open: weekly hours, date exceptions and public holidays, in Asia/Amman time.

The functions work on rows already loaded (prefetched), so a page that shows many stations makes no query per
station. Load them with `Station.objects.with_hours(...)` (see selectors.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils import timezone

from .models import WEEK_ORDER, HoursException, OpeningHours, PublicHoliday, Weekday


@dataclass(frozen=True)
class DaySchedule:
    date: dt.date
    periods: tuple[tuple[dt.time, dt.time], ...]
    note: str = ""

    @property
    def closed(self) -> bool:
        return not self.periods


@dataclass(frozen=True)
class OpenStatus:
    is_open: bool
    closes_at: dt.time | None = None
    next_opening: dt.datetime | None = None
    note: str = ""


def day_schedule(
    day: dt.date,
    hours: Iterable[OpeningHours],
    exceptions: Iterable[HoursException],
    holidays: Iterable[PublicHoliday],
    *,
    english: bool = False,
) -> DaySchedule:
    for holiday in holidays:
        if holiday.date == day:
            return DaySchedule(day, (), holiday.name_en if english else holiday.name_ar)
    for exception in exceptions:
        if exception.date == day:
            note = (exception.reason_en if english else "") or exception.reason_ar
            if exception.closed or exception.opens is None or exception.closes is None:
                return DaySchedule(day, (), note)
            return DaySchedule(day, ((exception.opens, exception.closes),), note)
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
    """Whether a station is open at `now` (aware), and if not, when it opens next (within two weeks)."""
    hours, exceptions, holidays = list(hours), list(exceptions), list(holidays)
    local = timezone.localtime(now)
    today = day_schedule(local.date(), hours, exceptions, holidays, english=english)
    for opens, closes in today.periods:
        if opens <= local.time() < closes:
            return OpenStatus(True, closes_at=closes, note=today.note)
    for offset in range(0, 15):
        day = local.date() + dt.timedelta(days=offset)
        schedule = day_schedule(day, hours, exceptions, holidays, english=english)
        for opens, _closes in schedule.periods:
            start = timezone.make_aware(dt.datetime.combine(day, opens), timezone.get_current_timezone())
            if start > local:
                return OpenStatus(False, next_opening=start, note=today.note)
    return OpenStatus(False, note=today.note)


def weekly_table(hours: Iterable[OpeningHours]) -> list[tuple[str, list[tuple[dt.time, dt.time]]]]:
    """The usual week, Sunday first, as (day name, periods) pairs; a day with no periods is closed."""
    hours = list(hours)
    rows = []
    for weekday in WEEK_ORDER:
        periods = sorted((h.opens, h.closes) for h in hours if h.weekday == weekday)
        rows.append((str(Weekday(weekday).label), periods))
    return rows
