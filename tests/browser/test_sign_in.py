"""Signing in through a real browser: staff with TOTP, staff made to set TOTP up, a citizen with a mobile number.

Field labels and error messages are read from the forms the project configures for allauth (in the test's
language), so the tests follow the wording the forms give and fail when a field loses its label.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from allauth.account import app_settings as account_settings
from allauth.account.forms import LoginForm, ReauthenticateForm
from allauth.core import context as allauth_context
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.adapter import get_adapter as get_mfa_adapter
from allauth.mfa.base.forms import AuthenticateForm
from allauth.mfa.totp.forms import ActivateTOTPForm
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from allauth.utils import get_form_class
from django.contrib.sessions.backends.cache import SessionStore
from django.test import RequestFactory
from django.utils import translation
from playwright.sync_api import Page, expect

from tests.factories import DEFAULT_PASSWORD

from .helpers import assert_no_axe_violations, totp_code, wrong_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

STAFF_HOME = "/staff/stations/"
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def _form(kind: str, language: str) -> Any:
    """The configured allauth form of `kind`, built in `language` (labels are set in some forms' __init__)."""
    request = RequestFactory().get("/")
    request.session = SessionStore()
    with translation.override(language), allauth_context.request_context(request):
        if kind == "login":
            return get_form_class(account_settings.FORMS, "login", LoginForm)(request=request)
        if kind == "reauthenticate":
            return get_form_class(account_settings.FORMS, "reauthenticate", ReauthenticateForm)(user=None)
        if kind == "authenticate":
            return get_form_class(mfa_settings.FORMS, "authenticate", AuthenticateForm)(user=None)
        return get_form_class(mfa_settings.FORMS, "activate_totp", ActivateTOTPForm)(user=None)


def label(kind: str, field: str, language: str) -> str:
    with translation.override(language):
        return str(_form(kind, language).fields[field].label)


def incorrect_code_message(kind: str, language: str) -> str:
    with translation.override(language):
        message = getattr(_form(kind, language), "incorrect_code_message", None)
        return str(message or get_mfa_adapter().error_messages["incorrect_code"])


def sign_in(page: Page, language: str, login: str, password: str = DEFAULT_PASSWORD) -> None:
    page.get_by_label(label("login", "login", language), exact=True).fill(login)
    password_field = page.get_by_label(label("login", "password", language), exact=True)
    password_field.fill(password)
    password_field.press("Enter")


def open_totp_set_up(page: Page, language: str) -> None:
    """Follow the way to the TOTP set-up page: allauth may first ask to confirm the password (the project
    keeps allauth's rule that adding an authenticator needs a fresh confirmation, even just after sign-in)."""
    page.wait_for_url(re.compile(r"/accounts/(2fa/totp/activate|reauthenticate)/"))
    if "/accounts/reauthenticate/" in page.url:
        password = page.get_by_label(label("reauthenticate", "password", language), exact=True)
        password.fill(DEFAULT_PASSWORD)
        password.press("Enter")
    expect(page).to_have_url(re.compile(r"/accounts/2fa/totp/activate/$"))


def enter_code(page: Page, kind: str, language: str, code: str) -> None:
    field = page.get_by_label(label(kind, "code", language), exact=True)
    field.fill(code)
    field.press("Enter")


def assert_code_rejected(page: Page, kind: str, language: str) -> None:
    field = page.get_by_label(label(kind, "code", language), exact=True)
    message = incorrect_code_message(kind, language)
    # The message is next to the field and tied to it, so a screen reader reads it with the field.
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(field).to_have_accessible_description(re.compile(re.escape(message)))
    expect(page.get_by_text(message)).to_be_visible()


def test_station_manager_can_sign_in_with_a_totp_code(page: Page, language, station_manager, station_a):
    secret = generate_totp_secret()
    TOTP.activate(station_manager, secret)

    # A staff page sends the visitor to sign in, and brings them back to it afterwards.
    page.goto(STAFF_HOME)
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=(/|%2F)staff(/|%2F)stations"))
    assert_no_axe_violations(page)
    sign_in(page, language, station_manager.email)

    expect(page).to_have_url(re.compile(r"/accounts/2fa/authenticate/"))
    expect(page.locator("html")).to_have_attribute("lang", language)
    assert_no_axe_violations(page)

    right = totp_code(secret)
    enter_code(page, "authenticate", language, wrong_code(right))
    expect(page).to_have_url(re.compile(r"/accounts/2fa/authenticate/"))
    assert_code_rejected(page, "authenticate", language)

    right = totp_code(secret)
    # An Arabic phone keyboard types Arabic-Indic digits; the form takes them.
    enter_code(page, "authenticate", language, right.translate(ARABIC_INDIC) if language == "ar" else right)
    expect(page).to_have_url(re.compile(re.escape(STAFF_HOME) + "$"))
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    # The back office lists the manager's own station.
    expect(page.get_by_role("main")).to_contain_text(
        station_a.name_ar if language == "ar" else station_a.name_en
    )


def test_staff_member_without_totp_is_made_to_set_it_up_first(page: Page, language, station_manager):
    page.goto("/accounts/login/")
    sign_in(page, language, station_manager.email)

    # Before any staff page opens, the two-factor set-up does.
    open_totp_set_up(page, language)
    page.goto(STAFF_HOME)
    open_totp_set_up(page, language)
    assert_no_axe_violations(page)

    # The staff member copies the secret into their app; the app shows codes.
    secret = page.locator("#authenticator_secret").input_value().replace(" ", "")
    assert re.fullmatch(r"[A-Z2-7]{16,}=*", secret), secret

    right = totp_code(secret)
    enter_code(page, "activate_totp", language, wrong_code(right))
    assert_code_rejected(page, "activate_totp", language)
    # A wrong code sets nothing up: the same secret is still on offer.
    assert page.locator("#authenticator_secret").input_value().replace(" ", "") == secret

    enter_code(page, "activate_totp", language, totp_code(secret))
    expect(page).not_to_have_url(re.compile(r"/accounts/2fa/totp/activate/"))
    assert station_manager.authenticator_set.filter(type="totp").exists()

    page.goto(STAFF_HOME)
    expect(page).to_have_url(re.compile(re.escape(STAFF_HOME) + "$"))
    expect(page.get_by_role("heading", level=1)).to_be_visible()


def test_citizen_can_sign_in_with_a_jordanian_mobile_number(page: Page, language, citizen):
    page.goto("/accounts/login/")
    expect(page.locator("html")).to_have_attribute("lang", language)

    # A wrong password keeps them on the page, with the mobile number still typed in.
    sign_in(page, language, "079 123 4567", password="not-the-password")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    expect(page.get_by_label(label("login", "login", language), exact=True)).to_have_value("079 123 4567")
    expect(page.get_by_role("main").get_by_role("alert")).to_have_text(re.compile(r"\S"))

    sign_in(page, language, "079 123 4567")
    expect(page).to_have_url(re.compile(r"^https?://[^/]+/$"))  # the home page
    # Signed in: no sign-in link, and no two-factor step for a citizen.
    with translation.override(language):
        sign_in_text = translation.gettext("Sign in")
    expect(page.get_by_role("banner").get_by_role("link", name=sign_in_text, exact=True)).to_have_count(0)
    expect(
        page.get_by_role("banner").get_by_role("button", name=re.compile(re.escape(str(citizen))))
    ).to_be_visible()
