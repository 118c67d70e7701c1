"""Client addresses behind proxies, and MFA secrets encrypted at rest."""

import pytest
from django.test import RequestFactory

from mahatat.core.client_ip import client_ip


def test_client_ip_is_the_remote_address_without_proxies(settings):
    settings.NUM_PROXIES = 0
    request = RequestFactory().get("/", REMOTE_ADDR="10.1.2.3", HTTP_X_FORWARDED_FOR="1.1.1.1")
    assert client_ip(request) == "10.1.2.3"


def test_client_ip_is_the_hop_the_trusted_proxy_added(settings):
    settings.NUM_PROXIES = 1
    # A client may forge the left part of X-Forwarded-For; the right-most hop is the one nginx added.
    request = RequestFactory().get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9")
    assert client_ip(request) == "203.0.113.9"


@pytest.mark.django_db
def test_totp_secrets_are_not_stored_in_clear(station_manager):
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    secret = generate_totp_secret()
    TOTP.activate(station_manager, secret)
    stored = Authenticator.objects.get(user=station_manager, type=Authenticator.Type.TOTP)
    assert secret not in str(stored.data)
    assert TOTP(stored).instance.data["secret"] != secret
    from allauth.mfa.adapter import get_adapter

    assert get_adapter().decrypt(stored.data["secret"]) == secret


def test_passwords_are_hashed_with_argon2_outside_tests():
    from mahatat import settings as project_settings

    assert project_settings.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
