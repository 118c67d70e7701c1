"""The staff pages for courses, sessions, programmes and trainers: scope, refusals that keep the input, and
fixed query counts on the lists."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from mahatat.core.dates import AMMAN
from mahatat.core.sms import MemorySMSBackend
from mahatat.training.models import (
    Cohort,
    Enrolment,
    FeedbackResponse,
    Programme,
    Trainer,
    TrainerAvailability,
    TrainingSession,
)
from mahatat.training.services.schedule import add_session

from .factories import UserFactory
from .training_factories import CohortFactory, EnrolmentFactory, ProgrammeFactory, TrainerFactory

pytestmark = pytest.mark.django_db

SUNDAY = dt.date(2030, 1, 6)


def at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=AMMAN)


def _english(client):  # type: ignore[no-untyped-def]
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _count_queries(client, url: str) -> int:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def _cohort_url(cohort: Cohort, name: str = "training:staff_cohort", **kwargs: object) -> str:
    return reverse(name, kwargs={"pk": cohort.pk, **kwargs})


# --- Scope ----------------------------------------------------------------------------------------------------


def test_station_manager_cannot_see_or_change_cohorts_of_another_station(
    client_as, station_manager, station_b
) -> None:
    other = CohortFactory(station=station_b, status=Cohort.Status.DRAFT)
    client = _english(client_as(station_manager))
    assert client.get(_cohort_url(other)).status_code == 404
    assert client.get(_cohort_url(other, "training:staff_cohort_edit")).status_code == 404
    assert (
        client.post(
            _cohort_url(other, "training:staff_cohort_step", step="cancel"), {"reason": "x"}
        ).status_code
        == 404
    )
    response = client.post(
        _cohort_url(other, "training:staff_session_add"),
        {"day": "2030-01-06", "start": "17:00", "end": "19:00"},
    )
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.status == Cohort.Status.DRAFT
    assert not TrainingSession.objects.exists()


def test_station_manager_lists_only_the_cohorts_of_their_stations(
    client_as, station_manager, station_a, station_b
) -> None:
    mine = CohortFactory(station=station_a, programme=ProgrammeFactory(title_en="Mine", title_ar="لي"))
    CohortFactory(station=station_b, programme=ProgrammeFactory(title_en="Theirs", title_ar="لهم"))
    response = _english(client_as(station_manager)).get(reverse("training:staff_cohorts"))
    assert response.status_code == 200
    assert list(response.context["page"].object_list) == [mine]


def test_station_manager_cannot_create_a_cohort_at_another_station(
    client_as, station_manager, station_b
) -> None:
    programme = ProgrammeFactory()
    data = {
        "programme": programme.pk,
        "station": station_b.pk,
        "seats": "12",
        "language": "ar",
        "enrolment_opens": "2030-01-01T08:00",
        "enrolment_closes": "2030-01-05T20:00",
    }
    response = _english(client_as(station_manager)).post(reverse("training:staff_cohort_create"), data)
    assert response.status_code == 400
    assert "station" in response.context["form"].errors
    assert not Cohort.objects.exists()


def test_station_manager_can_create_a_draft_cohort_at_their_station(
    client_as, station_manager, station_a
) -> None:
    programme = ProgrammeFactory()
    trainer = TrainerFactory()
    data = {
        "programme": programme.pk,
        "station": station_a.pk,
        "seats": "12",
        "language": "ar",
        "enrolment_opens": "2030-01-01T08:00",
        "enrolment_closes": "2030-01-05T20:00",
        "gender": "female",
        "min_age": "16",
        "max_age": "30",
        "trainers": [trainer.pk],
        "notes_ar": "أحضري حاسوبك",
    }
    response = _english(client_as(station_manager)).post(reverse("training:staff_cohort_create"), data)
    cohort = Cohort.objects.get()
    assert response.status_code == 302 and response.url == _cohort_url(cohort)
    assert cohort.status == Cohort.Status.DRAFT
    assert cohort.enrolment_opens == dt.datetime(2030, 1, 1, 8, tzinfo=AMMAN)
    assert list(cohort.trainers.all()) == [trainer]
    assert cohort.history.first().history_user == station_manager  # type: ignore[attr-defined]


def test_a_refused_cohort_form_keeps_what_was_typed(client_as, station_manager, station_a) -> None:
    data = {
        "programme": ProgrammeFactory().pk,
        "station": station_a.pk,
        "seats": "12",
        "language": "ar",
        "enrolment_opens": "2030-01-05T08:00",
        "enrolment_closes": "2030-01-01T20:00",
        "notes_en": "Bring a laptop",
    }
    response = _english(client_as(station_manager)).post(reverse("training:staff_cohort_create"), data)
    assert response.status_code == 400
    assert "enrolment_closes" in response.context["form"].errors
    assert "Bring a laptop" in response.content.decode()
    assert 'value="2030-01-05T08:00"' in response.content.decode()


def test_trainer_sees_the_cohort_they_teach_but_cannot_change_it(client_as, trainer, station_a) -> None:
    cohort = CohortFactory(station=station_a, status=Cohort.Status.DRAFT)
    cohort.trainers.add(TrainerFactory(user=trainer))
    other = CohortFactory(station=station_a)
    client = client_as(trainer)
    listed = client.get(reverse("training:staff_cohorts")).context["page"].object_list
    assert list(listed) == [cohort]
    page = client.get(_cohort_url(cohort))
    assert page.status_code == 200 and not page.context["editable"]
    assert client.get(_cohort_url(other)).status_code == 404
    assert client.post(_cohort_url(cohort, "training:staff_cohort_step", step="open")).status_code == 403


def test_citizen_cannot_open_the_back_office(client_as, citizen) -> None:
    client = client_as(citizen)
    for name in ("training:staff_cohorts", "training:trainers", "training:programmes"):
        assert client.get(reverse(name)).status_code == 403


def test_staff_navigation_shows_courses_to_those_who_run_cohorts(client_as, station_manager, citizen) -> None:
    url = reverse("training:staff_cohorts")
    assert url in _english(client_as(station_manager)).get(reverse("home")).content.decode()
    assert url not in client_as(citizen).get(reverse("home")).content.decode()


# --- Lists: fixed query counts --------------------------------------------------------------------------------


def _fill(station, n: int) -> None:  # type: ignore[no-untyped-def]
    for _ in range(n):
        cohort = CohortFactory(station=station)
        EnrolmentFactory(cohort=cohort)
        EnrolmentFactory(cohort=cohort, status=Enrolment.Status.WAITLISTED)
        EnrolmentFactory(
            cohort=cohort,
            status=Enrolment.Status.OFFERED,
            offer_expires_at=timezone.now() + dt.timedelta(hours=3),
        )


def test_cohort_list_counts_places_in_a_fixed_number_of_queries(
    client_as, station_manager, station_a, django_assert_num_queries
) -> None:
    client = _english(client_as(station_manager))
    url = reverse("training:staff_cohorts")
    _fill(station_a, 2)
    client.get(url)  # warm the session and permissions
    few = _count_queries(client, url)
    _fill(station_a, 6)
    with django_assert_num_queries(few):
        response = client.get(url)
    rows = list(response.context["page"].object_list)
    assert len(rows) == 8
    assert {(c.enrolled_count, c.offered_count, c.waitlisted_count) for c in rows} == {(1, 1, 1)}


def test_cohort_list_filters_by_status_programme_and_start(
    client_as, gam_admin, station_a, station_b
) -> None:
    wanted = CohortFactory(station=station_b, status=Cohort.Status.RUNNING, starts_on=SUNDAY)
    CohortFactory(station=station_b, status=Cohort.Status.RUNNING, starts_on=SUNDAY - dt.timedelta(days=30))
    CohortFactory(station=station_a, status=Cohort.Status.OPEN, starts_on=SUNDAY, programme=wanted.programme)
    client = client_as(gam_admin)
    response = client.get(
        reverse("training:staff_cohorts"),
        {
            "status": "running",
            "programme": wanted.programme_id,
            "starts_from": "2030-01-01",
            "station": station_b.pk,
        },
    )
    assert list(response.context["page"].object_list) == [wanted]
    assert (
        client.get(
            reverse("training:staff_cohorts"), {"starts_from": "not-a-date", "status": "bogus"}
        ).status_code
        == 200
    )


def test_trainer_list_is_a_fixed_number_of_queries_and_filters_by_topic(
    client_as, gam_admin, station_a, django_assert_num_queries
) -> None:
    client = client_as(gam_admin)
    url = reverse("training:trainers")
    TrainerFactory(topics=["english"], home_station=station_a)
    client.get(url)
    few = _count_queries(client, url)
    for _ in range(6):
        add_session(
            cohort=CohortFactory(station=station_a),
            trainer=TrainerFactory(),
            starts_at=timezone.now() + dt.timedelta(days=2),
            ends_at=timezone.now() + dt.timedelta(days=2, hours=2),
        )
    with django_assert_num_queries(few):
        response = client.get(url)
    assert len(response.context["page"].object_list) == 7
    english = client.get(url, {"topic": "english"}).context["page"].object_list
    assert [t.topics for t in english] == [["english"]]


# --- Sessions -------------------------------------------------------------------------------------------------


def test_a_trainer_clash_is_refused_on_the_page_and_the_input_is_kept(
    client_as, station_manager, station_a, station_b
) -> None:
    trainer = TrainerFactory(name_en="Rania Haddad")
    add_session(
        cohort=CohortFactory(station=station_b),
        trainer=trainer,
        starts_at=at(SUNDAY, 17),
        ends_at=at(SUNDAY, 19),
    )
    cohort = CohortFactory(station=station_a)
    response = _english(client_as(station_manager)).post(
        _cohort_url(cohort, "training:staff_session_add"),
        {"day": "2030-01-06", "start": "18:00", "end": "20:00", "trainer": trainer.pk, "room": "Lab 7"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Rania Haddad is already teaching at that time" in html
    assert "Tareq Knowledge Station" in html
    assert 'value="Lab 7"' in html and 'value="2030-01-06"' in html and 'value="18:00"' in html
    assert not TrainingSession.objects.filter(cohort=cohort).exists()


def test_staff_can_add_a_session_and_is_warned_outside_the_trainers_availability(
    client_as, station_manager, station_a
) -> None:
    trainer = TrainerFactory()
    TrainerAvailability.objects.create(trainer=trainer, weekday=6, start=dt.time(9), end=dt.time(12))
    cohort = CohortFactory(station=station_a)
    client = _english(client_as(station_manager))
    response = client.post(
        _cohort_url(cohort, "training:staff_session_add"),
        {"day": "2030-01-06", "start": "17:00", "end": "19:00", "trainer": trainer.pk, "room": "Lab 1"},
        follow=True,
    )
    session = TrainingSession.objects.get(cohort=cohort)
    assert session.starts_at == at(SUNDAY, 17)
    assert "not usually available" in response.content.decode()
    cohort.refresh_from_db()
    assert cohort.starts_on == SUNDAY


def test_staff_can_add_a_weekly_series_and_a_clash_adds_nothing(
    client_as, station_manager, station_a, station_b
) -> None:
    trainer = TrainerFactory()
    cohort = CohortFactory(station=station_a)
    client = _english(client_as(station_manager))
    data = {
        "series-weekdays": ["6", "1"],
        "series-start": "17:00",
        "series-end": "19:00",
        "series-first_day": "2030-01-06",
        "series-weeks": "4",
        "series-trainer": trainer.pk,
        "series-room": "Lab 2",
    }
    assert client.post(_cohort_url(cohort, "training:staff_session_series"), data).status_code == 302
    assert TrainingSession.objects.filter(cohort=cohort).count() == 8

    other = CohortFactory(station=station_b)
    add_session(cohort=other, trainer=TrainerFactory(), starts_at=at(SUNDAY, 8), ends_at=at(SUNDAY, 9))
    busy = _english(client_as(UserFactory(is_superuser=True)))
    response = busy.post(_cohort_url(other, "training:staff_session_series"), data)
    assert response.status_code == 400
    assert "Nothing was added" in response.content.decode()
    assert 'value="Lab 2"' in response.content.decode()
    assert TrainingSession.objects.filter(cohort=other).count() == 1


def test_staff_can_move_and_delete_a_session(client_as, station_manager, station_a) -> None:
    cohort = CohortFactory(station=station_a)
    session = add_session(cohort=cohort, trainer=None, starts_at=at(SUNDAY, 17), ends_at=at(SUNDAY, 19))
    client = _english(client_as(station_manager))
    url = _cohort_url(cohort, "training:staff_session_edit", session_pk=session.pk)
    assert client.get(url).status_code == 200
    prefix = f"s{session.pk}-"
    response = client.post(
        url,
        {
            prefix + "day": "2030-01-08",
            prefix + "start": "10:00",
            prefix + "end": "12:00",
            prefix + "room": "B",
        },
    )
    assert response.status_code == 302
    session.refresh_from_db()
    assert (session.starts_at, session.room) == (at(SUNDAY + dt.timedelta(days=2), 10), "B")
    refused = client.post(
        url, {prefix + "day": "2030-01-08", prefix + "start": "12:00", prefix + "end": "10:00"}
    )
    assert refused.status_code == 400
    client.post(_cohort_url(cohort, "training:staff_session_delete", session_pk=session.pk))
    assert not TrainingSession.objects.filter(pk=session.pk).exists()


# --- Status steps and places ----------------------------------------------------------------------------------


def test_station_manager_can_open_start_and_cancel_a_cohort_from_its_page(
    client_as, station_manager, station_a, django_capture_on_commit_callbacks
) -> None:
    cohort = CohortFactory(station=station_a, status=Cohort.Status.DRAFT)
    client = _english(client_as(station_manager))
    refused = client.post(_cohort_url(cohort, "training:staff_cohort_step", step="open"), follow=True)
    assert "Add at least one session" in refused.content.decode() or "أضف" in refused.content.decode()
    add_session(cohort=cohort, trainer=None, starts_at=at(SUNDAY, 17), ends_at=at(SUNDAY, 19))
    client.post(_cohort_url(cohort, "training:staff_cohort_step", step="open"))
    cohort.refresh_from_db()
    assert cohort.status == Cohort.Status.OPEN
    EnrolmentFactory(cohort=cohort, citizen=UserFactory(phone="+962790000031", email="c@example.jo"))

    no_reason = client.post(_cohort_url(cohort, "training:staff_cohort_step", step="cancel"), {"reason": ""})
    assert no_reason.status_code == 400
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            _cohort_url(cohort, "training:staff_cohort_step", step="cancel"), {"reason": "Trainer ill"}
        )
    cohort.refresh_from_db()
    assert cohort.status == Cohort.Status.CANCELLED
    assert [m.to for m in MemorySMSBackend.outbox] == ["+962790000031"]
    assert [m.to for m in mail.outbox] == [["c@example.jo"]]
    assert client.post(_cohort_url(cohort, "training:staff_cohort_step", step="bogus")).status_code == 404


def test_staff_can_cancel_a_place_and_the_page_lists_places_in_order(
    client_as, station_manager, station_a
) -> None:
    cohort = CohortFactory(station=station_a, seats=1)
    seat = EnrolmentFactory(cohort=cohort)
    first = EnrolmentFactory(cohort=cohort, status=Enrolment.Status.WAITLISTED)
    second = EnrolmentFactory(cohort=cohort, status=Enrolment.Status.WAITLISTED)
    client = _english(client_as(station_manager))
    page = client.get(_cohort_url(cohort))
    assert page.context["enrolled"] == [seat]
    assert page.context["waitlisted"] == [first, second]
    response = client.post(_cohort_url(cohort, "training:staff_place_cancel", enrolment_pk=seat.pk))
    assert response.status_code == 302
    seat.refresh_from_db()
    assert seat.status == Enrolment.Status.CANCELLED
    assert seat.end_reason == Enrolment.EndReason.BY_STAFF


# --- Programmes and trainers ----------------------------------------------------------------------------------


def test_coordinator_can_create_a_programme_with_target_groups(client_as, nitc_coordinator) -> None:
    data = {
        "code": "web-basics",
        "title_ar": "أساسيات الويب",
        "title_en": "Web basics",
        "topic": "digital_skills",
        "provider": "nitc",
        "target_groups": ["women", "youth"],
        "total_hours": "24",
        "min_attendance_percent": "80",
        "certificate_template": "attendance",
        "is_active": "on",
    }
    response = _english(client_as(nitc_coordinator)).post(reverse("training:programme_create"), data)
    assert response.status_code == 302
    assert Programme.objects.get(code="web-basics").target_groups == ["women", "youth"]


def test_a_partner_programme_needs_the_partner_name_and_station_manager_cannot_edit_programmes(
    client_as, nitc_coordinator, station_manager
) -> None:
    data = {
        "code": "p",
        "title_ar": "ب",
        "title_en": "P",
        "topic": "english",
        "provider": "partner",
        "total_hours": "4",
        "min_attendance_percent": "80",
        "certificate_template": "attendance",
    }
    response = _english(client_as(nitc_coordinator)).post(reverse("training:programme_create"), data)
    assert response.status_code == 400 and "partner_name" in response.context["form"].errors
    assert _english(client_as(station_manager)).get(reverse("training:programme_create")).status_code == 403


def test_trainer_page_shows_hours_per_station_and_the_average_rating(
    client_as, station_manager, station_a, station_b
) -> None:
    person = TrainerFactory()
    past = timezone.now() - dt.timedelta(days=30)
    for cohort, hours in ((CohortFactory(station=station_a), 2), (CohortFactory(station=station_b), 3)):
        past += dt.timedelta(days=5)
        add_session(cohort=cohort, trainer=person, starts_at=past, ends_at=past + dt.timedelta(hours=hours))
        add_session(
            cohort=cohort,
            trainer=person,
            starts_at=past + dt.timedelta(days=1),
            ends_at=past + dt.timedelta(days=1, hours=hours),
        )
        for rating in (4, 5):
            FeedbackResponse.objects.create(
                enrolment=EnrolmentFactory(cohort=cohort),
                trainer=person,
                programme_rating=3,
                trainer_rating=rating,
                station_rating=3,
            )
    add_session(
        cohort=CohortFactory(station=station_a),
        trainer=person,
        starts_at=timezone.now() + dt.timedelta(days=3),
        ends_at=timezone.now() + dt.timedelta(days=3, hours=1),
    )
    client = _english(client_as(station_manager))
    response = client.get(reverse("training:trainer", kwargs={"pk": person.pk}))
    assert response.status_code == 200
    hours = {(row.station_name_en, row.sessions, row.hours) for row in response.context["hours"]}
    assert hours == {("Marka Knowledge Station", 2, 4.0), ("Tareq Knowledge Station", 2, 6.0)}
    assert response.context["rating"] == {"average": 4.5, "count": 4}
    assert len(response.context["upcoming"]) == 1


def test_station_manager_can_add_a_trainer_with_weekly_availability_and_overlaps_are_refused(
    client_as, station_manager, station_a, trainer
) -> None:
    data = {
        "name_ar": "رانيا حداد",
        "name_en": "Rania Haddad",
        "user": trainer.pk,
        "home_station": station_a.pk,
        "topics": ["english", "digital_skills"],
        "is_active": "on",
        "availability-TOTAL_FORMS": "2",
        "availability-INITIAL_FORMS": "0",
        "availability-0-weekday": "6",
        "availability-0-start": "16:00",
        "availability-0-end": "20:00",
        "availability-1-weekday": "6",
        "availability-1-start": "19:00",
        "availability-1-end": "21:00",
    }
    client = _english(client_as(station_manager))
    refused = client.post(reverse("training:trainer_create"), data)
    assert refused.status_code == 400
    assert "overlap" in refused.content.decode()
    assert 'value="Rania Haddad"' in refused.content.decode()
    assert not Trainer.objects.exists()

    data["availability-1-start"] = "20:00"
    assert client.post(reverse("training:trainer_create"), data).status_code == 302
    created = Trainer.objects.get()
    assert created.user == trainer and sorted(created.topics) == ["digital_skills", "english"]
    assert created.availability.count() == 2
