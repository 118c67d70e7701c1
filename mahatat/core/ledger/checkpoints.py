"""Signed checkpoints of the head: on demand, and once a day (Celery beat)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from ..dates import AMMAN
from ..models import LedgerCheckpoint, LedgerEntry, LedgerHead
from .records import entry_problem
from .sealing import LedgerBroken, LedgerProblem, locked_head
from .signing import b64, checkpoint_message, key_id_of, raw_public_bytes, signing_key
from .verify import ChainWalker, verify_ledger


def make_checkpoint(*, now: dt.datetime | None = None) -> LedgerCheckpoint:
    """Sign the head of the chain now, after verifying the whole chain (LedgerBroken if it does not verify)."""
    return _make_checkpoint(now=now, once_per_day=False)[0]


def make_daily_checkpoint(*, now: dt.datetime | None = None) -> tuple[LedgerCheckpoint, bool]:
    """Today's checkpoint (Amman time), made if there is none yet: (checkpoint, created)."""
    return _make_checkpoint(now=now, once_per_day=True)


def _checkpoint_on(day: dt.date) -> LedgerCheckpoint | None:
    return LedgerCheckpoint.objects.filter(day=day).order_by("-id").first()


def _make_checkpoint(*, now: dt.datetime | None, once_per_day: bool) -> tuple[LedgerCheckpoint, bool]:
    """A checkpoint vouches only for a chain it has checked.

    The whole chain is walked first, without holding the head, so sealing goes on meanwhile. Then, with the head
    locked, only the entries sealed since that walk are checked, and the head is signed.
    """
    day = (now or timezone.now()).astimezone(AMMAN).date()
    if once_per_day and (existing := _checkpoint_on(day)) is not None:
        return existing, False
    report = verify_ledger(check_records=False)
    if report.problem is not None:
        raise LedgerBroken(report.problem)
    with transaction.atomic():
        head = locked_head()  # one maker at a time, so two runs on the same day make one checkpoint
        if once_per_day and (existing := _checkpoint_on(day)) is not None:
            return existing, False
        _verify_since(report.head_seq, report.head_hash, head)
        key = signing_key()
        raw_public = raw_public_bytes(key.public_key())
        key_id = key_id_of(raw_public)
        signed_at = now or timezone.now()
        message = checkpoint_message(
            seq=head.seq, entry_hash=head.entry_hash, signed_at=signed_at, key_id=key_id
        )
        checkpoint = LedgerCheckpoint.objects.create(
            seq=head.seq,
            entry_hash=head.entry_hash,
            signed_at=signed_at,
            day=day,
            key_id=key_id,
            public_key=b64(raw_public),
            signature=b64(key.sign(message)),
        )
    return checkpoint, True


def _verify_since(seq: int, entry_hash: str, head: LedgerHead) -> None:
    """The entry at `seq` still has the hash the walk found, and the entries after it lead to the head."""
    if seq:
        entry = LedgerEntry.objects.filter(seq=seq).first()
        if entry is None or entry.entry_hash != entry_hash or entry_problem(entry):
            raise LedgerBroken(
                LedgerProblem(seq, "the entry was removed or rewritten during the check", entry=entry)
            )
    walker = ChainWalker(start_seq=seq, start_hash=entry_hash, trusted={}, checkpoints=[])
    entries = LedgerEntry.objects.filter(seq__gt=seq, seq__lte=head.seq).order_by("seq")
    broken = walker.walk(entries.iterator(chunk_size=2000)) or walker.finish(head.seq, head.entry_hash)
    if broken:
        raise LedgerBroken(broken)
