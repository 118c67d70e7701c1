"""Signing up: a mobile number (required), an optional e-mail, names and the privacy notice, saved together."""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from django.core.cache import cache
from django.urls import reverse
from django.utils import translation

from mahatat.accounts import services
from mahatat.accounts.models import CitizenProfile, Consent, User

pytestmark = pytest.mark.django_db


SIGNUP = reverse("account_signup")
PASSWORD = "Zaatar-and-olive-7"


@pytest.fixture(autouse=True)
def _fresh_rate_limits():  # type: ignore[no-untyped-def]
    cache.clear()
    yield
    cache.clear()


def form_data(**changes: str) -> dict[str, str]:
    data = {
        "name_ar": "ليلى محمود العبادي",
        "name_en": "Layla Mahmoud Al-Abbadi",
        "phone": "079 555 0303",
        "email": "",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "accept_terms": "on",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def snapshot() -> tuple[int, int, int, int]:
    return (
        User.objects.count(),
        CitizenProfile.objects.count(),
        Consent.objects.count(),
        EmailAddress.objects.count(),
    )


def test_visitor_can_sign_up_with_a_mobile_number_only(client) -> None:
    response = client.post(SIGNUP, form_data())

    assert response.status_code == 302, response.content.decode()[:3000]
    user = User.objects.get(phone="+962795550303")
    assert user.email is None
    assert user.display_name == "ليلى محمود العبادي"
    assert user.preferred_language == "ar"
    assert user.check_password(PASSWORD)
    profile = user.citizen_profile
    assert (profile.name_ar, profile.name_en) == ("ليلى محمود العبادي", "Layla Mahmoud Al-Abbadi")
    consent = Consent.objects.get(user=user)
    assert consent.purpose == Consent.Purpose.TERMS
    assert consent.text_version == services.CONSENT_TEXT_VERSION
    assert client.session["_auth_user_id"] == str(user.pk)


def test_visitor_can_sign_up_with_mobile_and_email_and_sign_in_with_either(client) -> None:
    response = client.post(SIGNUP, form_data(email="Layla@Example.jo", phone="+962 78 555 0303"))
    assert response.status_code == 302

    user = User.objects.get(email="layla@example.jo")
    assert user.phone == "+962785550303"
    assert EmailAddress.objects.filter(user=user, email="layla@example.jo", primary=True).exists()
    client.post(reverse("account_logout"))
    for login in ("layla@example.jo", "0785550303"):
        cache.clear()
        client.post(reverse("account_login"), {"login": login, "password": PASSWORD})
        assert client.session.get("_auth_user_id") == str(user.pk), login
        client.post(reverse("account_logout"))


def test_visitor_can_sign_up_typing_the_mobile_in_arabic_digits(client) -> None:
    assert client.post(SIGNUP, form_data(phone="٠٧٧٥٥٥٠٣٠٣")).status_code == 302
    assert User.objects.filter(phone="+962775550303").exists()


def test_visitor_signing_up_in_english_gets_english_as_preferred_language(client) -> None:
    client.cookies["mahatat_language"] = "en"
    client.post(SIGNUP, form_data())
    assert User.objects.get(phone="+962795550303").preferred_language == "en"


def assert_field_error(html: str, field: str, message: str) -> None:
    """The message is printed under the field and the field points at it for screen readers."""
    error_id = f"id_{field}_error"
    assert f'id="{error_id}"' in html, f"no error block for {field}"
    block = html.split(f'id="{error_id}"', 1)[1].split("</div>", 1)[0]
    assert message in block, f"{message!r} not in {block!r}"
    widget = html.split(f'id="id_{field}"', 1)[1].split(">", 1)[0] if f'id="id_{field}"' in html else ""
    tag = html[html.rfind("<", 0, html.index(f'id="id_{field}"')) : html.index(f'id="id_{field}"')] + widget
    assert error_id in tag and 'aria-invalid="true"' in tag, tag


@pytest.mark.parametrize("phone", ["0612345678", "079123456", "07912345678", "hello", "+44 7911 123456"])
def test_visitor_cannot_sign_up_with_an_invalid_mobile_and_nothing_is_saved(client, phone: str) -> None:
    before = snapshot()

    response = client.post(SIGNUP, form_data(phone=phone))

    assert response.status_code == 200
    with translation.override("ar"):
        message = translation.gettext(
            "Enter a Jordanian mobile number: 077, 078 or 079 followed by 7 digits, e.g. 079 123 4567."
        )
    assert_field_error(response.content.decode(), "phone", message)
    assert snapshot() == before


def test_visitor_cannot_sign_up_without_a_mobile(client) -> None:
    before = snapshot()
    response = client.post(SIGNUP, form_data(phone="", email="layla@example.jo"))
    assert response.status_code == 200
    assert 'id="id_phone_error"' in response.content.decode()
    assert snapshot() == before


def test_visitor_cannot_sign_up_with_an_email_already_registered(client, citizen) -> None:
    before = snapshot()

    response = client.post(SIGNUP, form_data(email="SARA@example.jo"))

    assert response.status_code == 200
    with translation.override("ar"):
        message = translation.gettext("A user is already registered with this email address.")
    assert message == "هنالك مستخدم مسجل سابقا يستخدم عنوان البريد الإلكتروني نفسه."  # allauth's Arabic
    assert_field_error(response.content.decode(), "email", message)
    assert snapshot() == before


def test_visitor_cannot_sign_up_with_a_mobile_already_registered(client, citizen) -> None:
    before = snapshot()

    response = client.post(SIGNUP, form_data(phone="079 123 4567"))

    assert response.status_code == 200
    with translation.override("ar"):
        message = translation.gettext("A user is already registered with this phone number.")
    assert_field_error(response.content.decode(), "phone", message)
    assert snapshot() == before


def test_visitor_cannot_sign_up_without_accepting_the_privacy_notice(client) -> None:
    before = snapshot()
    response = client.post(SIGNUP, form_data(accept_terms=None))  # type: ignore[arg-type]
    assert response.status_code == 200
    assert 'id="id_accept_terms_error"' in response.content.decode()
    assert snapshot() == before


def test_visitor_cannot_sign_up_with_a_weak_or_mismatched_password(client) -> None:
    before = snapshot()
    html = client.post(SIGNUP, form_data(password1="1234567890", password2="1234567890")).content.decode()
    assert 'id="id_password1_error"' in html
    html = client.post(SIGNUP, form_data(password2=PASSWORD + "x")).content.decode()
    assert 'id="id_password2_error"' in html
    assert snapshot() == before


def test_sign_up_saves_nothing_when_the_profile_cannot_be_saved(client, monkeypatch) -> None:
    """User, profile and consent are one transaction: a failure in the last write leaves no account behind."""
    before = snapshot()

    def fail(**kwargs: object) -> None:
        raise RuntimeError("the consent table is unavailable")

    monkeypatch.setattr(services, "record_consent", fail)
    with pytest.raises(RuntimeError):
        client.post(SIGNUP, form_data(email="layla@example.jo"))

    assert snapshot() == before


def test_sign_up_page_labels_fields_and_marks_inputs_for_their_content(client) -> None:
    html = client.get(SIGNUP).content.decode()

    for field in ("name_ar", "name_en", "phone", "email", "password1", "password2", "accept_terms"):
        assert f'for="id_{field}"' in html, field
    assert 'type="tel"' in html and 'autocomplete="tel"' in html
    assert 'autocomplete="new-password"' in html
    assert html.index('id="id_name_ar"') < html.index('id="id_phone"') < html.index('id="id_email"')
    assert html.index("<details") < html.index(
        'id="id_accept_terms"'
    )  # the notice is read before it is accepted
