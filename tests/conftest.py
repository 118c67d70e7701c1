"""Shared fixtures: the personas every test speaks of, on two stations in two GAM areas.

- station_a (Marka, area 3) and station_b (Tareq, area 10), both in Amman.
- gam_admin and nitc_coordinator over the whole network; station_manager, station_staff and trainer at
  station_a; manager_b at station_b; area_manager over area 3; inspector and inspection_supervisor over the
  Amman governorate; citizen (with a profile) and business_owner.
"""

from __future__ import annotations

import pytest
from django.test import Client

from mahatat.accounts.models import Role, User
from mahatat.accounts.services import assign_role
from mahatat.core.sms import MemorySMSBackend

from .factories import DEFAULT_PASSWORD, CitizenProfileFactory, StationFactory, UserFactory, amman, gam_area


@pytest.fixture(autouse=True)
def _isolated_outbox(settings, tmp_path):  # type: ignore[no-untyped-def]
    # Argon2 is the production hasher (tests/test_client_ip_and_secrets.py checks it); tests hash fast.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.SMS_BACKEND = "mahatat.core.sms.MemorySMSBackend"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.MEDIA_ROOT = tmp_path / "media"
    MemorySMSBackend.outbox.clear()
    yield
    MemorySMSBackend.outbox.clear()


@pytest.fixture
def password() -> str:
    return DEFAULT_PASSWORD


@pytest.fixture
def station_a(db):  # type: ignore[no-untyped-def]
    return StationFactory(
        code="KS-AMM-03", name_ar="محطة معرفة ماركا", name_en="Marka Knowledge Station", area=gam_area(3)
    )


@pytest.fixture
def station_b(db):  # type: ignore[no-untyped-def]
    return StationFactory(
        code="KS-AMM-10", name_ar="محطة معرفة طارق", name_en="Tareq Knowledge Station", area=gam_area(10)
    )


def _staff(email: str, role: str, **scope: object) -> User:
    user = UserFactory(email=email)
    assign_role(user=user, role=role, granted_by=None, **scope)  # type: ignore[arg-type]
    return user


@pytest.fixture
def gam_admin(db):  # type: ignore[no-untyped-def]
    return _staff("admin@gam.example.jo", Role.GAM_ADMIN)


@pytest.fixture
def nitc_coordinator(db):  # type: ignore[no-untyped-def]
    return _staff("coordinator@nitc.example.jo", Role.NITC_COORDINATOR)


@pytest.fixture
def station_manager(station_a):  # type: ignore[no-untyped-def]
    return _staff("manager.a@gam.example.jo", Role.STATION_MANAGER, station=station_a)


@pytest.fixture
def manager_b(station_b):  # type: ignore[no-untyped-def]
    return _staff("manager.b@gam.example.jo", Role.STATION_MANAGER, station=station_b)


@pytest.fixture
def area_manager(station_a):  # type: ignore[no-untyped-def]
    return _staff("area3@gam.example.jo", Role.STATION_MANAGER, area=gam_area(3))


@pytest.fixture
def station_staff(station_a):  # type: ignore[no-untyped-def]
    return _staff("staff.a@gam.example.jo", Role.STATION_STAFF, station=station_a)


@pytest.fixture
def trainer(station_a):  # type: ignore[no-untyped-def]
    return _staff("trainer.a@nitc.example.jo", Role.TRAINER, station=station_a)


@pytest.fixture
def inspector(db):  # type: ignore[no-untyped-def]
    return _staff("inspector@gam.example.jo", Role.INSPECTOR, governorate=amman())


@pytest.fixture
def inspection_supervisor(db):  # type: ignore[no-untyped-def]
    return _staff("supervisor@gam.example.jo", Role.INSPECTION_SUPERVISOR, governorate=amman())


@pytest.fixture
def citizen(db):  # type: ignore[no-untyped-def]
    profile = CitizenProfileFactory(user=UserFactory(email="sara@example.jo", phone="+962791234567"))
    profile.set_identity_number("9981012345")
    profile.save()
    return profile.user


@pytest.fixture
def business_owner(db):  # type: ignore[no-untyped-def]
    user = UserFactory(email="owner@example.jo", is_business_owner=True)
    CitizenProfileFactory(user=user, name_ar="خالد يوسف", name_en="Khaled Yousef", gender="male")
    return user


def mfa_client(user: User) -> Client:
    """A test client signed in as `user`, with TOTP set up (as a staff member must have)."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, generate_totp_secret())
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def client_as():  # type: ignore[no-untyped-def]
    """client_as(user) gives a signed-in client; staff users get TOTP set up first."""
    return mfa_client
