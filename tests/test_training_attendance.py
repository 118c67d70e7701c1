"""The trainer's roster (one tap, saved at once by htmx), the QR check-in display, and the citizen's check-in page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from mahatat.training.models import Attendance, Cohort
from mahatat.training.services import checkin_codes

from .training_factories import CohortFactory, EnrolmentFactory, TrainerFactory, TrainingSessionFactory


@pytest.fixture
def session(station_a, trainer):  # type: ignore[no-untyped-def]
    """A session that started five minutes ago at station A, taught by the `trainer` persona."""
    cohort = CohortFactory(station=station_a, status=Cohort.Status.RUNNING)
    cohort.trainers.add(TrainerFactory(user=trainer))
    now = timezone.now()
    return TrainingSessionFactory(
        cohort=cohort, starts_at=now - dt.timedelta(minutes=5), ends_at=now + dt.timedelta(hours=2)
    )


def _roster(session):  # type: ignore[no-untyped-def]
    return reverse("training:roster", kwargs={"pk": session.pk})


def _mark_url(session, enrolment):  # type: ignore[no-untyped-def]
    return reverse("training:roster_mark", kwargs={"pk": session.pk, "enrolment_pk": enrolment.pk})


@pytest.mark.django_db
def test_trainer_of_the_cohort_sees_the_roster_with_counts(client_as, trainer, session):
    enrolments = [EnrolmentFactory(cohort=session.cohort) for _ in range(3)]
    Attendance.objects.create(
        session=session, enrolment=enrolments[0], status=Attendance.Status.PRESENT, method="roster"
    )
    response = client_as(trainer).get(_roster(session))
    assert response.status_code == 200
    body = response.content.decode()
    assert body.count('class="roster-row"') == 3
    assert "1 of 3 present" in body or "1 من 3" in body
    assert reverse("training:checkin_display", kwargs={"pk": session.pk}) in body


@pytest.mark.django_db
def test_trainer_can_mark_a_person_with_one_htmx_tap(client_as, trainer, session):
    enrolment = EnrolmentFactory(cohort=session.cohort)
    client = client_as(trainer)
    response = client.post(_mark_url(session, enrolment), {"status": "late"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    body = response.content.decode()
    assert f'id="roster-row-{enrolment.pk}"' in body
    assert 'value="late" class="btn roster-btn roster-btn-late" aria-pressed="true"' in body
    assert 'id="roster-counts"' in body and 'hx-swap-oob="true"' in body
    row = Attendance.objects.get()
    assert (row.status, row.method, row.marked_by) == ("late", "roster", trainer)
    # The same tap again (a resend from the tablet's queue) changes nothing more; the last mark wins.
    client.post(_mark_url(session, enrolment), {"status": "late"}, HTTP_HX_REQUEST="true")
    client.post(_mark_url(session, enrolment), {"status": "present"}, HTTP_HX_REQUEST="true")
    assert list(Attendance.objects.values_list("status", flat=True)) == ["present"]


@pytest.mark.django_db
def test_a_refused_tap_answers_422_with_the_row_and_its_message(client_as, trainer, session):
    enrolment = EnrolmentFactory(cohort=session.cohort)
    response = client_as(trainer).post(
        _mark_url(session, enrolment), {"status": "sleeping"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 422
    assert 'data-state="error"' in response.content.decode()
    assert not Attendance.objects.exists()


@pytest.mark.django_db
def test_marking_without_javascript_redirects_back_to_the_roster(client_as, station_staff, session):
    enrolment = EnrolmentFactory(cohort=session.cohort)
    response = client_as(station_staff).post(_mark_url(session, enrolment), {"status": "absent"})
    assert response.status_code == 302 and response.url == _roster(session)
    assert Attendance.objects.get().status == "absent"


@pytest.mark.django_db
def test_trainer_not_teaching_the_cohort_cannot_see_or_mark_the_roster(client_as, session, station_a):
    from .conftest import _staff

    other = _staff("other.trainer@nitc.example.jo", "trainer", station=station_a)
    TrainerFactory(user=other)
    enrolment = EnrolmentFactory(cohort=session.cohort)
    client = client_as(other)
    assert client.get(_roster(session)).status_code == 403
    assert (
        client.post(_mark_url(session, enrolment), {"status": "present"}, HTTP_HX_REQUEST="true").status_code
        == 403
    )
    assert client.get(reverse("training:checkin_display", kwargs={"pk": session.pk})).status_code == 403
    assert not Attendance.objects.exists()


@pytest.mark.django_db
def test_station_staff_of_the_station_may_take_attendance_but_not_another_stations_manager(
    client_as, station_staff, manager_b, citizen, session
):
    assert client_as(station_staff).get(_roster(session)).status_code == 200
    assert client_as(manager_b).get(_roster(session)).status_code == 403
    assert client_as(citizen).get(_roster(session)).status_code == 403


@pytest.mark.django_db
def test_roster_page_reads_a_fixed_number_of_queries(client_as, trainer, session, django_assert_num_queries):
    client = client_as(trainer)
    EnrolmentFactory(cohort=session.cohort)
    client.get(_roster(session))  # warm up: session, MFA state

    def count() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert client.get(_roster(session)).status_code == 200
        return len(queries)

    few = count()
    for _ in range(12):
        enrolment = EnrolmentFactory(cohort=session.cohort)
        Attendance.objects.create(session=session, enrolment=enrolment, status="present", method="qr")
    with django_assert_num_queries(few):
        assert client.get(_roster(session)).status_code == 200


# --- The check-in display --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_trainer_opens_check_in_and_the_display_shows_a_qr_of_the_current_code(
    client_as, trainer, session, settings
):
    settings.SITE_URL = "https://mahatat.example.jo"
    client = client_as(trainer)
    url = reverse("training:checkin_display", kwargs={"pk": session.pk})
    assert "<svg" not in client.get(url).content.decode()
    response = client.post(url, {"action": "open", "minutes": ""})
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.checkin_open_until == session.ends_at + dt.timedelta(minutes=15)
    page = client.get(url).content.decode()
    assert "<svg" in page
    fragment = client.get(reverse("training:checkin_qr", kwargs={"pk": session.pk}))
    assert fragment.status_code == 200
    body = fragment.content.decode()
    assert "<svg" in body and 'hx-trigger="load delay:' in body
    client.post(url, {"action": "close"})
    session.refresh_from_db()
    assert session.checkin_open_until <= timezone.now()
    assert (
        "<svg" not in client.get(reverse("training:checkin_qr", kwargs={"pk": session.pk})).content.decode()
    )


# --- The citizen's phone ---------------------------------------------------------------------------------------


def _open(session):  # type: ignore[no-untyped-def]
    session.checkin_open_until = session.ends_at
    session.save(update_fields=["checkin_open_until"])


@pytest.mark.django_db
def test_citizen_scans_and_sees_a_big_confirmation(client_as, citizen, session):
    _open(session)
    EnrolmentFactory(cohort=session.cohort, citizen=citizen)
    code = checkin_codes.current_code(session.pk)
    url = reverse("training:checkin", kwargs={"session_id": session.pk, "code": code})
    client = client_as(citizen)
    response = client.get(url)
    assert response.status_code == 200
    assert "checkin-result-ok" in response.content.decode()
    again = client.get(url).content.decode()
    assert "already" in again or "مسبقًا" in again or "سابق" in again
    assert Attendance.objects.count() == 1


@pytest.mark.django_db
def test_citizen_not_signed_in_is_sent_to_sign_in_and_checked_in_on_return(
    client, citizen, password, session
):
    _open(session)
    EnrolmentFactory(cohort=session.cohort, citizen=citizen)
    code = checkin_codes.current_code(session.pk)
    url = reverse("training:checkin", kwargs={"session_id": session.pk, "code": code})
    response = client.get(url)
    assert response.status_code == 302 and reverse("account_login") in response.url
    client.force_login(citizen)  # keeps the session data, as a real sign-in does
    assert client.get(url).status_code == 200
    assert Attendance.objects.get().method == "qr"


@pytest.mark.django_db
def test_an_expired_code_after_signing_in_asks_to_scan_again(client_as, citizen, session):
    _open(session)
    EnrolmentFactory(cohort=session.cohort, citizen=citizen)
    old = checkin_codes.current_code(session.pk, timezone.now() - dt.timedelta(minutes=3))
    response = client_as(citizen).get(
        reverse("training:checkin", kwargs={"session_id": session.pk, "code": old})
    )
    assert response.status_code == 400
    assert "checkin-result-no" in response.content.decode()
    assert not Attendance.objects.exists()


@pytest.mark.django_db
def test_citizen_without_a_seat_is_refused_on_the_phone(client_as, citizen, session):
    _open(session)
    code = checkin_codes.current_code(session.pk)
    response = client_as(citizen).get(
        reverse("training:checkin", kwargs={"session_id": session.pk, "code": code})
    )
    assert response.status_code == 403
    assert not Attendance.objects.exists()
