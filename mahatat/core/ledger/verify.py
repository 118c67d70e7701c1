"""Walking the whole chain: hashes, links, checkpoints, the head and the live rows of sealed records."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from contextlib import nullcontext
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Exists, OuterRef

from ..models import GENESIS_HASH, LedgerCheckpoint, LedgerEntry, LedgerHead
from .canonical import canonical_json
from .records import changed_fields, entry_problem
from .sealing import LedgerProblem, build_current_payload, payload_builder_for, registered_kinds
from .signing import checkpoint_signature_problem, trusted_public_keys


@dataclass
class LedgerReport:
    entries: int = 0
    head_seq: int = 0
    head_hash: str = GENESIS_HASH
    checkpoints: int = 0
    records: int = 0
    problem: LedgerProblem | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None

    def summary(self) -> str:
        return (
            f"{self.entries} entries (head seq {self.head_seq}, hash {self.head_hash}), "
            f"{self.checkpoints} signed checkpoints, {self.records} sealed records compared with their rows"
        )


class ChainWalker:
    """Feeds on entries in sequence order and stops at the first thing that is wrong."""

    def __init__(
        self,
        *,
        start_seq: int,
        start_hash: str,
        trusted: Mapping[str, bytes],
        checkpoints: Iterable[LedgerCheckpoint],
        check_records: bool = False,
    ) -> None:
        self.seq = start_seq
        self.hash = start_hash
        self.trusted = trusted
        self.check_records = check_records
        self.entries = 0
        self.records = 0
        self.checkpoints_checked = 0
        self.pending: dict[int, list[LedgerCheckpoint]] = {}
        for checkpoint in checkpoints:
            self.pending.setdefault(checkpoint.seq, []).append(checkpoint)

    def _checkpoints_at(self, seq: int, entry: LedgerEntry | None) -> LedgerProblem | None:
        for checkpoint in self.pending.pop(seq, []):
            problem = checkpoint_signature_problem(checkpoint, self.trusted)
            if problem:
                return LedgerProblem(seq, problem, entry=entry)
            if checkpoint.entry_hash != self.hash:
                return LedgerProblem(
                    seq,
                    f"checkpoint {checkpoint.pk}, signed {checkpoint.signed_at:%Y-%m-%d %H:%M} UTC, says this "
                    f"entry's hash was {checkpoint.entry_hash}; it is now {self.hash}: the chain was rewritten "
                    "up to here",
                    entry=entry,
                )
            self.checkpoints_checked += 1
        return None

    def _record_problem(self, entry: LedgerEntry) -> LedgerProblem | None:
        if (
            not self.check_records
            or payload_builder_for(entry.kind) is None
            or getattr(entry, "superseded", True)
        ):
            return None
        self.records += 1
        current = build_current_payload(entry.kind, entry.record_id)
        if current is not None and canonical_json(current) == entry.payload:
            return None
        newer = LedgerEntry.objects.filter(
            kind=entry.kind, record_type=entry.record_type, record_id=entry.record_id, seq__gt=entry.seq
        )
        if newer.exists():  # changed and sealed again while we walked: not a problem
            return None
        if current is None:
            return LedgerProblem(entry.seq, "the sealed record no longer exists", entry=entry)
        fields = ", ".join(changed_fields(entry.payload, current))
        return LedgerProblem(
            entry.seq, f"the sealed record was changed since: fields that differ: {fields}", entry=entry
        )

    def walk(self, entries: Iterable[LedgerEntry]) -> LedgerProblem | None:
        problem = self._checkpoints_at(0, None) if self.seq == 0 else None
        if problem:
            return problem
        for entry in entries:
            expected = self.seq + 1
            if entry.seq != expected:
                return LedgerProblem(
                    expected,
                    f"the entry is missing: the chain jumps from {expected - 1} to {entry.seq} "
                    f"(the next one present is {entry.kind}, {entry.record_label})",
                )
            own = entry_problem(entry)
            if own:
                return LedgerProblem(entry.seq, own, entry=entry)
            if entry.prev_hash != self.hash:
                what = "the genesis hash" if entry.seq == 1 else f"entry {entry.seq - 1}'s hash"
                return LedgerProblem(
                    entry.seq,
                    f"its previous-entry hash is not {what}: that entry or this one was rewritten",
                    entry=entry,
                )
            self.seq, self.hash = entry.seq, entry.entry_hash
            self.entries += 1
            problem = self._checkpoints_at(entry.seq, entry) or self._record_problem(entry)
            if problem:
                return problem
        return None

    def finish(self, head_seq: int | None, head_hash: str) -> LedgerProblem | None:
        """After the last entry: the head must point at it, and no checkpoint may vouch for anything beyond."""
        if self.pending:
            seq = min(self.pending)
            checkpoint = self.pending[seq][0]
            return LedgerProblem(
                self.seq + 1,
                f"checkpoint {checkpoint.pk} vouches for entry {seq}, but the chain ends at {self.seq}: "
                "entries were removed from the end",
            )
        if head_seq is None:
            return LedgerProblem(self.seq, "the ledger's head row is missing") if self.seq else None
        if head_seq > self.seq:
            return LedgerProblem(
                self.seq + 1,
                f"entries {self.seq + 1} to {head_seq} are missing: the end of the chain was removed",
            )
        if head_seq < self.seq or head_hash != self.hash:
            return LedgerProblem(head_seq, "the ledger's head does not point at the last entry")
        return None


def verify_ledger(*, chunk_size: int = 2000, check_records: bool = True) -> LedgerReport:
    """Walk the whole chain in sequence order, streaming `chunk_size` entries at a time.

    Checkpoints are read before the head, and the head before the entries, so entries sealed during the walk
    are not mistaken for a break. On PostgreSQL the walk runs in one REPEATABLE READ snapshot when it can.
    """
    snapshot = connection.vendor == "postgresql" and not connection.in_atomic_block
    with transaction.atomic() if snapshot else nullcontext():
        if snapshot:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        checkpoints = list(LedgerCheckpoint.objects.order_by("seq", "id"))
        head = LedgerHead.objects.filter(pk=1).values_list("seq", "entry_hash").first()
        head_seq, head_hash = head if head else (None, GENESIS_HASH)
        entries = LedgerEntry.objects.order_by("seq")
        if head_seq is not None:
            entries = entries.filter(seq__lte=head_seq)
        if check_records and registered_kinds():
            later = LedgerEntry.objects.filter(
                kind=OuterRef("kind"),
                record_type=OuterRef("record_type"),
                record_id=OuterRef("record_id"),
                seq__gt=OuterRef("seq"),
            )
            entries = entries.annotate(superseded=Exists(later))
        walker = ChainWalker(
            start_seq=0,
            start_hash=GENESIS_HASH,
            trusted=trusted_public_keys(),
            checkpoints=checkpoints,
            check_records=check_records,
        )
        problem = walker.walk(entries.iterator(chunk_size=chunk_size)) or walker.finish(head_seq, head_hash)
    return LedgerReport(
        entries=walker.entries,
        head_seq=walker.seq,
        head_hash=walker.hash,
        checkpoints=walker.checkpoints_checked,
        records=walker.records,
        problem=problem,
    )
