"""Canonical JSON and the hashes of the ledger: the formats anyone can recompute (docs/architecture.md)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.utils import timezone

from ..models import LedgerEntry

FORMAT_VERSION = 1


def _plain(value: Any) -> Any:
    """The JSON-ready form of a value, with exactly one spelling per value (no floats)."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str):
        return str.__str__(value)  # TextChoices members and other str subclasses: their plain value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        raise TypeError("Floats cannot be sealed (their text is not exact): use a Decimal or a string.")
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"{value} cannot be sealed.")
        return "0" if value == 0 else format(value.normalize(), "f")
    if isinstance(value, dt.datetime):
        if timezone.is_naive(value):
            raise ValueError("Naive datetimes cannot be sealed: use an aware one.")
        return value.astimezone(dt.UTC).isoformat(timespec="microseconds")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, Mapping):
        plain = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError(f"Keys of a sealed payload must be strings, not {type(key).__name__}.")
            plain[str.__str__(key)] = _plain(item)
        return plain
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    raise TypeError(f"{type(value).__name__} cannot be sealed: convert it to a string, number or list first.")


def canonical_json(obj: Any) -> str:
    """One text per value: sorted keys, no whitespace, UTF-8 (not \\u escapes), no floats.

    Decimals are strings without trailing zeros ("1.5", "100"); datetimes must be aware and are written in UTC
    with microseconds ("2025-03-01T07:00:00.000000+00:00"); dates, times and UUIDs are their ISO strings.
    """
    return json.dumps(_plain(obj), sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def compute_entry_hash(
    *,
    seq: int,
    created_at: dt.datetime,
    kind: str,
    record_type: str,
    record_id: str,
    payload_hash: str,
    prev_hash: str,
) -> str:
    return sha256_hex(
        canonical_json(
            {
                "v": FORMAT_VERSION,
                "seq": seq,
                "created_at": created_at,
                "kind": kind,
                "record_type": record_type,
                "record_id": record_id,
                "payload_hash": payload_hash,
                "prev_hash": prev_hash,
            }
        )
    )


def entry_hash_of(entry: LedgerEntry) -> str:
    return compute_entry_hash(
        seq=entry.seq,
        created_at=entry.created_at,
        kind=entry.kind,
        record_type=entry.record_type,
        record_id=entry.record_id,
        payload_hash=entry.payload_hash,
        prev_hash=entry.prev_hash,
    )
