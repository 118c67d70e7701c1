"""Staff must use TOTP: set it up before any staff page, enter a code at every sign-in; citizens are never asked.

These tests sign in through the real sign-in form (not force_login), so allauth's stages and reauthentication
rules apply as they do in the browser. TOTP codes are computed here from the secret the page shows (RFC 6238).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import struct
import time

import pytest
from allauth.mfa.models import Authenticator
from django.core.cache import cache
from django.urls import reverse
from django.utils import translation

from mahatat.accounts.models import Role
from mahatat.accounts.services import assign_role
from tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


LOGIN = reverse("account_login")
ACTIVATE = reverse("mfa_activate_totp")
AUTHENTICATE = reverse("mfa_authenticate")
REAUTHENTICATE = reverse("account_reauthenticate")
ARABIC_DIGITS = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


@pytest.fixture(autouse=True)
def _fresh_cache():  # type: ignore[no-untyped-def]
    cache.clear()  # rate limits and allauth's "code already used" markers
    yield
    cache.clear()


def totp_now(secret: str) -> str:
    """The current 6-digit code for a base32 secret (30-second steps, SHA-1), as an authenticator app shows it."""
    if 30 - time.time() % 30 < 1.5:  # too close to the next step: wait for it rather than race it
        time.sleep(2)
    key = base64.b32decode(secret.upper() + "=" * (-len(secret) % 8))
    digest = hmac.new(key, struct.pack(">Q", int(time.time() // 30)), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    return f"{(struct.unpack('>I', digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 1_000_000:06d}"


def sign_in(client, email: str):  # type: ignore[no-untyped-def]
    return client.post(LOGIN, {"login": email, "password": DEFAULT_PASSWORD})


def error_under(html: str, field: str) -> str:
    match = re.search(rf'id="id_{field}_error"[^>]*>(.*?)</div>', html, re.S)
    assert match, f"no error shown under {field}"
    return re.sub(r"<[^>]+>", "", match.group(1)).strip()


@pytest.fixture
def new_manager(station_a):  # type: ignore[no-untyped-def]
    """A station manager who has never set up two-factor authentication."""
    user = UserFactory(email="new.manager@gam.example.jo")
    assign_role(user=user, role=Role.STATION_MANAGER, granted_by=None, station=station_a)
    return user


def confirm_password(client) -> None:  # type: ignore[no-untyped-def]
    """allauth asks for the password again before an authenticator is added, even just after signing in."""
    response = client.get(ACTIVATE)
    assert response.status_code == 302
    assert response["Location"].startswith(REAUTHENTICATE)
    done = client.post(response["Location"], {"password": DEFAULT_PASSWORD})
    assert done.status_code == 302
    assert done["Location"] == ACTIVATE


def activate_totp(client) -> str:  # type: ignore[no-untyped-def]
    confirm_password(client)
    html = client.get(ACTIVATE).content.decode()
    secret = re.search(r'id="authenticator_secret"[^>]*value="([A-Z2-7]+)"', html).group(1)  # type: ignore[union-attr]
    response = client.post(ACTIVATE, {"code": totp_now(secret)})
    assert response.status_code == 302, response.content.decode()[:2000]
    return secret


@pytest.mark.parametrize("path", ["/", "/staff/stations/", "/admin/", "/me/profile/", "/staff/citizens/"])
def test_staff_without_totp_is_sent_to_set_it_up_before_any_page(client, new_manager, path: str) -> None:
    assert sign_in(client, new_manager.email).status_code == 302

    response = client.get(path)

    assert response.status_code == 302
    assert response["Location"] == ACTIVATE


def test_staff_without_totp_gets_403_from_the_api_in_their_language(client, new_manager) -> None:
    sign_in(client, new_manager.email)
    response = client.get("/api/v1/me/")
    assert response.status_code == 403
    assert "التحقق بخطوتين" in response.json()["detail"]  # Arabic, the default language

    client.cookies["mahatat_language"] = "en"
    response = client.get("/api/v1/me/")
    assert response.status_code == 403
    assert "two-factor" in response.json()["detail"]


def test_superuser_without_totp_is_sent_to_set_it_up_before_the_admin(client) -> None:
    UserFactory(email="root@gam.example.jo", is_staff=True, is_superuser=True)
    sign_in(client, "root@gam.example.jo")
    assert client.get("/admin/")["Location"] == ACTIVATE


def test_staff_can_set_up_totp_and_then_open_staff_pages(client, new_manager) -> None:
    sign_in(client, new_manager.email)
    assert client.get("/staff/stations/")["Location"] == ACTIVATE
    confirm_password(client)

    page = client.get(ACTIVATE)
    html = page.content.decode()
    assert page.status_code == 200
    assert '<svg role="img"' in html  # the QR code inline, not an <img> of a data URI
    secret_input = re.search(r'<input[^>]*id="authenticator_secret"[^>]*>', html).group(0)  # type: ignore[union-attr]
    assert "readonly" in secret_input and 'dir="ltr"' in secret_input
    code_input = re.search(r'<input[^>]*name="code"[^>]*>', html).group(0)  # type: ignore[union-attr]
    assert 'inputmode="numeric"' in code_input and 'autocomplete="one-time-code"' in code_input
    assert 'dir="ltr"' in code_input and f'for="{re.search(r"id=.(id_code).", code_input).group(1)}"' in html  # type: ignore[union-attr]

    secret = re.search(r'id="authenticator_secret"[^>]*value="([A-Z2-7]+)"', html).group(1)  # type: ignore[union-attr]
    done = client.post(ACTIVATE, {"code": totp_now(secret)})
    assert done.status_code == 302
    assert done["Location"] == reverse("mfa_view_recovery_codes")
    assert Authenticator.objects.filter(user=new_manager, type=Authenticator.Type.TOTP).exists()

    codes_page = client.get(done["Location"]).content.decode()
    assert 'href="/staff/stations/"' in codes_page  # "I have saved them: continue" to where they were going
    assert client.get("/staff/stations/").status_code == 200
    assert client.get("/").status_code == 200


def test_staff_cannot_set_up_totp_with_a_wrong_code(client, new_manager) -> None:
    sign_in(client, new_manager.email)
    confirm_password(client)
    client.get(ACTIVATE)

    response = client.post(ACTIVATE, {"code": "000000"})

    assert response.status_code == 200
    with translation.override("ar"):
        message = translation.gettext(
            "This code is not right. Check that your phone sets its clock automatically, then enter the code the "
            "app shows now."
        )
    assert error_under(response.content.decode(), "code") == message
    assert not Authenticator.objects.filter(user=new_manager).exists()


def test_staff_with_totp_is_asked_for_a_code_at_the_next_sign_in(client, new_manager) -> None:
    sign_in(client, new_manager.email)
    secret = activate_totp(client)
    client.post(reverse("account_logout"))

    response = sign_in(client, new_manager.email)

    assert response.status_code == 302
    assert response["Location"] == AUTHENTICATE
    assert "_auth_user_id" not in client.session  # not signed in until the code is right
    assert client.get("/staff/stations/")["Location"].startswith(LOGIN)

    done = client.post(AUTHENTICATE, {"code": totp_now(secret)})
    assert done.status_code == 302
    assert client.session["_auth_user_id"] == str(new_manager.pk)
    assert client.get("/staff/stations/").status_code == 200


def test_staff_gets_a_clear_message_in_arabic_next_to_the_field_for_a_wrong_code(client, new_manager) -> None:
    sign_in(client, new_manager.email)
    activate_totp(client)
    client.post(reverse("account_logout"))
    sign_in(client, new_manager.email)

    response = client.post(AUTHENTICATE, {"code": "123456"})

    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="ar" dir="rtl">' in html
    with translation.override("ar"):
        message = translation.gettext(
            "This code is not right. Enter the 6-digit code your authenticator app shows now, or one of your "
            "recovery codes."
        )
    assert error_under(html, "code") == message
    code_input = re.search(r'<input[^>]*name="code"[^>]*>', html).group(0)  # type: ignore[union-attr]
    assert 'aria-describedby="id_code_error' in code_input and 'aria-invalid="true"' in code_input
    assert "_auth_user_id" not in client.session


def test_staff_can_type_the_code_in_arabic_digits(client, new_manager) -> None:
    sign_in(client, new_manager.email)
    secret = activate_totp(client)
    client.post(reverse("account_logout"))
    sign_in(client, new_manager.email)

    response = client.post(AUTHENTICATE, {"code": totp_now(secret).translate(ARABIC_DIGITS)})

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(new_manager.pk)


def test_staff_can_sign_in_with_a_recovery_code_once(client, new_manager) -> None:
    sign_in(client, new_manager.email)
    activate_totp(client)
    codes_page = client.get(reverse("mfa_view_recovery_codes")).content.decode()
    codes = re.findall(r'<span class="d-block border[^"]*">(\d{8})</span>', codes_page)
    assert len(codes) == 10
    client.post(reverse("account_logout"))

    sign_in(client, new_manager.email)
    assert client.post(AUTHENTICATE, {"code": codes[0]}).status_code == 302
    assert client.session["_auth_user_id"] == str(new_manager.pk)
    client.post(reverse("account_logout"))

    sign_in(client, new_manager.email)
    again = client.post(AUTHENTICATE, {"code": codes[0]})
    assert again.status_code == 200
    assert error_under(again.content.decode(), "code")
    assert "_auth_user_id" not in client.session
    assert client.post(AUTHENTICATE, {"code": codes[1]}).status_code == 302


def test_staff_who_turns_totp_off_must_set_it_up_again_before_staff_pages(client, new_manager) -> None:
    sign_in(client, new_manager.email)
    activate_totp(client)
    assert client.get("/staff/stations/").status_code == 200

    response = client.post(reverse("mfa_deactivate_totp"))

    assert response.status_code == 302
    assert not Authenticator.objects.filter(user=new_manager, type=Authenticator.Type.TOTP).exists()
    assert client.get("/staff/stations/")["Location"] == ACTIVATE


def test_citizen_is_never_asked_for_a_second_factor(client, citizen) -> None:
    response = sign_in(client, "sara@example.jo")

    assert response["Location"] == reverse("home")
    for path in ("/", "/me/profile/", "/stations/"):
        assert client.get(path).status_code == 200, path
    assert not Authenticator.objects.filter(user=citizen).exists()
