"""The platform's tamper-evident ledger: an append-only hash chain over the records it seals.

- `seal(kind=..., record=..., payload=...)` appends an entry with the canonical JSON of the payload, inside the
  caller's transaction. Writers take turns on the one LedgerHead row (SELECT ... FOR UPDATE on PostgreSQL; on
  SQLite, IMMEDIATE transactions already serialise writers), so two entries never share a number or a parent.
- `verify_record(record)` tells a public verification page whether the record still matches its sealed entry,
  was changed since, or whether the entry itself was tampered with.
- `make_checkpoint()` signs the head of the chain with the platform's Ed25519 key; `verify_ledger()` walks the
  whole chain, checks every checkpoint and, for the kinds that registered a payload builder, the live rows.

The formats (so that anyone can re-check a published checkpoint) are in docs/architecture.md, "The ledger".
Domain apps register `kind -> builder(record_id) -> dict | None` in their AppConfig.ready() with
`register_payload_builder`; core imports no domain app.

The modules: canonical (JSON and hashes), sealing (append, builders), records (one record), signing (keys),
checkpoints, verify (the whole chain).
"""

from ..models import GENESIS_HASH, LedgerIsAppendOnly
from .canonical import canonical_json, compute_entry_hash, sha256_hex
from .checkpoints import make_checkpoint, make_daily_checkpoint
from .records import RecordCheck, RecordStatus, entry_for, verify_record
from .sealing import (
    LedgerBroken,
    LedgerProblem,
    payload_builder_for,
    register_payload_builder,
    seal,
    unregister_payload_builder,
)
from .signing import (
    checkpoint_message,
    key_id_of,
    public_key_base64_text,
    public_key_pem,
    trusted_public_keys,
)
from .verify import LedgerReport, verify_ledger

__all__ = [
    "GENESIS_HASH",
    "LedgerBroken",
    "LedgerIsAppendOnly",
    "LedgerProblem",
    "LedgerReport",
    "RecordCheck",
    "RecordStatus",
    "canonical_json",
    "checkpoint_message",
    "compute_entry_hash",
    "entry_for",
    "key_id_of",
    "make_checkpoint",
    "make_daily_checkpoint",
    "payload_builder_for",
    "public_key_base64_text",
    "public_key_pem",
    "register_payload_builder",
    "seal",
    "sha256_hex",
    "trusted_public_keys",
    "unregister_payload_builder",
    "verify_ledger",
    "verify_record",
]
