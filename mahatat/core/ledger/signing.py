"""The Ed25519 keys, and the bytes a checkpoint's signature covers."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
from collections.abc import Mapping

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from ..models import LedgerCheckpoint
from .canonical import FORMAT_VERSION, canonical_json


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


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def raw_public_bytes(key: Ed25519PublicKey) -> bytes:
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
    keys = [raw_public_bytes(signing_key().public_key())]
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
    return b64(raw_public_bytes(signing_key().public_key()))


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
    if checkpoint.public_key != b64(raw):
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
