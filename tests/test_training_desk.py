"""Walk-in enrolment at the station desk: find the citizen or register them on the spot, then enrol."""

from __future__ import annotations

import pytest
from django.urls import reverse

from mahatat.accounts.models import CitizenProfile, Consent, PersonalDataAccess, User
from mahatat.core.sms import MemorySMSBackend
from mahatat.training.models import Cohort, Enrolment

from .training_factories import CohortFactory, EnrolmentFactory, ProgrammeFactory


def _desk(cohort: Cohort) -> str:
    return reverse("training:desk_cohort", kwargs={"pk": cohort.pk})


def _lookup(client, cohort, query):  # type: ignore[no-untyped-def]
    return client.post(_desk(cohort), {"action": "lookup", "query": query})


def _new_citizen(**changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "action": "register",
        "name_ar": "منى خالد العلي",
        "name_en": "Mona Khaled Al-Ali",
        "gender": "female",
        "birth_year": "1990",
        "phone": "٠٧٨ ٥٥٥ ١٢٣٤",
        "id_type": "national_number",
        "id_number": "9901234567",
        "preferred_language": "ar",
        "consent": "on",
    }
    data.update(changes)
    return data


@pytest.mark.django_db
def test_station_staff_can_enrol_an_existing_citizen_found_by_national_number(
    client_as, station_staff, citizen, station_a, django_capture_on_commit_callbacks
):
    cohort = CohortFactory(station=station_a, programme=ProgrammeFactory(title_en="Computer basics"))
    client = client_as(station_staff)
    found = _lookup(client, cohort, "٩٩٨١٠١٢٣٤٥")  # Arabic-Indic digits
    assert found.status_code == 200
    page = found.content.decode()
    assert "******2345" in page and "9981012345" not in page
    assert citizen.citizen_profile.name_ar in page
    access = PersonalDataAccess.objects.get(subject=citizen)
    assert access.actor == station_staff and access.field == "id_number_lookup"

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_desk(cohort), {"action": "enrol", "confirm": found.context["confirm_token"]})
    assert response.status_code == 302
    enrolment = Enrolment.objects.get(cohort=cohort, citizen=citizen)
    assert enrolment.status == Enrolment.Status.ENROLLED
    assert enrolment.channel == Enrolment.Channel.DESK and enrolment.enrolled_by == station_staff
    assert [m.to for m in MemorySMSBackend.outbox] == ["+962791234567"]


@pytest.mark.django_db
def test_station_staff_can_find_a_citizen_by_mobile_typed_with_arabic_digits(
    client_as, station_staff, citizen, station_a
):
    cohort = CohortFactory(station=station_a)
    response = _lookup(client_as(station_staff), cohort, "٠٧٩ ١٢٣ ٤٥٦٧")
    assert response.status_code == 200
    assert response.context["found"].user == citizen
    assert PersonalDataAccess.objects.get(subject=citizen).field == "phone_lookup"


@pytest.mark.django_db
def test_a_refusal_is_shown_and_nothing_is_enrolled(client_as, station_staff, business_owner, station_a):
    cohort = CohortFactory(station=station_a, gender="female")
    client = client_as(station_staff)
    profile = business_owner.citizen_profile
    profile.set_identity_number("9871234560")
    profile.save()
    token = _lookup(client, cohort, "9871234560").context["confirm_token"]
    response = client.post(_desk(cohort), {"action": "enrol", "confirm": token})
    assert response.status_code == 400
    assert "for women only" in response.content.decode() or response.context["refusal"]
    assert not Enrolment.objects.filter(cohort=cohort).exists()


@pytest.mark.django_db
def test_an_unknown_number_offers_to_register_with_the_number_filled_in(client_as, station_staff, station_a):
    cohort = CohortFactory(station=station_a)
    response = _lookup(client_as(station_staff), cohort, "0785551234")
    assert response.context["found"] is None
    assert response.context["new_form"].initial["phone"] == "078 555 1234"
    assert not PersonalDataAccess.objects.exists()


@pytest.mark.django_db
def test_station_staff_can_register_a_walk_in_citizen_and_enrol_them(
    client_as, station_staff, station_a, django_capture_on_commit_callbacks
):
    cohort = CohortFactory(station=station_a, programme=ProgrammeFactory(title_ar="أساسيات الحاسوب"))
    with django_capture_on_commit_callbacks(execute=True):
        response = client_as(station_staff).post(_desk(cohort), _new_citizen())
    assert response.status_code == 302, response.content.decode()[:500]
    user = User.objects.get(phone="+962785551234")
    assert not user.has_usable_password()
    profile = CitizenProfile.objects.get(user=user)
    assert (profile.name_ar, profile.gender, profile.birth_year) == ("منى خالد العلي", "female", 1990)
    assert CitizenProfile.objects.with_identity_number("9901234567").get() == profile
    consent = Consent.objects.get(user=user, purpose=Consent.Purpose.TERMS)
    assert consent.recorded_by == station_staff
    enrolment = Enrolment.objects.get(citizen=user, cohort=cohort)
    assert enrolment.channel == Enrolment.Channel.DESK and enrolment.enrolled_by == station_staff
    (sms,) = MemorySMSBackend.outbox
    assert sms.to == "+962785551234" and "أساسيات الحاسوب" in sms.body


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_refused_enrolment_leaves_no_account_behind(client_as, station_staff, station_a):
    """Account, profile and consent are written before enrol() refuses (men only): all of it rolls back."""
    cohort = CohortFactory(station=station_a, gender="male")
    users_before = User.objects.count()
    response = client_as(station_staff).post(_desk(cohort), _new_citizen())
    assert response.status_code == 400
    assert "for men only" in response.content.decode() or response.context["new_form"].non_field_errors()
    assert User.objects.count() == users_before
    assert not CitizenProfile.objects.with_identity_number("9901234567").exists()
    assert not Consent.objects.filter(user__phone="+962785551234").exists()
    assert not Enrolment.objects.filter(cohort=cohort).exists()
    assert MemorySMSBackend.outbox == []
    # Nothing typed is lost.
    form = response.context["new_form"]
    assert form.data["name_ar"] == "منى خالد العلي" and form.data["id_number"] == "9901234567"


@pytest.mark.django_db
def test_registration_errors_keep_what_was_typed(client_as, station_staff, citizen, station_a):
    cohort = CohortFactory(station=station_a)
    response = client_as(station_staff).post(
        _desk(cohort), _new_citizen(phone="0791234567", id_number="12", consent="")
    )
    assert response.status_code == 400
    form = response.context["new_form"]
    assert set(form.errors) >= {"id_number", "consent"}
    assert 'value="منى خالد العلي"' in response.content.decode()
    # A mobile already registered is refused by the service with a clear message.
    response = client_as(station_staff).post(_desk(cohort), _new_citizen(phone="0791234567"))
    assert "phone" in response.context["new_form"].errors
    assert User.objects.filter(phone="+962791234567").count() == 1


@pytest.mark.django_db
def test_a_full_course_puts_the_walk_in_on_the_waitlist(client_as, station_staff, station_a):
    cohort = CohortFactory(station=station_a, seats=1)
    EnrolmentFactory(cohort=cohort)
    response = client_as(station_staff).post(_desk(cohort), _new_citizen())
    assert response.status_code == 302
    assert Enrolment.objects.get(citizen__phone="+962785551234").status == Enrolment.Status.WAITLISTED


@pytest.mark.django_db
def test_staff_of_another_station_cannot_enrol_here(client_as, manager_b, station_a, station_b):
    here = CohortFactory(station=station_a, programme=ProgrammeFactory(title_en="Here"))
    CohortFactory(station=station_b, programme=ProgrammeFactory(title_en="There"))
    client = client_as(manager_b)
    assert client.get(_desk(here)).status_code == 403
    assert client.post(_desk(here), _new_citizen()).status_code == 403
    assert not User.objects.filter(phone="+962785551234").exists()
    listing = client.get(reverse("training:desk"))
    assert [c.programme.title_en for c in listing.context["cohorts"]] == ["There"]


@pytest.mark.django_db
def test_citizens_and_trainers_cannot_use_the_desk(client, client_as, citizen, trainer, station_a):
    cohort = CohortFactory(station=station_a)
    client.force_login(citizen)
    assert client.get(reverse("training:desk")).status_code == 403
    assert client.post(_desk(cohort), _new_citizen()).status_code == 403
    assert client_as(trainer).get(reverse("training:desk")).status_code == 403


@pytest.mark.django_db
def test_desk_staff_see_the_desk_in_the_navigation(client_as, station_staff):
    page = client_as(station_staff).get(reverse("home")).content.decode()
    assert reverse("training:desk") in page


@pytest.mark.django_db
def test_desk_list_reads_a_fixed_number_of_queries(
    client_as, station_staff, station_a, django_assert_num_queries
):
    client = client_as(station_staff)
    CohortFactory(station=station_a)
    client.get(reverse("training:desk"))
    with django_assert_num_queries(6) as first:
        client.get(reverse("training:desk"))
    CohortFactory.create_batch(3, station=station_a)
    with django_assert_num_queries(len(first)):
        response = client.get(reverse("training:desk"))
    assert len(response.context["cohorts"]) == 4
