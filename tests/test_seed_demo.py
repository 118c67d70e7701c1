"""seed_demo loads a realistic, idempotent demo; demo_totp gives testers the staff accounts' TOTP codes."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import time
from io import StringIO
from pathlib import Path

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from allauth.mfa.utils import decrypt
from django.apps import apps
from django.conf import settings as django_settings
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Q
from django.test import override_settings
from django.urls import reverse

from mahatat.accounts.demo import CITIZEN_ACCOUNTS, ROLE_ACCOUNTS, generate_citizens
from mahatat.accounts.identity import validate_identity_number, validate_jordan_mobile
from mahatat.accounts.models import STAFF_ROLES, CitizenProfile, Role, StaffAssignment, User
from mahatat.demo.context import RANDOM_SEED
from mahatat.demo.credentials import FILE_NAME
from mahatat.stations.demo import GAM_STATION_CODES
from mahatat.stations.models import Area, Governorate, Station

pytestmark = pytest.mark.django_db

MANAGER = "manager@demo.mahatat.jo"


# Argon2 is slow on purpose, and not what these tests are about.
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="module")
def demo_data_dir(django_db_setup, django_db_blocker, tmp_path_factory):  # type: ignore[no-untyped-def]
    """One seed_demo run shared by the module's tests, rolled back at the end; each test nests in a savepoint."""
    data_dir = tmp_path_factory.mktemp("data")
    with (
        override_settings(DATA_DIR=data_dir, PASSWORD_HASHERS=FAST_HASHERS),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        seed()
        yield data_dir
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def _demo_settings(settings, demo_data_dir):  # type: ignore[no-untyped-def]
    settings.DATA_DIR = demo_data_dir
    settings.PASSWORD_HASHERS = FAST_HASHERS
    cache.clear()  # allauth remembers used TOTP codes and rate limits in the cache


def seed(citizens: int = 30) -> str:
    out = StringIO()
    call_command("seed_demo", citizens=citizens, stdout=out)
    return out.getvalue()


def credentials() -> dict[str, dict[str, str]]:
    path = Path(django_settings.DATA_DIR) / FILE_NAME
    return json.loads(path.read_text())["accounts"]


def row_counts() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def current_code(email: str) -> str:
    """The code demo_totp prints, taken early enough in its 30-second window to be checked in the same window."""
    if 30 - int(time.time()) % 30 < 3:
        time.sleep(3)
    out = StringIO()
    call_command("demo_totp", email, stdout=out, stderr=StringIO())
    code = out.getvalue().strip()
    assert re.fullmatch(r"\d{6}", code), code
    return code


def test_operator_can_run_seed_demo_twice_and_the_second_run_changes_nothing() -> None:
    counts = row_counts()  # after the first run, made by the demo_data_dir fixture
    stamps = list(Station.objects.order_by("code").values_list("code", "updated_at"))
    output = seed()

    assert row_counts() == counts
    assert list(Station.objects.order_by("code").values_list("code", "updated_at")) == stamps
    assert counts["accounts.CitizenProfile"] == 30 + len(CITIZEN_ACCOUNTS)
    assert counts["stations.Station"] == 9
    assert output.isascii()
    assert "http://127.0.0.1:8000/" in output
    for login, entry in credentials().items():
        assert login in output and entry["password"] in output
        if "totp_secret" in entry:
            assert entry["totp_secret"] in output


def test_operator_can_grow_the_citizens_without_duplicates() -> None:
    phones = set(User.objects.filter(citizen_profile__isnull=False).values_list("phone", flat=True))
    seed(citizens=45)
    grown = set(User.objects.filter(citizen_profile__isnull=False).values_list("phone", flat=True))

    assert phones < grown
    assert len(grown) == 45 + len(CITIZEN_ACCOUNTS)


def test_every_role_has_a_demo_account_and_every_station_has_staff() -> None:
    staff_roles = set(
        StaffAssignment.objects.filter(user__email__endswith="@demo.mahatat.jo").values_list(
            "role", flat=True
        )
    )

    assert staff_roles == set(STAFF_ROLES)
    assert {r.value for r in Role} - set(STAFF_ROLES) == {Role.CITIZEN, Role.BUSINESS_OWNER}
    citizen = User.objects.get(email="citizen@demo.mahatat.jo")
    assert citizen.phone and citizen.citizen_profile.name_ar
    validate_jordan_mobile(citizen.phone)
    assert User.objects.get(email="owner@demo.mahatat.jo").is_business_owner
    manager = StaffAssignment.objects.get(user__email=MANAGER, role=Role.STATION_MANAGER)
    assert manager.station is not None and manager.station.code == "KS-AMM-01"
    staffed = set(
        StaffAssignment.objects.filter(role=Role.STATION_STAFF).values_list("station__code", flat=True)
    )
    assert staffed == set(Station.objects.values_list("code", flat=True))
    superuser = User.objects.get(email="admin@demo.mahatat.jo")
    assert superuser.is_superuser and superuser.is_staff
    assert all(User.objects.get(email=a.email).display_name for a in ROLE_ACCOUNTS)


def test_the_seven_gam_stations_are_in_distinct_areas_and_active_ones_have_hours() -> None:
    gam_stations = list(
        Station.objects.filter(code__in=GAM_STATION_CODES).select_related("area", "municipality")
    )

    assert len(gam_stations) == 7
    assert {s.municipality.code for s in gam_stations} == {"gam"}
    assert len({s.area_id for s in gam_stations if s.area_id}) == 7
    statuses = [s.status for s in gam_stations]
    assert statuses.count(Station.Status.ACTIVE) == 6 and Station.Status.REHABILITATION in statuses
    for station in Station.objects.filter(status=Station.Status.ACTIVE):
        days = set(station.opening_hours.values_list("weekday", flat=True))
        assert {7, 1, 2, 3, 4} <= days, station.code
        assert station.services.exists() and station.partners.filter(code__in=["gam", "nitc"]).count() == 2
        assert station.has_location and station.phone.startswith("+9626")
    assert Station.objects.filter(opening_hours__weekday=6).exists()  # one station opens on Saturday
    assert (
        Station.objects.exclude(governorate__iso_code="JO-AM").filter(status=Station.Status.PLANNED).count()
        == 2
    )


def test_demo_staff_have_totp_with_the_secret_kept_in_the_credentials_file() -> None:
    stored = credentials()
    staff = User.objects.filter(Q(assignments__isnull=False) | Q(is_staff=True)).distinct()

    assert staff.count() == 16
    for user in staff:
        authenticator = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
        assert decrypt(authenticator.data["secret"]) == stored[user.email or ""]["totp_secret"]
        assert Authenticator.objects.filter(user=user, type=Authenticator.Type.RECOVERY_CODES).exists()
    assert not Authenticator.objects.filter(user__email="citizen@demo.mahatat.jo").exists()


def test_demo_totp_prints_a_code_that_allauth_accepts() -> None:
    authenticator = Authenticator.objects.get(
        user__email="staff@demo.mahatat.jo", type=Authenticator.Type.TOTP
    )
    code = current_code("staff@demo.mahatat.jo")

    assert TOTP(authenticator).validate_code(code)
    assert not TOTP(authenticator).validate_code(f"{(int(code) + 1) % 1_000_000:06d}")


def test_station_manager_can_sign_in_with_the_printed_password_and_totp(client) -> None:  # type: ignore[no-untyped-def]
    password = credentials()[MANAGER]["password"]

    response = client.post(reverse("account_login"), {"login": MANAGER, "password": password})
    assert response.status_code == 302 and response["Location"] == reverse("mfa_authenticate")
    response = client.post(reverse("mfa_authenticate"), {"code": current_code(MANAGER)})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(User.objects.get(email=MANAGER).pk)


def test_citizen_can_sign_in_by_mobile_with_the_printed_password(client) -> None:  # type: ignore[no-untyped-def]
    password = credentials()["citizen@demo.mahatat.jo"]["password"]

    response = client.post(reverse("account_login"), {"login": "0795550101", "password": password})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(User.objects.get(email="citizen@demo.mahatat.jo").pk)


def test_credentials_are_random_private_and_outside_the_repository(settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = Path(settings.DATA_DIR) / FILE_NAME
    old = credentials()[MANAGER]["password"]

    assert path.stat().st_mode & 0o777 == 0o600
    default = Path(settings.BASE_DIR) / "data" / FILE_NAME
    if shutil.which("git") and (Path(settings.BASE_DIR) / ".git").exists():
        ignored = subprocess.run(
            ["git", "check-ignore", "-q", str(default)], cwd=settings.BASE_DIR, check=False
        )
        assert ignored.returncode == 0
    # Without the file, a new run makes new passwords and applies them: nothing is fixed in the code.
    settings.DATA_DIR = tmp_path
    seed()
    new = credentials()[MANAGER]["password"]
    manager = User.objects.get(email=MANAGER)
    assert (tmp_path / FILE_NAME).stat().st_mode & 0o777 == 0o600
    assert new != old
    assert manager.check_password(new) and not manager.check_password(old)


def test_operator_cannot_use_the_demo_commands_in_production_or_on_other_accounts(settings) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(CommandError, match="not a demo account"):
        call_command("demo_totp", "someone@example.jo", stdout=StringIO(), stderr=StringIO())
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="production"):
        call_command("demo_totp", MANAGER, stdout=StringIO(), stderr=StringIO())
    with pytest.raises(CommandError, match="production"):
        seed()


def test_generated_citizens_are_deterministic_plausible_and_unique() -> None:
    import random

    areas = list(Area.objects.filter(municipality__code="gam"))
    governorates = {g.iso_code: g for g in Governorate.objects.all()}

    def make(n: int) -> list:  # type: ignore[type-arg]
        return generate_citizens(
            n,
            rng=random.Random(RANDOM_SEED),
            station_areas=areas[:7],
            other_areas=areas[7:],
            governorates=governorates,
        )

    many, few = make(200), make(20)
    assert many[:20] == few
    assert len({c.phone for c in many}) == 200
    for citizen in many:
        validate_jordan_mobile(citizen.phone)
        details = citizen.details
        assert validate_identity_number(details.id_type, details.id_number) == details.id_number
        assert 1950 <= details.birth_year <= 2010  # type: ignore[operator]
        assert len(details.name_ar.split()) >= 3 and details.name_en.isascii()
    assert sum(c.details.birth_year >= 1990 for c in many) > 100  # type: ignore[operator]
    assert sum(c.details.governorate.iso_code == "JO-AM" for c in many) > 150  # type: ignore[union-attr]
    assert any(c.details.disability_consent for c in many)


def test_citizen_profiles_keep_identity_numbers_encrypted() -> None:
    profile = CitizenProfile.objects.exclude(user__email__endswith="@demo.mahatat.jo").first()

    assert profile is not None and profile.id_number_hash
    number = profile.reveal_identity_number()
    assert re.fullmatch(r"\d{10}", number) and number not in profile.id_number_encrypted
    assert profile.masked_identity_number == "******" + number[-4:]


def test_training_demo_has_programmes_trainers_and_cohorts_at_every_active_station() -> None:
    from mahatat.training.models import Cohort, Programme, Trainer, TrainingSession

    assert Programme.objects.count() == 8
    assert Programme.objects.filter(min_assessment_score__isnull=False).exists()
    assert {p.provider for p in Programme.objects.all()} == {"nitc", "gam", "partner"}
    assert Trainer.objects.count() == 8
    trainer = Trainer.objects.get(user__email="trainer@demo.mahatat.jo")
    assert trainer.availability.exists()
    active = set(Station.objects.filter(status=Station.Status.ACTIVE).values_list("code", flat=True))
    for status in (Cohort.Status.COMPLETED, Cohort.Status.RUNNING):
        assert set(Cohort.objects.filter(status=status).values_list("station__code", flat=True)) == active
    assert Cohort.objects.filter(status=Cohort.Status.OPEN).exists()
    # Courses at all seven Amman stations of the agreement, the one under rehabilitation included.
    amman_seven = Station.objects.filter(municipality__code="gam").exclude(status=Station.Status.PLANNED)
    assert amman_seven.count() == 7
    assert set(Cohort.objects.values_list("station__code", flat=True)) >= set(
        amman_seven.values_list("code", flat=True)
    )
    assert Cohort.objects.filter(status=Cohort.Status.FULL, enrolments__status="waitlisted").exists()
    assert Cohort.objects.filter(gender="female").exists() and Cohort.objects.filter(max_age=24).exists()
    from mahatat.core.dates import AMMAN, local_today

    today = [
        s
        for s in TrainingSession.objects.filter(trainer=trainer)
        if s.starts_at.astimezone(AMMAN).date() == local_today()
    ]
    assert len(today) == 1


def test_demo_citizen_has_a_certificate_a_seat_and_a_waitlist_place_and_the_certificate_verifies(
    client,  # type: ignore[no-untyped-def]
) -> None:
    from mahatat.training.models import Certificate, Cohort, Enrolment

    citizen = User.objects.get(email="citizen@demo.mahatat.jo")
    places = Enrolment.objects.filter(citizen=citizen)
    assert places.filter(outcome="completed", certificate__isnull=False).count() == 1
    assert places.filter(status="enrolled", cohort__status=Cohort.Status.RUNNING).count() == 1
    assert places.filter(status="waitlisted").count() == 1
    issued = Certificate.objects.valid()
    assert issued.count() >= 6
    assert all(c.enrolment.outcome == Enrolment.Outcome.COMPLETED for c in issued)
    assert Enrolment.objects.filter(outcome=Enrolment.Outcome.NOT_COMPLETED).exists()
    certificate = places.get(certificate__isnull=False).certificate
    assert client.get(certificate.get_absolute_url()).status_code == 200
    output = seed()
    assert certificate.get_absolute_url() in output


def test_training_demo_second_run_changes_nothing() -> None:
    from mahatat.training.models import Attendance, Certificate, Cohort, Enrolment

    before = {m: m.objects.count() for m in (Cohort, Enrolment, Attendance, Certificate)}
    stamps = list(Cohort.objects.order_by("pk").values_list("pk", "updated_at", "status"))
    seed()
    assert {m: m.objects.count() for m in before} == before
    assert list(Cohort.objects.order_by("pk").values_list("pk", "updated_at", "status")) == stamps
