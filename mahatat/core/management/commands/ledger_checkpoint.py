"""`python manage.py ledger_checkpoint`: sign the ledger's head now (or print the public key to check it with).

The daily Celery beat job does the same with `--daily` semantics: at most one checkpoint per day (Amman time).
Before signing, the whole chain is verified (not the sealed rows); a broken chain is not signed (exit 1).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from mahatat.core.ledger import (
    LedgerBroken,
    make_checkpoint,
    make_daily_checkpoint,
    public_key_base64_text,
    public_key_pem,
)


class Command(BaseCommand):
    help = "Sign the head of the ledger with the platform's Ed25519 key (a checkpoint)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--daily", action="store_true", help="Make one only if today (Amman time) has none yet."
        )
        parser.add_argument(
            "--public-key", action="store_true", help="Print the current public key (PEM) and make nothing."
        )
        parser.add_argument(
            "--public-key-base64",
            action="store_true",
            help="Print the current public key as raw base64 (the form LEDGER_VERIFY_KEYS takes) and make nothing.",
        )

    def handle(
        self, *args: Any, daily: bool, public_key: bool, public_key_base64: bool, **options: Any
    ) -> None:
        if public_key:
            self.stdout.write(public_key_pem(), ending="")
            return
        if public_key_base64:
            self.stdout.write(public_key_base64_text())
            return
        try:
            if daily:
                checkpoint, created = make_daily_checkpoint()
            else:
                checkpoint, created = make_checkpoint(), True
        except LedgerBroken as broken:
            raise CommandError(f"Not signed: the ledger is broken at {broken.problem}") from broken
        verb = "Signed" if created else "Today's checkpoint exists already:"
        self.stdout.write(
            f"{verb} checkpoint {checkpoint.pk}: seq {checkpoint.seq}, entry hash {checkpoint.entry_hash}, "
            f"at {checkpoint.signed_at.isoformat()}, key {checkpoint.key_id}\n"
            f"signature (base64, Ed25519): {checkpoint.signature}"
        )
