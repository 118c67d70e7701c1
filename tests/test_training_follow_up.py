"""Outcome follow-ups: the daily job at 3 and 6 months, the once-only token link, and answers entered by staff."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from mahatat.core.sms import MemorySMSBackend
from mahatat.training.models import Enrolment, OutcomeFollowUp
from mahatat.training.services.follow_ups import add_months, create_follow_ups, hash_token

from .factories import StationFactory, UserFactory
from .training_factories import CohortFactory, EnrolmentFactory

pytestmark = pytest.mark.django_db

AMMAN = ZoneInfo("Asia/Amman")
COMPLETED = dt.datetime(2026, 1, 15, 14, 0, tzinfo=AMMAN)


def _graduate(station=None, completed_at=COMPLETED):  # type: ignore[no-untyped-def]
    cohort = CohortFactory(station=station) if station else CohortFactory()
    citizen = UserFactory(phone=f"+9627900{UserFactory._meta.model.objects.count():05d}")
    return EnrolmentFactory(
        cohort=cohort, citizen=citizen, outcome=Enrolment.Outcome.COMPLETED, completed_at=completed_at
    )


def _token_from_sms(body: str) -> str:
    match = re.search(r"/training/follow-up/([^/\s]+)/", body)
    assert match, body
    return match.group(1)


def test_add_months_clamps_to_the_end_of_the_month() -> None:
    assert add_months(dt.date(2026, 8, 31), 6) == dt.date(2027, 2, 28)
    assert add_months(dt.date(2026, 3, 31), -1) == dt.date(2026, 2, 28)
    assert add_months(dt.date(2026, 11, 15), 3) == dt.date(2027, 2, 15)


def test_job_creates_the_3_and_6_month_follow_ups_once(django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    enrolment = _graduate()
    EnrolmentFactory(outcome=Enrolment.Outcome.NOT_COMPLETED, completed_at=None)
    EnrolmentFactory(outcome=Enrolment.Outcome.PENDING)

    assert create_follow_ups(today=dt.date(2026, 4, 14)) == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert create_follow_ups(today=dt.date(2026, 4, 15)) == 1
    item = OutcomeFollowUp.objects.get()
    assert (item.enrolment, item.months, item.due_on) == (enrolment, 3, dt.date(2026, 4, 15))
    assert item.sent_at is not None and len(item.token_hash) == 64
    assert len(MemorySMSBackend.outbox) == 1
    token = _token_from_sms(MemorySMSBackend.outbox[0].body)
    assert item.token_hash == hash_token(token) and token not in item.token_hash

    # Running again the same day, or the next day, makes nothing new.
    assert create_follow_ups(today=dt.date(2026, 4, 15)) == 0
    assert create_follow_ups(today=dt.date(2026, 5, 1)) == 0
    assert create_follow_ups(today=dt.date(2026, 7, 15)) == 1
    assert create_follow_ups(today=dt.date(2026, 7, 15)) == 0
    assert sorted(OutcomeFollowUp.objects.values_list("months", "due_on")) == [
        (3, dt.date(2026, 4, 15)),
        (6, dt.date(2026, 7, 15)),
    ]


def test_a_graduate_found_late_gets_only_the_6_month_follow_up() -> None:
    _graduate()
    assert create_follow_ups(today=dt.date(2026, 9, 1)) == 1
    assert OutcomeFollowUp.objects.get().months == 6


def test_token_link_takes_answers_once(client, django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    _graduate()
    with django_capture_on_commit_callbacks(execute=True):
        create_follow_ups(today=dt.date(2026, 4, 15))
    token = _token_from_sms(MemorySMSBackend.outbox[0].body)
    url = reverse("training:follow_up", args=[token])

    assert client.get(url).status_code == 200
    invalid = client.post(url, {"employed": "yes"})
    assert invalid.status_code == 400
    assert set(invalid.context["form"].errors) == {"started_business", "continued_study"}

    done = client.post(url, {"employed": "yes", "started_business": "no", "continued_study": "yes"})
    assert done.status_code == 200 and done.context["already"] is False
    item = OutcomeFollowUp.objects.get()
    assert (item.employed, item.started_business, item.continued_study) == (True, False, True)
    assert item.responded_at is not None and item.entered_by is None

    again = client.post(url, {"employed": "no", "started_business": "no", "continued_study": "no"})
    assert again.status_code == 200 and again.context["already"] is True
    item.refresh_from_db()
    assert item.employed is True
    assert client.get(url).context["already"] is True


def test_a_forged_token_finds_nothing(client) -> None:  # type: ignore[no-untyped-def]
    _graduate()
    create_follow_ups(today=dt.date(2026, 4, 15))
    assert client.get(reverse("training:follow_up", args=["forged-token"])).status_code == 404
    item = OutcomeFollowUp.objects.get()
    # The stored hash is not a working token either.
    assert client.get(reverse("training:follow_up", args=[item.token_hash])).status_code == 404


def test_staff_enter_answers_for_a_citizen_at_their_station(client_as, station_manager, station_a, station_b):  # type: ignore[no-untyped-def]
    here = _graduate(station=station_a)
    there = _graduate(station=station_b)
    create_follow_ups(today=dt.date(2026, 4, 20))
    client = client_as(station_manager)

    page = client.get(reverse("training:follow_ups"))
    assert page.status_code == 200
    assert [item.enrolment for item, _form in page.context["rows"]] == [here]

    mine = OutcomeFollowUp.objects.get(enrolment=here)
    data = {
        f"f{mine.pk}-employed": "no",
        f"f{mine.pk}-started_business": "yes",
        f"f{mine.pk}-continued_study": "no",
    }
    response = client.post(reverse("training:follow_up_enter", args=[mine.pk]), data)
    assert response.status_code == 302
    mine.refresh_from_db()
    assert (mine.employed, mine.started_business, mine.continued_study) == (False, True, False)
    assert mine.entered_by == station_manager
    assert client.get(reverse("training:follow_ups")).context["rows"] == []

    theirs = OutcomeFollowUp.objects.get(enrolment=there)
    data = {
        f"f{theirs.pk}-employed": "no",
        f"f{theirs.pk}-started_business": "no",
        f"f{theirs.pk}-continued_study": "no",
    }
    assert client.post(reverse("training:follow_up_enter", args=[theirs.pk]), data).status_code == 403
    theirs.refresh_from_db()
    assert theirs.responded_at is None


def test_follow_up_list_query_count_is_fixed(client_as, gam_admin, django_assert_num_queries):  # type: ignore[no-untyped-def]
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    station = StationFactory()
    _graduate(station=station)
    create_follow_ups(today=dt.date(2026, 4, 20))
    client = client_as(gam_admin)
    client.get(reverse("training:follow_ups"))
    with CaptureQueriesContext(connection) as first:
        client.get(reverse("training:follow_ups"))
    for _ in range(4):
        _graduate(station=StationFactory())
    create_follow_ups(today=dt.date(2026, 4, 20))
    with django_assert_num_queries(len(first.captured_queries)):
        response = client.get(reverse("training:follow_ups"))
    assert len(response.context["rows"]) == 5
