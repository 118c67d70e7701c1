"""allauth adapter: phone numbers live on User.phone (E.164); SMS codes go through core's SMS backend."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.utils.translation import gettext as _

from mahatat.core.sms import send_sms

from .fields import JordanMobileField
from .identity import normalize_jordan_mobile
from .models import User


class AccountAdapter(DefaultAccountAdapter):
    def get_login_stages(self) -> list[str]:
        return [
            "mahatat.accounts.stages.PhoneVerificationStage"
            if stage.endswith(".PhoneVerificationStage")
            else stage
            for stage in super().get_login_stages()
        ]

    def phone_form_field(self, **kwargs: Any) -> JordanMobileField:
        kwargs.pop("validators", None)
        return JordanMobileField(**kwargs)

    def clean_phone(self, phone: str) -> str:
        return normalize_jordan_mobile(phone)

    def set_phone(self, user: User, phone: str, verified: bool) -> None:  # type: ignore[override]
        user.phone = normalize_jordan_mobile(phone)
        user.phone_verified = verified
        user.save(update_fields=["phone", "phone_verified"])

    def save_user(self, request: Any, user: User, form: Any, commit: bool = True) -> User:  # type: ignore[override]
        # The mobile number goes on the user before its first save: an account must have an e-mail or a mobile.
        phone = form.cleaned_data.get("phone")
        if phone:
            user.phone = normalize_jordan_mobile(phone)
            user.phone_verified = False
        return super().save_user(request, user, form, commit=commit)  # type: ignore[return-value]

    def get_phone(self, user: User) -> tuple[str, bool] | None:  # type: ignore[override]
        return (user.phone, user.phone_verified) if user.phone else None

    def set_phone_verified(self, user: User, phone: str) -> None:  # type: ignore[override]
        self.set_phone(user, phone, True)

    def get_user_by_phone(self, phone: str) -> User | None:
        return User.objects.filter(phone=normalize_jordan_mobile(phone)).first()

    def send_verification_code_sms(self, user: User, phone: str, code: str, **kwargs: Any) -> None:  # type: ignore[override]
        send_sms(phone, _("Your Mahatat verification code is %(code)s") % {"code": code})
