"""The trainer's roster on a tablet, in a real browser: sign in with TOTP, open the session's roster, tap a person
present: saved at once by htmx (no page load), and still there after a reload."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, ViewportSize, expect

from mahatat.training.models import Attendance
from tests.training_factories import (
    CohortFactory,
    EnrolmentFactory,
    ProgrammeFactory,
    TrainerFactory,
    TrainingSessionFactory,
    citizen_user,
)

from .conftest import OpenPage
from .helpers import assert_no_axe_violations, assert_no_horizontal_scroll, totp_code, tr
from .test_sign_in import enter_code, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

TABLET: ViewportSize = {"width": 768, "height": 1024}


@pytest.fixture
def roster(station_a, trainer):  # type: ignore[no-untyped-def]
    """A session that started five minutes ago, taught by the `trainer` persona, with two people enrolled."""
    now = timezone.now()
    cohort = CohortFactory(
        station=station_a,
        programme=ProgrammeFactory(title_ar="مهارات الحاسوب", title_en="Computer skills"),
        status="running",
    )
    coach = TrainerFactory(user=trainer)
    cohort.trainers.add(coach)  # type: ignore[attr-defined]
    session = TrainingSessionFactory(
        cohort=cohort,
        trainer=coach,
        starts_at=now - dt.timedelta(minutes=5),
        ends_at=now + dt.timedelta(hours=2),
    )
    people = {
        name_en: EnrolmentFactory(cohort=cohort, citizen=citizen_user(name_ar=name_ar, name_en=name_en))
        for name_ar, name_en in (("ليلى حسن", "Layla Hassan"), ("عمر خالد", "Omar Khaled"))
    }
    return {"session": session, "layla": people["Layla Hassan"]}


def trainer_signs_in(page: Page, language: str, trainer, next_url: str) -> None:  # type: ignore[no-untyped-def]
    secret = generate_totp_secret()
    TOTP.activate(trainer, secret)
    page.goto(next_url)
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next="))
    sign_in(page, language, trainer.email)
    expect(page).to_have_url(re.compile(r"/accounts/2fa/authenticate/"))
    enter_code(page, "authenticate", language, totp_code(secret))
    expect(page).to_have_url(re.compile(re.escape(next_url) + "$"))


def test_trainer_marks_a_person_present_with_one_tap(open_page: OpenPage, language, trainer, roster):
    session = roster["session"]
    page = open_page(language=language, viewport=TABLET)
    roster_url = reverse("training:roster", kwargs={"pk": session.pk})
    trainer_signs_in(page, language, trainer, roster_url)

    expect(page.get_by_role("heading", level=1)).to_contain_text(tr(language, "Roster"))
    name = "ليلى حسن" if language == "ar" else "Layla Hassan"
    person = page.get_by_role("group", name=name, exact=True)
    present = person.get_by_role("button", name=tr(language, "Present"), exact=True)
    expect(present).to_have_attribute("aria-pressed", "false")
    assert_no_horizontal_scroll(page)
    assert_no_axe_violations(page)

    # A mark on the window survives only if the page is not loaded again.
    page.evaluate("() => { window.__sameDocument = true; }")
    with page.expect_response(lambda r: r.request.method == "POST" and "/roster/" in r.url) as posted:
        present.click()
    assert posted.value.status == 200
    row = page.locator("li.roster-row").filter(has=page.get_by_role("group", name=name, exact=True))
    expect(row.get_by_role("button", name=tr(language, "Present"), exact=True)).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(row.get_by_role("status")).to_contain_text(tr(language, "Saved"))
    assert page.evaluate("() => window.__sameDocument === true"), "the tap reloaded the page"
    attendance = Attendance.objects.get(session=session, enrolment=roster["layla"])
    assert (attendance.status, attendance.method, attendance.marked_by) == ("present", "roster", trainer)
    # The other person is untouched.
    other = page.get_by_role("group", name="عمر خالد" if language == "ar" else "Omar Khaled", exact=True)
    expect(other.get_by_role("button", name=tr(language, "Present"), exact=True)).to_have_attribute(
        "aria-pressed", "false"
    )
    assert_no_axe_violations(page)

    page.reload()
    expect(
        page.get_by_role("group", name=name, exact=True).get_by_role(
            "button", name=tr(language, "Present"), exact=True
        )
    ).to_have_attribute("aria-pressed", "true")
