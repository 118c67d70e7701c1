"""Reads for the public training catalogue and cohort pages, with a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields
from typing import Any

from django.db import connection
from django.db.models import (
    Count,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    TextField,
    Value,
)
from django.db.models.functions import Cast, Coalesce, Greatest
from django.utils.dates import WEEKDAYS

from mahatat.core.arabic_text import fold, search_terms
from mahatat.core.dates import english, to_amman
from mahatat.stations.models import Governorate, Station

from ..models import CatalogueSearchMiss, Cohort, Enrolment, TargetGroup, Topic, Trainer, TrainingSession

# What the public sees: cohorts open for enrolment, full (with a waitlist) or under way. Drafts, completed and
# cancelled cohorts are not listed.
PUBLIC_STATUSES = (Cohort.Status.OPEN, Cohort.Status.FULL, Cohort.Status.RUNNING)
# A cohort page stays reachable once it is over or cancelled (people have links to it); only drafts are hidden.
VISIBLE_STATUSES = tuple(s for s in Cohort.Status.values if s != Cohort.Status.DRAFT)


def _digits(value: str | None) -> str:
    value = (value or "").strip()
    return value if value.isdecimal() and len(value) < 10 else ""


def _date(value: str | None) -> str:
    value = (value or "").strip()
    try:
        return dt.date.fromisoformat(value).isoformat() if value else ""
    except ValueError:
        return ""


@dataclass
class CatalogueFilters:
    q: str = ""
    station: str = ""
    governorate: str = ""
    topic: str = ""
    group: str = ""
    starts_from: str = ""
    starts_to: str = ""

    @classmethod
    def from_query(cls, data: Any) -> CatalogueFilters:
        topic = (data.get("topic") or "").strip()
        group = (data.get("group") or "").strip()
        return cls(
            q=(data.get("q") or "").strip()[:100],
            station=_digits(data.get("station")),
            governorate=_digits(data.get("governorate")),
            topic=topic if topic in Topic.values else "",
            group=group if group in TargetGroup.values else "",
            starts_from=_date(data.get("from")),
            starts_to=_date(data.get("to")),
        )

    @property
    def active(self) -> bool:
        return any(getattr(self, f.name) for f in fields(self))

    @property
    def more_active(self) -> bool:
        """A filter beyond the search box and the topic is set (the phone layout then shows them all)."""
        return any((self.group, self.station, self.governorate, self.starts_from, self.starts_to))

    def as_query(self) -> dict[str, str]:
        """The filters as GET parameters (only the ones set), for clean shareable URLs."""
        names = {"starts_from": "from", "starts_to": "to"}
        return {
            names.get(f.name, f.name): getattr(self, f.name) for f in fields(self) if getattr(self, f.name)
        }


def _seats_taken() -> Subquery:
    taken = (
        Enrolment.objects.filter(cohort=OuterRef("pk"), status__in=Enrolment.HOLDS_SEAT)
        .order_by()
        .values("cohort")
        .annotate(n=Count("id"))
        .values("n")
    )
    return Subquery(taken, output_field=IntegerField())


def _waiting() -> Subquery:
    waiting = (
        Enrolment.objects.filter(cohort=OuterRef("pk"), status=Enrolment.Status.WAITLISTED)
        .order_by()
        .values("cohort")
        .annotate(n=Count("id"))
        .values("n")
    )
    return Subquery(waiting, output_field=IntegerField())


def with_seats(cohorts: QuerySet[Cohort]) -> QuerySet[Cohort]:
    """Annotate seats_taken, seats_left (never below zero) and waiting (people on the waitlist)."""
    return cohorts.annotate(
        seats_taken=Coalesce(_seats_taken(), Value(0)),
        waiting=Coalesce(_waiting(), Value(0)),
    ).annotate(seats_left=Greatest(F("seats") - F("seats_taken"), Value(0)))


def for_target_group(cohorts: QuerySet[Cohort], group: str) -> QuerySet[Cohort]:
    """Cohorts whose programme lists `group` among its target groups (a JSON list).

    PostgreSQL answers with JSON containment; SQLite has no containment lookup on JSON, so there the stored JSON
    text is searched for the quoted value (values are fixed slugs, so a quoted match is an exact element match).
    """
    if group not in TargetGroup.values:
        return cohorts
    if connection.vendor == "postgresql":
        return cohorts.filter(programme__target_groups__contains=[group])
    return cohorts.alias(_groups_text=Cast("programme__target_groups", TextField())).filter(
        _groups_text__contains=f'"{group}"'
    )


def search(cohorts: QuerySet[Cohort], query: str | None) -> QuerySet[Cohort]:
    """Arabic-aware search: each folded term must appear in the programme's index or the station's index."""
    for term in search_terms(query):
        cohorts = cohorts.filter(
            Q(programme__search_index__contains=term) | Q(station__search_index__contains=term)
        )
    return cohorts


def catalogue(filters: CatalogueFilters) -> QuerySet[Cohort]:
    """The public cohorts matching the filters, soonest start first (cohorts without sessions yet last)."""
    cohorts = Cohort.objects.filter(status__in=PUBLIC_STATUSES, programme__is_active=True).exclude(
        station__status=Station.Status.CLOSED
    )
    cohorts = search(cohorts, filters.q)
    if filters.station:
        cohorts = cohorts.filter(station_id=filters.station)
    if filters.governorate:
        cohorts = cohorts.filter(station__governorate_id=filters.governorate)
    if filters.topic:
        cohorts = cohorts.filter(programme__topic=filters.topic)
    if filters.group:
        cohorts = for_target_group(cohorts, filters.group)
    if filters.starts_from:
        cohorts = cohorts.filter(starts_on__gte=filters.starts_from)
    if filters.starts_to:
        cohorts = cohorts.filter(starts_on__lte=filters.starts_to)
    return (
        with_seats(cohorts)
        .select_related("programme", "station", "station__governorate", "station__area")
        .prefetch_related(Prefetch("sessions", queryset=TrainingSession.objects.order_by("starts_at", "id")))
        .order_by(F("starts_on").asc(nulls_last=True), "id")
    )


def filter_choices() -> dict[str, Any]:
    """Stations and governorates for the catalogue's filters (two queries), topics and target groups."""
    name = "name_en" if english() else "name_ar"
    stations = list(
        Station.objects.public()
        .select_related("governorate")
        .order_by(name, "code")
        .only("id", "code", "name_ar", "name_en", "governorate")
    )
    governorates = list(
        Governorate.objects.filter(stations__in=Station.objects.public()).distinct().order_by(name)
    )
    return {
        "stations": stations,
        "governorates": governorates,
        "topics": Topic.choices,
        "groups": TargetGroup.choices,
    }


@dataclass(frozen=True)
class ScheduleSummary:
    count: int
    weekdays: list[str]
    times: str  # "16:00–18:00" when every session keeps the same hours, else ""

    @property
    def days_text(self) -> str:
        return (", " if english() else "، ").join(self.weekdays)


def schedule_summary(sessions: list[TrainingSession]) -> ScheduleSummary:
    """How often and when a cohort meets, from its (prefetched) sessions, in Amman time."""
    local = [(to_amman(s.starts_at), to_amman(s.ends_at)) for s in sessions]
    days = sorted({start.weekday() for start, _end in local}, key=lambda d: (d + 1) % 7)
    hours = {(start.strftime("%H:%M"), end.strftime("%H:%M")) for start, end in local}
    times = "–".join(next(iter(hours))) if len(hours) == 1 else ""
    return ScheduleSummary(count=len(local), weekdays=[str(WEEKDAYS[d]) for d in days], times=times)


def public_cohort(pk: int) -> Cohort | None:
    """A cohort for its public page (drafts are not public), with seats, sessions and trainers loaded."""
    return (
        with_seats(Cohort.objects.filter(status__in=VISIBLE_STATUSES))
        .select_related("programme", "station", "station__governorate", "station__area")
        .prefetch_related(
            Prefetch(
                "sessions",
                queryset=TrainingSession.objects.select_related("trainer").order_by("starts_at", "id"),
            ),
            Prefetch("trainers", queryset=Trainer.objects.order_by("name_ar")),
        )
        .filter(pk=pk)
        .first()
    )


def seats_of(pk: int) -> Cohort | None:
    """Just what the seats fragment needs, in one query."""
    return (
        with_seats(Cohort.objects.filter(status__in=VISIBLE_STATUSES, pk=pk))
        .only("id", "seats", "status", "enrolment_opens", "enrolment_closes")
        .first()
    )


@dataclass(frozen=True)
class Place:
    enrolment: Enrolment
    position: int | None  # place on the waitlist, 1 = next


def place_of(cohort: Cohort, user: Any) -> Place | None:
    """The signed-in user's active place in the cohort, with the waitlist position (at most two queries)."""
    if not getattr(user, "is_authenticated", False):
        return None
    enrolment = Enrolment.objects.active().filter(cohort=cohort, citizen=user).first()
    if enrolment is None:
        return None
    position = None
    if enrolment.status == Enrolment.Status.WAITLISTED:
        ahead = Enrolment.objects.filter(cohort=cohort, status=Enrolment.Status.WAITLISTED).filter(
            Q(created_at__lt=enrolment.created_at) | Q(created_at=enrolment.created_at, id__lt=enrolment.id)
        )
        position = ahead.count() + 1
    return Place(enrolment=enrolment, position=position)


def record_miss(filters: CatalogueFilters) -> CatalogueSearchMiss:
    return CatalogueSearchMiss.objects.create(
        query=filters.q[:200],
        folded=fold(filters.q)[:200],
        station_id=int(filters.station) if filters.station else None,
        governorate_id=int(filters.governorate) if filters.governorate else None,
        topic=filters.topic,
    )
