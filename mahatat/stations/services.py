"""Writes that touch a station and its hours together, atomically, with the history naming who changed what.

Every write here records the acting user on each historical row (django-simple-history), so the station's edit
page can list the last changes: who, when, which fields. The station's own historical row carries, as its
change reason, the names of everything the write changed (fields, services, opening hours, exceptions):
`CHANGE_REASON_PREFIX` followed by the names, comma-separated.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.utils.translation import gettext as _

from mahatat.core.dates import local_today

from .models import HoursException, OpeningHours, PublicHoliday, Station, Weekday
from .opening_hours import overlapping

# Names for what is not a field of Station, in the change list of a historical row.
OPENING_HOURS = "opening_hours"
HOURS_EXCEPTIONS = "hours_exceptions"
CHANGE_REASON_PREFIX = "changed:"


@dataclass(frozen=True)
class Period:
    weekday: int
    opens: dt.time
    closes: dt.time


@dataclass(frozen=True)
class DayException:
    date: dt.date
    closed: bool
    opens: dt.time | None = None
    closes: dt.time | None = None
    reason_ar: str = ""
    reason_en: str = ""


def validate_periods(periods: Sequence[Period]) -> None:
    """The same rules as the forms, enforced again for any caller: closing after opening, no overlap on a day."""
    for p in periods:
        if p.weekday not in Weekday.values:
            raise ValidationError(_("Unknown day of the week."), code="weekday")
        if p.closes <= p.opens:
            raise ValidationError(
                _("The closing time must be after the opening time."), code="closes_before_opens"
            )
    clashes = overlapping((p.weekday, p.opens, p.closes) for p in periods)
    if clashes:
        raise ValidationError(
            _("Two periods overlap on %(days)s.")
            % {"days": ", ".join(str(Weekday(d).label) for d in clashes)},
            code="overlap",
        )


def validate_exceptions(exceptions: Sequence[DayException]) -> None:
    dates = [e.date for e in exceptions]
    if len(dates) != len(set(dates)):
        raise ValidationError(_("A date is entered twice."), code="duplicate_date")
    for e in exceptions:
        if not e.closed and (e.opens is None or e.closes is None or e.closes <= e.opens):
            raise ValidationError(
                _("Give the opening and closing times, or mark the day closed."), code="exception_times"
            )


def _apply_fields(station: Station, changes: Mapping[str, Any]) -> tuple[list[str], dict[str, Iterable[Any]]]:
    """Set the plain fields on the station; return the names that changed and the many-to-many values."""
    changed: list[str] = []
    many: dict[str, Iterable[Any]] = {}
    for name, value in changes.items():
        field = Station._meta.get_field(name)
        if field.many_to_many:
            many[name] = value
            continue
        assert isinstance(field, models.Field)
        before = field.value_from_object(station)
        field.save_form_data(station, value)  # handles file fields (upload, keep, clear) like a ModelForm
        if isinstance(value, UploadedFile) or field.value_from_object(station) != before:
            changed.append(name)
    return changed, many


def _set_many(station: Station, many: Mapping[str, Iterable[Any]], *, compare: bool) -> list[str]:
    changed = []
    for name, values in many.items():
        manager = getattr(station, name)
        new = {obj.pk for obj in values}
        if compare and new == set(manager.values_list("pk", flat=True)):
            continue
        manager.set(list(values))
        changed.append(name)
    return changed


def _replace_hours(station: Station, periods: Sequence[Period], by: Any) -> bool:
    """Make the station's weekly hours exactly `periods`, touching only the rows that differ."""
    existing = {(h.weekday, h.opens, h.closes): h for h in station.opening_hours.all()}
    wanted = {(p.weekday, p.opens, p.closes) for p in periods}
    changed = False
    for key, row in existing.items():
        if key not in wanted:
            row._history_user = by  # type: ignore[attr-defined]
            row.delete()
            changed = True
    for weekday, opens, closes in sorted(wanted - existing.keys()):
        row = OpeningHours(station=station, weekday=weekday, opens=opens, closes=closes)
        row._history_user = by  # type: ignore[attr-defined]
        row.save()
        changed = True
    return changed


def _replace_exceptions(station: Station, exceptions: Sequence[DayException], by: Any) -> bool:
    """Make the station's exceptions from today on exactly `exceptions`; past ones stay as they were."""
    today = local_today()
    existing = {e.date: e for e in station.hours_exceptions.filter(date__gte=today)}
    wanted = {e.date: e for e in exceptions}
    changed = False
    for day, row in existing.items():
        if day not in wanted:
            row._history_user = by  # type: ignore[attr-defined]
            row.delete()
            changed = True
    for day, e in wanted.items():
        values = {
            "closed": e.closed,
            "opens": None if e.closed else e.opens,
            "closes": None if e.closed else e.closes,
            "reason_ar": e.reason_ar,
            "reason_en": e.reason_en,
        }
        row = existing.get(day) or HoursException(station=station, date=day)
        if row.pk and all(getattr(row, k) == v for k, v in values.items()):
            continue
        for key, value in values.items():
            setattr(row, key, value)
        row._history_user = by  # type: ignore[attr-defined]
        row.save()
        changed = True
    return changed


def _change_reason(names: Sequence[str]) -> str:
    return CHANGE_REASON_PREFIX + ",".join(names)


def changed_names(reason: str | None) -> list[str] | None:
    """The names a service wrote into a change reason, or None when the row was not written by a service."""
    if not reason or not reason.startswith(CHANGE_REASON_PREFIX):
        return None
    return [n for n in reason[len(CHANGE_REASON_PREFIX) :].split(",") if n]


@transaction.atomic
def update_station(
    *,
    station: Station,
    changes: Mapping[str, Any],
    hours: Sequence[Period] | None = None,
    exceptions: Sequence[DayException] | None = None,
    by: Any,
) -> list[str]:
    """Save the station's new values, and (when given) its weekly hours and its exceptions from today on.

    Returns what changed. Nothing is written when the data is invalid (ValidationError) or nothing changed.
    """
    if hours is not None:
        validate_periods(hours)
    if exceptions is not None:
        validate_exceptions(exceptions)
    # Work on the row as stored (locked until the end of the transaction), so that what changed is known even
    # when the caller's object already carries the new values (as a ModelForm's instance does).
    station = Station.objects.select_for_update().get(pk=station.pk)
    changed, many = _apply_fields(station, changes)
    station.full_clean(exclude=[*many.keys()], validate_unique=True)
    changed += _set_many(station, many, compare=True)
    if hours is not None and _replace_hours(station, hours, by):
        changed.append(OPENING_HOURS)
    if exceptions is not None and _replace_exceptions(station, exceptions, by):
        changed.append(HOURS_EXCEPTIONS)
    if changed:
        station._history_user = by  # type: ignore[attr-defined]
        station._change_reason = _change_reason(changed)  # type: ignore[attr-defined]
        station.save()
    return changed


@transaction.atomic
def create_station(
    *,
    changes: Mapping[str, Any],
    hours: Sequence[Period] | None = None,
    exceptions: Sequence[DayException] | None = None,
    by: Any,
) -> Station:
    """Create a station with its services, partners and hours (Sunday to Thursday 08:00–16:00 when none given)."""
    if hours is None:
        hours = [Period(d, dt.time(8), dt.time(16)) for d in (7, 1, 2, 3, 4)]
    validate_periods(hours)
    if exceptions is not None:
        validate_exceptions(exceptions)
    station = Station()
    _changed, many = _apply_fields(station, changes)
    station.full_clean(exclude=[*many.keys()])
    station._history_user = by  # type: ignore[attr-defined]
    station.save()
    _set_many(station, many, compare=False)
    _replace_hours(station, hours, by)
    if exceptions:
        _replace_exceptions(station, exceptions, by)
    return station


@transaction.atomic
def save_holiday(*, holiday: PublicHoliday | None, changes: Mapping[str, Any], by: Any) -> PublicHoliday:
    holiday = holiday or PublicHoliday()
    for name, value in changes.items():
        setattr(holiday, name, value)
    holiday.full_clean()
    holiday._history_user = by  # type: ignore[attr-defined]
    holiday.save()
    return holiday


@transaction.atomic
def delete_holiday(*, holiday: PublicHoliday, by: Any) -> None:
    holiday._history_user = by  # type: ignore[attr-defined]
    holiday.delete()
