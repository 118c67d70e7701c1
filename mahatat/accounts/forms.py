"""Forms for sign-up and the citizen profile. Errors are shown next to the field, in the user's language."""

from __future__ import annotations

from typing import Any

from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mahatat.stations.models import Area, Governorate

from .identity import IdentityDocumentType, validate_identity_number
from .models import DisabilityStatus, Gender, Language, User
from .services import CitizenDetails


class CitizenProfileForm(forms.Form):
    name_ar = forms.CharField(label=_("Full name in Arabic"), max_length=150)
    name_en = forms.CharField(label=_("Full name in Latin letters"), max_length=150, required=False)
    id_type = forms.ChoiceField(
        label=_("Identity document"), choices=IdentityDocumentType.choices, initial=IdentityDocumentType.NATIONAL_NUMBER
    )
    id_number = forms.CharField(
        label=_("Document number"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "dir": "ltr"}),
        help_text=_("Your national number has 10 digits. It is stored encrypted and shown masked."),
    )
    gender = forms.ChoiceField(label=_("Gender"), choices=[("", "—"), *Gender.choices], required=False)
    birth_year = forms.IntegerField(label=_("Year of birth"), required=False)
    governorate = forms.ModelChoiceField(
        label=_("Governorate of residence"), queryset=Governorate.objects.all(), required=False
    )
    area = forms.ModelChoiceField(
        label=_("Area of residence (Amman)"),
        queryset=Area.objects.select_related("municipality"),
        required=False,
    )
    disability_consent = forms.BooleanField(
        label=_("I agree that my disability status is recorded, only to plan accessible services and to report "
                "on inclusion without my name."),
        required=False,
    )
    disability = forms.ChoiceField(
        label=_("Disability status"),
        choices=[c for c in DisabilityStatus.choices if c[0] != DisabilityStatus.NOT_ASKED],
        required=False,
    )
    preferred_language = forms.ChoiceField(label=_("Preferred language"), choices=Language.choices)

    def __init__(self, *args: Any, id_number_required: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["id_number"].required = id_number_required

    def clean_birth_year(self) -> int | None:
        year = self.cleaned_data.get("birth_year")
        this_year = timezone.localdate().year
        if year is not None and not (this_year - 110 <= year <= this_year - 5):
            raise ValidationError(_("Enter a year of birth between %(low)s and %(high)s.")
                                  % {"low": this_year - 110, "high": this_year - 5})
        return year

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        number = data.get("id_number")
        if number and data.get("id_type"):
            try:
                data["id_number"] = validate_identity_number(data["id_type"], number)
            except ValidationError as exc:
                self.add_error("id_number", exc)
        area, governorate = data.get("area"), data.get("governorate")
        if area is not None and governorate is not None and area.municipality.governorate_id != governorate.pk:
            self.add_error("area", _("This area is not in the governorate you chose."))
        if area is not None and governorate is None:
            data["governorate"] = area.municipality.governorate
        if data.get("disability_consent") and not data.get("disability"):
            self.add_error("disability", _("Choose an answer, or untick the consent box."))
        return data

    def details(self) -> CitizenDetails:
        d = self.cleaned_data
        return CitizenDetails(
            name_ar=d["name_ar"],
            name_en=d.get("name_en", ""),
            id_type=d.get("id_type", ""),
            id_number=d.get("id_number", ""),
            gender=d.get("gender", ""),
            birth_year=d.get("birth_year"),
            disability=d.get("disability") or DisabilityStatus.NOT_ASKED,
            disability_consent=bool(d.get("disability_consent")),
            governorate=d.get("governorate"),
            area=d.get("area"),
        )


class SignupForm(AllauthSignupForm):
    """allauth's sign-up (e-mail, mobile, password) plus the name and the acceptance of the privacy notice."""

    name_ar = forms.CharField(label=_("Full name in Arabic"), max_length=150)
    name_en = forms.CharField(label=_("Full name in Latin letters"), max_length=150, required=False)
    accept_terms = forms.BooleanField(
        label=_("I have read the privacy notice and agree that my data is used to provide station services."),
        error_messages={"required": _("You need to accept the privacy notice to create an account.")},
    )

    def save(self, request: Any) -> User:
        from . import services
        from .models import Consent

        with transaction.atomic():  # the account, the profile and the consent are saved together or not at all
            user: User = super().save(request)
            user.display_name = self.cleaned_data["name_ar"]
            user.preferred_language = (getattr(request, "LANGUAGE_CODE", "ar") or "ar")[:2]
            user.save(update_fields=["display_name", "preferred_language"])
            services.save_citizen_profile(
                user=user,
                details=CitizenDetails(name_ar=self.cleaned_data["name_ar"], name_en=self.cleaned_data["name_en"]),
            )
            services.record_consent(user=user, purpose=Consent.Purpose.TERMS)
        return user


class RevealForm(forms.Form):
    reason = forms.CharField(label=_("Why do you need to see the number?"), max_length=200, min_length=3)
