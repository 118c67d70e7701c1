"""Reads about people."""

from __future__ import annotations

import re
from typing import Any

from django.db.models import QuerySet

from mahatat.core.arabic_text import fold

from .identity import is_jordan_mobile, normalize_jordan_mobile
from .models import CitizenProfile, Consent, PersonalDataAccess, User


def profile_initial(user: User, profile: CitizenProfile | None) -> dict[str, Any]:
    initial: dict[str, Any] = {"preferred_language": user.preferred_language}
    if profile is not None:
        initial.update(
            name_ar=profile.name_ar,
            name_en=profile.name_en,
            id_type=profile.id_type,
            gender=profile.gender,
            birth_year=profile.birth_year,
            governorate=profile.governorate,
            area=profile.area,
            disability=profile.disability,
            disability_consent=profile.disability not in ("not_asked", ""),
        )
    return initial


def find_citizens(query: str) -> QuerySet[CitizenProfile]:
    """Citizens by mobile number, by exact identity document number, or by name in Arabic or Latin letters.

    Numbers may be typed with Arabic-Indic digits and spaces. A mobile number is recognised first (07X..., 7X...,
    +962...); anything else made of letters and digits with at least one digit is looked up as a document number
    through its keyed hash, so only a whole number finds someone.
    """
    qs = CitizenProfile.objects.select_related("user", "governorate", "area").order_by("name_ar", "id")
    if not query:
        return qs.none()
    phone = normalize_jordan_mobile(query)
    if is_jordan_mobile(phone):
        return qs.filter(user__phone=phone)
    compact = "".join(fold(query).split()).upper()
    if re.fullmatch(r"[A-Z0-9]{5,20}", compact) and any(c.isdigit() for c in compact):
        return qs.with_identity_number(compact)
    return qs.search(query)


def accesses_to_data_of(user: User) -> QuerySet[PersonalDataAccess]:
    """Who among the staff looked at a person's protected data, newest first: shown to the person themselves."""
    return PersonalDataAccess.objects.filter(subject=user).select_related("actor").order_by("-at")


def consents_of(user: User) -> QuerySet[Consent]:
    return Consent.objects.filter(user=user).order_by("-granted_at")
