"""What seed_demo hands to each app's `demo.seed(ctx)`: options, the credential store, and the report.

An app that has demo data ships `<app>/demo.py` with a `seed(ctx: SeedContext) -> None` function. seed_demo finds
these modules in INSTALLED_APPS order (which is the dependency order: stations, accounts, then the modules),
runs each in its own transaction, and prints what they reported. A seed function must be idempotent: it finds
its rows by natural keys (station codes, fixed e-mails, deterministic random data) and creates no duplicates.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from .credentials import CredentialStore

RANDOM_SEED = 2026


@dataclass(frozen=True)
class DemoLogin:
    """One row of the credentials table that seed_demo prints."""

    role: str
    sign_in: str
    password: str
    totp_secret: str = ""
    totp_uri: str = ""
    note: str = ""


@dataclass
class SeedContext:
    citizens: int
    credentials: CredentialStore
    logins: list[DemoLogin] = field(default_factory=list)
    # section -> [(label, value)], in the order they were reported
    summary: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def random(self, salt: str = "") -> random.Random:
        """A deterministic random generator: random.Random(2026), or one derived from it for a named use."""
        return random.Random(RANDOM_SEED if not salt else f"{RANDOM_SEED}:{salt}")

    def report(self, section: str, label: str, value: object) -> None:
        self.summary.setdefault(section, []).append((label, str(value)))

    def add_login(self, login: DemoLogin) -> None:
        self.logins.append(login)

    def note(self, text: str) -> None:
        self.notes.append(text)
