"""Forms of the station desk: look a citizen up, confirm them, or register a walk-in citizen on the spot."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mahatat.accounts.fields import JordanMobileField
from mahatat.accounts.identity import IdentityDocumentType, validate_identity_number
from mahatat.accounts.models import Gender, Language

from ..services.walk_in import Lookup, NewCitizen, read_lookup


class LookupForm(forms.Form):
    query = forms.CharField(
        label=_("Mobile or national number"),
        max_length=40,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "dir": "ltr", "spellcheck": "false", "inputmode": "text"}
        ),
        help_text=_("For example 079 123 4567 or a 10-digit national number. Arabic digits are fine."),
    )

    def clean_query(self) -> Lookup:
        try:
            return read_lookup(self.cleaned_data["query"])
        except ValidationError as exc:
            raise ValidationError(exc.messages[0], code="invalid_lookup") from exc


class NewCitizenForm(forms.Form):
    name_ar = forms.CharField(
        label=_("Full name in Arabic"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "off", "lang": "ar", "dir": "rtl"}),
    )
    name_en = forms.CharField(
        label=_("Full name in Latin letters (optional)"),
        max_length=150,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "lang": "en", "dir": "ltr"}),
    )
    gender = forms.ChoiceField(label=_("Gender"), choices=Gender.choices, widget=forms.RadioSelect)
    birth_year = forms.IntegerField(
        label=_("Year of birth"),
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "dir": "ltr", "autocomplete": "off"}),
    )
    phone = JordanMobileField(label=_("Mobile number"))
    id_type = forms.ChoiceField(
        label=_("Identity document"),
        choices=IdentityDocumentType.choices,
        initial=IdentityDocumentType.NATIONAL_NUMBER,
    )
    id_number = forms.CharField(
        label=_("Document number"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "dir": "ltr", "spellcheck": "false"}),
        help_text=_("A national number has 10 digits. It is stored encrypted and shown masked."),
    )
    preferred_language = forms.ChoiceField(
        label=_("Language for messages"), choices=Language.choices, initial=Language.ARABIC
    )
    consent = forms.BooleanField(
        label=_(
            "The citizen has been given the privacy notice and agrees that their data is used to provide "
            "station services."
        ),
        error_messages={
            "required": _("The citizen must agree to the privacy notice before they are registered.")
        },
    )

    def clean_birth_year(self) -> int:
        year: int = self.cleaned_data["birth_year"]
        this_year = timezone.localdate().year
        if not (this_year - 110 <= year <= this_year - 5):
            raise ValidationError(
                _("Enter a year of birth between %(low)s and %(high)s.")
                % {"low": this_year - 110, "high": this_year - 5}
            )
        return year

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        number, id_type = data.get("id_number"), data.get("id_type")
        if number and id_type:
            try:
                data["id_number"] = validate_identity_number(id_type, number)
            except ValidationError as exc:
                self.add_error("id_number", exc)
        return data

    def person(self) -> NewCitizen:
        d = self.cleaned_data
        return NewCitizen(
            name_ar=d["name_ar"],
            name_en=d.get("name_en", ""),
            gender=d["gender"],
            birth_year=d["birth_year"],
            phone=d["phone"],
            id_type=d["id_type"],
            id_number=d["id_number"],
            preferred_language=d["preferred_language"],
        )
