"""Encryption at rest for personal data (identity numbers), a keyed hash to find them, and masking.

Keys come from settings (the environment): PII_ENCRYPTION_KEYS (the first encrypts; all decrypt, so a key can
be rotated by putting the new one first) and PII_HASH_KEY. A key may be a Fernet key or any long random
string, which is stretched to one with SHA-256.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings


def _as_fernet(key: str) -> Fernet:
    try:
        raw = base64.urlsafe_b64decode(key.encode())
        if len(raw) == 32:
            return Fernet(key.encode())
    except (ValueError, TypeError):
        pass
    return Fernet(base64.urlsafe_b64encode(hashlib.sha256(key.encode()).digest()))


@lru_cache(maxsize=4)
def _cipher(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([_as_fernet(k) for k in keys])


def encrypt(value: str) -> str:
    return _cipher(tuple(settings.PII_ENCRYPTION_KEYS)).encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _cipher(tuple(settings.PII_ENCRYPTION_KEYS)).decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise ValueError("The stored value cannot be decrypted with the configured keys.") from exc


def keyed_hash(value: str) -> str:
    return hmac.new(settings.PII_HASH_KEY.encode(), value.strip().encode(), hashlib.sha256).hexdigest()


def mask(last4: str) -> str:
    return "******" + last4
