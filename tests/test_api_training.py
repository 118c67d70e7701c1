"""The training API: catalogue, enrolment, the waitlist and attendance, with fixed query counts on every list."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from mahatat.accounts.models import Role
from mahatat.training.models import Attendance, Cohort, Enrolment
from mahatat.training.services.checkin_codes import current_code

from .training_factories import (
    CohortFactory,
    EnrolmentFactory,
    ProgrammeFactory,
    TrainerFactory,
    TrainingSessionFactory,
    citizen_user,
)

pytestmark = pytest.mark.django_db

COHORTS = "/api/v1/training/cohorts/"
ENROLMENTS = "/api/v1/training/enrolments/"


@pytest.fixture(autouse=True)
def _clear_cache():  # type: ignore[no-untyped-def]
    cache.clear()
    yield
    cache.clear()


def signed_in(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def post(client: Client, url: str, data: object | None = None):  # type: ignore[no-untyped-def]
    return client.post(url, data or {}, content_type="application/json")


def _cohorts(station, n: int) -> list[Cohort]:  # type: ignore[no-untyped-def]
    cohorts = []
    for _ in range(n):
        cohort = CohortFactory(station=station, starts_on=timezone.localdate() + dt.timedelta(days=3))
        TrainingSessionFactory(cohort=cohort)
        TrainingSessionFactory(cohort=cohort, starts_at=timezone.now() + dt.timedelta(days=3))
        cohorts.append(cohort)
    return cohorts


def test_catalogue_lists_public_cohorts_with_seats_left_in_a_fixed_number_of_queries(
    client, station_a, django_assert_num_queries
) -> None:
    _cohorts(station_a, 2)
    with django_assert_num_queries(3) as few:  # count, page, sessions
        response = client.get(COHORTS)
    assert response.status_code == 200
    assert response.json()["count"] == 2
    _cohorts(station_a, 5)
    CohortFactory(station=station_a, status=Cohort.Status.DRAFT)
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(COHORTS)
    body = response.json()
    assert body["count"] == 7  # the draft is not listed
    first = body["results"][0]
    assert first["seats_left"] == 10
    assert first["programme"]["title_en"] == "Digital skills"
    assert first["url"].startswith("http://testserver/")


def test_catalogue_filters_are_validated_and_searched_like_the_website(client, station_a, station_b) -> None:
    business = ProgrammeFactory(
        title_ar="ريادة الأعمال", title_en="Entrepreneurship", topic="entrepreneurship"
    )
    CohortFactory(station=station_a, programme=business)
    CohortFactory(station=station_b)

    found = client.get(COHORTS, {"q": "الاعمال"}).json()
    assert [c["programme"]["title_en"] for c in found["results"]] == ["Entrepreneurship"]
    assert client.get(COHORTS, {"station": station_b.pk}).json()["count"] == 1
    assert client.get(COHORTS, {"topic": "entrepreneurship"}).json()["count"] == 1

    bad = client.get(COHORTS, {"topic": "astrology", "starts_from": "yesterday"}, HTTP_ACCEPT_LANGUAGE="en")
    assert bad.status_code == 400
    assert set(bad.json()) == {"topic", "starts_from"}


def test_cohort_detail_shows_sessions_and_hides_drafts(client, station_a) -> None:
    (cohort,) = _cohorts(station_a, 1)
    draft = CohortFactory(station=station_a, status=Cohort.Status.DRAFT)

    body = client.get(f"{COHORTS}{cohort.pk}/").json()
    assert len(body["sessions"]) == 2
    assert client.get(f"{COHORTS}{draft.pk}/").status_code == 404
    assert client.get(f"{COHORTS}99999999999/").status_code == 404


def test_enrolling_gives_a_seat_then_refuses_a_second_time_with_the_reason(citizen, station_a) -> None:
    cohort = CohortFactory(station=station_a, seats=1)
    api = signed_in(citizen)

    created = post(api, f"{COHORTS}{cohort.pk}/enrol/")
    assert created.status_code == 201
    assert created.json()["status"] == "enrolled"

    again = post(api, f"{COHORTS}{cohort.pk}/enrol/", None)
    assert again.status_code == 400
    assert again.json()["code"] == ["already_enrolled"]
    assert Enrolment.objects.filter(cohort=cohort).count() == 1


def test_enrolment_refusals_are_translated_and_change_nothing(citizen, station_a) -> None:
    closed = CohortFactory(
        station=station_a,
        enrolment_opens=timezone.now() - dt.timedelta(days=9),
        enrolment_closes=timezone.now() - dt.timedelta(days=1),
    )
    men_only = CohortFactory(station=station_a, gender="male")
    api = signed_in(citizen)

    refused = post(api, f"{COHORTS}{closed.pk}/enrol/").json()
    assert refused["code"] == ["window_closed"]
    assert any("\u0600" <= ch <= "\u06ff" for ch in refused["non_field_errors"][0])  # Arabic by default
    citizen.preferred_language = "en"  # the API answers in the user's own language
    citizen.save(update_fields=["preferred_language"])
    english = post(api, f"{COHORTS}{men_only.pk}/enrol/")
    assert english.status_code == 400
    assert english.json()["code"] == ["not_eligible_gender"]
    assert english.json()["non_field_errors"] == ["This course is for men only."]
    assert not Enrolment.objects.exists()


def test_anonymous_cannot_enrol(client, station_a) -> None:
    cohort = CohortFactory(station=station_a)
    assert post(client, f"{COHORTS}{cohort.pk}/enrol/").status_code == 401


def test_my_enrolments_show_the_waitlist_position_in_a_fixed_number_of_queries(
    station_a, django_assert_num_queries
) -> None:
    me = citizen_user()
    full = CohortFactory(station=station_a, seats=1, status=Cohort.Status.FULL)
    EnrolmentFactory(cohort=full)
    EnrolmentFactory(cohort=full, status=Enrolment.Status.WAITLISTED)
    mine = EnrolmentFactory(cohort=full, citizen=me, status=Enrolment.Status.WAITLISTED)
    api = signed_in(me)

    with django_assert_num_queries(6) as few:
        body = api.get(ENROLMENTS).json()
    assert body["results"][0]["id"] == mine.pk
    assert body["results"][0]["waitlist_position"] == 2
    for _ in range(4):
        EnrolmentFactory(citizen=me, cohort=CohortFactory(station=station_a))
    with django_assert_num_queries(len(few.captured_queries)):
        assert api.get(ENROLMENTS).json()["count"] == 5


def test_cancelling_a_seat_offers_it_to_the_next_person_who_can_accept_it(station_a) -> None:
    cohort = CohortFactory(station=station_a, seats=1, status=Cohort.Status.FULL)
    holder = EnrolmentFactory(cohort=cohort)
    waiting = EnrolmentFactory(cohort=cohort, status=Enrolment.Status.WAITLISTED)

    cancelled = post(signed_in(holder.citizen), f"{ENROLMENTS}{holder.pk}/cancel/")
    assert cancelled.status_code == 200
    assert cancelled.json()["status"] == "cancelled"
    waiting.refresh_from_db()
    assert waiting.status == Enrolment.Status.OFFERED

    other = post(signed_in(holder.citizen), f"{ENROLMENTS}{waiting.pk}/accept/")
    assert other.status_code == 404  # not theirs
    accepted = post(signed_in(waiting.citizen), f"{ENROLMENTS}{waiting.pk}/accept/")
    assert accepted.status_code == 200
    assert accepted.json()["status"] == "enrolled"


def test_an_expired_offer_cannot_be_accepted_and_passes_on_at_once(station_a) -> None:
    cohort = CohortFactory(station=station_a, seats=1)
    offer = EnrolmentFactory(
        cohort=cohort,
        status=Enrolment.Status.OFFERED,
        offer_expires_at=timezone.now() - dt.timedelta(minutes=1),
    )
    response = post(signed_in(offer.citizen), f"{ENROLMENTS}{offer.pk}/accept/")
    assert response.status_code == 400
    offer.refresh_from_db()
    assert (offer.status, offer.end_reason) == (Enrolment.Status.CANCELLED, Enrolment.EndReason.OFFER_EXPIRED)


def test_declining_and_asking_for_any_station(station_a, station_b) -> None:
    programme = ProgrammeFactory()
    here = CohortFactory(station=station_a, programme=programme, seats=1, status=Cohort.Status.FULL)
    EnrolmentFactory(cohort=here)
    place = EnrolmentFactory(cohort=here, status=Enrolment.Status.WAITLISTED)
    elsewhere = CohortFactory(station=station_b, programme=programme, seats=5)

    response = post(signed_in(place.citizen), f"{ENROLMENTS}{place.pk}/any-station/")
    assert response.status_code == 200
    assert response.json()["any_station"] is True
    offer = Enrolment.objects.get(cohort=elsewhere, citizen=place.citizen)
    assert offer.status == Enrolment.Status.OFFERED

    declined = post(signed_in(place.citizen), f"{ENROLMENTS}{offer.pk}/decline/")
    assert declined.status_code == 200
    assert declined.json()["status"] == "cancelled"


def _running_session(station, trainer_user=None):  # type: ignore[no-untyped-def]
    cohort = CohortFactory(station=station, status=Cohort.Status.RUNNING)
    if trainer_user is not None:
        cohort.trainers.add(TrainerFactory(user=trainer_user))
    session = TrainingSessionFactory(
        cohort=cohort,
        starts_at=timezone.now() - dt.timedelta(minutes=10),
        ends_at=timezone.now() + dt.timedelta(hours=2),
    )
    return cohort, session


def test_trainer_reads_and_marks_the_roster_in_one_request(
    station_a, trainer, client_as, django_assert_num_queries
):  # type: ignore[no-untyped-def]
    cohort, session = _running_session(station_a, trainer)
    places = [EnrolmentFactory(cohort=cohort) for _ in range(3)]
    api = client_as(trainer)
    url = f"/api/v1/training/sessions/{session.pk}/attendance/"

    api.get(url)  # warm up: the first request of a session loads what it caches
    with django_assert_num_queries(8) as few:
        rows = api.get(url).json()
    assert [r["status"] for r in rows] == ["", "", ""]
    for _ in range(5):
        EnrolmentFactory(cohort=cohort)
    with django_assert_num_queries(len(few.captured_queries)):
        assert len(api.get(url).json()) == 8

    marks = [{"enrolment": p.pk, "status": "present"} for p in places[:2]]
    marks += [{"enrolment": places[0].pk, "status": "late"}]  # a resend: the last mark wins
    response = post(api, url, {"marks": marks})
    assert response.status_code == 200
    assert dict(Attendance.objects.values_list("enrolment_id", "status")) == {
        places[0].pk: "late",
        places[1].pk: "present",
    }


def test_a_refused_mark_records_none_of_the_batch_and_names_the_mark(station_a, trainer, client_as) -> None:  # type: ignore[no-untyped-def]
    cohort, session = _running_session(station_a, trainer)
    place = EnrolmentFactory(cohort=cohort)
    stranger = EnrolmentFactory()  # another cohort
    url = f"/api/v1/training/sessions/{session.pk}/attendance/"

    response = post(
        client_as(trainer),
        url,
        {
            "marks": [
                {"enrolment": place.pk, "status": "present"},
                {"enrolment": stranger.pk, "status": "present"},
            ]
        },
    )
    assert response.status_code == 400
    assert response.json()["marks"][0] == {}
    assert "enrolment" in response.json()["marks"][1]
    assert not Attendance.objects.exists()


def test_attendance_is_for_the_cohorts_trainer_or_its_station_staff(station_a, station_b, client_as) -> None:  # type: ignore[no-untyped-def]
    from .conftest import _staff

    _cohort, session = _running_session(station_a)
    url = f"/api/v1/training/sessions/{session.pk}/attendance/"
    other_trainer = _staff("trainer.b@nitc.example.jo", Role.TRAINER, station=station_b)
    staff_a = _staff("desk.a@gam.example.jo", Role.STATION_STAFF, station=station_a)

    assert client_as(other_trainer).get(url).status_code == 403
    assert client_as(staff_a).get(url).status_code == 200
    assert signed_in(citizen_user()).get(url).status_code == 403


def test_citizen_checks_in_once_with_the_current_code_and_a_forged_one_is_refused(station_a) -> None:
    cohort, session = _running_session(station_a)
    session.checkin_open_until = timezone.now() + dt.timedelta(minutes=30)
    session.save()
    place = EnrolmentFactory(cohort=cohort)
    api = signed_in(place.citizen)
    url = "/api/v1/training/check-in/"

    forged = post(api, url, {"session": session.pk, "code": "aaaaaaaaaa"})
    assert forged.status_code == 400
    assert forged.json()["code"] == ["invalid_code"]

    first = post(api, url, {"session": session.pk, "code": current_code(session.pk)})
    assert first.status_code == 200
    assert first.json()["already"] is False
    again = post(api, url, {"session": session.pk, "code": current_code(session.pk)})
    assert again.json()["already"] is True
    assert Attendance.objects.filter(session=session).count() == 1

    outsider = post(signed_in(citizen_user()), url, {"session": session.pk, "code": current_code(session.pk)})
    assert outsider.status_code == 400
    assert outsider.json()["code"] == ["not_enrolled"]


@pytest.mark.parametrize("value", ["¹", "٣", "²³"])
def test_digits_that_are_not_decimal_never_break_a_filter(client, station_a, value) -> None:
    """str.isdigit() accepts superscripts that int() refuses: every numeric filter uses isdecimal()."""
    assert client.get("/api/v1/stations/", {"governorate": value}).status_code == 200
    assert client.get("/training/", {"station": value, "governorate": value}).status_code == 200
