"""Reads for the training back office: cohorts in a user's scope with their place counts, a cohort's sessions
and places, and the trainer pool with hours taught and ratings — each a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    Avg,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    Q,
    QuerySet,
    Sum,
)
from django.utils import timezone

from mahatat.accounts.models import User
from mahatat.accounts.scope import station_scope_q
from mahatat.stations.models import Station

from ..models import Cohort, Enrolment, FeedbackResponse, Programme, Topic, Trainer, TrainingSession
from ..rules import COHORT_MANAGER_ROLES


def _digits(value: str | None) -> str:
    value = (value or "").strip()
    return value if value.isdecimal() and len(value) < 10 else ""


@dataclass
class CohortFilters:
    station: str = ""
    programme: str = ""
    status: str = ""
    starts_from: dt.date | None = None

    @classmethod
    def from_query(cls, data: Any) -> CohortFilters:
        status = data.get("status") or ""
        starts_from = None
        try:
            if data.get("starts_from"):
                starts_from = dt.date.fromisoformat(data.get("starts_from"))
        except ValueError:
            starts_from = None
        return cls(
            station=_digits(data.get("station")),
            programme=_digits(data.get("programme")),
            status=status if status in Cohort.Status.values else "",
            starts_from=starts_from,
        )


def scope_stations(user: User) -> QuerySet[Station]:
    """The stations whose cohorts the user runs."""
    return Station.objects.filter(station_scope_q(user, COHORT_MANAGER_ROLES))


def visible_cohorts(user: User) -> QuerySet[Cohort]:
    """Cohorts at the stations the user runs, and those the user teaches (a trainer sees their own)."""
    condition = station_scope_q(user, COHORT_MANAGER_ROLES, path="station")
    if not condition:  # the whole network (an empty Q would vanish from the OR below)
        return Cohort.objects.all()
    teaching = Cohort.objects.filter(Q(trainers__user=user) | Q(sessions__trainer__user=user)).values("pk")
    return Cohort.objects.filter(condition | Q(pk__in=teaching))


def with_place_counts(cohorts: QuerySet[Cohort]) -> QuerySet[Cohort]:
    def count(status: str) -> Count:
        return Count("enrolments", filter=Q(enrolments__status=status), distinct=True)

    return cohorts.annotate(
        enrolled_count=count(Enrolment.Status.ENROLLED),
        offered_count=count(Enrolment.Status.OFFERED),
        waitlisted_count=count(Enrolment.Status.WAITLISTED),
    )


def cohort_list(user: User, filters: CohortFilters) -> QuerySet[Cohort]:
    cohorts = visible_cohorts(user)
    if filters.station:
        cohorts = cohorts.filter(station_id=filters.station)
    if filters.programme:
        cohorts = cohorts.filter(programme_id=filters.programme)
    if filters.status:
        cohorts = cohorts.filter(status=filters.status)
    if filters.starts_from:
        cohorts = cohorts.filter(starts_on__gte=filters.starts_from)
    return (
        with_place_counts(cohorts)
        .select_related("programme", "station")
        .order_by(F("starts_on").desc(nulls_first=True), "-id")
    )


def cohort_detail(pk: int) -> Cohort | None:
    return (
        Cohort.objects.select_related("programme", "station")
        .prefetch_related("trainers")
        .filter(pk=pk)
        .first()
    )


def cohort_sessions(cohort: Cohort) -> list[TrainingSession]:
    return list(
        TrainingSession.objects.filter(cohort=cohort)
        .select_related("trainer")
        .prefetch_related("trainer__availability")
        .annotate(attendance_count=Count("attendance"))
        .order_by("starts_at", "id")
    )


def cohort_places(cohort: Cohort) -> dict[str, list[Enrolment]]:
    """Active places by status: seats, offers (soonest to expire first), the waitlist in its order."""
    places = (
        Enrolment.objects.filter(cohort=cohort, status__in=Enrolment.ACTIVE)
        .select_related("citizen", "citizen__citizen_profile", "certificate")
        .order_by("created_at", "id")
    )
    grouped: dict[str, list[Enrolment]] = {status: [] for status in Enrolment.ACTIVE}
    for place in places:
        grouped[place.status].append(place)
    grouped[Enrolment.Status.OFFERED].sort(key=lambda e: (e.offer_expires_at or timezone.now(), e.pk))
    return grouped


# --- Trainers -------------------------------------------------------------------------------------------------


@dataclass
class TrainerFilters:
    topic: str = ""
    station: str = ""
    active: str = "yes"

    @classmethod
    def from_query(cls, data: Any) -> TrainerFilters:
        topic = data.get("topic") or ""
        active = data.get("active", "yes")
        return cls(
            topic=topic if topic in Topic.values else "",
            station=_digits(data.get("station")),
            active=active if active in ("yes", "no", "") else "yes",
        )


def trainer_list(filters: TrainerFilters) -> QuerySet[Trainer]:
    trainers = Trainer.objects.select_related("home_station", "user")
    if filters.active == "yes":
        trainers = trainers.filter(is_active=True)
    elif filters.active == "no":
        trainers = trainers.filter(is_active=False)
    if filters.station:
        trainers = trainers.filter(home_station_id=int(filters.station))
    if filters.topic:
        # topics is a JSON list; the quoted value matches one element exactly on SQLite and PostgreSQL alike.
        trainers = trainers.filter(topics__icontains=f'"{filters.topic}"')
    now = timezone.now()
    return trainers.annotate(
        upcoming_count=Count(
            "sessions",
            filter=Q(sessions__starts_at__gte=now) & ~Q(sessions__cohort__status=Cohort.Status.CANCELLED),
        )
    ).order_by("name_ar", "id")


def trainer_upcoming_sessions(trainer: Trainer, limit: int = 20) -> list[TrainingSession]:
    return list(
        TrainingSession.objects.filter(trainer=trainer, ends_at__gte=timezone.now())
        .exclude(cohort__status=Cohort.Status.CANCELLED)
        .select_related("cohort__programme", "cohort__station")
        .order_by("starts_at", "id")[:limit]
    )


@dataclass(frozen=True)
class HoursAtStation:
    station_name_ar: str
    station_name_en: str
    sessions: int
    hours: float


def trainer_hours_by_station(trainer: Trainer) -> list[HoursAtStation]:
    """Hours taught at each station, over the sessions already held (one query)."""
    length = ExpressionWrapper(F("ends_at") - F("starts_at"), output_field=DurationField())
    rows = (
        TrainingSession.objects.filter(trainer=trainer, ends_at__lte=timezone.now())
        .exclude(cohort__status=Cohort.Status.CANCELLED)
        .values("cohort__station_id", "cohort__station__name_ar", "cohort__station__name_en")
        .annotate(total=Sum(length), sessions=Count("id"))
        .order_by("-total", "cohort__station_id")
    )
    result = []
    for row in rows:
        total = row["total"]
        seconds = total.total_seconds() if isinstance(total, dt.timedelta) else (total or 0) / 1_000_000
        result.append(
            HoursAtStation(
                station_name_ar=row["cohort__station__name_ar"],
                station_name_en=row["cohort__station__name_en"],
                sessions=row["sessions"],
                hours=round(seconds / 3600, 1),
            )
        )
    return result


def trainer_rating(trainer: Trainer) -> dict[str, Any]:
    """The average trainer rating the trainer received in end-of-cohort feedback, and how many gave one."""
    return FeedbackResponse.objects.filter(trainer=trainer).aggregate(
        average=Avg("trainer_rating"), count=Count("id")
    )


def programme_list(q: str = "") -> QuerySet[Programme]:
    return Programme.objects.search(q).annotate(cohort_count=Count("cohorts")).order_by("-is_active", "code")
