"""GET and PATCH /api/v1/me/: the signed-in user's own profile, in their language, never half-saved."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django.utils import timezone, translation

from mahatat.accounts.models import CitizenProfile, Consent, DisabilityStatus, User
from mahatat.accounts.pii import keyed_hash
from mahatat.accounts.services import record_consent
from mahatat.stations.models import Governorate

from .factories import CitizenProfileFactory, UserFactory, amman, gam_area

URL = "/api/v1/me/"
ARABIC = re.compile("[\u0600-\u06ff]")


@pytest.fixture(autouse=True)
def _clear_cache():  # type: ignore[no-untyped-def]
    cache.clear()
    yield
    cache.clear()


def patch(client: Client, data: object, **headers: str):  # type: ignore[no-untyped-def]
    return client.patch(URL, data, content_type="application/json", **headers)


@pytest.fixture
def citizen_client(citizen) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(citizen)
    return client


def test_anonymous_cannot_read_or_change_a_profile(client, citizen):
    assert client.get(URL).status_code == 401
    response = patch(client, {"display_name": "x"})
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert "detail" in response.json()


def test_citizen_can_read_their_own_profile_with_the_identity_number_masked(citizen_client, citizen):
    response = citizen_client.get(URL)

    assert response.status_code == 200
    body = response.json()
    assert body["email"] == "sara@example.jo"
    assert body["phone"] == "+962791234567"
    assert body["preferred_language"] == "ar"
    assert [r["code"] for r in body["roles"]] == ["citizen"]
    profile = body["citizen_profile"]
    assert profile["name_ar"] == "سارة أحمد الخطيب"
    assert profile["birth_year"] == 1998
    assert profile["id_type"] == "national_number"
    assert profile["id_number_masked"] == "******2345"
    assert "9981012345" not in response.content.decode()
    assert "id_number" not in profile


def test_citizen_can_change_their_profile(citizen_client, citizen):
    area = gam_area(10)

    response = patch(
        citizen_client,
        {
            "display_name": "Sara",
            "preferred_language": "en",
            "citizen_profile": {
                "name_en": "Sara A. Al-Khatib",
                "birth_year": 1990,
                "area": area.pk,
                "gender": "",
            },
        },
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["display_name"] == "Sara"
    assert body["preferred_language"] == "en"
    assert body["citizen_profile"]["name_en"] == "Sara A. Al-Khatib"
    assert body["citizen_profile"]["name_ar"] == "سارة أحمد الخطيب"  # not sent, kept
    assert body["citizen_profile"]["area"]["id"] == area.pk
    assert body["citizen_profile"]["governorate"]["iso_code"] == "JO-AM"  # follows the area
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    citizen.refresh_from_db()
    profile = CitizenProfile.objects.get(user=citizen)
    assert (citizen.display_name, citizen.preferred_language) == ("Sara", "en")
    assert (profile.birth_year, profile.gender, profile.area_id, profile.governorate_id) == (
        1990,
        "",
        area.pk,
        amman().pk,
    )


def test_citizen_can_change_their_identity_number_and_only_sees_it_masked(citizen_client, citizen):
    response = patch(citizen_client, {"citizen_profile": {"id_number": "٢٠٠١٠٠٩٨٧٦"}})  # Arabic-Indic digits

    assert response.status_code == 200, response.content
    assert response.json()["citizen_profile"]["id_number_masked"] == "******9876"
    assert "2001009876" not in response.content.decode()
    profile = CitizenProfile.objects.get(user=citizen)
    assert profile.id_number_hash == keyed_hash("2001009876")
    assert "2001009876" not in profile.id_number_encrypted


def test_citizen_keeps_their_disability_answer_when_changing_other_fields(citizen_client, citizen):
    profile = CitizenProfile.objects.get(user=citizen)
    profile.disability = DisabilityStatus.NONE
    profile.save()
    record_consent(user=citizen, purpose=Consent.Purpose.DISABILITY_DATA)

    assert patch(citizen_client, {"citizen_profile": {"birth_year": 1995}}).status_code == 200

    profile.refresh_from_db()
    assert profile.disability == DisabilityStatus.NONE
    assert Consent.objects.filter(user=citizen, purpose="disability_data", withdrawn_at__isnull=True).exists()


def test_citizen_can_send_back_their_email_and_phone_unchanged(citizen_client):
    body = citizen_client.get(URL).json()
    response = patch(citizen_client, {"email": body["email"], "phone": "079 123 4567", "display_name": "S"})
    assert response.status_code == 200, response.content


@pytest.mark.parametrize(
    ("data", "field_path"),
    [
        ({"phone": "12345"}, ["phone"]),
        ({"phone": "+962781234567"}, ["phone"]),  # valid, but not theirs to change here
        ({"email": "other@example.jo"}, ["email"]),
        ({"citizen_profile": {"id_number": "12345"}}, ["citizen_profile", "id_number"]),
        ({"citizen_profile": {"id_number": "12345678901"}}, ["citizen_profile", "id_number"]),
        ({"citizen_profile": {"birth_year": 1800}}, ["citizen_profile", "birth_year"]),
        ({"citizen_profile": {"birth_year": timezone.localdate().year}}, ["citizen_profile", "birth_year"]),
        ({"citizen_profile": {"birth_year": "abc"}}, ["citizen_profile", "birth_year"]),
        ({"citizen_profile": {"birth_year": 10**30}}, ["citizen_profile", "birth_year"]),
        ({"citizen_profile": {"governorate": 10**30}}, ["citizen_profile", "governorate"]),
        ({"citizen_profile": {"governorate": 1.5}}, ["citizen_profile", "governorate"]),
        ({"citizen_profile": {"area": "abc"}}, ["citizen_profile", "area"]),
        ({"citizen_profile": {"name_ar": ""}}, ["citizen_profile", "name_ar"]),
        (
            {"citizen_profile": {"id_type": "passport"}},
            ["citizen_profile", "id_number"],
        ),  # the new number is needed
        ({"citizen_profile": {"gender": "other"}}, ["citizen_profile", "gender"]),
        ({"citizen_profile": None}, ["citizen_profile"]),
        ({"preferred_language": "fr"}, ["preferred_language"]),
        ({"display_name": "x\x00y"}, ["display_name"]),
    ],
)
def test_citizen_gets_field_errors_for_invalid_input_and_nothing_is_saved(
    citizen_client, citizen, data, field_path
):
    before = CitizenProfile.objects.get(user=citizen)

    response = patch(citizen_client, {**data, "display_name": data.get("display_name", "Changed")})

    assert response.status_code == 400, response.content
    errors = response.json()
    for key in field_path:
        errors = errors[key]
    assert isinstance(errors, list)
    assert all(isinstance(message, str) and message for message in errors)
    citizen.refresh_from_db()
    assert citizen.display_name != "Changed"
    after = CitizenProfile.objects.get(user=citizen)
    assert (after.birth_year, after.id_number_hash, after.updated_at) == (
        before.birth_year,
        before.id_number_hash,
        before.updated_at,
    )


def test_citizen_cannot_take_an_area_outside_their_governorate(citizen_client):
    irbid = Governorate.objects.get(iso_code="JO-IR")
    response = patch(citizen_client, {"citizen_profile": {"governorate": irbid.pk, "area": gam_area(3).pk}})
    assert response.status_code == 400
    assert list(response.json()["citizen_profile"]) == ["area"]


def test_citizen_cannot_take_another_citizens_identity_number(citizen_client, citizen, business_owner):
    other = CitizenProfile.objects.get(user=business_owner)
    other.set_identity_number("9871234560")
    other.save()

    response = patch(
        citizen_client, {"display_name": "Changed", "citizen_profile": {"id_number": "9871234560"}}
    )

    assert response.status_code == 400
    assert list(response.json()["citizen_profile"]) == ["id_number"]
    citizen.refresh_from_db()
    assert citizen.display_name != "Changed"
    assert CitizenProfile.objects.get(user=citizen).id_number_last4 == "2345"


def test_citizen_gets_errors_in_arabic_by_default(citizen_client):
    response = patch(citizen_client, {"citizen_profile": {"birth_year": "abc"}}, HTTP_ACCEPT_LANGUAGE="ar")
    assert response["Content-Language"] == "ar"
    assert ARABIC.search(
        response.json()["citizen_profile"]["birth_year"][0]
    )  # DRF's message, its Arabic catalogue

    response = patch(citizen_client, {"citizen_profile": {"id_number": "12"}}, HTTP_ACCEPT_LANGUAGE="ar")
    with translation.override("ar"):  # ours, from the project's catalogue once it is compiled
        expected = translation.gettext("A national number has exactly 10 digits.")
    assert response.json()["citizen_profile"]["id_number"] == [expected]


def test_citizen_gets_errors_in_the_language_of_their_cookie_then_their_preference(citizen_client, citizen):
    bad = {"citizen_profile": {"birth_year": "abc"}}
    citizen_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    response = patch(citizen_client, bad, HTTP_ACCEPT_LANGUAGE="ar")

    assert response["Content-Language"] == "en"
    assert response.json() == {"citizen_profile": {"birth_year": ["A valid integer is required."]}}
    response = patch(citizen_client, {"citizen_profile": {"id_number": "12"}}, HTTP_ACCEPT_LANGUAGE="ar")
    assert response.json() == {"citizen_profile": {"id_number": ["A national number has exactly 10 digits."]}}
    del citizen_client.cookies[settings.LANGUAGE_COOKIE_NAME]
    citizen.preferred_language = "en"
    citizen.save(update_fields=["preferred_language"])
    response = patch(citizen_client, bad, HTTP_ACCEPT_LANGUAGE="ar")
    assert response.json()["citizen_profile"]["birth_year"] == ["A valid integer is required."]


def test_anonymous_gets_errors_in_the_language_of_accept_language(client, db):
    arabic = client.get("/api/v1/stations/", {"area": "x"}, HTTP_ACCEPT_LANGUAGE="ar").json()
    english = client.get("/api/v1/stations/", {"area": "x"}, HTTP_ACCEPT_LANGUAGE="en").json()
    assert ARABIC.search(arabic["area"][0])
    assert english == {"area": ["A valid integer is required."]}


def test_user_without_a_citizen_profile_can_create_one_with_a_name(db):
    user = UserFactory(email="new@example.jo")
    client = Client()
    client.force_login(user)
    assert client.get(URL).json()["citizen_profile"] is None

    missing_name = patch(client, {"citizen_profile": {"birth_year": 2000}})
    assert missing_name.status_code == 400
    assert list(missing_name.json()["citizen_profile"]) == ["name_ar"]
    assert not CitizenProfile.objects.filter(user=user).exists()

    created = patch(client, {"citizen_profile": {"name_ar": "ليلى حسن", "id_number": "2001112223"}})
    assert created.status_code == 200, created.content
    assert created.json()["citizen_profile"]["id_number_masked"] == "******2223"
    assert [r["code"] for r in created.json()["roles"]] == ["citizen"]


def test_staff_session_without_two_factor_is_refused(station_manager):
    client = Client()
    client.force_login(station_manager)
    assert client.get(URL).status_code == 403


def test_staff_with_two_factor_can_read_their_profile_and_roles(client_as, station_manager):
    response = client_as(station_manager).get(URL)
    assert response.status_code == 200
    assert [r["code"] for r in response.json()["roles"]] == ["station_manager"]
    assert response.json()["citizen_profile"] is None


def test_business_owner_sees_both_their_roles(db):
    user = UserFactory(email="shop@example.jo", is_business_owner=True)
    CitizenProfileFactory(user=user)
    client = Client()
    client.force_login(user)
    assert [r["code"] for r in client.get(URL).json()["roles"]] == ["business_owner", "citizen"]


def test_users_only_ever_see_themselves(citizen_client, business_owner):
    body = citizen_client.get(URL).json()
    assert body["email"] == "sara@example.jo"
    assert User.objects.get(pk=body["id"]).email == "sara@example.jo"
