"""Reads of stations and geography, shaped for pages and the API with a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, cast

from django.core.exceptions import FieldDoesNotExist
from django.db.models import Case, Count, Prefetch, Q, QuerySet, Value, When
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from mahatat.core.dates import english, local_now, local_today, to_amman

from .models import Area, Governorate, HoursException, PublicHoliday, Station, StationQuerySet
from .opening_hours import DaySchedule, OpenStatus, open_status, special_days
from .services import HOURS_EXCEPTIONS, OPENING_HOURS, changed_names

# Station pages show the holidays and exceptions of the next two weeks (today included).
LOOKAHEAD_DAYS = 15


def stations_with_hours(
    queryset: QuerySet[Station] | None = None, *, today: dt.date | None = None
) -> StationQuerySet:
    """Stations with their geography, hours, services and the next two weeks' exceptions loaded."""
    today = today or local_today()
    stations = cast(StationQuerySet, queryset if queryset is not None else Station.objects.all())
    return stations.with_geography().prefetch_related(
        "opening_hours",
        "services",
        Prefetch(
            "hours_exceptions",
            queryset=HoursException.objects.filter(
                date__gte=today, date__lte=today + dt.timedelta(days=LOOKAHEAD_DAYS)
            ),
        ),
    )


def upcoming_holidays(today: dt.date | None = None) -> list[PublicHoliday]:
    """Public holidays (national and per governorate) from today to the end of the look-ahead window."""
    today = today or local_today()
    return list(PublicHoliday.objects.between(today, today + dt.timedelta(days=LOOKAHEAD_DAYS)))


def holidays_for(station: Station, holidays: list[PublicHoliday]) -> list[PublicHoliday]:
    return [h for h in holidays if h.governorate_id in (None, station.governorate_id)]


def status_for(station: Station, holidays: list[PublicHoliday], now: dt.datetime | None = None) -> OpenStatus:
    """Open now or closed (with the next opening), from prefetched hours and exceptions."""
    return open_status(
        now or local_now(),
        station.opening_hours.all(),
        station.hours_exceptions.all(),
        holidays_for(station, holidays),
        english=english(),
    )


def upcoming_special_days(
    station: Station, holidays: list[PublicHoliday], today: dt.date | None = None
) -> list[DaySchedule]:
    """Days in the next two weeks on which the station is closed or keeps other hours, with the reason."""
    return special_days(
        today or local_today(),
        LOOKAHEAD_DAYS,
        station.opening_hours.all(),
        station.hours_exceptions.all(),
        holidays_for(station, holidays),
        english=english(),
    )


@dataclass
class DirectoryFilters:
    q: str = ""
    governorate: str = ""
    area: str = ""

    @classmethod
    def from_query(cls, data: Any) -> DirectoryFilters:
        def digits(value: str | None) -> str:
            value = (value or "").strip()
            return value if value.isdecimal() and len(value) < 10 else ""

        return cls(
            q=(data.get("q") or "").strip()[:100],
            governorate=digits(data.get("governorate")),
            area=digits(data.get("area")),
        )

    @property
    def active(self) -> bool:
        return bool(self.q or self.governorate or self.area)


def _name_order() -> list[str]:
    return ["name_en" if (get_language() or "ar")[:2] == "en" else "name_ar", "code"]


def directory(filters: DirectoryFilters) -> QuerySet[Station]:
    """The public stations matching the filters: those open to the public first, then by name in the active
    language (a planned station is listed, but after the ones a citizen can visit today)."""
    stations = Station.objects.public().in_governorate(filters.governorate).search(filters.q)
    if filters.area:
        # An area outside the chosen governorate would find nothing: the area follows the governorate.
        areas = Area.objects.filter(pk=filters.area)
        if filters.governorate:
            areas = areas.filter(municipality__governorate_id=filters.governorate)
        stations = stations.filter(area__in=areas)
    visitable_first = Case(When(status=Station.Status.ACTIVE, then=Value(0)), default=Value(1))
    return stations.order_by(visitable_first, *_name_order())


def _marker(code: str, name: str, lat: Any, lng: Any, url: str | None) -> dict[str, Any]:
    marker = {"code": code, "name": name, "lat": float(lat), "lng": float(lng)}
    return {**marker, "url": url} if url else marker


def directory_markers(stations: QuerySet[Station]) -> list[dict[str, Any]]:
    """Map pins for every station that matches (not only the current page), in one query."""
    en = english()
    rows = stations.filter(latitude__isnull=False, longitude__isnull=False).values_list(
        "code", "name_ar", "name_en", "latitude", "longitude"
    )
    return [
        _marker(code, (name_en if en else "") or name_ar, lat, lng, Station(code=code).get_absolute_url())
        for code, name_ar, name_en, lat, lng in rows
    ]


def station_markers(station: Station) -> list[dict[str, Any]]:
    """The pin of one station (none without a location), for its own page."""
    if station.latitude is None or station.longitude is None:
        return []
    return [_marker(station.code, station.name, station.latitude, station.longitude, None)]


def filter_choices(governorate: str = "") -> dict[str, Any]:
    """Governorates and areas that have at least one public station, for the directory's filters.

    The areas follow the chosen governorate: with one chosen, only its areas are offered.
    """
    public = Q(stations__status__in=[s for s in Station.Status.values if s != Station.Status.CLOSED])
    areas = (
        Area.objects.select_related("municipality")
        .annotate(n=Count("stations", filter=public))
        .filter(n__gt=0)
    )
    if governorate:
        areas = areas.filter(municipality__governorate_id=governorate)
    name = "name_en" if english() else "name_ar"
    return {
        "governorates": list(
            Governorate.objects.annotate(n=Count("stations", filter=public)).filter(n__gt=0).order_by(name)
        ),
        "areas": list(areas.order_by("municipality__" + name, "number")),
    }


def network_summary() -> dict[str, int]:
    counts = Station.objects.aggregate(
        total=Count("id", filter=~Q(status=Station.Status.CLOSED)),
        active=Count("id", filter=Q(status=Station.Status.ACTIVE)),
        governorates=Count("governorate", distinct=True, filter=~Q(status=Station.Status.CLOSED)),
    )
    return {key: value or 0 for key, value in counts.items()}


def featured_stations(*, now: dt.datetime | None = None, limit: int = 6) -> list[tuple[Station, OpenStatus]]:
    """Active stations for the home page: the ones open now first, then by their next opening, then by name."""
    now = to_amman(now or local_now())
    holidays = upcoming_holidays(now.date())
    stations = stations_with_hours(Station.objects.active().order_by(*_name_order()), today=now.date())
    rows = [(station, status_for(station, holidays, now)) for station in stations]
    far = now + dt.timedelta(days=365)
    rows.sort(key=lambda row: (not row[1].is_open, row[1].next_opening or far))
    return rows[:limit]


@dataclass(frozen=True)
class HistoryEntry:
    when: dt.datetime
    who: str
    kind: str  # "+" created, "~" changed, "-" deleted (django-simple-history's history_type)
    fields: list[str]


def _change_label(name: str) -> str:
    if name == OPENING_HOURS:
        return str(_("opening hours"))
    if name == HOURS_EXCEPTIONS:
        return str(_("hours exceptions"))
    try:
        field = Station._meta.get_field(name)
    except FieldDoesNotExist:
        return name
    return str(getattr(field, "verbose_name", name))


def station_history(station: Station, limit: int = 10) -> list[HistoryEntry]:
    """The station's last changes (who, when, which fields), in two queries whatever the limit."""
    records = list(
        station.history.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1]
    )
    entries = []
    for index, record in enumerate(records[:limit]):
        names = changed_names(record.history_change_reason)
        if names is None and record.history_type == "~" and index + 1 < len(records):
            # Saved outside the services (the Django admin, a shell): compare with the row before.
            names = list(record.diff_against(records[index + 1]).changed_fields)
        user = record.history_user
        who = (
            (user.display_name or user.email or user.phone or str(user.pk)) if user else str(_("the system"))
        )
        entries.append(
            HistoryEntry(
                when=record.history_date,
                who=who,
                kind=record.history_type,
                fields=[_change_label(n) for n in names or []],
            )
        )
    return entries
