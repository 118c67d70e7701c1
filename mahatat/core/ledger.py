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
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import json
import re
from collections.abc import Callable, Iterable, Mapping
from contextlib import nullcontext
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from uuid import UUID

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ObjectDoesNotExist
from django.db import connection, models, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .dates import AMMAN
from .models import GENESIS_HASH, LedgerCheckpoint, LedgerEntry, LedgerHead

__all__ = [
    "GENESIS_HASH",
    "LedgerBroken",
    "LedgerProblem",
    "LedgerReport",
    "RecordCheck",
    "RecordStatus",
    "canonical_json",
    "entry_for",
    "make_checkpoint",
    "make_daily_checkpoint",
    "public_key_base64_text",
    "public_key_pem",
    "register_payload_builder",
    "seal",
    "verify_ledger",
    "verify_record",
]

KIND_PATTERN = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$")
FORMAT_VERSION = 1

# --- Canonical JSON -------------------------------------------------------------------------------------------


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


def _entry_hash_of(entry: LedgerEntry) -> str:
    return compute_entry_hash(
        seq=entry.seq,
        created_at=entry.created_at,
        kind=entry.kind,
        record_type=entry.record_type,
        record_id=entry.record_id,
        payload_hash=entry.payload_hash,
        prev_hash=entry.prev_hash,
    )


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


def _current_payload(kind: str, record_id: str) -> Mapping[str, Any] | None:
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


def _locked_head() -> LedgerHead:
    """The head row, locked until the end of the transaction (made at the first seal)."""
    head = LedgerHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        if LedgerEntry.objects.exists():
            raise LedgerBroken(LedgerProblem(0, "the ledger's head row is missing while entries exist"))
        LedgerHead.objects.bulk_create([LedgerHead(pk=1)], ignore_conflicts=True)
        head = LedgerHead.objects.select_for_update().get(pk=1)
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
        head = _locked_head()
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


# --- One record: what a public verification page asks -----------------------------------------------------------


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


def _own_problem(entry: LedgerEntry) -> str | None:
    if sha256_hex(entry.payload) != entry.payload_hash:
        return "its payload does not match its payload hash: the sealed payload was edited"
    if _entry_hash_of(entry) != entry.entry_hash:
        return (
            "its entry hash does not match its contents: its sequence number, kind, record, time or a hash "
            "was edited"
        )
    return None


def _problem_in_place(entry: LedgerEntry) -> str | None:
    """Check one entry and its links to its neighbours (a few indexed reads, for a page view)."""
    own = _own_problem(entry)
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


def _changed_fields(sealed_payload: str, current: Mapping[str, Any]) -> tuple[str, ...]:
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
        if entry.kind not in _builders:
            raise LookupError(f"No payload builder is registered for {entry.kind!r}: pass current_payload.")
        current_payload = _current_payload(entry.kind, entry.record_id)
        if current_payload is None:
            return RecordCheck(RecordStatus.CHANGED, entry, "the sealed record no longer exists")
    if canonical_json(current_payload) != entry.payload:
        fields = _changed_fields(entry.payload, current_payload)
        return RecordCheck(RecordStatus.CHANGED, entry, "changed: " + ", ".join(fields), fields)
    return RecordCheck(RecordStatus.INTACT, entry)


# --- Keys and checkpoints ----------------------------------------------------------------------------------------


def _decode_key(value: str, *, name: str) -> bytes:
    """32 bytes from standard or URL-safe base64, with or without padding."""
    text = value.strip().rstrip("=").replace("+", "-").replace("/", "_")
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != 32:
        raise ImproperlyConfigured(f"{name} must be 32 bytes in base64 (see docs/deployment.md).")
    return raw


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _raw_public(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def key_id_of(raw_public_key: bytes) -> str:
    """The first 16 hex digits of the SHA-256 of the raw 32-byte public key."""
    return hashlib.sha256(raw_public_key).hexdigest()[:16]


def signing_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(
        _decode_key(settings.LEDGER_SIGNING_KEY, name="LEDGER_SIGNING_KEY")
    )


def trusted_public_keys() -> dict[str, bytes]:
    """key id -> raw public key: the current signing key's, and the earlier ones in LEDGER_VERIFY_KEYS."""
    keys = [_raw_public(signing_key().public_key())]
    keys += [_decode_key(value, name="LEDGER_VERIFY_KEYS") for value in settings.LEDGER_VERIFY_KEYS]
    return {key_id_of(raw): raw for raw in keys}


def public_key_pem() -> str:
    """The current public key, as PEM (SubjectPublicKeyInfo), for anyone who checks a checkpoint."""
    return (
        signing_key()
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode("ascii")
    )


def public_key_base64_text() -> str:
    """The current public key as raw base64: what LEDGER_VERIFY_KEYS lists after a rotation."""
    return _b64(_raw_public(signing_key().public_key()))


def checkpoint_message(*, seq: int, entry_hash: str, signed_at: dt.datetime, key_id: str) -> bytes:
    """The exact bytes a checkpoint's Ed25519 signature covers."""
    return canonical_json(
        {
            "ledger": "mahatat",
            "v": FORMAT_VERSION,
            "seq": seq,
            "entry_hash": entry_hash,
            "signed_at": signed_at,
            "key_id": key_id,
        }
    ).encode("utf-8")


def checkpoint_signature_problem(checkpoint: LedgerCheckpoint, trusted: Mapping[str, bytes]) -> str | None:
    raw = trusted.get(checkpoint.key_id)
    if raw is None:
        return (
            f"checkpoint {checkpoint.pk} is signed by a key that is not trusted (key id {checkpoint.key_id})"
        )
    if checkpoint.public_key != _b64(raw):
        return (
            f"checkpoint {checkpoint.pk} carries a public key that is not the trusted key {checkpoint.key_id}"
        )
    message = checkpoint_message(
        seq=checkpoint.seq,
        entry_hash=checkpoint.entry_hash,
        signed_at=checkpoint.signed_at,
        key_id=checkpoint.key_id,
    )
    try:
        Ed25519PublicKey.from_public_bytes(raw).verify(base64.b64decode(checkpoint.signature), message)
    except (InvalidSignature, binascii.Error, ValueError):
        return f"checkpoint {checkpoint.pk}'s signature does not match what it says (seq, hash, time or key)"
    return None


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
        head = _locked_head()  # one maker at a time, so two runs on the same day make one checkpoint
        if once_per_day and (existing := _checkpoint_on(day)) is not None:
            return existing, False
        _verify_since(report.head_seq, report.head_hash, head)
        key = signing_key()
        raw_public = _raw_public(key.public_key())
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
            public_key=_b64(raw_public),
            signature=_b64(key.sign(message)),
        )
    return checkpoint, True


def _verify_since(seq: int, entry_hash: str, head: LedgerHead) -> None:
    """The entry at `seq` still has the hash the walk found, and the entries after it lead to the head."""
    if seq:
        entry = LedgerEntry.objects.filter(seq=seq).first()
        if entry is None or entry.entry_hash != entry_hash or _own_problem(entry):
            raise LedgerBroken(
                LedgerProblem(seq, "the entry was removed or rewritten during the check", entry=entry)
            )
    walker = _ChainWalker(start_seq=seq, start_hash=entry_hash, trusted={}, checkpoints=[])
    entries = LedgerEntry.objects.filter(seq__gt=seq, seq__lte=head.seq).order_by("seq")
    broken = walker.walk(entries.iterator(chunk_size=2000)) or walker.finish(head.seq, head.entry_hash)
    if broken:
        raise LedgerBroken(broken)


# --- The whole chain ---------------------------------------------------------------------------------------------


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


class _ChainWalker:
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
        if not self.check_records or entry.kind not in _builders or getattr(entry, "superseded", True):
            return None
        self.records += 1
        current = _current_payload(entry.kind, entry.record_id)
        if current is not None and canonical_json(current) == entry.payload:
            return None
        newer = LedgerEntry.objects.filter(
            kind=entry.kind, record_type=entry.record_type, record_id=entry.record_id, seq__gt=entry.seq
        )
        if newer.exists():  # changed and sealed again while we walked: not a problem
            return None
        if current is None:
            return LedgerProblem(entry.seq, "the sealed record no longer exists", entry=entry)
        fields = ", ".join(_changed_fields(entry.payload, current))
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
            own = _own_problem(entry)
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
        if check_records and _builders:
            later = LedgerEntry.objects.filter(
                kind=OuterRef("kind"),
                record_type=OuterRef("record_type"),
                record_id=OuterRef("record_id"),
                seq__gt=OuterRef("seq"),
            )
            entries = entries.annotate(superseded=Exists(later))
        walker = _ChainWalker(
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
