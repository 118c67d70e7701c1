"""Walk-in enrolment at the station desk: find the citizen (or register them on the spot), then enrol.

Every identity-number or mobile look-up that finds someone is logged in PersonalDataAccess, as staff reveals
are, so the citizen can see on their profile who looked them up. Registering and enrolling happen in one
transaction: if enrolment is refused, no account, profile or consent is left behind.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from mahatat.accounts.identity import (
    IdentityDocumentType,
    format_jordan_mobile,
    is_jordan_mobile,
    normalize_jordan_mobile,
)
from mahatat.accounts.models import CitizenProfile, Consent, PersonalDataAccess, User
from mahatat.accounts.services import CitizenDetails, record_consent, save_citizen_profile
from mahatat.core.arabic_text import fold
from mahatat.core.notifications import notify

from ..models import Enrolment
from . import enrolment as enrolment_service

LOOKUP_REASON = "Walk-in enrolment at the station desk"


@dataclass(frozen=True)
class Lookup:
    """What the desk typed, read as a mobile number or an identity number."""

    kind: str  # "phone" or "id_number"
    value: str


def read_lookup(query: str) -> Lookup:
    """A mobile number (07X..., +962..., Arabic digits) or an identity document number. Raises ValidationError."""
    query = (query or "").strip()
    phone = normalize_jordan_mobile(query)
    if is_jordan_mobile(phone):
        return Lookup("phone", phone)
    compact = "".join(fold(query).split()).upper()
    if re.fullmatch(r"[A-Z0-9]{5,20}", compact) and any(c.isdigit() for c in compact):
        return Lookup("id_number", compact)
    raise ValidationError(
        _("Enter a mobile number such as 079 123 4567, or a whole national number (10 digits)."),
        code="invalid_lookup",
    )


def find_citizen(*, actor: User, lookup: Lookup, ip_address: str | None) -> CitizenProfile | None:
    """The citizen with this mobile or identity number, if any; a match is logged as a personal-data access."""
    qs = CitizenProfile.objects.select_related("user")
    if lookup.kind == "phone":
        profile = qs.filter(user__phone=lookup.value).first()
    else:
        profile = qs.with_identity_number(lookup.value).first()
    if profile is not None:
        PersonalDataAccess.objects.create(
            actor=actor,
            subject=profile.user,
            field="phone_lookup" if lookup.kind == "phone" else "id_number_lookup",
            reason=LOOKUP_REASON,
            ip_address=ip_address,
        )
    return profile


def _tell_citizen(*, enrolment: Enrolment, new_account: bool) -> None:
    citizen = enrolment.citizen
    if not citizen.phone and not citizen.email:
        return
    with translation.override(citizen.preferred_language or "ar"):
        cohort = enrolment.cohort
        values = {"programme": cohort.programme.title, "station": cohort.station.name}
        if enrolment.status == Enrolment.Status.ENROLLED:
            body = _("You are enrolled in %(programme)s at %(station)s.") % values
        else:
            body = (
                _(
                    "You are on the waitlist for %(programme)s at %(station)s. We will tell you when a seat frees up."
                )
                % values
            )
        if new_account:
            body = (
                _("Welcome to Mahatat, the Knowledge Stations of Amman.")
                + " "
                + body
                + " "
                + _(
                    "Your account at the stations uses this mobile number (%(phone)s): give it at any station "
                    "desk to enrol or to ask about your courses."
                )
                % {"phone": format_jordan_mobile(citizen.phone)}
            )
        subject = _("Your training at the Knowledge Stations")
    notify(email=citizen.email or "", phone=citizen.phone or "", subject=subject, body=body)


@transaction.atomic
def enrol_existing(*, cohort_id: int, citizen: User, by: User) -> Enrolment:
    """Enrol a citizen found at the desk. Refusals are the enrolment service's ValidationErrors."""
    enrolment = enrolment_service.enrol(
        cohort_id=cohort_id, citizen=citizen, channel=Enrolment.Channel.DESK, enrolled_by=by
    )
    _tell_citizen(enrolment=enrolment, new_account=False)
    return enrolment


@dataclass(frozen=True)
class NewCitizen:
    name_ar: str
    name_en: str
    gender: str
    birth_year: int | None
    phone: str
    id_type: str
    id_number: str
    preferred_language: str


@transaction.atomic
def register_and_enrol(*, cohort_id: int, person: NewCitizen, by: User) -> Enrolment:
    """Create the account, the profile and the consent record, and enrol: all of it, or nothing.

    Raises ValidationError (with field names where a field is at fault) and leaves nothing behind.
    """
    phone = normalize_jordan_mobile(person.phone)
    if User.objects.filter(phone=phone).exists():
        raise ValidationError(
            {"phone": _("An account already uses this mobile number: look the citizen up instead.")}
        )
    if (
        person.id_number
        and CitizenProfile.objects.filter(id_type=person.id_type or IdentityDocumentType.NATIONAL_NUMBER)
        .with_identity_number(person.id_number)
        .exists()
    ):
        raise ValidationError(
            {
                "id_number": _(
                    "Another account is already registered with this number: look the citizen up instead."
                )
            }
        )
    user = User.objects.create_user(
        phone=phone, password=None, display_name=person.name_ar, preferred_language=person.preferred_language
    )
    save_citizen_profile(
        user=user,
        details=CitizenDetails(
            name_ar=person.name_ar,
            name_en=person.name_en,
            id_type=person.id_type,
            id_number=person.id_number,
            gender=person.gender,
            birth_year=person.birth_year,
        ),
        recorded_by=by,
    )
    record_consent(user=user, purpose=Consent.Purpose.TERMS, recorded_by=by)
    enrolment = enrolment_service.enrol(
        cohort_id=cohort_id, citizen=user, channel=Enrolment.Channel.DESK, enrolled_by=by, now=timezone.now()
    )
    _tell_citizen(enrolment=enrolment, new_account=True)
    return enrolment
