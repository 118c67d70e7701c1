"""Load the demo data: `python manage.py seed_demo [--citizens N]`. Safe to run again: it changes nothing then.

Each app with demo data ships `<app>/demo.py` with `seed(ctx)`; they run in INSTALLED_APPS order (stations, then
accounts, then the modules), each in its own transaction. The output is plain ASCII so any terminal shows it.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from importlib import import_module
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import translation
from django.utils.module_loading import module_has_submodule

from mahatat.demo.context import SeedContext
from mahatat.demo.credentials import CredentialStore, credentials_path

SITE_URL = "http://127.0.0.1:8000/"


def demo_seeders() -> Iterator[tuple[str, Callable[[SeedContext], None]]]:
    """(app label, seed function) of every project app that ships a demo.py, in INSTALLED_APPS order."""
    for config in apps.get_app_configs():
        if config.name.startswith("mahatat.") and module_has_submodule(config.module, "demo"):
            module = import_module(f"{config.name}.demo")
            seed = getattr(module, "seed", None)
            if callable(seed):
                yield config.label, seed


class Command(BaseCommand):
    help = "Load the demo data (stations, an account for every role, citizens). Idempotent."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--citizens", type=int, default=300, help="How many generated citizens to have (default 300)."
        )

    def handle(self, *args: Any, citizens: int, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError(
                "seed_demo makes accounts with known passwords: it does not run in production."
            )
        if citizens < 0:
            raise CommandError("--citizens must be 0 or more.")
        started = time.monotonic()
        ctx = SeedContext(citizens=citizens, credentials=CredentialStore.load(credentials_path()))
        with translation.override("en"):
            for label, seed in demo_seeders():
                with transaction.atomic():
                    seed(ctx)
                ctx.credentials.save()
                self.stdout.write(f"  seeded {label}")
            self._print_summary(ctx, time.monotonic() - started)

    def _print_summary(self, ctx: SeedContext, seconds: float) -> None:
        out = self.stdout.write
        out("")
        out(self.style.SUCCESS(f"Demo data is ready ({seconds:.1f} s)."))
        for section, entries in ctx.summary.items():
            out("")
            out(section)
            width = max(len(label) for label, _ in entries)
            for label, value in entries:
                out(f"  {label.ljust(width)}  {value}")
        for note in ctx.notes:
            out(self.style.WARNING(f"Note: {note}"))

        out("")
        out(
            f"Open the site: {SITE_URL}   (sign in at {SITE_URL}accounts/login/, Django admin at {SITE_URL}admin/)"
        )
        out("")
        out(f"Demo accounts (kept in {ctx.credentials.path}, mode 0600; the same on every run):")
        headers = ("ROLE", "SIGN IN", "PASSWORD", "TOTP SECRET")
        rows = [(login.role, login.sign_in, login.password, login.totp_secret or "-") for login in ctx.logins]
        widths = [max(len(str(r[i])) for r in [headers, *rows]) for i in range(len(headers))]
        line = "  " + "  ".join("-" * w for w in widths)
        out(line)
        out(("  " + "  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True))).rstrip())
        out(line)
        for row in rows:
            out(("  " + "  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True))).rstrip())
        out(line)
        out("")
        out(
            "Staff accounts must use two-factor authentication. Add a TOTP secret above to an authenticator app,"
        )
        out("or open one of these otpauth:// URIs; or print the current 6-digit code with")
        out("  python manage.py demo_totp <e-mail>")
        for login in ctx.logins:
            if login.totp_uri:
                out(f"  {login.totp_uri}")
        out("Recovery codes are set up too: see Account > Two-factor authentication after signing in.")
