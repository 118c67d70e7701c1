"""Appending to the chain, and the registry of payload builders that domain apps fill."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from django.core.exceptions import ImproperlyConfigured, ObjectDoesNotExist
from django.db import models, transaction
from django.utils import timezone

from ..models import LedgerEntry, LedgerHead
from .canonical import canonical_json, compute_entry_hash, sha256_hex

KIND_PATTERN = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$")

# --- Payload builders: how a domain app rebuilds the sealed payload from its live row ---------------------------

PayloadBuilder = Callable[[str], Mapping[str, Any] | None]
_builders: dict[str, PayloadBuilder] = {}


def register_payload_builder(kind: str, builder: PayloadBuilder) -> PayloadBuilder:
    """Register `builder(record_id) -> payload` (None when the row is gone) for the entries of `kind`.

    The builder must give exactly the payload that was sealed, built from the database row, so that
    verify_ledger and verify_record can tell when a sealed row was changed behind the application's back.
    """
    if not KIND_PATTERN.match(kind):
        raise ValueError(f"{kind!r} is not a ledger kind (use app.noun, e.g. training.certificate).")
    existing = _builders.get(kind)
    if existing is not None and existing is not builder:
        raise ImproperlyConfigured(f"A payload builder is already registered for {kind!r}.")
    _builders[kind] = builder
    return builder


def unregister_payload_builder(kind: str) -> None:
    _builders.pop(kind, None)


def payload_builder_for(kind: str) -> PayloadBuilder | None:
    return _builders.get(kind)


def registered_kinds() -> list[str]:
    return sorted(_builders)


def build_current_payload(kind: str, record_id: str) -> Mapping[str, Any] | None:
    builder = _builders[kind]
    try:
        return builder(record_id)
    except ObjectDoesNotExist:
        return None


# --- Sealing --------------------------------------------------------------------------------------------------


class LedgerProblem:
    """What is wrong, and where: the sequence number, and the kind and record of the entry there."""

    def __init__(self, seq: int, message: str, *, entry: LedgerEntry | None = None) -> None:
        self.seq = seq
        self.message = message
        self.kind = entry.kind if entry else ""
        self.record = entry.record_label if entry else ""

    def __str__(self) -> str:
        where = f"seq {self.seq}" + (f" ({self.kind}, {self.record})" if self.kind else "")
        return f"{where}: {self.message}"

    def __repr__(self) -> str:
        return f"LedgerProblem({self})"


class LedgerBroken(Exception):
    """The chain does not verify; `problem` names the first broken entry."""

    def __init__(self, problem: LedgerProblem) -> None:
        super().__init__(str(problem))
        self.problem = problem


def record_identity(record: models.Model) -> tuple[str, str]:
    """("app_label.model", "pk") of a saved row; proxies are named by their concrete model."""
    if record.pk is None:
        raise ValueError("Save the record before sealing it.")
    return record._meta.concrete_model._meta.label_lower, str(record.pk)  # type: ignore[union-attr]


def locked_head() -> LedgerHead:
    """The head row, locked until the end of the transaction (made at the first seal).

    The row is inserted with ON CONFLICT DO NOTHING before it is locked: two first seals at once then wait on
    each other's insert instead of both seeing no head, and the second reads the head the first one left.
    """
    head = LedgerHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        LedgerHead.objects.bulk_create([LedgerHead(pk=1)], ignore_conflicts=True)
        head = LedgerHead.objects.select_for_update().get(pk=1)
        if head.seq == 0 and LedgerEntry.objects.exists():
            raise LedgerBroken(LedgerProblem(0, "the ledger's head row is missing while entries exist"))
    return head


def seal(*, kind: str, record: models.Model, payload: Mapping[str, Any]) -> LedgerEntry:
    """Append an entry sealing `payload` (what the record says) to the chain, inside the caller's transaction.

    If the caller's transaction rolls back, the entry goes with it, and the next one takes its number.
    """
    if not KIND_PATTERN.match(kind):
        raise ValueError(f"{kind!r} is not a ledger kind (use app.noun, e.g. training.certificate).")
    if not isinstance(payload, Mapping):
        raise TypeError("The payload must be a dict.")
    record_type, record_id = record_identity(record)
    body = canonical_json(payload)
    payload_hash = sha256_hex(body)
    with transaction.atomic():
        head = locked_head()
        seq = head.seq + 1
        created_at = timezone.now()
        entry_hash = compute_entry_hash(
            seq=seq,
            created_at=created_at,
            kind=kind,
            record_type=record_type,
            record_id=record_id,
            payload_hash=payload_hash,
            prev_hash=head.entry_hash,
        )
        entry = LedgerEntry.objects.create(
            seq=seq,
            created_at=created_at,
            kind=kind,
            record_type=record_type,
            record_id=record_id,
            payload=body,
            payload_hash=payload_hash,
            prev_hash=head.entry_hash,
            entry_hash=entry_hash,
        )
        LedgerHead.objects.filter(pk=head.pk).update(seq=seq, entry_hash=entry_hash)
    return entry
