"""Reads of stations and geography, shaped for pages and the API with a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import get_language

from mahatat.core.dates import local_today

from .models import Area, Governorate, HoursException, PublicHoliday, Station
from .opening_hours import OpenStatus, open_status

LOOKAHEAD_DAYS = 15


def stations_with_hours(queryset: QuerySet[Station] | None = None) -> QuerySet[Station]:
    """Stations with their geography, hours, services and the next two weeks' exceptions loaded."""
    today = local_today()
    queryset = queryset if queryset is not None else Station.objects.all()
    return queryset.with_geography().prefetch_related(
        "opening_hours",
        "services",
        Prefetch(
            "hours_exceptions",
            queryset=HoursException.objects.filter(
                date__gte=today, date__lte=today + dt.timedelta(days=LOOKAHEAD_DAYS)
            ),
        ),
    )


def upcoming_holidays() -> list[PublicHoliday]:
    today = local_today()
    return list(PublicHoliday.objects.between(today, today + dt.timedelta(days=LOOKAHEAD_DAYS)))


def status_for(station: Station, holidays: list[PublicHoliday], now: dt.datetime | None = None) -> OpenStatus:
    applicable = [h for h in holidays if h.governorate_id in (None, station.governorate_id)]
    return open_status(
        now or timezone.now(),
        station.opening_hours.all(),
        station.hours_exceptions.all(),
        applicable,
        english=(get_language() or "ar")[:2] == "en",
    )


@dataclass
class DirectoryFilters:
    q: str = ""
    governorate: str = ""
    area: str = ""

    @classmethod
    def from_query(cls, data: Any) -> DirectoryFilters:
        def digits(value: str | None) -> str:
            return value if value and value.isdigit() else ""

        return cls(
            q=(data.get("q") or "").strip()[:100],
            governorate=digits(data.get("governorate")),
            area=digits(data.get("area")),
        )


def directory(filters: DirectoryFilters) -> QuerySet[Station]:
    return stations_with_hours(
        Station.objects.public().in_governorate(filters.governorate).in_area(filters.area).search(filters.q)
    )


def filter_choices() -> dict[str, Any]:
    """Governorates and areas that have at least one public station, for the directory's filters."""
    public = Q(stations__status__in=[s for s in Station.Status.values if s != Station.Status.CLOSED])
    return {
        "governorates": list(Governorate.objects.annotate(n=Count("stations", filter=public)).filter(n__gt=0)),
        "areas": list(
            Area.objects.select_related("municipality").annotate(n=Count("stations", filter=public)).filter(n__gt=0)
        ),
    }


def network_summary() -> dict[str, int]:
    counts = Station.objects.aggregate(
        total=Count("id", filter=~Q(status=Station.Status.CLOSED)),
        active=Count("id", filter=Q(status=Station.Status.ACTIVE)),
        governorates=Count("governorate", distinct=True, filter=~Q(status=Station.Status.CLOSED)),
    )
    return {key: value or 0 for key, value in counts.items()}


def upcoming_closures(station: Station, holidays: list[PublicHoliday]) -> list[tuple[dt.date, str]]:
    """Days in the next two weeks on which the station is closed or keeps other hours, with the reason."""
    english = (get_language() or "ar")[:2] == "en"
    days: dict[dt.date, str] = {}
    for holiday in holidays:
        if holiday.governorate_id in (None, station.governorate_id):
            days[holiday.date] = holiday.name_en if english else holiday.name_ar
    for exception in station.hours_exceptions.all():
        days.setdefault(exception.date, (exception.reason_en if english else "") or exception.reason_ar)
    return sorted(days.items())
