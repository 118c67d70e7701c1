"""One record: what a public verification page asks of the ledger."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from ..models import GENESIS_HASH, LedgerEntry, LedgerHead
from .canonical import canonical_json, entry_hash_of, sha256_hex
from .sealing import build_current_payload, payload_builder_for, record_identity


class RecordStatus(models.TextChoices):
    INTACT = "intact", _("The record matches its sealed ledger entry.")
    CHANGED = "changed", _("The record was changed after it was sealed.")
    BROKEN = "broken", _("The ledger entry that seals this record was tampered with.")
    NOT_SEALED = "not_sealed", _("The record has no ledger entry.")


@dataclass(frozen=True)
class RecordCheck:
    status: RecordStatus
    entry: LedgerEntry | None = None
    detail: str = ""
    changed_fields: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return self.status == RecordStatus.INTACT


def entry_for(record: models.Model, *, kind: str | None = None) -> LedgerEntry | None:
    """The latest entry sealing `record` (of `kind`, if given)."""
    record_type, record_id = record_identity(record)
    entries = LedgerEntry.objects.filter(record_type=record_type, record_id=record_id)
    if kind is not None:
        entries = entries.filter(kind=kind)
    return entries.order_by("-seq").first()


def entry_problem(entry: LedgerEntry) -> str | None:
    if sha256_hex(entry.payload) != entry.payload_hash:
        return "its payload does not match its payload hash: the sealed payload was edited"
    if entry_hash_of(entry) != entry.entry_hash:
        return (
            "its entry hash does not match its contents: its sequence number, kind, record, time or a hash "
            "was edited"
        )
    return None


def _problem_in_place(entry: LedgerEntry) -> str | None:
    """Check one entry and its links to its neighbours (a few indexed reads, for a page view)."""
    own = entry_problem(entry)
    if own:
        return own
    if entry.seq == 1:
        if entry.prev_hash != GENESIS_HASH:
            return "the first entry does not start from the genesis hash"
    else:
        before = LedgerEntry.objects.filter(seq=entry.seq - 1).values_list("entry_hash", flat=True).first()
        if before is None:
            return f"entry {entry.seq - 1}, before it, is missing"
        if before != entry.prev_hash:
            return f"it does not follow entry {entry.seq - 1}: one of the two was rewritten"
    after = LedgerEntry.objects.filter(seq=entry.seq + 1).values_list("prev_hash", flat=True).first()
    if after is not None:
        if after != entry.entry_hash:
            return f"entry {entry.seq + 1} does not follow it: one of the two was rewritten"
    else:
        head = LedgerHead.objects.filter(pk=1).values_list("seq", "entry_hash").first()
        if head is None or head[0] > entry.seq:
            return f"entry {entry.seq + 1}, after it, is missing"
        if head[0] == entry.seq and head[1] != entry.entry_hash:
            return "the head of the ledger does not point at it: it was rewritten"
    return None


def changed_fields(sealed_payload: str, current: Mapping[str, Any]) -> tuple[str, ...]:
    """The top-level keys whose values differ (names only: values may be personal data)."""
    now = json.loads(canonical_json(current))
    try:
        sealed = json.loads(sealed_payload)
    except ValueError:
        return ("(payload)",)
    if not isinstance(sealed, dict):
        return ("(payload)",)

    def text(value: Any) -> str:
        return json.dumps(value, sort_keys=True, ensure_ascii=False)

    keys = sealed.keys() | now.keys()
    changed = sorted(
        key for key in keys if key not in sealed or key not in now or text(sealed[key]) != text(now[key])
    )
    return tuple(changed) or ("(payload)",)


def verify_record(
    record: models.Model, current_payload: Mapping[str, Any] | None = None, *, kind: str | None = None
) -> RecordCheck:
    """Does the record still match its latest sealed entry, and is that entry intact where it stands?

    Without `current_payload`, the payload builder registered for the entry's kind rebuilds it from the row.
    """
    entry = entry_for(record, kind=kind)
    if entry is None:
        return RecordCheck(RecordStatus.NOT_SEALED)
    problem = _problem_in_place(entry)
    if problem:
        return RecordCheck(RecordStatus.BROKEN, entry, problem)
    if current_payload is None:
        if payload_builder_for(entry.kind) is None:
            raise LookupError(f"No payload builder is registered for {entry.kind!r}: pass current_payload.")
        current_payload = build_current_payload(entry.kind, entry.record_id)
        if current_payload is None:
            return RecordCheck(RecordStatus.CHANGED, entry, "the sealed record no longer exists")
    if canonical_json(current_payload) != entry.payload:
        fields = changed_fields(entry.payload, current_payload)
        return RecordCheck(RecordStatus.CHANGED, entry, "changed: " + ", ".join(fields), fields)
    return RecordCheck(RecordStatus.INTACT, entry)
