"""The demo accounts' passwords and TOTP secrets, kept outside the repository in DATA_DIR.

Passwords are never written in the code: seed_demo makes a random one per account on its first run, keeps it in
DATA_DIR/demo_credentials.json (readable by the owner only, mode 0600; data/ is ignored by git) and reuses it on
later runs, so a tester's notes stay valid. TOTP secrets of the staff accounts are kept in the same file.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.conf import settings

FILE_NAME = "demo_credentials.json"
# No look-alike characters (0/O, 1/l/I), so a password read off a screen can be typed.
_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def credentials_path() -> Path:
    return Path(settings.DATA_DIR) / FILE_NAME


def generate_password() -> str:
    """Three groups of four random characters, e.g. 'k7Qm-2xPa-Wd9r' (about 70 bits)."""
    return "-".join("".join(secrets.choice(_ALPHABET) for _ in range(4)) for _ in range(3))


def _fingerprint(encoded_hash: str) -> str:
    return hashlib.sha256(encoded_hash.encode()).hexdigest()[:20]


def current_totp_code(secret: str, *, at: float | None = None) -> tuple[str, int]:
    """The TOTP code of `secret` now (or at `at`), computed by allauth's own HOTP, and the seconds it stays valid."""
    now = time.time() if at is None else at
    period = mfa_settings.TOTP_PERIOD
    counter = int(now) // period
    return format_hotp_value(hotp_value(secret, counter)), period - int(now) % period


@dataclass
class CredentialStore:
    """The credentials file, read once and written back (atomically, mode 0600) after each seeded app."""

    path: Path
    accounts: dict[str, dict[str, str]] = field(default_factory=dict)
    dirty: bool = False

    @classmethod
    def load(cls, path: Path | None = None) -> CredentialStore:
        path = path or credentials_path()
        accounts: dict[str, dict[str, str]] = {}
        if path.exists():
            data: Any = json.loads(path.read_text(encoding="utf-8") or "{}")
            accounts = {str(k).lower(): dict(v) for k, v in (data.get("accounts") or {}).items()}
        return cls(path=path, accounts=accounts)

    def password_for(self, key: str) -> str:
        """The stored password of an account, made and remembered on first use."""
        entry = self.accounts.setdefault(key.lower(), {})
        if not entry.get("password"):
            entry["password"] = generate_password()
            self.dirty = True
        return entry["password"]

    def password_hash_matches(self, key: str, encoded: str) -> bool:
        """Whether the account's password hash is the one seen when the stored password was last checked.

        This lets a second run skip the (deliberately slow) Argon2 check when nothing changed.
        """
        return self.accounts.get(key.lower(), {}).get("hash_fingerprint") == _fingerprint(encoded)

    def remember_password_hash(self, key: str, encoded: str) -> None:
        entry = self.accounts.setdefault(key.lower(), {})
        if entry.get("hash_fingerprint") != _fingerprint(encoded):
            entry["hash_fingerprint"] = _fingerprint(encoded)
            self.dirty = True

    def totp_secret_for(self, key: str) -> str | None:
        return self.accounts.get(key.lower(), {}).get("totp_secret")

    def remember_totp_secret(self, key: str, secret: str) -> None:
        entry = self.accounts.setdefault(key.lower(), {})
        if entry.get("totp_secret") != secret:
            entry["totp_secret"] = secret
            self.dirty = True

    def knows(self, key: str) -> bool:
        return key.lower() in self.accounts

    def save(self) -> None:
        if not self.dirty and self.path.exists():
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        payload = {
            "note": "Demo sign-ins made by `manage.py seed_demo`. For a local demo only: never commit or share.",
            "accounts": dict(sorted(self.accounts.items())),
        }
        tmp = self.path.with_name(self.path.name + ".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(payload, handle, indent=2, ensure_ascii=True)
            handle.write("\n")
        os.chmod(tmp, 0o600)
        os.replace(tmp, self.path)
        self.dirty = False
