"""The citizen's own profile page: every field, consent for disability, masked identity number, and what staff
have looked at. Bad input is refused next to the field and nothing is half-saved."""

from __future__ import annotations

import re

import pytest
from allauth.account.models import EmailAddress
from django.core.cache import cache
from django.forms.models import model_to_dict
from django.urls import reverse
from django.utils import translation

from mahatat.accounts.models import CitizenProfile, Consent, DisabilityStatus, PersonalDataAccess, User
from mahatat.accounts.pii import keyed_hash
from mahatat.core.sms import MemorySMSBackend
from tests.factories import CitizenProfileFactory, UserFactory, amman, gam_area

pytestmark = pytest.mark.django_db


PROFILE = reverse("accounts:profile")


@pytest.fixture(autouse=True)
def _fresh_cache():  # type: ignore[no-untyped-def]
    cache.clear()
    yield
    cache.clear()


def form_data(**changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "name_ar": "سارة أحمد الخطيب",
        "name_en": "Sara Ahmad Al-Khatib",
        "id_type": "national_number",
        "id_number": "",
        "gender": "female",
        "birth_year": "1998",
        "governorate": amman().pk,
        "area": gam_area(3).pk,
        "disability": "",
        "preferred_language": "ar",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def state_of(user: User) -> dict[str, object]:
    """Everything a profile save could touch, to prove a refused save changed nothing."""
    profile = CitizenProfile.objects.get(user=user)
    return {
        "profile": model_to_dict(profile, exclude=["id"])
        | {
            "id_number_encrypted": profile.id_number_encrypted,
            "id_number_hash": profile.id_number_hash,
            "id_number_last4": profile.id_number_last4,
        },
        "history": profile.history.count(),
        "user": model_to_dict(User.objects.get(pk=user.pk), fields=["email", "phone", "preferred_language"]),
        "consents": list(Consent.objects.filter(user=user).values_list("purpose", "withdrawn_at")),
        "emails": list(EmailAddress.objects.filter(user=user).values_list("email", flat=True)),
    }


def error_under(html: str, field: str) -> str:
    match = re.search(rf'id="id_{field}_error"[^>]*>(.*?)</div>', html, re.S)
    assert match, f"no error shown under {field}"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", match.group(1))).strip()


def in_arabic(message: str) -> str:
    with translation.override("ar"):
        return translation.gettext(message)


def test_anonymous_visitor_cannot_open_a_profile(client) -> None:
    response = client.get(PROFILE)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_citizen_can_see_their_profile_with_the_identity_number_masked(client_as, citizen) -> None:
    html = client_as(citizen).get(PROFILE).content.decode()

    assert "******2345" in html
    assert "9981012345" not in html
    assert 'value="سارة أحمد الخطيب"' in html
    assert "079\u00a0123\u00a04567" in html and "sara@example.jo" in html
    for field in (
        "name_ar",
        "name_en",
        "id_type",
        "id_number",
        "gender",
        "birth_year",
        "governorate",
        "area",
        "disability_consent",
        "disability",
        "preferred_language",
    ):
        assert f'for="id_{field}"' in html, field
    # Each area says which governorate it is in, so the page offers only the chosen governorate's areas.
    assert re.search(rf'<option value="{gam_area(3).pk}" data-governorate="{amman().pk}"', html)


def test_citizen_can_update_every_field_of_their_profile(client_as, citizen) -> None:
    client = client_as(citizen)

    response = client.post(
        PROFILE,
        form_data(
            name_ar="سارة أحمد الخطيب العلي",
            name_en="Sara Al-Ali",
            id_number="٩٩٨١٠١٢٣٩٩",  # Arabic-Indic digits are read as the same number
            gender="female",
            birth_year="1999",
            area=gam_area(10).pk,
            preferred_language="en",
        ),
    )

    assert response.status_code == 302
    assert response.cookies["mahatat_language"].value == "en"
    profile = CitizenProfile.objects.get(user=citizen)
    assert (profile.name_ar, profile.name_en, profile.birth_year) == (
        "سارة أحمد الخطيب العلي",
        "Sara Al-Ali",
        1999,
    )
    assert profile.area == gam_area(10) and profile.governorate == amman()
    assert profile.masked_identity_number == "******2399"
    assert profile.id_number_hash == keyed_hash("9981012399")
    assert "9981012399" not in profile.id_number_encrypted
    assert User.objects.get(pk=citizen.pk).preferred_language == "en"
    assert "Your profile is saved." in client.get(PROFILE).content.decode()


def test_citizen_keeps_their_identity_number_when_the_field_is_left_empty(client_as, citizen) -> None:
    client_as(citizen).post(PROFILE, form_data(id_number=""))
    assert CitizenProfile.objects.get(user=citizen).masked_identity_number == "******2345"


def test_citizen_can_record_a_disability_status_with_consent_and_withdraw_it(client_as, citizen) -> None:
    client = client_as(citizen)

    client.post(PROFILE, form_data(disability_consent="on", disability=DisabilityStatus.DISABILITY))

    profile = CitizenProfile.objects.get(user=citizen)
    assert profile.disability == DisabilityStatus.DISABILITY
    consent = Consent.objects.get(user=citizen, purpose=Consent.Purpose.DISABILITY_DATA)
    assert consent.withdrawn_at is None
    page = client.get(PROFILE).content.decode()
    assert "checked" in re.search(r'<input[^>]*id="id_disability_consent"[^>]*>', page).group(0)  # type: ignore[union-attr]

    client.post(PROFILE, form_data(disability=DisabilityStatus.DISABILITY))  # consent box unticked

    assert CitizenProfile.objects.get(user=citizen).disability == DisabilityStatus.NOT_ASKED
    consent.refresh_from_db()
    assert consent.withdrawn_at is not None


def test_citizen_disability_answer_without_consent_is_not_recorded(client_as, citizen) -> None:
    client_as(citizen).post(PROFILE, form_data(disability=DisabilityStatus.NONE))
    assert CitizenProfile.objects.get(user=citizen).disability == DisabilityStatus.NOT_ASKED
    assert not Consent.objects.filter(user=citizen, purpose=Consent.Purpose.DISABILITY_DATA).exists()


def test_citizen_who_consents_must_choose_an_answer(client_as, citizen) -> None:
    before = state_of(citizen)
    response = client_as(citizen).post(PROFILE, form_data(disability_consent="on", disability=""))

    assert response.status_code == 200
    assert error_under(response.content.decode(), "disability") == in_arabic(
        "Choose an answer, or untick the consent box."
    )
    assert state_of(citizen) == before


@pytest.mark.parametrize("number", ["998101234", "99810123456", "99810abcde", "ID-9981012"])
def test_citizen_cannot_save_an_invalid_national_number_and_nothing_changes(
    client_as, citizen, number
) -> None:
    before = state_of(citizen)

    response = client_as(citizen).post(PROFILE, form_data(id_number=number, name_ar="اسم جديد"))

    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="ar" dir="rtl">' in html
    assert error_under(html, "id_number") == in_arabic("A national number has exactly 10 digits.")
    widget = re.search(r'<input[^>]*id="id_id_number"[^>]*>', html).group(0)  # type: ignore[union-attr]
    assert 'aria-invalid="true"' in widget and "id_id_number_error" in widget
    assert state_of(citizen) == before


def test_citizen_cannot_take_a_national_number_registered_to_someone_else(client_as, citizen) -> None:
    other = CitizenProfileFactory(user=UserFactory(email="other@example.jo"), name_ar="منى")
    other.set_identity_number("2000123456")
    other.save()
    before = state_of(citizen)

    response = client_as(citizen).post(PROFILE, form_data(id_number="2000123456", name_ar="اسم جديد"))

    assert response.status_code == 200
    assert error_under(response.content.decode(), "id_number") == in_arabic(
        "Another account is already registered with this number."
    )
    assert state_of(citizen) == before


def test_citizen_cannot_choose_an_area_outside_the_chosen_governorate(client_as, citizen) -> None:
    from mahatat.stations.models import Governorate

    before = state_of(citizen)
    irbid = Governorate.objects.get(iso_code="JO-IR")
    response = client_as(citizen).post(PROFILE, form_data(governorate=irbid.pk, area=gam_area(3).pk))

    assert response.status_code == 200
    assert error_under(response.content.decode(), "area") == in_arabic(
        "This area is not in the governorate you chose."
    )
    assert state_of(citizen) == before


def test_citizen_cannot_add_an_email_registered_to_someone_else(client_as, citizen) -> None:
    UserFactory(email="taken@example.jo")
    client = client_as(citizen)
    client.get(reverse("account_email"))  # allauth records the account's own address on first visit
    before = state_of(citizen)

    response = client.post(reverse("account_email"), {"action_add": "", "email": "Taken@example.jo"})

    assert response.status_code == 200
    assert error_under(response.content.decode(), "email") == in_arabic(
        "A user is already registered with this email address."
    )
    assert state_of(citizen) == before


@pytest.mark.parametrize(
    ("phone", "message"),
    [
        (
            "0612345678",
            "Enter a Jordanian mobile number: 077, 078 or 079 followed by 7 digits, e.g. 079 123 4567.",
        ),
        ("0785550202", "A user is already registered with this phone number."),
    ],
)
def test_citizen_cannot_change_to_an_invalid_or_taken_mobile(client_as, citizen, phone, message) -> None:
    UserFactory(email="owner2@example.jo", phone="+962785550202")
    before = state_of(citizen)

    response = client_as(citizen).post(reverse("account_change_phone"), {"phone": phone})

    assert response.status_code == 200
    assert error_under(response.content.decode(), "phone") == in_arabic(message)
    assert state_of(citizen) == before
    assert MemorySMSBackend.outbox == []


def test_citizen_changes_their_mobile_only_after_confirming_the_sms_code(client_as, citizen) -> None:
    client = client_as(citizen)

    response = client.post(reverse("account_change_phone"), {"phone": "0775550404"})

    assert response.status_code == 302
    assert User.objects.get(pk=citizen.pk).phone == "+962791234567"  # unchanged until the code is entered
    page = client.get(response["Location"]).content.decode()
    assert '<bdi dir="ltr">077\u00a0555\u00a00404</bdi>' in page  # read left to right inside Arabic text
    (message,) = MemorySMSBackend.outbox
    assert message.to == "+962775550404"
    code = message.body.rsplit(" ", 1)[1]
    done = client.post(reverse("account_verify_phone"), {"code": code})
    assert done.status_code == 302
    user = User.objects.get(pk=citizen.pk)
    assert (user.phone, user.phone_verified) == ("+962775550404", True)


def test_citizen_can_see_who_looked_at_their_data_and_nobody_else_s(
    client_as, citizen, station_manager
) -> None:
    other = CitizenProfileFactory(user=UserFactory(email="other@example.jo"), name_ar="منى").user
    PersonalDataAccess.objects.create(
        actor=station_manager, subject=citizen, field="id_number", reason="تسجيل دورة"
    )
    PersonalDataAccess.objects.create(
        actor=station_manager, subject=other, field="id_number", reason="سبب آخر سري"
    )

    html = client_as(citizen).get(PROFILE).content.decode()

    section = html.split('id="accesses"', 1)[1]
    assert "تسجيل دورة" in section
    assert str(station_manager) in section
    assert "سبب آخر سري" not in html


@pytest.mark.parametrize("accesses", [1, 12])
def test_profile_page_makes_the_same_number_of_queries_whatever_the_number_of_accesses(
    client_as, citizen, station_manager, django_assert_num_queries, accesses: int
) -> None:
    for i in range(accesses):
        PersonalDataAccess.objects.create(
            actor=station_manager, subject=citizen, field="id_number", reason=f"r{i}"
        )
    client = client_as(citizen)
    client.get(PROFILE)  # the session is warm, as on any later page

    with django_assert_num_queries(9):
        assert client.get(PROFILE).status_code == 200


def test_a_withdrawn_disability_answer_leaves_no_copy_in_the_history(client_as, citizen) -> None:
    client = client_as(citizen)
    client.post(PROFILE, form_data(disability_consent="on", disability=DisabilityStatus.DISABILITY))
    client.post(PROFILE, form_data())  # consent withdrawn

    profile = CitizenProfile.objects.get(user=citizen)
    assert profile.history.count() >= 2
    assert "disability" not in {f.name for f in profile.history.model._meta.fields}
