"""`python manage.py verify_ledger`: check the whole ledger; exit 0 when intact, 1 naming the first broken entry.

It recomputes every payload hash and chain link, checks each signed checkpoint (signature, trusted key, and that
the hash it signed is still the chain's hash at its sequence number), and compares the latest sealed payload of
every record whose kind has a payload builder with its live row. Entries are streamed in chunks.
"""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from mahatat.core.ledger import verify_ledger


class Command(BaseCommand):
    help = (
        "Verify the ledger's hash chain, its signed checkpoints and the sealed records; name the first break."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--chunk-size", type=int, default=2000, help="Entries read from the database at a time (2000)."
        )
        parser.add_argument(
            "--skip-records",
            action="store_true",
            help="Check only the chain and the checkpoints, not the live rows of the sealed records.",
        )

    def handle(self, *args: Any, chunk_size: int, skip_records: bool, **options: Any) -> None:
        report = verify_ledger(chunk_size=max(1, chunk_size), check_records=not skip_records)
        if report.ok:
            self.stdout.write(self.style.SUCCESS(f"Ledger intact: {report.summary()}."))
            return
        self.stderr.write(self.style.ERROR(f"Ledger BROKEN at {report.problem}"))
        self.stderr.write(f"Checked before the break: {report.summary()}.")
        sys.exit(1)
