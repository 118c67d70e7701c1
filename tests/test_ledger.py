"""The platform ledger: an append-only hash chain over sealed records, with signed checkpoints.

Tampering is simulated the way an intruder with database access would do it: raw SQL, never the ORM (which
refuses). `verify_ledger` must exit non-zero and name the first broken entry; verify_record must tell a
verification page what happened to one record.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import json
import os
import subprocess
import sys
import threading
from decimal import Decimal
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections, transaction
from django.urls import reverse
from django.utils import translation

from mahatat.core.dates import AMMAN
from mahatat.core.ledger import (
    GENESIS_HASH,
    RecordStatus,
    canonical_json,
    checkpoint_message,
    compute_entry_hash,
    entry_for,
    key_id_of,
    make_checkpoint,
    make_daily_checkpoint,
    public_key_pem,
    register_payload_builder,
    seal,
    sha256_hex,
    unregister_payload_builder,
    verify_ledger,
    verify_record,
)
from mahatat.core.models import LedgerCheckpoint, LedgerEntry, LedgerHead, LedgerIsAppendOnly
from mahatat.core.tasks import make_daily_ledger_checkpoint
from mahatat.stations.models import Station

from .factories import UserFactory

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
ENTRIES = LedgerEntry._meta.db_table
CHECKPOINTS = LedgerCheckpoint._meta.db_table
HEAD = LedgerHead._meta.db_table
STATION_KIND = "test.station"


# --- helpers -------------------------------------------------------------------------------------------------


def raw_sql(sql: str, params: tuple[Any, ...] = ()) -> None:
    """What an intruder with database access does: bypass the application entirely."""
    with connection.cursor() as cursor:
        cursor.execute(sql.format(entries=ENTRIES, checkpoints=CHECKPOINTS, head=HEAD), params)


def station_payload(station_id: str) -> dict[str, Any] | None:
    row = Station.objects.filter(pk=station_id).values("code", "name_ar").first()
    return dict(row) if row else None


@pytest.fixture
def station_kind():  # type: ignore[no-untyped-def]
    """A kind sealed on stations.Station, with a payload builder, as a domain app would register it."""
    register_payload_builder(STATION_KIND, station_payload)
    yield STATION_KIND
    unregister_payload_builder(STATION_KIND)


def seal_station(station: Station) -> LedgerEntry:
    return seal(kind=STATION_KIND, record=station, payload={"code": station.code, "name_ar": station.name_ar})


@pytest.fixture
def chain(station_a, station_b, station_kind):  # type: ignore[no-untyped-def]
    """Five entries: the two stations sealed, and three certificates-to-be on a user."""
    user = UserFactory()
    return [
        seal_station(station_a),
        seal(kind="test.note", record=user, payload={"n": 1, "text": "أول"}),
        seal_station(station_b),
        seal(kind="test.note", record=user, payload={"n": 2, "amount": Decimal("12.50")}),
        seal(
            kind="test.note", record=user, payload={"n": 3, "at": dt.datetime(2025, 3, 1, 10, tzinfo=AMMAN)}
        ),
    ]


def run_verify(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = 0
    try:
        call_command("verify_ledger", *args, stdout=out, stderr=err)
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    return code, out.getvalue(), err.getvalue()


def rewrite_from(seq: int, new_payloads: dict[int, dict[str, Any]]) -> None:
    """An intruder who knows the (public) format rewrites entries from `seq` on, hash by hash, and the head."""
    prev = LedgerEntry.objects.get(seq=seq - 1).entry_hash if seq > 1 else GENESIS_HASH
    for entry in LedgerEntry.objects.filter(seq__gte=seq).order_by("seq"):
        body = canonical_json(new_payloads.get(entry.seq, json.loads(entry.payload)))
        payload_hash = sha256_hex(body)
        entry_hash = compute_entry_hash(
            seq=entry.seq,
            created_at=entry.created_at,
            kind=entry.kind,
            record_type=entry.record_type,
            record_id=entry.record_id,
            payload_hash=payload_hash,
            prev_hash=prev,
        )
        raw_sql(
            "UPDATE {entries} SET payload = %s, payload_hash = %s, prev_hash = %s, entry_hash = %s WHERE seq = %s",
            (body, payload_hash, prev, entry_hash, entry.seq),
        )
        prev = entry_hash
    raw_sql("UPDATE {head} SET entry_hash = %s WHERE id = 1", (prev,))


def b64_key() -> str:
    return base64.b64encode(os.urandom(32)).decode()


# --- canonical JSON ------------------------------------------------------------------------------------------


def test_canonical_json_has_one_text_per_value_sorted_compact_and_utf8() -> None:
    first = canonical_json({"name_ar": "محطة ماركا", "code": "KS-AMM-03", "n": 3, "ok": True, "none": None})
    second = canonical_json({"ok": True, "none": None, "n": 3, "code": "KS-AMM-03", "name_ar": "محطة ماركا"})
    assert first == second == '{"code":"KS-AMM-03","n":3,"name_ar":"محطة ماركا","none":null,"ok":true}'
    assert canonical_json({"b": [3, {"d": 1, "c": 2}], "a": ()}) == '{"a":[],"b":[3,{"c":2,"d":1}]}'


def test_canonical_json_writes_decimals_datetimes_dates_and_uuids_as_strings() -> None:
    text = canonical_json(
        {
            "fee": Decimal("12.50"),
            "whole": Decimal("1E+2"),
            "zero": Decimal("-0.00"),
            "at": dt.datetime(2025, 3, 1, 10, 0, tzinfo=AMMAN),  # 10:00 in Amman (UTC+3)
            "on": dt.date(2025, 3, 1),
            "from": dt.time(8, 30),
            "id": UUID("12345678-1234-5678-1234-567812345678"),
            "status": Station.Status.ACTIVE,
        }
    )
    assert json.loads(text) == {
        "fee": "12.5",
        "whole": "100",
        "zero": "0",
        "at": "2025-03-01T07:00:00.000000+00:00",
        "on": "2025-03-01",
        "from": "08:30:00",
        "id": "12345678-1234-5678-1234-567812345678",
        "status": "active",
    }
    assert canonical_json({"fee": Decimal("12.5")}) == canonical_json({"fee": Decimal("12.500")})


@pytest.mark.parametrize(
    "value",
    [
        pytest.param({"x": 1.5}, id="float"),
        pytest.param({"x": dt.datetime(2025, 3, 1, 10)}, id="naive-datetime"),
        pytest.param({"x": Decimal("NaN")}, id="nan"),
        pytest.param({1: "a"}, id="int-key"),
        pytest.param({"x": {1, 2}}, id="set"),
    ],
)
def test_developer_cannot_seal_a_value_without_one_exact_text(value: Any) -> None:
    with pytest.raises((TypeError, ValueError)):
        canonical_json(value)


# --- sealing and the chain -----------------------------------------------------------------------------------


def test_sealed_entries_form_a_gap_free_chain_that_verifies(chain) -> None:  # type: ignore[no-untyped-def]
    entries = list(LedgerEntry.objects.order_by("seq"))
    assert [entry.seq for entry in entries] == [1, 2, 3, 4, 5]
    assert entries[0].prev_hash == GENESIS_HASH
    for before, after in zip(entries, entries[1:], strict=False):
        assert after.prev_hash == before.entry_hash
    for entry in entries:
        assert entry.payload_hash == sha256_hex(entry.payload)
    assert json.loads(entries[3].payload)["amount"] == "12.5"
    assert LedgerHead.objects.get().seq == 5

    report = verify_ledger(chunk_size=2)  # streamed two at a time
    assert report.ok, report.problem
    assert (report.entries, report.head_seq, report.records) == (5, 5, 2)

    code, out, err = run_verify()
    assert code == 0, err
    assert "Ledger intact: 5 entries" in out
    assert "2 sealed records compared" in out


def test_seal_takes_a_fixed_number_of_queries(station_a, station_kind, django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    seal_station(station_a)
    # savepoint, lock the head, insert the entry, move the head, release
    with django_assert_num_queries(5):
        seal_station(station_a)


def test_sealing_in_a_transaction_that_rolls_back_leaves_no_gap(station_a, station_kind) -> None:  # type: ignore[no-untyped-def]
    seal_station(station_a)
    with pytest.raises(RuntimeError), transaction.atomic():
        seal_station(station_a)
        raise RuntimeError("the caller's work failed")
    assert seal_station(station_a).seq == 2
    assert verify_ledger().ok


def test_entry_for_finds_the_latest_entry_of_a_record(station_a, station_b, station_kind) -> None:  # type: ignore[no-untyped-def]
    assert entry_for(station_a) is None
    seal_station(station_a)
    seal_station(station_b)
    latest = seal(kind="test.note", record=station_a, payload={"n": 1})
    assert entry_for(station_a) == latest
    assert entry_for(station_a, kind=STATION_KIND).seq == 1  # type: ignore[union-attr]
    assert latest.record_label == f"stations.station#{station_a.pk}"


# --- tampering, caught -----------------------------------------------------------------------------------------


def test_verify_ledger_names_an_entry_whose_payload_was_edited_with_raw_sql(chain) -> None:  # type: ignore[no-untyped-def]
    raw_sql("UPDATE {entries} SET payload = %s WHERE seq = 2", ('{"n":1,"text":"مزور"}',))

    code, _, err = run_verify()

    assert code == 1
    user_id = chain[1].record_id
    assert f"Ledger BROKEN at seq 2 (test.note, accounts.user#{user_id})" in err
    assert "payload does not match its payload hash" in err


def test_verify_ledger_names_an_entry_rewritten_with_its_own_hashes_recomputed(chain) -> None:  # type: ignore[no-untyped-def]
    entry = chain[1]
    body = canonical_json({"n": 1, "text": "مزور"})
    entry_hash = compute_entry_hash(
        seq=2,
        created_at=entry.created_at,
        kind=entry.kind,
        record_type=entry.record_type,
        record_id=entry.record_id,
        payload_hash=sha256_hex(body),
        prev_hash=entry.prev_hash,
    )
    raw_sql(
        "UPDATE {entries} SET payload = %s, payload_hash = %s, entry_hash = %s WHERE seq = 2",
        (body, sha256_hex(body), entry_hash),
    )

    report = verify_ledger()

    assert report.problem is not None
    assert report.problem.seq == 3  # entry 3 no longer follows entry 2
    assert "entry 2's hash" in report.problem.message


def test_verify_ledger_names_an_entry_whose_kind_or_record_was_edited(chain) -> None:  # type: ignore[no-untyped-def]
    raw_sql("UPDATE {entries} SET record_id = %s WHERE seq = 4", ("999999",))
    report = verify_ledger()
    assert report.problem is not None and report.problem.seq == 4
    assert report.problem.record == "accounts.user#999999"
    assert "entry hash does not match" in report.problem.message


def test_verify_ledger_names_an_entry_deleted_from_the_middle_with_raw_sql(chain) -> None:  # type: ignore[no-untyped-def]
    raw_sql("DELETE FROM {entries} WHERE seq = 3")

    code, _, err = run_verify()

    assert code == 1
    assert "Ledger BROKEN at seq 3: the entry is missing: the chain jumps from 2 to 4" in err


def test_verify_ledger_catches_entries_cut_from_the_end(chain) -> None:  # type: ignore[no-untyped-def]
    raw_sql("DELETE FROM {entries} WHERE seq = 5")
    report = verify_ledger()
    assert report.problem is not None and report.problem.seq == 5
    assert "entries 5 to 5 are missing" in report.problem.message


def test_verify_ledger_catches_a_sealed_row_edited_with_raw_sql(chain, station_b) -> None:  # type: ignore[no-untyped-def]
    assert verify_record(station_b).status == RecordStatus.INTACT
    raw_sql(f"UPDATE {Station._meta.db_table} SET name_ar = %s WHERE id = %s", ("محطة مزورة", station_b.pk))

    code, _, err = run_verify()

    assert code == 1
    assert f"Ledger BROKEN at seq 3 (test.station, stations.station#{station_b.pk})" in err
    assert "the sealed record was changed since: fields that differ: name_ar" in err
    check = verify_record(station_b)
    assert check.status == RecordStatus.CHANGED
    assert check.changed_fields == ("name_ar",)
    assert check.entry == chain[2]
    # --skip-records checks only the chain, which is intact.
    assert run_verify("--skip-records")[0] == 0


def test_a_record_changed_through_the_application_and_sealed_again_verifies(chain, station_a) -> None:  # type: ignore[no-untyped-def]
    station_a.name_ar = "محطة معرفة ماركا الشمالية"
    station_a.save(update_fields=["name_ar"])
    seal_station(station_a)  # the application seals every change it makes

    report = verify_ledger()

    assert report.ok, report.problem
    assert report.records == 2  # only the latest entry of each record is compared with its row
    assert verify_record(station_a).entry.seq == 6  # type: ignore[union-attr]


def test_verify_ledger_catches_a_sealed_row_that_was_deleted() -> None:
    from mahatat.accounts.models import User

    register_payload_builder("test.user", lambda pk: User.objects.filter(pk=pk).values("email").first())
    try:
        user = UserFactory(email="sealed@example.jo")
        seal(kind="test.user", record=user, payload={"email": user.email})
        assert verify_ledger().ok
        raw_sql(f"DELETE FROM {User._meta.db_table} WHERE id = %s", (user.pk,))
        report = verify_ledger()
        assert report.problem is not None and report.problem.seq == 1
        assert report.problem.message == "the sealed record no longer exists"
    finally:
        unregister_payload_builder("test.user")


def test_verify_record_tells_a_page_what_happened_to_one_record(station_a, station_b, station_kind) -> None:  # type: ignore[no-untyped-def]
    assert verify_record(station_a).status == RecordStatus.NOT_SEALED
    seal_station(station_a)
    seal_station(station_b)

    assert verify_record(station_a).ok
    assert verify_record(station_a, {"code": station_a.code, "name_ar": station_a.name_ar}).ok
    changed = verify_record(station_a, {"code": station_a.code, "name_ar": "آخر"})
    assert (changed.status, changed.changed_fields) == (RecordStatus.CHANGED, ("name_ar",))

    raw_sql("UPDATE {entries} SET payload = %s WHERE seq = 1", ('{"code":"X","name_ar":"Y"}',))
    broken = verify_record(station_a)
    assert broken.status == RecordStatus.BROKEN
    assert "payload" in broken.detail
    with translation.override("en"):
        assert str(broken.status.label) == "The ledger entry that seals this record was tampered with."


def test_verify_record_catches_the_last_entry_rewritten_behind_the_head(station_a, station_kind) -> None:  # type: ignore[no-untyped-def]
    seal_station(station_a)
    seal_station(station_a)
    rewrite_from(2, {2: {"code": station_a.code, "name_ar": "مزور"}})
    raw_sql("UPDATE {head} SET entry_hash = %s WHERE id = 1", ("f" * 64,))
    check = verify_record(station_a)
    assert check.status == RecordStatus.BROKEN
    assert "head" in check.detail


# --- checkpoints ---------------------------------------------------------------------------------------------


def test_anyone_can_check_a_checkpoint_with_the_published_public_key(chain) -> None:  # type: ignore[no-untyped-def]
    checkpoint = make_checkpoint()
    assert (checkpoint.seq, checkpoint.entry_hash) == (5, chain[-1].entry_hash)

    # Rebuilt from docs/architecture.md, without the application's code.
    message = json.dumps(
        {
            "entry_hash": checkpoint.entry_hash,
            "key_id": checkpoint.key_id,
            "ledger": "mahatat",
            "seq": checkpoint.seq,
            "signed_at": checkpoint.signed_at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
            "v": 1,
        },
        sort_keys=True,
        separators=(",", ":"),
    ).encode()
    public_key = serialization.load_pem_public_key(public_key_pem().encode())
    public_key.verify(base64.b64decode(checkpoint.signature), message)  # type: ignore[union-attr,call-arg]
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    assert checkpoint.key_id == key_id_of(raw) and base64.b64decode(checkpoint.public_key) == raw

    out = io.StringIO()
    call_command("ledger_checkpoint", "--public-key", stdout=out)
    assert out.getvalue().startswith("-----BEGIN PUBLIC KEY-----")
    out = io.StringIO()
    call_command("ledger_checkpoint", "--public-key-base64", stdout=out)
    assert out.getvalue().strip() == checkpoint.public_key
    assert verify_ledger().checkpoints == 1


def test_verify_ledger_catches_a_forged_checkpoint_signature(chain) -> None:  # type: ignore[no-untyped-def]
    checkpoint = make_checkpoint()
    forger = Ed25519PrivateKey.generate()
    forged = forger.sign(
        checkpoint_message(seq=2, entry_hash=chain[1].entry_hash, signed_at=checkpoint.signed_at, key_id="x")
    )
    raw_sql(
        "UPDATE {checkpoints} SET seq = 2, entry_hash = %s, signature = %s WHERE id = %s",
        (chain[1].entry_hash, base64.b64encode(forged).decode(), checkpoint.pk),
    )

    code, _, err = run_verify()

    assert code == 1
    assert f"Ledger BROKEN at seq 2 (test.note, accounts.user#{chain[1].record_id})" in err
    assert f"checkpoint {checkpoint.pk}'s signature does not match" in err


def test_verify_ledger_refuses_a_checkpoint_signed_by_an_unknown_key(chain) -> None:  # type: ignore[no-untyped-def]
    forger = Ed25519PrivateKey.generate()
    raw_public = forger.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    signed_at = dt.datetime(2025, 3, 1, tzinfo=dt.UTC)
    key_id = key_id_of(raw_public)
    message = checkpoint_message(seq=5, entry_hash=chain[-1].entry_hash, signed_at=signed_at, key_id=key_id)
    LedgerCheckpoint.objects.create(
        seq=5,
        entry_hash=chain[-1].entry_hash,
        signed_at=signed_at,
        day=signed_at.date(),
        key_id=key_id,
        public_key=base64.b64encode(raw_public).decode(),
        signature=base64.b64encode(forger.sign(message)).decode(),
    )
    report = verify_ledger()
    assert report.problem is not None and report.problem.seq == 5
    assert f"signed by a key that is not trusted (key id {key_id})" in report.problem.message


def test_a_checkpoint_catches_a_chain_rewritten_from_the_middle_to_the_head(chain) -> None:  # type: ignore[no-untyped-def]
    make_checkpoint()
    rewrite_from(
        2, {2: {"n": 1, "text": "مزور"}}
    )  # every hash and the head recomputed: only the signature holds
    report = verify_ledger()
    assert report.problem is not None and report.problem.seq == 5
    assert "says this entry's hash was" in report.problem.message
    assert "the chain was rewritten up to here" in report.problem.message


def test_a_checkpoint_catches_entries_cut_from_the_end_with_the_head_moved_back(chain) -> None:  # type: ignore[no-untyped-def]
    make_checkpoint()
    raw_sql("DELETE FROM {entries} WHERE seq >= 4")
    raw_sql("UPDATE {head} SET seq = 3, entry_hash = %s WHERE id = 1", (chain[2].entry_hash,))
    report = verify_ledger()
    assert report.problem is not None and report.problem.seq == 4
    assert "vouches for entry 5, but the chain ends at 3" in report.problem.message


def test_checkpoints_signed_before_a_key_rotation_still_verify(chain, settings) -> None:  # type: ignore[no-untyped-def]
    old = make_checkpoint()
    # Rotation (docs/deployment.md): a new signing key, and the old public key kept in LEDGER_VERIFY_KEYS.
    settings.LEDGER_SIGNING_KEY = b64_key()
    settings.LEDGER_VERIFY_KEYS = [old.public_key]
    new = make_checkpoint()
    assert new.key_id != old.key_id
    report = verify_ledger()
    assert report.ok, report.problem
    assert report.checkpoints == 2

    settings.LEDGER_VERIFY_KEYS = []  # forgetting the old key leaves its checkpoints unverifiable
    report = verify_ledger()
    assert report.problem is not None
    assert f"signed by a key that is not trusted (key id {old.key_id})" in report.problem.message


def test_operator_cannot_sign_a_broken_chain(chain) -> None:  # type: ignore[no-untyped-def]
    make_checkpoint()
    # An entry that an earlier checkpoint already covers: the new one is refused all the same.
    raw_sql("UPDATE {entries} SET kind = %s WHERE seq = 2", ("test.other",))
    with pytest.raises(CommandError, match=r"Not signed: the ledger is broken at seq 2 \(test.other"):
        call_command("ledger_checkpoint", stdout=io.StringIO())
    assert LedgerCheckpoint.objects.count() == 1


def test_operator_can_make_a_checkpoint_on_demand(chain) -> None:  # type: ignore[no-untyped-def]
    out = io.StringIO()
    call_command("ledger_checkpoint", stdout=out)
    call_command("ledger_checkpoint", stdout=out)
    assert LedgerCheckpoint.objects.count() == 2
    assert "seq 5, entry hash" in out.getvalue()


def test_daily_checkpoint_is_made_once_per_amman_day(chain, settings) -> None:  # type: ignore[no-untyped-def]
    from mahatat.celery import app

    assert settings.CELERY_BEAT_SCHEDULE["ledger-daily-checkpoint"]["task"] in app.tasks
    first_id = make_daily_ledger_checkpoint()
    assert make_daily_ledger_checkpoint() == first_id
    assert LedgerCheckpoint.objects.count() == 1

    today = dt.datetime.now(tz=AMMAN)
    tomorrow = today.replace(hour=0, minute=30) + dt.timedelta(days=1)
    checkpoint, created = make_daily_checkpoint(now=tomorrow)
    assert created and checkpoint.day == tomorrow.date()
    assert make_daily_checkpoint(now=tomorrow + dt.timedelta(hours=5)) == (checkpoint, False)


def test_an_empty_ledger_verifies_and_can_be_checkpointed() -> None:
    checkpoint = make_checkpoint()
    assert (checkpoint.seq, checkpoint.entry_hash) == (0, GENESIS_HASH)
    report = verify_ledger()
    assert report.ok and report.entries == 0 and report.checkpoints == 1


# --- append-only ---------------------------------------------------------------------------------------------


def test_nobody_can_update_or_delete_ledger_rows_through_the_orm(chain) -> None:  # type: ignore[no-untyped-def]
    entry = LedgerEntry.objects.get(seq=2)
    checkpoint = make_checkpoint()
    with pytest.raises(LedgerIsAppendOnly):
        LedgerEntry.objects.filter(seq=2).update(payload="{}")
    with pytest.raises(LedgerIsAppendOnly):
        LedgerEntry.objects.all().delete()
    with pytest.raises(LedgerIsAppendOnly):
        entry.delete()
    entry.payload = "{}"
    with pytest.raises(LedgerIsAppendOnly):
        entry.save()
    with pytest.raises(LedgerIsAppendOnly):
        LedgerEntry.objects.bulk_update([entry], ["payload"])
    with pytest.raises(LedgerIsAppendOnly):
        checkpoint.delete()
    with pytest.raises(LedgerIsAppendOnly):
        LedgerCheckpoint.objects.update(seq=1)
    assert verify_ledger().ok


def test_superuser_can_read_the_ledger_in_the_admin_but_not_change_it(
    chain, client_as, django_assert_num_queries
) -> None:  # type: ignore[no-untyped-def]
    superuser = UserFactory(email="root@gam.example.jo", is_staff=True, is_superuser=True)
    client = client_as(superuser)
    client.get(reverse("admin:core_ledgerentry_changelist"))  # warm the session
    with django_assert_num_queries(7):
        response = client.get(reverse("admin:core_ledgerentry_changelist"))
    assert response.status_code == 200
    assert chain[0].entry_hash in response.content.decode()
    assert client.get(reverse("admin:core_ledgerentry_add")).status_code == 403
    assert client.get(reverse("admin:core_ledgerentry_delete", args=[1])).status_code == 403
    change = client.get(reverse("admin:core_ledgerentry_change", args=[1]))
    assert change.status_code == 200 and 'name="_save"' not in change.content.decode()
    assert client.post(reverse("admin:core_ledgerentry_change", args=[1]), {"kind": "x"}).status_code == 403
    assert verify_ledger().ok


# --- concurrency: on SQLite and on PostgreSQL, whichever DATABASE_URL names -------------------------------------


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_writers_sealing_at_once_get_distinct_numbers_and_one_unbroken_chain() -> None:
    user = UserFactory()
    threads, seals_each = 8, 10
    start = threading.Barrier(threads)
    errors: list[BaseException] = []

    def writer(number: int) -> None:
        try:
            start.wait(timeout=30)
            for index in range(seals_each):
                seal(kind="test.race", record=user, payload={"writer": number, "index": index})
        except BaseException as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)
        finally:
            connections.close_all()

    workers = [threading.Thread(target=writer, args=(number,)) for number in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)

    assert not errors, errors
    assert list(LedgerEntry.objects.values_list("seq", flat=True)) == list(range(1, threads * seals_each + 1))
    payloads = {
        (p["writer"], p["index"])
        for p in map(json.loads, LedgerEntry.objects.values_list("payload", flat=True))
    }
    assert len(payloads) == threads * seals_each
    report = verify_ledger(chunk_size=7)
    assert report.ok, report.problem
    assert LedgerHead.objects.get().seq == threads * seals_each


# --- production needs a real signing key ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, message",
    [
        pytest.param(None, "LEDGER_SIGNING_KEY must be set", id="unset"),
        pytest.param(
            "not-base64-but-long-enough-" + "x" * 30, "LEDGER_SIGNING_KEY must be 32", id="not-a-key"
        ),
    ],
)
def test_operator_cannot_start_production_without_a_ledger_signing_key(
    tmp_path: Path, value: str | None, message: str
) -> None:
    from .test_production_settings import production_env

    env = production_env(tmp_path, LEDGER_SIGNING_KEY=value)
    result = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert message in result.stderr
