"""Planning: the public needs survey and the staff demand view."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mahatat.core.arabic_text import fold
from mahatat.stations.models import Station
from mahatat.training.models import CatalogueSearchMiss, Enrolment, NeedsSurveyResponse, Topic
from mahatat.training.views.planning import SURVEY_LIMIT_PER_HOUR

from .factories import StationFactory
from .training_factories import CohortFactory, EnrolmentFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_throttle():  # type: ignore[no-untyped-def]
    cache.clear()
    yield
    cache.clear()


def _answer(station: Station, **data: object) -> dict[str, object]:
    payload: dict[str, object] = {
        "topic": Topic.DIGITAL_SKILLS,
        "station": station.code,
        "times": ["morning", "weekend"],
    }
    payload.update(data)
    return payload


def test_anyone_can_answer_the_needs_survey_without_signing_in(client, station_a):  # type: ignore[no-untyped-def]
    page = client.get(reverse("training:needs_survey"))
    assert page.status_code == 200
    response = client.post(reverse("training:needs_survey"), _answer(station_a, wish="Excel for my shop"))
    assert response.status_code == 302
    assert response["Location"] == reverse("training:needs_thanks")
    answer = NeedsSurveyResponse.objects.get()
    assert (answer.station, answer.topic, answer.wish, answer.citizen) == (
        station_a,
        Topic.DIGITAL_SKILLS,
        "Excel for my shop",
        None,
    )
    assert answer.times == ["morning", "weekend"]
    assert client.get(response["Location"]).status_code == 200


def test_signed_in_citizen_is_recorded_and_a_programme_sets_the_topic(client, citizen, station_a):  # type: ignore[no-untyped-def]
    programme = ProgrammeFactory(topic=Topic.ENTREPRENEURSHIP)
    client.force_login(citizen)
    client.post(reverse("training:needs_survey"), _answer(station_a, programme=str(programme.pk)))
    answer = NeedsSurveyResponse.objects.get()
    assert answer.citizen == citizen
    assert answer.programme == programme
    assert answer.topic == Topic.ENTREPRENEURSHIP


def test_station_link_preselects_the_station(client, station_a):  # type: ignore[no-untyped-def]
    page = client.get(reverse("training:needs_survey") + f"?station={station_a.code}")
    assert f'<option value="{station_a.code}" selected>' in page.content.decode()


def test_invalid_answer_shows_errors_and_keeps_what_was_typed(client, station_a):  # type: ignore[no-untyped-def]
    closed = StationFactory(status=Station.Status.CLOSED)
    response = client.post(
        reverse("training:needs_survey"),
        {"topic": "", "station": closed.code, "times": [], "wish": "Sewing and design"},
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert set(form.errors) >= {"topic", "station", "times"}
    assert "Sewing and design" in response.content.decode()
    assert 'aria-invalid="true"' in response.content.decode()
    assert not NeedsSurveyResponse.objects.exists()


def test_survey_is_throttled_per_client_with_a_clear_message(client, station_a):  # type: ignore[no-untyped-def]
    for _ in range(SURVEY_LIMIT_PER_HOUR):
        assert client.post(reverse("training:needs_survey"), _answer(station_a)).status_code == 302
    blocked = client.post(reverse("training:needs_survey"), _answer(station_a))
    assert blocked.status_code == 429
    assert blocked.context["throttled"] is True
    assert NeedsSurveyResponse.objects.count() == SURVEY_LIMIT_PER_HOUR
    # Another address is not blocked.
    other = client.post(reverse("training:needs_survey"), _answer(station_a), REMOTE_ADDR="10.9.9.9")
    assert other.status_code == 302


# --- Demand view ------------------------------------------------------------------------------------------


def _miss(station: Station, query: str) -> CatalogueSearchMiss:
    return CatalogueSearchMiss.objects.create(query=query, folded=fold(query), station=station)


def _demand_data(station_a: Station, station_b: Station) -> None:
    for topic, times in [
        (Topic.DIGITAL_SKILLS, ["morning"]),
        (Topic.DIGITAL_SKILLS, ["morning", "evening"]),
        (Topic.ENTREPRENEURSHIP, ["weekend"]),
    ]:
        NeedsSurveyResponse.objects.create(station=station_a, topic=topic, times=times)
    NeedsSurveyResponse.objects.create(station=station_b, topic=Topic.DIGITAL_SKILLS, times=["evening"])
    cohort = CohortFactory(station=station_a, programme=ProgrammeFactory(title_en="Excel basics"))
    EnrolmentFactory.create_batch(2, cohort=cohort, status=Enrolment.Status.WAITLISTED)
    EnrolmentFactory(cohort=cohort, status=Enrolment.Status.WAITLISTED, any_station=True)
    EnrolmentFactory(cohort=cohort, status=Enrolment.Status.ENROLLED)
    _miss(station_a, "Python")
    _miss(station_a, "python ")
    _miss(station_a, "Photoshop")


def test_station_manager_sees_demand_at_their_station_only(client_as, station_manager, station_a, station_b):  # type: ignore[no-untyped-def]
    _demand_data(station_a, station_b)
    station_manager.preferred_language = "en"
    station_manager.save(update_fields=["preferred_language"])
    client = client_as(station_manager)
    response = client.get(reverse("training:demand"))
    assert response.status_code == 200
    rows = response.context["rows"]
    assert [r.station for r in rows] == [station_a]
    row = rows[0]
    assert row.needs_total == 3
    assert [(value, n) for value, _label, n in row.topics] == [
        (Topic.DIGITAL_SKILLS, 2),
        (Topic.ENTREPRENEURSHIP, 1),
    ]
    assert [n for _label, n in row.times] == [2, 0, 1, 1]  # mornings, afternoons, evenings, weekends
    assert [(w["waiting"], w["any_station"]) for w in row.waitlists] == [(3, 1)]
    assert row.misses[0][1] == 2 and fold(row.misses[0][0]) == "python"
    assert row.misses[1] == ("Photoshop", 1)
    assert "Training needs" in response.content.decode()
    # From a waitlist row straight to a new cohort of that programme at that station.
    create = reverse("training:staff_cohort_create")
    programme_id = row.waitlists[0]["programme_id"]
    assert f"{create}?station={station_a.code}&amp;programme={programme_id}" in response.content.decode()


def test_demand_period_filter_leaves_out_older_answers(client_as, station_manager, station_a):  # type: ignore[no-untyped-def]
    old = NeedsSurveyResponse.objects.create(station=station_a, topic=Topic.DIGITAL_SKILLS, times=["morning"])
    NeedsSurveyResponse.objects.filter(pk=old.pk).update(
        created_at=old.created_at.replace(year=old.created_at.year - 1)
    )
    client = client_as(station_manager)
    rows = client.get(reverse("training:demand")).context["rows"]
    assert rows[0].needs_total == 0
    start = old.created_at.replace(year=old.created_at.year - 1).date().isoformat()
    rows = client.get(reverse("training:demand"), {"from": start}).context["rows"]
    assert rows[0].needs_total == 1
    bad = client.get(reverse("training:demand"), {"from": "2026-02-31"})
    assert bad.status_code == 200 and bad.context["bad_date"] is True


def test_demand_view_query_count_does_not_grow_with_stations(
    client_as, gam_admin, station_a, station_b, django_assert_num_queries
):  # type: ignore[no-untyped-def]
    _demand_data(station_a, station_b)
    client = client_as(gam_admin)
    client.get(reverse("training:demand"))  # warm caches (sessions, content types)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("training:demand"))
    baseline = len(few.captured_queries)
    for _ in range(3):
        extra = StationFactory()
        _demand_data(extra, extra)
    with django_assert_num_queries(baseline):
        response = client.get(reverse("training:demand"))
    assert len(response.context["rows"]) >= 5


def test_citizen_and_trainer_cannot_open_the_demand_view(client, client_as, citizen, trainer):  # type: ignore[no-untyped-def]
    client.force_login(citizen)
    assert client.get(reverse("training:demand")).status_code == 403
    assert client_as(trainer).get(reverse("training:demand")).status_code == 403
