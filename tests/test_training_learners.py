"""My training: a citizen's places by state, attendance against the programme's rule, certificates, feedback."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from mahatat.training.models import Attendance, Certificate, Cohort, Enrolment, FeedbackResponse

from .training_factories import CohortFactory, EnrolmentFactory, ProgrammeFactory, TrainingSessionFactory


def _past_session(cohort: Cohort, days_ago: int):  # type: ignore[no-untyped-def]
    start = timezone.now() - dt.timedelta(days=days_ago)
    return TrainingSessionFactory(cohort=cohort, starts_at=start, ends_at=start + dt.timedelta(hours=2))


def _certificate(enrolment: Enrolment, code: str) -> Certificate:
    cohort = enrolment.cohort
    return Certificate.objects.create(
        enrolment=enrolment,
        code=code,
        holder_name_ar="سارة",
        programme_title_ar=cohort.programme.title_ar,
        programme_title_en=cohort.programme.title_en,
        station_name_ar=cohort.station.name_ar,
        station_name_en=cohort.station.name_en,
        hours=cohort.programme.total_hours,
        issued_on=timezone.localdate(),
    )


def _build_history(citizen, station, code="K7M2P9QX"):  # type: ignore[no-untyped-def]
    """A running course with attendance, an offer, a waitlist place, a completed course and a cancelled one."""
    running = CohortFactory(
        station=station,
        status=Cohort.Status.RUNNING,
        programme=ProgrammeFactory(
            title_ar="أساسيات الحاسوب", title_en="Computer basics", min_attendance_percent=75
        ),
    )
    seat = EnrolmentFactory(cohort=running, citizen=citizen)
    held = [_past_session(running, d) for d in (6, 4, 2)]
    upcoming = TrainingSessionFactory(cohort=running, room="Lab 2")
    for session, status in zip(held, ["present", "late", "absent"], strict=True):
        Attendance.objects.create(session=session, enrolment=seat, status=status, method="roster")

    offered_cohort = CohortFactory(station=station, programme=ProgrammeFactory(title_en="Excel for work"))
    offer = EnrolmentFactory(
        cohort=offered_cohort,
        citizen=citizen,
        status=Enrolment.Status.OFFERED,
        offer_expires_at=timezone.now() + dt.timedelta(hours=20),
    )
    full = CohortFactory(station=station, seats=1, programme=ProgrammeFactory(title_en="Web design"))
    EnrolmentFactory(cohort=full)
    EnrolmentFactory(cohort=full, status=Enrolment.Status.WAITLISTED)
    waiting = EnrolmentFactory(cohort=full, citizen=citizen, status=Enrolment.Status.WAITLISTED)

    done = CohortFactory(
        station=station, status=Cohort.Status.COMPLETED, programme=ProgrammeFactory(title_en="E-services")
    )
    completed = EnrolmentFactory(
        cohort=done, citizen=citizen, outcome=Enrolment.Outcome.COMPLETED, completed_at=timezone.now()
    )
    _past_session(done, 30)
    _certificate(completed, code)
    rated = CohortFactory(
        station=station, status=Cohort.Status.COMPLETED, programme=ProgrammeFactory(title_en="Rated")
    )
    with_feedback = EnrolmentFactory(cohort=rated, citizen=citizen, outcome=Enrolment.Outcome.COMPLETED)
    FeedbackResponse.objects.create(
        enrolment=with_feedback, programme_rating=5, trainer_rating=5, station_rating=5
    )
    EnrolmentFactory(
        cohort=CohortFactory(station=station, programme=ProgrammeFactory(title_en="Left early")),
        citizen=citizen,
        status=Enrolment.Status.CANCELLED,
        end_reason=Enrolment.EndReason.BY_CITIZEN,
    )
    return {
        "seat": seat,
        "upcoming": upcoming,
        "offer": offer,
        "waiting": waiting,
        "completed": completed,
        "with_feedback": with_feedback,
    }


@pytest.mark.django_db
def test_citizen_can_see_their_places_attendance_certificates_and_feedback_links(client, citizen, station_a):
    things = _build_history(citizen, station_a)
    client.force_login(citizen)
    client.cookies["mahatat_language"] = "en"
    response = client.get(reverse("training:my_training"))
    assert response.status_code == 200
    html = response.content.decode()
    data = response.context["data"]
    assert [p.enrolment for p in data.current] == [things["seat"]]
    current = data.current[0]
    assert current.next_session == things["upcoming"]
    assert (current.attended, current.sessions_held, current.attendance_percent) == (2, 3, 67)
    assert not current.meets_attendance_rule  # 67% < 75%
    assert "Attended 2 of 3 sessions held" in html and "75% needed" in html
    assert [p.enrolment for p in data.offers] == [things["offer"]]
    assert reverse("training:offer", kwargs={"pk": things["offer"].pk}) in html
    assert [p.waitlist_position for p in data.waitlist] == [2]
    assert "Number 2 in line" in html
    assert reverse("training:certificate_pdf", kwargs={"code": "K7M2P9QX"}) in html
    assert reverse("training:verify_certificate", kwargs={"code": "K7M2P9QX"}) in html
    # Feedback is asked only where none was given.
    assert reverse("training:feedback", kwargs={"pk": things["completed"].pk}) in html
    assert reverse("training:feedback", kwargs={"pk": things["with_feedback"].pk}) not in html
    assert "Left early" in html
    assert "/training/mine/calendar/" in html and ".ics" in html


@pytest.mark.django_db
def test_my_training_reads_a_fixed_number_of_queries(client, citizen, station_a, django_assert_num_queries):
    client.force_login(citizen)
    _build_history(citizen, station_a)
    client.get(reverse("training:my_training"))  # warm the session and caches
    # session, user, assignments and profile (navigation), enrolments, sessions, attendance counts, calendar
    # link generation, and Django's two permission reads (navigation's has_perm).
    with django_assert_num_queries(8):
        first = client.get(reverse("training:my_training"))
    _build_history(citizen, station_a, code="R4T6W8Y2")
    with django_assert_num_queries(8):
        second = client.get(reverse("training:my_training"))
    assert len(second.context["data"].past) > len(first.context["data"].past)


@pytest.mark.django_db
def test_visitor_cannot_see_my_training(client):
    response = client.get(reverse("training:my_training"))
    assert response.status_code == 302 and "login" in response["Location"]


@pytest.mark.django_db
def test_signed_in_user_sees_my_training_in_the_navigation(client, citizen):
    client.force_login(citizen)
    response = client.get(reverse("home"))
    assert reverse("training:my_training") in response.content.decode()
