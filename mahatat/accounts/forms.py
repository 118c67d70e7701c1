"""Forms for sign-up and the citizen profile. Errors are shown next to the field, in the user's language."""

from __future__ import annotations

from typing import Any

from allauth.account.forms import LoginForm as AllauthLoginForm
from allauth.account.forms import SignupForm as AllauthSignupForm
from allauth.mfa.base.forms import AuthenticateForm as AllauthMFAAuthenticateForm
from allauth.mfa.base.forms import ReauthenticateForm as AllauthMFAReauthenticateForm
from allauth.mfa.totp.forms import ActivateTOTPForm as AllauthActivateTOTPForm
from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mahatat.core.arabic_text import fold
from mahatat.stations.models import Area, Governorate

from .identity import IdentityDocumentType, validate_identity_number
from .models import DisabilityStatus, Gender, Language, User
from .services import CitizenDetails


class AreaSelect(forms.Select):
    """Area options carry their governorate, so the page can offer only the areas of the chosen governorate."""

    def create_option(self, name: str, value: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option = super().create_option(name, value, *args, **kwargs)
        instance = getattr(value, "instance", None)
        if instance is not None:
            option["attrs"]["data-governorate"] = instance.municipality.governorate_id
        return option


class CitizenProfileForm(forms.Form):
    name_ar = forms.CharField(
        label=_("Full name in Arabic"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name", "lang": "ar", "dir": "rtl"}),
    )
    name_en = forms.CharField(
        label=_("Full name in Latin letters"),
        max_length=150,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "lang": "en", "dir": "ltr"}),
    )
    id_type = forms.ChoiceField(
        label=_("Identity document"),
        choices=IdentityDocumentType.choices,
        initial=IdentityDocumentType.NATIONAL_NUMBER,
    )
    id_number = forms.CharField(
        label=_("Document number"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "dir": "ltr", "spellcheck": "false"}),
        help_text=_("A national number has 10 digits. It is stored encrypted and shown masked."),
    )
    gender = forms.ChoiceField(label=_("Gender"), choices=[("", "—"), *Gender.choices], required=False)
    birth_year = forms.IntegerField(
        label=_("Year of birth"),
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "dir": "ltr", "autocomplete": "bday-year"}),
    )
    governorate = forms.ModelChoiceField(
        label=_("Governorate of residence"), queryset=Governorate.objects.all(), required=False
    )
    area = forms.ModelChoiceField(
        label=_("Area of residence (Amman)"),
        queryset=Area.objects.select_related("municipality"),
        required=False,
        widget=AreaSelect,
    )
    disability_consent = forms.BooleanField(
        label=_(
            "I agree that my disability status is recorded, only to plan accessible services and to report "
            "on inclusion without my name."
        ),
        required=False,
    )
    disability = forms.ChoiceField(
        label=_("Disability status"),
        choices=[("", "—"), *(c for c in DisabilityStatus.choices if c[0] != DisabilityStatus.NOT_ASKED)],
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
            raise ValidationError(
                _("Enter a year of birth between %(low)s and %(high)s.")
                % {"low": this_year - 110, "high": this_year - 5}
            )
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
        if (
            area is not None
            and governorate is not None
            and area.municipality.governorate_id != governorate.pk
        ):
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


class LoginForm(AllauthLoginForm):
    """allauth's sign-in, with one field that takes an e-mail address or a Jordanian mobile number."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        login = self.fields["login"]
        login.label = _("E-mail or mobile number")
        login.help_text = _("For example name@example.com or 079 123 4567.")
        login.widget.attrs.update(
            {"autocomplete": "username", "dir": "ltr", "autocapitalize": "none", "spellcheck": "false"}
        )
        login.widget.attrs.pop("placeholder", None)
        if "remember" in self.fields:
            self.fields["remember"].label = _("Keep me signed in on this device")


class SignupForm(AllauthSignupForm):
    """allauth's sign-up (mobile, optional e-mail, password) plus the names and the privacy notice.

    The mobile number is required and the e-mail optional (ACCOUNT_SIGNUP_FIELDS): every citizen the stations
    serve has a mobile; many have no e-mail address they read.
    """

    name_ar = forms.CharField(
        label=_("Full name in Arabic"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name", "lang": "ar", "dir": "rtl"}),
    )
    name_en = forms.CharField(
        label=_("Full name in Latin letters (optional)"),
        max_length=150,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "lang": "en", "dir": "ltr"}),
        help_text=_("As written in your passport, if you have one. It is used on English certificates."),
    )
    accept_terms = forms.BooleanField(
        label=_("I have read the privacy notice and agree that my data is used to provide station services."),
        error_messages={"required": _("You need to accept the privacy notice to create an account.")},
    )

    field_order = ["name_ar", "name_en", "phone", "email", "password1", "password2", "accept_terms"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "phone" in self.fields:
            self.fields["phone"].label = _("Mobile number")
            self.fields["phone"].help_text = _(
                "You sign in with it. We send reminders about your bookings by SMS."
            )
        if "email" in self.fields:
            self.fields["email"].label = (
                _("E-mail (optional)") if not self.fields["email"].required else _("E-mail")
            )
            self.fields["email"].widget.attrs.pop("placeholder", None)
            self.fields["email"].widget.attrs["dir"] = "ltr"
        for name in ("password1", "password2"):
            if name in self.fields:
                self.fields[name].widget.attrs.pop("placeholder", None)

    def save(self, request: Any) -> User:
        from . import services
        from .models import Consent

        with (
            transaction.atomic()
        ):  # the account, the profile and the consent are saved together or not at all
            user: User = super().save(request)
            user.display_name = self.cleaned_data["name_ar"]
            user.preferred_language = (getattr(request, "LANGUAGE_CODE", "ar") or "ar")[:2]
            user.save(update_fields=["display_name", "preferred_language"])
            services.save_citizen_profile(
                user=user,
                details=CitizenDetails(
                    name_ar=self.cleaned_data["name_ar"], name_en=self.cleaned_data["name_en"]
                ),
            )
            services.record_consent(user=user, purpose=Consent.Purpose.TERMS)
        return user


def code_digits(value: str) -> str:
    """A one-time code as typed (Arabic-Indic digits, spaces) in Western digits without spaces."""
    return "".join(fold(value).split())


class ArabicDigitsCodeMixin:
    """Accepts a TOTP or recovery code typed with Arabic-Indic digits, and words a wrong code plainly."""

    cleaned_data: dict[str, Any]
    incorrect_code_message = _(
        "This code is not right. Enter the 6-digit code your authenticator app shows now, or one of your "
        "recovery codes."
    )

    def clean_code(self) -> str:
        self.cleaned_data["code"] = code_digits(self.cleaned_data.get("code", ""))
        try:
            return super().clean_code()  # type: ignore[misc]
        except ValidationError as exc:
            if getattr(exc, "code", None) == "incorrect_code":
                raise ValidationError(self.incorrect_code_message, code="incorrect_code") from exc
            raise

    def _prepare_code_widget(self) -> None:
        widget = self.fields["code"].widget  # type: ignore[attr-defined]
        widget.attrs.pop("placeholder", None)
        widget.attrs.update(
            {
                "inputmode": "numeric",
                "autocomplete": "one-time-code",
                "dir": "ltr",
                "maxlength": "12",
                "spellcheck": "false",
            }
        )


class MFAAuthenticateForm(ArabicDigitsCodeMixin, AllauthMFAAuthenticateForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].label = _("Code from your authenticator app")
        self.fields["code"].help_text = _("Lost your phone? Enter one of your recovery codes instead.")
        self._prepare_code_widget()


class MFAReauthenticateForm(ArabicDigitsCodeMixin, AllauthMFAReauthenticateForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].label = _("Code from your authenticator app")
        self._prepare_code_widget()


class ActivateTOTPForm(ArabicDigitsCodeMixin, AllauthActivateTOTPForm):
    incorrect_code_message = _(
        "This code is not right. Check that your phone sets its clock automatically, then enter the code the "
        "app shows now."
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].label = _("The 6-digit code from the app")
        self._prepare_code_widget()


class RevealForm(forms.Form):
    reason = forms.CharField(label=_("Why do you need to see the number?"), max_length=200, min_length=3)
