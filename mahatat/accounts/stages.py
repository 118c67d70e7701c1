"""allauth login stages adjusted to Mahatat's accounts."""

from __future__ import annotations

from typing import Any

from allauth.account.stages import PhoneVerificationStage as AllauthPhoneVerificationStage


class PhoneVerificationStage(AllauthPhoneVerificationStage):
    """The mobile number is required when a citizen signs up (ACCOUNT_SIGNUP_FIELDS), but accounts that
    administrators create (staff) may have only an e-mail. allauth would abort their sign-in for the missing
    mobile; here an account without one simply has nothing to verify.
    """

    def handle(self) -> tuple[Any, bool]:
        user = self.login.user
        if user is not None and not getattr(user, "phone", None) and getattr(user, "email", None):
            return None, True
        return super().handle()
