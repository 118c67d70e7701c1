"""allauth MFA adapter: TOTP secrets are stored encrypted with the same keys as other personal data."""

from __future__ import annotations

from allauth.mfa.adapter import DefaultMFAAdapter

from .pii import decrypt, encrypt


class MFAAdapter(DefaultMFAAdapter):
    def encrypt(self, text: str) -> str:
        return encrypt(text)

    def decrypt(self, encrypted_text: str) -> str:
        return decrypt(encrypted_text)
