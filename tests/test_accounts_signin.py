"""Signing in with a password, by e-mail or by Jordanian mobile number in any form people write it."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.urls import reverse

from tests.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.django_db


LOGIN = reverse("account_login")


@pytest.fixture(autouse=True)
def _fresh_rate_limits():  # type: ignore[no-untyped-def]
    cache.clear()  # allauth's rate limits and used-code markers live in the cache
    yield
    cache.clear()


def signed_in_user_id(client) -> str | None:  # type: ignore[no-untyped-def]
    return client.session.get("_auth_user_id")


@pytest.mark.parametrize(
    "login",
    [
        "sara@example.jo",
        "SARA@Example.JO",
        "0791234567",
        "079 123 4567",
        "+962 79 123 4567",
        "00962791234567",
        "791234567",
        "٠٧٩١٢٣٤٥٦٧",
        "+٩٦٢٧٩١٢٣٤٥٦٧",
    ],
)
def test_citizen_can_sign_in_with_email_or_mobile_in_any_form(client, citizen, login: str) -> None:
    response = client.post(LOGIN, {"login": login, "password": DEFAULT_PASSWORD})

    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"] == reverse("home")
    assert signed_in_user_id(client) == str(citizen.pk)


def test_citizen_is_not_asked_for_a_second_factor(client, citizen) -> None:
    response = client.post(LOGIN, {"login": "0791234567", "password": DEFAULT_PASSWORD}, follow=True)

    assert response.status_code == 200
    assert response.redirect_chain == [(reverse("home"), 302)]
    assert client.get(reverse("accounts:profile")).status_code == 200


@pytest.mark.parametrize("login", ["sara@example.jo", "0791234567"])
def test_citizen_cannot_sign_in_with_a_wrong_password(client, citizen, login: str) -> None:
    response = client.post(LOGIN, {"login": login, "password": "not-the-password"})

    assert response.status_code == 200
    assert signed_in_user_id(client) is None
    html = response.content.decode()
    assert 'role="alert"' in html
    assert f'value="{login}"' in html  # what they typed stays in the field


def test_visitor_cannot_sign_in_with_a_mobile_number_nobody_has(client, citizen) -> None:
    response = client.post(LOGIN, {"login": "0781111111", "password": DEFAULT_PASSWORD})

    assert response.status_code == 200
    assert signed_in_user_id(client) is None


def test_sign_in_page_labels_every_field_and_helps_the_browser_fill_them(client) -> None:
    html = client.get(LOGIN).content.decode()

    assert '<label class="form-label" for="id_login">' in html
    assert '<label class="form-label" for="id_password">' in html
    assert 'autocomplete="username"' in html
    assert 'autocomplete="current-password"' in html
    assert 'id="id_login"' in html and 'dir="ltr"' in html
    assert 'aria-describedby="id_login_help"' in html
    assert reverse("account_signup") in html
    assert reverse("account_reset_password") in html


def test_sign_in_page_is_arabic_and_right_to_left_by_default(client) -> None:
    html = client.get(LOGIN).content.decode()

    assert '<html lang="ar" dir="rtl">' in html
    assert "bootstrap.rtl.min.css" in html


def test_sign_in_page_is_english_and_left_to_right_with_the_language_cookie(client) -> None:
    client.cookies["mahatat_language"] = "en"
    html = client.get(LOGIN).content.decode()

    assert '<html lang="en" dir="ltr">' in html
    assert "E-mail or mobile number" in html
