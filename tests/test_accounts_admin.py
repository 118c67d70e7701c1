"""The Django admin: Arabic and right to left for superusers, reached only through the site's sign-in (with the
TOTP step), and guarded by django-axes: five wrong passwords lock that login from that address."""

from __future__ import annotations

import base64
import hashlib
import hmac
import struct
import time

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from axes.models import AccessAttempt
from django.core.cache import cache
from django.urls import reverse

from tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOGIN = reverse("account_login")


@pytest.fixture(autouse=True)
def _fresh_cache():  # type: ignore[no-untyped-def]
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def superuser(db):  # type: ignore[no-untyped-def]
    return UserFactory(email="root@gam.example.jo", is_staff=True, is_superuser=True)


def totp_now(secret: str) -> str:
    if 30 - time.time() % 30 < 1.5:
        time.sleep(2)
    key = base64.b32decode(secret.upper() + "=" * (-len(secret) % 8))
    digest = hmac.new(key, struct.pack(">Q", int(time.time() // 30)), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    return f"{(struct.unpack('>I', digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 1_000_000:06d}"


def test_superuser_sees_the_admin_in_arabic_right_to_left(client_as, superuser) -> None:
    response = client_as(superuser).get(reverse("admin:index"))

    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="ar" dir="rtl">' in html
    assert "إدارة الموقع" in html  # "Site administration" in Django's Arabic catalogue
    assert "محطات · Mahatat" in html


def test_superuser_sees_the_admin_in_english_with_the_language_cookie(client_as, superuser) -> None:
    client = client_as(superuser)
    client.cookies["mahatat_language"] = "en"
    html = client.get(reverse("admin:index")).content.decode()
    assert '<html lang="en" dir="ltr">' in html
    assert "Site administration" in html


def test_superuser_can_open_the_admin_lists_in_arabic(client_as, superuser, citizen) -> None:
    client = client_as(superuser)
    for name in (
        "admin:accounts_user_changelist",
        "admin:accounts_citizenprofile_changelist",
        "admin:stations_station_changelist",
    ):
        response = client.get(reverse(name))
        assert response.status_code == 200, name
        assert 'dir="rtl"' in response.content.decode()


def test_admin_has_no_password_form_of_its_own(client) -> None:
    response = client.get(reverse("admin:login"))
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)
    # A password posted to the admin's login is not checked there either.
    assert (
        client.post(reverse("admin:login"), {"username": "root@gam.example.jo", "password": "x"}).status_code
        == 302
    )


def test_superuser_reaches_the_admin_through_the_sign_in_and_the_totp_step(client, superuser) -> None:
    secret = generate_totp_secret()
    TOTP.activate(superuser, secret)

    first = client.get(reverse("admin:index"), follow=True)
    assert first.redirect_chain[-1][0] == f"{LOGIN}?next=%2Fadmin%2F"

    signed = client.post(
        f"{LOGIN}?next=/admin/", {"login": superuser.email, "password": DEFAULT_PASSWORD, "next": "/admin/"}
    )
    assert signed["Location"] == reverse("mfa_authenticate")
    assert client.get(reverse("admin:index")).status_code == 302  # not in with a password alone

    done = client.post(reverse("mfa_authenticate"), {"code": totp_now(secret)})
    assert done["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_five_wrong_passwords_lock_the_login_even_with_the_right_password_after(client, superuser) -> None:
    for attempt in range(1, 5):
        response = client.post(LOGIN, {"login": superuser.email, "password": f"wrong-{attempt}"})
        assert response.status_code == 200, attempt  # the form again, with its error

    fifth = client.post(LOGIN, {"login": superuser.email, "password": "wrong-5"})

    assert fifth.status_code == 429
    html = fifth.content.decode()
    assert '<html lang="ar" dir="rtl">' in html
    assert reverse("account_reset_password") in html
    attempt = AccessAttempt.objects.get()
    assert (attempt.username, attempt.failures_since_start) == ("root@gam.example.jo", 5)

    cache.clear()  # forget allauth's own rate limit: the lock that remains is axes'
    locked = client.post(LOGIN, {"login": superuser.email, "password": DEFAULT_PASSWORD})
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session


def test_a_locked_login_does_not_lock_other_people_at_the_same_address(client, superuser, citizen) -> None:
    for attempt in range(5):
        client.post(LOGIN, {"login": superuser.email, "password": f"wrong-{attempt}"})
    cache.clear()

    response = client.post(LOGIN, {"login": "sara@example.jo", "password": DEFAULT_PASSWORD})

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(citizen.pk)


def test_wrong_passwords_count_together_however_the_mobile_is_written(client, citizen) -> None:
    for login in ("0791234567", "+962 79 123 4567", "٠٧٩١٢٣٤٥٦٧"):
        client.post(LOGIN, {"login": login, "password": "wrong-password"})

    attempt = AccessAttempt.objects.get()
    assert (attempt.username, attempt.failures_since_start) == ("+962791234567", 3)
