"""Planning reads: demand per station (needs survey, waitlists, searches that found nothing), feedback results
and outcome follow-up shares.

Every figure comes from one grouped query per kind of figure (values() + annotate()), so the number of queries
does not grow with the number of stations, programmes or answers.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, cast

from django.db.models import Avg, Count, Max, Q, QuerySet
from django.utils.translation import get_language

from mahatat.accounts.models import User
from mahatat.accounts.scope import station_scope_q
from mahatat.stations.models import Station

from ..models import (
    CatalogueSearchMiss,
    Enrolment,
    FeedbackResponse,
    NeedsSurveyResponse,
    OutcomeFollowUp,
    TimeOfDay,
    Topic,
)
from ..rules import PLANNING_ROLES

TOP_MISSES = 10


def _title(row: Any, prefix: str) -> str:
    english = (get_language() or "ar")[:2] == "en"
    return (row.get(f"{prefix}_en") if english else None) or row.get(f"{prefix}_ar") or ""


def planning_stations(user: User, station_code: str = "") -> QuerySet[Station]:
    stations = Station.objects.filter(station_scope_q(user, PLANNING_ROLES))
    if station_code:
        stations = stations.filter(code=station_code)
    return stations.order_by("code")


@dataclass
class StationDemand:
    station: Station
    needs_total: int = 0
    topics: list[tuple[str, str, int]] = field(default_factory=list)  # (value, label, count), most first
    times: list[tuple[str, int]] = field(default_factory=list)  # (label, count) in TimeOfDay order
    waitlists: list[dict[str, Any]] = field(default_factory=list)  # programme_id, title, waiting, any_station
    misses: list[tuple[str, int]] = field(default_factory=list)  # (query as typed, count), most first

    @property
    def waiting_total(self) -> int:
        return sum(row["waiting"] for row in self.waitlists)

    @property
    def has_data(self) -> bool:
        return bool(self.needs_total or self.waitlists or self.misses)


def station_demand(
    user: User, *, since: dt.datetime, until: dt.datetime, station_code: str = "", top: int = TOP_MISSES
) -> list[StationDemand]:
    """Demand at each station in the user's planning scope, stations with any demand first. Five queries."""
    rows = {s.pk: StationDemand(station=s) for s in planning_stations(user, station_code)}
    if not rows:
        return []
    scope = Q(station_id__in=list(rows))
    period = Q(created_at__gte=since, created_at__lt=until)

    topic_labels = dict(Topic.choices)
    for row in cast(
        Any,
        NeedsSurveyResponse.objects.filter(scope & period)
        .values("station_id", "topic")
        .annotate(n=Count("id"))
        .order_by("station_id", "-n", "topic"),
    ):
        demand = rows[row["station_id"]]
        demand.topics.append((row["topic"], str(topic_labels.get(row["topic"], row["topic"])), row["n"]))
        demand.needs_total += row["n"]

    # Each answer lists its times as a JSON array of strings: count the answers whose array holds each one.
    time_counts = {value: Count("id", filter=Q(times__icontains=f'"{value}"')) for value in TimeOfDay.values}
    for row in cast(
        Any, NeedsSurveyResponse.objects.filter(scope & period).values("station_id").annotate(**time_counts)
    ):
        rows[row["station_id"]].times = [(str(label), row[value]) for value, label in TimeOfDay.choices]

    for row in cast(
        Any,
        Enrolment.objects.filter(status=Enrolment.Status.WAITLISTED, cohort__station_id__in=list(rows))
        .values(
            "cohort__station_id",
            "cohort__programme_id",
            "cohort__programme__title_ar",
            "cohort__programme__title_en",
        )
        .annotate(waiting=Count("id"), any_station=Count("id", filter=Q(any_station=True)))
        .order_by("cohort__station_id", "-waiting", "cohort__programme_id"),
    ):
        rows[row["cohort__station_id"]].waitlists.append(
            {
                "programme_id": row["cohort__programme_id"],
                "title": _title(row, "cohort__programme__title"),
                "waiting": row["waiting"],
                "any_station": row["any_station"],
            }
        )

    for row in cast(
        Any,
        CatalogueSearchMiss.objects.filter(scope & period)
        .values("station_id", "folded")
        .annotate(n=Count("id"), shown=Max("query"))
        .order_by("station_id", "-n", "folded"),
    ):
        demand = rows[row["station_id"]]
        if len(demand.misses) < top:
            demand.misses.append((row["shown"], row["n"]))

    ordered = sorted(
        rows.values(), key=lambda d: (not d.has_data, -(d.needs_total + d.waiting_total), d.station.code)
    )
    return ordered


def any_station_waiters(user: User) -> list[dict[str, Any]]:
    """Per programme: people on a waitlist in scope who would take a seat at any station. One query."""
    return [
        {"title": _title(row, "cohort__programme__title"), "waiting": row["n"]}
        for row in Enrolment.objects.filter(
            station_scope_q(user, PLANNING_ROLES, path="cohort__station"),
            status=Enrolment.Status.WAITLISTED,
            any_station=True,
        )
        .values("cohort__programme_id", "cohort__programme__title_ar", "cohort__programme__title_en")
        .annotate(n=Count("id"))
        .order_by("-n", "cohort__programme_id")
    ]


# --- Feedback and outcomes ------------------------------------------------------------------------------------


def _distribution(field_name: str) -> dict[str, Count]:
    return {f"s{n}": Count("id", filter=Q(**{field_name: n})) for n in range(1, 6)}


def _rating_rows(rows: Any, avg: str, prefix: str, title: Any) -> list[dict[str, Any]]:
    result = []
    for row in rows:
        count = row["n"]
        result.append(
            {
                "title": title(row),
                "average": row[avg],
                "count": count,
                "distribution": [
                    (n, row[f"s{n}"], round(100 * row[f"s{n}"] / count) if count else 0) for n in range(1, 6)
                ],
            }
        )
    return result


def feedback_results(
    user: User, *, since: dt.datetime, until: dt.datetime, station_code: str = ""
) -> dict[str, list[dict[str, Any]]]:
    """Average, count and 1-5 distribution per trainer, per programme and per station. Three queries."""
    answers = FeedbackResponse.objects.filter(
        station_scope_q(user, PLANNING_ROLES, path="enrolment__cohort__station"),
        created_at__gte=since,
        created_at__lt=until,
    )
    if station_code:
        answers = answers.filter(enrolment__cohort__station__code=station_code)
    trainers = (
        answers.values("trainer_id", "trainer__name_ar", "trainer__name_en")
        .annotate(n=Count("id"), avg=Avg("trainer_rating"), **_distribution("trainer_rating"))
        .order_by("-n", "trainer_id")
    )
    programmes = (
        answers.values(
            "enrolment__cohort__programme_id",
            "enrolment__cohort__programme__title_ar",
            "enrolment__cohort__programme__title_en",
        )
        .annotate(n=Count("id"), avg=Avg("programme_rating"), **_distribution("programme_rating"))
        .order_by("-n", "enrolment__cohort__programme_id")
    )
    stations = (
        answers.values(
            "enrolment__cohort__station_id",
            "enrolment__cohort__station__name_ar",
            "enrolment__cohort__station__name_en",
        )
        .annotate(n=Count("id"), avg=Avg("station_rating"), **_distribution("station_rating"))
        .order_by("-n", "enrolment__cohort__station_id")
    )
    return {
        "trainers": _rating_rows(trainers, "avg", "trainer", lambda r: _title(r, "trainer__name")),
        "programmes": _rating_rows(
            programmes, "avg", "programme", lambda r: _title(r, "enrolment__cohort__programme__title")
        ),
        "stations": _rating_rows(
            stations, "avg", "station", lambda r: _title(r, "enrolment__cohort__station__name")
        ),
    }


def _share(part: int, whole: int) -> int | None:
    return round(100 * part / whole) if whole else None


def outcome_shares(
    user: User, *, since: dt.datetime, until: dt.datetime, station_code: str = ""
) -> list[dict[str, Any]]:
    """Per programme and interval: answered follow-ups and the shares employed / business / study. One query."""
    answered = OutcomeFollowUp.objects.filter(
        station_scope_q(user, PLANNING_ROLES, path="enrolment__cohort__station"),
        responded_at__gte=since,
        responded_at__lt=until,
    )
    if station_code:
        answered = answered.filter(enrolment__cohort__station__code=station_code)
    rows = (
        answered.values(
            "enrolment__cohort__programme_id",
            "enrolment__cohort__programme__title_ar",
            "enrolment__cohort__programme__title_en",
            "months",
        )
        .annotate(
            n=Count("id"),
            employed_n=Count("id", filter=Q(employed=True)),
            business_n=Count("id", filter=Q(started_business=True)),
            study_n=Count("id", filter=Q(continued_study=True)),
        )
        .order_by("enrolment__cohort__programme_id", "months")
    )
    return [
        {
            "title": _title(row, "enrolment__cohort__programme__title"),
            "months": row["months"],
            "answered": row["n"],
            "employed": _share(row["employed_n"], row["n"]),
            "business": _share(row["business_n"], row["n"]),
            "study": _share(row["study_n"], row["n"]),
        }
        for row in rows
    ]


def open_follow_ups(user: User, *, today: dt.date, station_code: str = "") -> QuerySet[OutcomeFollowUp]:
    """Follow-ups that are due and not answered, at stations in the user's planning scope (oldest first)."""
    items = OutcomeFollowUp.objects.filter(
        station_scope_q(user, PLANNING_ROLES, path="enrolment__cohort__station"),
        responded_at__isnull=True,
        due_on__lte=today,
    )
    if station_code:
        items = items.filter(enrolment__cohort__station__code=station_code)
    return items.select_related(
        "enrolment__citizen", "enrolment__cohort__programme", "enrolment__cohort__station"
    ).order_by("due_on", "id")
