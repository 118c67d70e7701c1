"""Checking a training certificate in a real browser, as anyone who holds a printed one: the QR's page says
valid and the ledger intact, the lookup form takes a code as people type it, an unknown code gets a kind 404."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, ViewportSize, expect

from mahatat.training.models import Certificate, Enrolment
from mahatat.training.services.certificates import format_code, issue_certificate
from tests.training_factories import CohortFactory, EnrolmentFactory, ProgrammeFactory

from .conftest import OpenPage, guard_of
from .helpers import assert_no_axe_violations, assert_no_horizontal_scroll, tr

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE: ViewportSize = {"width": 360, "height": 780}
UNKNOWN_CODE = "ZZZZ-ZZZZ-ZZZZ"


@pytest.fixture
def certificate(station_a, citizen) -> Certificate:  # type: ignore[no-untyped-def]
    cohort = CohortFactory(
        station=station_a,
        programme=ProgrammeFactory(title_ar="أساسيات الحاسوب", title_en="Computer basics", total_hours=24),
        status="completed",
    )
    enrolment = EnrolmentFactory(
        cohort=cohort, citizen=citizen, outcome=Enrolment.Outcome.COMPLETED, completed_at=timezone.now()
    )
    return issue_certificate(enrolment=enrolment)  # type: ignore[arg-type]


def assert_valid_and_intact(page: Page, language: str, certificate: Certificate) -> None:
    expect(page).to_have_url(re.compile(rf"/verify/certificate/{certificate.code}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(tr(language, "Certificate check"))
    expect(
        page.get_by_role("status").filter(has_text=tr(language, "This certificate is valid"))
    ).to_be_visible()
    main = page.get_by_role("main")
    expect(main).to_contain_text("أساسيات الحاسوب")
    expect(main).to_contain_text("Computer basics")
    expect(main).to_contain_text(format_code(certificate.code))
    expect(main.locator(".ledger-check-intact")).to_have_count(1)
    expect(main).to_contain_text(tr(language, "intact: the record matches what was sealed."))
    expect(main).not_to_contain_text(
        tr(language, "Do not rely on this certificate until the station that issued it confirms it.")
    )


def test_anyone_can_verify_a_certificate_by_its_qr_address(open_page: OpenPage, language, certificate):
    page = open_page(language=language, viewport=PHONE)
    response = page.goto(f"/verify/certificate/{certificate.code}/")
    assert response is not None and response.status == 200
    assert_valid_and_intact(page, language, certificate)
    assert_no_horizontal_scroll(page)
    assert_no_axe_violations(page)


def test_a_typed_code_finds_the_certificate_and_an_unknown_one_gets_a_friendly_404(
    open_page: OpenPage, request, language, certificate
):
    page = open_page(language=language, viewport=PHONE)
    guard_of(page, request).expect_status(404)

    page.goto("/verify/certificate/")
    expect(page.get_by_role("heading", level=1)).to_have_text(tr(language, "Check a certificate"))
    assert_no_axe_violations(page)
    # As people type it: small letters, spaces instead of dashes.
    code_field = page.get_by_label(tr(language, "Certificate code"), exact=True)
    code_field.fill(format_code(certificate.code).lower().replace("-", " "))
    page.get_by_role("button", name=tr(language, "Check"), exact=True).click()
    assert_valid_and_intact(page, language, certificate)

    # An unknown code: a 404 that explains, with the form again.
    response = page.goto(f"/verify/certificate/{UNKNOWN_CODE}/")
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text(tr(language, "Certificate not found"))
    expect(page.get_by_role("main")).to_contain_text(
        tr(
            language,
            "No certificate has this code. Please check the code printed at the bottom of the certificate and "
            "type it again.",
        )
    )
    expect(page.get_by_label(tr(language, "Certificate code"), exact=True)).to_be_visible()
    assert_no_horizontal_scroll(page)
    assert_no_axe_violations(page)

    # Typed into the form, the same unknown code lands on the same page, the typed text kept.
    page.get_by_label(tr(language, "Certificate code"), exact=True).fill("zzzz zzzz zzzz")
    page.get_by_role("button", name=tr(language, "Check"), exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(tr(language, "Certificate not found"))
