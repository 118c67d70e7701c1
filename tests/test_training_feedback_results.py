"""Feedback and outcome results for staff: averages, counts and distributions over the stations in scope."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from mahatat.training.models import Cohort, FeedbackResponse, OutcomeFollowUp

from .factories import StationFactory
from .training_factories import CohortFactory, EnrolmentFactory, TrainerFactory

pytestmark = pytest.mark.django_db


def _rate(cohort, trainer, programme_rating, trainer_rating=5, station_rating=4):  # type: ignore[no-untyped-def]
    return FeedbackResponse.objects.create(
        enrolment=EnrolmentFactory(cohort=cohort),
        trainer=trainer,
        programme_rating=programme_rating,
        trainer_rating=trainer_rating,
        station_rating=station_rating,
    )


def _data(station_a, station_b):  # type: ignore[no-untyped-def]
    trainer = TrainerFactory(name_en="Huda")
    here = CohortFactory(station=station_a, status=Cohort.Status.COMPLETED)
    there = CohortFactory(station=station_b, status=Cohort.Status.COMPLETED)
    _rate(here, trainer, 5, trainer_rating=4)
    _rate(here, trainer, 3, trainer_rating=2)
    _rate(there, trainer, 1)
    for employed in (True, False, True, True):
        OutcomeFollowUp.objects.create(
            enrolment=EnrolmentFactory(cohort=here),
            months=3,
            due_on=dt.date(2026, 1, 1),
            token_hash=f"{timezone.now().timestamp()}-{employed}-{OutcomeFollowUp.objects.count()}".ljust(
                64, "0"
            )[:64],
            responded_at=timezone.now(),
            employed=employed,
            started_business=False,
            continued_study=not employed,
        )
    return trainer, here


def test_manager_sees_results_of_their_station_only(client_as, station_manager, station_a, station_b):  # type: ignore[no-untyped-def]
    trainer, here = _data(station_a, station_b)
    station_manager.preferred_language = "en"
    station_manager.save(update_fields=["preferred_language"])
    response = client_as(station_manager).get(reverse("training:feedback_results"))
    assert response.status_code == 200
    results = response.context["results"]
    [row] = results["trainers"]
    assert (row["title"], row["count"], row["average"]) == ("Huda", 2, 3.0)
    assert [n for _stars, n, _pct in row["distribution"]] == [0, 1, 0, 1, 0]
    [programme] = results["programmes"]
    assert (programme["count"], programme["average"]) == (2, 4.0)
    assert [pct for _stars, _n, pct in programme["distribution"]] == [0, 0, 50, 0, 50]
    [outcome] = response.context["outcomes"]
    assert (outcome["answered"], outcome["employed"], outcome["business"], outcome["study"]) == (4, 75, 0, 25)


def test_network_staff_filter_by_station(client_as, gam_admin, station_a, station_b):  # type: ignore[no-untyped-def]
    _data(station_a, station_b)
    client = client_as(gam_admin)
    everything = client.get(reverse("training:feedback_results")).context["results"]
    assert everything["trainers"][0]["count"] == 3
    only_b = client.get(reverse("training:feedback_results"), {"station": station_b.code}).context["results"]
    assert only_b["trainers"][0]["count"] == 1 and only_b["trainers"][0]["average"] == 5.0


def test_results_query_count_is_fixed(client_as, gam_admin, station_a, station_b, django_assert_num_queries):  # type: ignore[no-untyped-def]
    _data(station_a, station_b)
    client = client_as(gam_admin)
    client.get(reverse("training:feedback_results"))
    with CaptureQueriesContext(connection) as first:
        client.get(reverse("training:feedback_results"))
    for _ in range(3):
        station = StationFactory()
        _rate(CohortFactory(station=station, status=Cohort.Status.COMPLETED), TrainerFactory(), 4)
    with django_assert_num_queries(len(first.captured_queries)):
        client.get(reverse("training:feedback_results"))


def test_citizen_cannot_see_results(client, citizen):  # type: ignore[no-untyped-def]
    client.force_login(citizen)
    assert client.get(reverse("training:feedback_results")).status_code == 403
