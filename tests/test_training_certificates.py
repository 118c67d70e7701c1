"""Certificates: issued once per completed enrolment, sealed in the ledger, revocable with a reason.

Tampering is done as an intruder would: raw SQL on the certificate row; verify_ledger and verify_record notice.
"""

from __future__ import annotations

import io
import re
import threading

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection, connections

from mahatat.core.ledger import RecordStatus, entry_for, verify_ledger, verify_record
from mahatat.core.models import LedgerEntry
from mahatat.core.sms import MemorySMSBackend
from mahatat.training.models import Certificate, Enrolment
from mahatat.training.services.certificates import (
    CERTIFICATE_KIND,
    CODE_ALPHABET,
    REVOCATION_KIND,
    find_certificate,
    format_code,
    issue_certificate,
    issue_certificate_later,
    normalize_code,
    revoke_certificate,
)

from .factories import CitizenProfileFactory, UserFactory
from .training_factories import CohortFactory, EnrolmentFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db

CERTS = Certificate._meta.db_table


def completed_enrolment(station, citizen=None, **programme):  # type: ignore[no-untyped-def]
    programme.setdefault("title_ar", "أساسيات الحاسوب")
    programme.setdefault("title_en", "Computer basics")
    programme.setdefault("total_hours", 24)
    cohort = CohortFactory(station=station, programme=ProgrammeFactory(**programme))
    kwargs = {"citizen": citizen} if citizen is not None else {}
    return EnrolmentFactory(cohort=cohort, outcome=Enrolment.Outcome.COMPLETED, **kwargs)


def raw_sql(sql: str, params: tuple = ()) -> None:  # type: ignore[type-arg]
    with connection.cursor() as cursor:
        cursor.execute(sql.format(certs=CERTS), params)


def run_verify_ledger() -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    code = 0
    try:
        call_command("verify_ledger", stdout=out, stderr=err)
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    return code, out.getvalue() + err.getvalue()


# --- issuing ---------------------------------------------------------------------------------------------------


def test_completed_enrolment_gets_one_certificate_with_the_printed_fields_snapshotted(
    station_a, citizen
) -> None:  # type: ignore[no-untyped-def]
    enrolment = completed_enrolment(station_a, citizen)
    certificate = issue_certificate(enrolment=enrolment)

    assert certificate.holder_name_ar == "سارة أحمد الخطيب"
    assert certificate.holder_name_en == "Sara Ahmad Al-Khatib"
    assert (certificate.programme_title_ar, certificate.programme_title_en) == (
        "أساسيات الحاسوب",
        "Computer basics",
    )
    assert (certificate.station_name_ar, certificate.station_name_en) == (
        "محطة معرفة ماركا",
        "Marka Knowledge Station",
    )
    assert certificate.hours == 24
    # a later rename changes nothing already issued
    programme = enrolment.cohort.programme
    programme.title_ar = "اسم جديد"
    programme.save()
    assert issue_certificate(enrolment=enrolment) == certificate
    certificate.refresh_from_db()
    assert certificate.programme_title_ar == "أساسيات الحاسوب"
    assert Certificate.objects.count() == 1
    assert LedgerEntry.objects.filter(kind=CERTIFICATE_KIND).count() == 1


def test_issued_on_is_the_date_in_amman(station_a, citizen, settings) -> None:  # type: ignore[no-untyped-def]
    import datetime as dt

    from django.utils import timezone

    from mahatat.core.dates import AMMAN

    enrolment = completed_enrolment(station_a, citizen)
    # 22:30 UTC on 31 Dec is already 1 Jan in Amman (UTC+3)
    frozen = dt.datetime(2025, 12, 31, 22, 30, tzinfo=dt.UTC)
    original = timezone.now
    timezone.now = lambda: frozen  # type: ignore[assignment]
    try:
        certificate = issue_certificate(enrolment=enrolment)
    finally:
        timezone.now = original  # type: ignore[assignment]
    assert certificate.issued_on == dt.date(2026, 1, 1) == frozen.astimezone(AMMAN).date()


@pytest.mark.parametrize("outcome", [Enrolment.Outcome.PENDING, Enrolment.Outcome.NOT_COMPLETED])
def test_no_certificate_unless_the_course_was_completed(station_a, citizen, outcome) -> None:  # type: ignore[no-untyped-def]
    enrolment = completed_enrolment(station_a, citizen)
    Enrolment.objects.filter(pk=enrolment.pk).update(outcome=outcome)
    enrolment.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        issue_certificate(enrolment=enrolment)
    assert error.value.code == "not_completed"
    assert not Certificate.objects.exists()
    assert not LedgerEntry.objects.exists()


def test_holder_without_a_profile_gets_the_account_name(station_a) -> None:  # type: ignore[no-untyped-def]
    user = UserFactory(display_name="Omar Haddad")
    certificate = issue_certificate(enrolment=completed_enrolment(station_a, user))
    assert (certificate.holder_name_ar, certificate.holder_name_en) == ("Omar Haddad", "Omar Haddad")


def test_holder_with_only_a_latin_name_has_it_printed_on_both_sides(station_a) -> None:  # type: ignore[no-untyped-def]
    profile = CitizenProfileFactory(name_ar="", name_en="Lina Saleh")
    certificate = issue_certificate(enrolment=completed_enrolment(station_a, profile.user))
    assert (certificate.holder_name_ar, certificate.holder_name_en) == ("Lina Saleh", "Lina Saleh")


def test_holder_is_told_by_sms_and_email_in_their_language(
    station_a, citizen, django_capture_on_commit_callbacks, settings
) -> None:  # type: ignore[no-untyped-def]
    settings.SITE_URL = "https://mahatat.example.jo"
    citizen.preferred_language = "en"
    citizen.save()
    with django_capture_on_commit_callbacks(execute=True):
        certificate = issue_certificate(enrolment=completed_enrolment(station_a, citizen))
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert "Computer basics" in body and format_code(certificate.code) in body
    assert f"https://mahatat.example.jo/verify/certificate/{certificate.code}/" in body
    assert [message.to for message in MemorySMSBackend.outbox] == ["+962791234567"]
    # Arabic for an Arabic speaker
    mail.outbox.clear()
    other = CitizenProfileFactory(user=UserFactory(email="huda@example.jo", preferred_language="ar")).user
    with django_capture_on_commit_callbacks(execute=True):
        issue_certificate(enrolment=completed_enrolment(station_a, other))
    assert "أساسيات الحاسوب" in mail.outbox[0].body


def test_issue_later_runs_after_commit_and_only_then(
    station_a, citizen, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    enrolment = completed_enrolment(station_a, citizen)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        issue_certificate_later(enrolment.pk)
    assert not Certificate.objects.exists()  # nothing before the commit
    assert len(callbacks) == 1
    callbacks[0]()  # the commit: the task runs (eagerly on the embedded default)
    assert Certificate.objects.get().enrolment == enrolment
    callbacks[0]()  # a retried job finds the certificate already issued
    assert Certificate.objects.count() == 1


def test_issue_later_for_an_enrolment_not_completed_issues_nothing(
    station_a, citizen, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    enrolment = completed_enrolment(station_a, citizen)
    Enrolment.objects.filter(pk=enrolment.pk).update(outcome=Enrolment.Outcome.NOT_COMPLETED)
    with django_capture_on_commit_callbacks(execute=True):
        issue_certificate_later(enrolment.pk)
    assert not Certificate.objects.exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_issues_at_once_give_one_certificate(station_a, citizen) -> None:  # type: ignore[no-untyped-def]
    enrolment = completed_enrolment(station_a, citizen)
    results: list[object] = []
    barrier = threading.Barrier(4)

    def issue() -> None:
        try:
            barrier.wait()
            results.append(issue_certificate(enrolment=Enrolment.objects.get(pk=enrolment.pk)).pk)
        except Exception as exc:  # noqa: BLE001 - reported below
            results.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=issue) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(results)) == 1, results
    assert Certificate.objects.count() == 1
    assert LedgerEntry.objects.filter(kind=CERTIFICATE_KIND).count() == 1


# --- codes -----------------------------------------------------------------------------------------------------


def test_codes_are_twelve_crockford_characters_without_ambiguous_letters(station_a) -> None:  # type: ignore[no-untyped-def]
    codes = {issue_certificate(enrolment=completed_enrolment(station_a)).code for _ in range(8)}
    assert len(codes) == 8
    for code in codes:
        assert re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{12}", code), code
        assert not set(code) & set("ILOU")
        assert re.fullmatch(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}", format_code(code))
    assert set(CODE_ALPHABET) == set("0123456789ABCDEFGHJKMNPQRSTVWXYZ")


def test_a_code_is_found_with_or_without_dashes_spaces_and_in_small_letters(station_a) -> None:  # type: ignore[no-untyped-def]
    certificate = issue_certificate(enrolment=completed_enrolment(station_a))
    code = certificate.code
    for typed in (
        code,
        code.lower(),
        format_code(code),
        format_code(code).lower(),
        f"  {code[:4]} {code[4:]} ",
    ):
        assert find_certificate(typed) == certificate, typed


def test_look_alike_letters_and_arabic_digits_are_read_as_the_digits_they_resemble() -> None:
    assert normalize_code("1O0L-IAB2-3C4D") == "1001" + "1AB2" + "3C4D"
    assert normalize_code("١٢٣٤-ABCD-۵۶۷۸") == "1234ABCD5678"


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "ABCD",
        "ABCD-EFGH-JKMN-P",
        "ABCD-EFGH-JKM!",
        "ABCD/EFGH/JKMN",
        "ABCDEFGHJKMU",
        "x" * 500,
        "حروف-عربية",
    ],
)
def test_malformed_codes_are_not_codes(typed: str) -> None:
    assert normalize_code(typed) is None
    assert find_certificate(typed) is None


# --- the ledger --------------------------------------------------------------------------------------------------


def test_issued_certificate_is_sealed_with_its_printed_fields(station_a, citizen) -> None:  # type: ignore[no-untyped-def]
    import json

    certificate = issue_certificate(enrolment=completed_enrolment(station_a, citizen))
    entry = entry_for(certificate, kind=CERTIFICATE_KIND)
    assert entry is not None
    sealed = json.loads(entry.payload)
    assert sealed["code"] == certificate.code
    assert sealed["holder_name_ar"] == "سارة أحمد الخطيب"
    assert sealed["hours"] == 24
    assert sealed["issued_on"] == certificate.issued_on.isoformat()
    assert verify_record(certificate, kind=CERTIFICATE_KIND).status == RecordStatus.INTACT
    assert verify_ledger().ok


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("holder_name_ar", "شخص آخر"),
        ("hours", 240),
        ("issued_on", "2020-01-01"),
        ("programme_title_en", "MBA"),
    ],
)
def test_verify_ledger_catches_a_certificate_row_edited_with_raw_sql(
    station_a, citizen, column, value
) -> None:  # type: ignore[no-untyped-def]
    certificate = issue_certificate(enrolment=completed_enrolment(station_a, citizen))
    assert run_verify_ledger()[0] == 0
    raw_sql(f"UPDATE {{certs}} SET {column} = %s WHERE id = %s", (value, certificate.pk))

    code, output = run_verify_ledger()
    assert code != 0
    assert CERTIFICATE_KIND in output and column in output
    check = verify_record(certificate, kind=CERTIFICATE_KIND)
    assert check.status == RecordStatus.CHANGED
    assert check.changed_fields == (column,)


def test_a_deleted_certificate_row_is_caught(station_a, citizen) -> None:  # type: ignore[no-untyped-def]
    certificate = issue_certificate(enrolment=completed_enrolment(station_a, citizen))
    raw_sql("DELETE FROM {certs} WHERE id = %s", (certificate.pk,))
    report = verify_ledger()
    assert not report.ok and "no longer exists" in str(report.problem)


# --- revoking ----------------------------------------------------------------------------------------------------


def test_revocation_records_who_and_why_and_is_sealed(station_a, citizen, station_manager) -> None:  # type: ignore[no-untyped-def]
    certificate = issue_certificate(enrolment=completed_enrolment(station_a, citizen))
    revoke_certificate(certificate=certificate, by=station_manager, reason="  Issued to the wrong person.  ")
    certificate.refresh_from_db()
    assert certificate.is_revoked and certificate.revoked_by == station_manager
    assert certificate.revocation_reason == "Issued to the wrong person."
    assert entry_for(certificate, kind=REVOCATION_KIND) is not None
    # the issue entry still verifies: a revocation does not change what was printed
    assert verify_record(certificate, kind=CERTIFICATE_KIND).ok
    assert verify_record(certificate, kind=REVOCATION_KIND).ok
    assert verify_ledger().ok
    assert not Certificate.objects.valid().exists()


def test_revocation_needs_a_reason_and_happens_once(station_a, citizen, station_manager) -> None:  # type: ignore[no-untyped-def]
    certificate = issue_certificate(enrolment=completed_enrolment(station_a, citizen))
    with pytest.raises(ValidationError) as error:
        revoke_certificate(certificate=certificate, by=station_manager, reason="   ")
    assert error.value.code == "reason_required"
    revoke_certificate(certificate=certificate, by=station_manager, reason="Fraud")
    with pytest.raises(ValidationError) as error:
        revoke_certificate(certificate=certificate, by=station_manager, reason="Again")
    assert error.value.code == "already_revoked"
    assert LedgerEntry.objects.filter(kind=REVOCATION_KIND).count() == 1


def test_a_revocation_undone_with_raw_sql_is_caught(station_a, citizen, station_manager) -> None:  # type: ignore[no-untyped-def]
    certificate = issue_certificate(enrolment=completed_enrolment(station_a, citizen))
    revoke_certificate(certificate=certificate, by=station_manager, reason="Fraud")
    raw_sql(
        "UPDATE {certs} SET revoked_at = NULL, revoked_by_id = NULL, revocation_reason = '' WHERE id = %s",
        (certificate.pk,),
    )
    assert verify_record(certificate, kind=REVOCATION_KIND).status == RecordStatus.CHANGED
    code, output = run_verify_ledger()
    assert code != 0 and REVOCATION_KIND in output
