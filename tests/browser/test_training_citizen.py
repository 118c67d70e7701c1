"""Training in a real browser, as a citizen on a phone: find a course, enrol, check in by the QR's link, and
the pages around it (My training, a seat offer, the needs survey), each axe-clean."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, ViewportSize, expect

from mahatat.training.models import Attendance, Enrolment, Topic
from mahatat.training.services import attendance as attendance_service
from mahatat.training.services import checkin_codes
from tests.training_factories import (
    CohortFactory,
    EnrolmentFactory,
    ProgrammeFactory,
    TrainerFactory,
    TrainingSessionFactory,
)

from .conftest import OpenPage, guard_of
from .helpers import assert_no_axe_violations, assert_no_horizontal_scroll, tr
from .test_sign_in import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE: ViewportSize = {"width": 360, "height": 780}


@pytest.fixture
def courses(station_a, station_b, trainer):  # type: ignore[no-untyped-def]
    """An entrepreneurship course with a session happening now (check-in open) and an unrelated course."""
    now = timezone.now()
    cohort = CohortFactory(
        station=station_a,
        programme=ProgrammeFactory(
            title_ar="ريادة الأعمال للشباب",
            title_en="Entrepreneurship for young people",
            topic=Topic.ENTREPRENEURSHIP,
        ),
    )
    coach = TrainerFactory(user=trainer)
    cohort.trainers.add(coach)  # type: ignore[attr-defined]
    session = TrainingSessionFactory(
        cohort=cohort,
        trainer=coach,
        starts_at=now - dt.timedelta(minutes=5),
        ends_at=now + dt.timedelta(hours=2),
    )
    TrainingSessionFactory(cohort=cohort, trainer=coach, starts_at=now + dt.timedelta(days=2))
    other = CohortFactory(
        station=station_b,
        programme=ProgrammeFactory(title_ar="اللغة الإنجليزية", title_en="English", topic=Topic.ENGLISH),
    )
    TrainingSessionFactory(cohort=other)
    return {"cohort": cohort, "session": session, "other": other, "coach": coach}


def title_in(cohort, language: str) -> str:  # type: ignore[no-untyped-def]
    return cohort.programme.title_ar if language == "ar" else cohort.programme.title_en


def signed_in(open_page: OpenPage, language: str, citizen) -> Page:  # type: ignore[no-untyped-def]
    page = open_page(language=language, viewport=PHONE)
    page.goto("/accounts/login/")
    sign_in(page, language, citizen.email)
    expect(page).to_have_url(re.compile(r"^https?://[^/]+/$"))
    return page


def test_citizen_finds_a_course_enrols_and_checks_in_by_the_qr_link(
    open_page: OpenPage, language, citizen, courses, trainer
):
    cohort, session, other = courses["cohort"], courses["session"], courses["other"]
    page = signed_in(open_page, language, citizen)

    # The catalogue: both courses, then an Arabic search narrows it to one.
    page.goto("/training/")
    results = page.locator("#catalogue-results")
    expect(results.get_by_role("heading", level=2)).to_have_count(2)
    assert_no_horizontal_scroll(page)
    assert_no_axe_violations(page)
    page.get_by_label(tr(language, "Course or station"), exact=True).fill("ريادة")
    expect(results.get_by_role("heading", level=2)).to_have_count(1)
    expect(results.get_by_role("link", name=title_in(cohort, language))).to_be_visible()
    expect(page).to_have_url(re.compile(r"[?&]q="))
    # A topic filter that does not match empties the list; the matching one brings the course back.
    page.get_by_label(tr(language, "Topic"), exact=True).select_option(Topic.ENGLISH)
    expect(results.get_by_role("link", name=title_in(cohort, language))).to_have_count(0)
    expect(results.get_by_role("link", name=title_in(other, language))).to_have_count(0)
    page.get_by_label(tr(language, "Topic"), exact=True).select_option(Topic.ENTREPRENEURSHIP)
    expect(results.get_by_role("heading", level=2)).to_have_count(1)
    assert_no_axe_violations(page)

    # The cohort page, then enrolment: the message says the citizen has a seat.
    results.get_by_role("link", name=title_in(cohort, language)).click()
    expect(page).to_have_url(re.compile(rf"/training/cohorts/{cohort.pk}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(title_in(cohort, language))
    assert_no_horizontal_scroll(page)
    assert_no_axe_violations(page)
    page.get_by_role("button", name=tr(language, "Enrol"), exact=True).click()
    expect(page).to_have_url(re.compile(rf"/training/cohorts/{cohort.pk}/$"))
    expect(page.get_by_text(tr(language, "You have a seat in this course.")).first).to_be_visible()
    assert Enrolment.objects.get(cohort=cohort, citizen=citizen).status == Enrolment.Status.ENROLLED
    assert_no_axe_violations(page)

    # The trainer opens self check-in; the citizen's phone opens the link in the QR.
    attendance_service.open_checkin(session=session, by=trainer)
    code = checkin_codes.current_code(session.pk)
    page.goto(reverse("training:checkin", kwargs={"session_id": session.pk, "code": code}))
    expect(page.get_by_role("heading", level=1)).to_have_text(tr(language, "You are checked in"))
    expect(page.get_by_role("main")).to_contain_text(title_in(cohort, language))
    attendance = Attendance.objects.get(session=session, enrolment__citizen=citizen)
    assert (attendance.status, attendance.method) == (
        Attendance.Status.PRESENT,
        Attendance.Method.SELF_CHECKIN,
    )
    assert_no_horizontal_scroll(page)
    assert_no_axe_violations(page)

    # My training lists the course.
    page.get_by_role("main").get_by_role("link", name=tr(language, "My training")).click()
    expect(page).to_have_url(re.compile(r"/training/mine/$"))
    expect(page.get_by_role("main")).to_contain_text(title_in(cohort, language))
    assert_no_horizontal_scroll(page)
    assert_no_axe_violations(page)


def test_an_expired_or_forged_check_in_code_is_refused(
    open_page: OpenPage, request, citizen, courses, trainer
):
    language = "ar"
    cohort, session = courses["cohort"], courses["session"]
    EnrolmentFactory(cohort=cohort, citizen=citizen)
    attendance_service.open_checkin(session=session, by=trainer)
    page = signed_in(open_page, language, citizen)
    guard_of(page, request).expect_status(400)

    # A code of this session from five minutes ago: expired.
    old = checkin_codes.current_code(session.pk, timezone.now() - dt.timedelta(minutes=5))
    response = page.goto(reverse("training:checkin", kwargs={"session_id": session.pk, "code": old}))
    assert response is not None and response.status == 400
    expect(page.get_by_role("heading", level=1)).to_have_text(tr(language, "Please scan again"))
    expect(page.get_by_role("main")).to_contain_text(
        tr(
            language,
            "This code has expired: codes change every 30 seconds. Please scan the code on the screen again.",
        )
    )
    assert_no_axe_violations(page)

    # A made-up code.
    response = page.goto(reverse("training:checkin", kwargs={"session_id": session.pk, "code": "aaaaaaaaaa"}))
    assert response is not None and response.status == 400
    expect(page.get_by_role("heading", level=1)).to_have_text(tr(language, "Check-in not possible"))
    expect(page.get_by_role("main")).to_contain_text(
        tr(
            language,
            "This check-in code is not valid for this session. Please scan the code on the screen in the room.",
        )
    )
    assert not Attendance.objects.filter(session=session).exists()


def test_a_seat_offer_and_the_needs_survey_are_accessible(open_page: OpenPage, language, citizen, courses):
    cohort = courses["cohort"]
    offered = EnrolmentFactory(
        cohort=cohort,
        citizen=citizen,
        status=Enrolment.Status.OFFERED,
        offer_expires_at=timezone.now() + dt.timedelta(days=1),
    )
    page = signed_in(open_page, language, citizen)

    page.goto(reverse("training:offer", kwargs={"pk": offered.pk}))  # type: ignore[attr-defined]
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text(title_in(cohort, language))
    assert_no_horizontal_scroll(page)
    assert_no_axe_violations(page)

    page.goto("/training/needs/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.locator("main form")).to_be_visible()
    assert_no_horizontal_scroll(page)
    assert_no_axe_violations(page)
