"""POST/DELETE /api/v1/auth/token/: device tokens; staff need their authenticator code, citizens do not."""

from __future__ import annotations

import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from django.core.cache import cache
from django.test import Client
from rest_framework.authtoken.models import Token

URL = "/api/v1/auth/token/"
ME = "/api/v1/me/"


@pytest.fixture(autouse=True)
def _clear_cache():  # type: ignore[no-untyped-def]
    cache.clear()  # throttle counters and allauth's used-code markers
    yield
    cache.clear()


def post(client: Client, **data: str):  # type: ignore[no-untyped-def]
    return client.post(URL, data, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")


def current_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


@pytest.fixture
def manager_secret(station_manager) -> str:  # type: ignore[no-untyped-def]
    secret = generate_totp_secret()
    TOTP.activate(station_manager, secret)
    return secret


def test_citizen_can_get_a_token_with_their_email_and_password(client, citizen, password):
    response = post(client, login="Sara@Example.jo", password=password)

    assert response.status_code == 200, response.content
    key = response.json()["token"]
    assert Token.objects.get(user=citizen).key == key
    # The same token until it is revoked.
    assert post(client, login="sara@example.jo", password=password).json()["token"] == key


def test_citizen_can_get_a_token_with_their_mobile_number(client, citizen, password):
    response = post(client, login="079 123 4567", password=password)
    assert response.status_code == 200, response.content
    assert post(client, login="+962791234567", password=password).status_code == 200


def test_token_authenticates_the_profile_api(client, citizen, password):
    key = post(client, login="sara@example.jo", password=password).json()["token"]

    response = Client().get(ME, HTTP_AUTHORIZATION=f"Token {key}")

    assert response.status_code == 200
    assert response.json()["email"] == "sara@example.jo"
    assert Client().get(ME, HTTP_AUTHORIZATION="Token not-a-real-token").status_code == 401


def test_wrong_details_are_refused_without_saying_which_part_was_wrong(client, citizen, password):
    wrong_password = post(client, login="sara@example.jo", password="Wrong-Horse-9")
    unknown_login = post(client, login="nobody@example.jo", password=password)
    unknown_phone = post(client, login="0781111111", password=password)

    assert wrong_password.status_code == unknown_login.status_code == unknown_phone.status_code == 400
    assert wrong_password.json() == unknown_login.json() == unknown_phone.json()
    assert list(wrong_password.json()) == ["non_field_errors"]
    assert not Token.objects.exists()


def test_missing_fields_are_field_errors(client, db):
    response = post(client, login="")
    assert response.status_code == 400
    assert set(response.json()) == {"login", "password"}


def test_inactive_user_cannot_get_a_token(client, citizen, password):
    citizen.is_active = False
    citizen.save(update_fields=["is_active"])
    assert post(client, login="sara@example.jo", password=password).status_code == 400


def test_staff_cannot_get_a_token_without_their_authenticator_code(
    client, station_manager, manager_secret, password
):
    refused = post(client, login=station_manager.email, password=password)
    wrong_code = post(client, login=station_manager.email, password=password, otp_code="000000")
    wrong_password = post(client, login=station_manager.email, password="Wrong-Horse-9")

    assert refused.status_code == wrong_code.status_code == 400
    assert (
        refused.json() == wrong_code.json() == wrong_password.json()
    )  # nothing tells the password was right
    assert not Token.objects.filter(user=station_manager).exists()


def test_staff_with_a_valid_code_gets_a_token_once_per_code(
    client, station_manager, manager_secret, password
):
    code = current_code(manager_secret)

    response = post(client, login=station_manager.email, password=password, otp_code=code)

    assert response.status_code == 200, response.content
    assert Token.objects.get(user=station_manager).key == response.json()["token"]
    assert Authenticator.objects.get(user=station_manager, type="totp").last_used_at is not None
    replayed = post(client, login=station_manager.email, password=password, otp_code=code)
    assert replayed.status_code == 400  # a code is good once


def test_staff_token_opens_the_profile_api(client, station_manager, manager_secret, password):
    key = post(
        client, login=station_manager.email, password=password, otp_code=current_code(manager_secret)
    ).json()["token"]
    response = Client().get(ME, HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 200
    assert [r["code"] for r in response.json()["roles"]] == ["station_manager"]


def test_staff_token_stops_working_when_two_factor_is_removed(
    client, station_manager, manager_secret, password
):
    key = post(
        client, login=station_manager.email, password=password, otp_code=current_code(manager_secret)
    ).json()["token"]
    Authenticator.objects.filter(user=station_manager).delete()
    assert Client().get(ME, HTTP_AUTHORIZATION=f"Token {key}").status_code == 403


def test_staff_without_two_factor_set_up_cannot_get_a_token(client, trainer, password):
    secret = generate_totp_secret()  # a code from an app that was never registered
    response = post(client, login=trainer.email, password=password, otp_code=current_code(secret))
    assert response.status_code == 400
    assert not Token.objects.filter(user=trainer).exists()


def test_citizen_can_revoke_their_token(client, citizen, password):
    key = post(client, login="sara@example.jo", password=password).json()["token"]
    device = Client(HTTP_AUTHORIZATION=f"Token {key}")

    response = device.delete(URL)

    assert response.status_code == 204
    assert not Token.objects.filter(user=citizen).exists()
    assert device.get(ME).status_code == 401
    assert post(client, login="sara@example.jo", password=password).json()["token"] != key


def test_anonymous_cannot_revoke_a_token(client, db):
    assert client.delete(URL).status_code == 401


def test_token_requests_for_one_login_are_throttled(client, citizen, password):
    for _attempt in range(5):
        assert post(client, login="sara@example.jo", password="Wrong-Horse-9").status_code == 400

    response = post(client, login="sara@example.jo", password=password)

    assert response.status_code == 429
    assert "Retry-After" in response
    assert "detail" in response.json()
    # Another login from the same address is not yet limited.
    assert post(client, login="other@example.jo", password=password).status_code == 400


def test_token_requests_from_one_address_are_throttled(client, db):
    statuses = [
        post(client, login=f"user{n}@example.jo").status_code for n in range(21)
    ]  # no password: quick
    assert statuses[:20] == [400] * 20
    assert statuses[20] == 429
