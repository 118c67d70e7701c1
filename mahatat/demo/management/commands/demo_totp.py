"""Print the current TOTP code of a demo account: `python manage.py demo_totp manager@demo.mahatat.jo`.

For testers who have no authenticator app at hand. Only accounts that seed_demo made (listed in the demo
credentials file) are served, and never in production. The secret is read from the account's allauth TOTP
authenticator and the code is computed by allauth's own HOTP functions, so it is the code a sign-in accepts.
"""

from __future__ import annotations

from typing import Any

from allauth.mfa.models import Authenticator
from allauth.mfa.utils import decrypt
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from mahatat.accounts.models import User
from mahatat.demo.credentials import CredentialStore, credentials_path, current_totp_code


class Command(BaseCommand):
    help = "Print the current 6-digit TOTP code of a demo account (not in production)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email", help="The demo account's e-mail, e.g. manager@demo.mahatat.jo")

    def handle(self, *args: Any, email: str, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("demo_totp does not run in production.")
        email = email.strip().lower()
        if not CredentialStore.load(credentials_path()).knows(email):
            raise CommandError(f"{email} is not a demo account (run `python manage.py seed_demo` first).")
        user = User.objects.filter(email__iexact=email).first()
        authenticator = (
            Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first() if user else None
        )
        if authenticator is None:
            raise CommandError(f"{email} has no TOTP authenticator (run `python manage.py seed_demo`).")
        code, seconds_left = current_totp_code(decrypt(authenticator.data["secret"]))
        self.stdout.write(code)
        self.stderr.write(f"valid for {seconds_left} more seconds", style_func=lambda text: text)
