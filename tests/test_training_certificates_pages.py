"""Certificate pages: the public verification page, the PDF (real render), revocation by staff, the ledger key."""

from __future__ import annotations

import datetime as dt
import re
import socket

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import translation

from mahatat.core.ledger import make_checkpoint, public_key_base64_text
from mahatat.core.models import LedgerEntry
from mahatat.training.certificate_pdf import LocalOnlyFetcher, certificate_document, render_certificate_pdf
from mahatat.training.models import Certificate, Enrolment
from mahatat.training.services.certificates import (
    REVOCATION_KIND,
    ensure_pdf,
    format_code,
    issue_certificate,
    revoke_certificate,
)

from .training_factories import CohortFactory, EnrolmentFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db

CERTS = Certificate._meta.db_table


@pytest.fixture
def certificate(station_a, citizen):  # type: ignore[no-untyped-def]
    programme = ProgrammeFactory(title_ar="أساسيات الحاسوب", title_en="Computer basics", total_hours=24)
    enrolment = EnrolmentFactory(
        cohort=CohortFactory(station=station_a, programme=programme),
        citizen=citizen,
        outcome=Enrolment.Outcome.COMPLETED,
    )
    return issue_certificate(enrolment=enrolment)


def verify_page(client: Client, code: str, language: str = "en"):  # type: ignore[no-untyped-def]
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client.get(
        reverse("training:verify_certificate", kwargs={"code": code}), HTTP_ACCEPT_LANGUAGE=language
    )


# --- the public verification page ---------------------------------------------------------------------------------


def test_anyone_can_check_a_valid_certificate_without_signing_in(client, certificate) -> None:  # type: ignore[no-untyped-def]
    response = verify_page(client, certificate.code)
    assert response.status_code == 200
    text = response.content.decode()
    assert "This certificate is valid" in text
    assert "سارة أحمد الخطيب" in text and "Sara Ahmad Al-Khatib" in text
    assert "Computer basics" in text and "Marka Knowledge Station" in text
    assert "24 training hours" in text
    assert format_code(certificate.code) in text
    assert "intact" in text
    # nothing personal beyond what is printed
    assert "sara@example.jo" not in text and "+962791234567" not in text and "9981012345" not in text
    assert response["X-Robots-Tag"] == "noindex"


def test_verify_page_speaks_arabic(client, certificate) -> None:  # type: ignore[no-untyped-def]
    response = verify_page(client, certificate.code, "ar")
    text = response.content.decode()
    with translation.override("ar"):
        assert translation.gettext("This certificate is valid") in text
    assert 'dir="rtl"' in text


@pytest.mark.parametrize("typed", ["lower", "dashed", "dashed-lower"])
def test_a_typed_code_leads_to_the_one_address_of_the_certificate(client, certificate, typed) -> None:  # type: ignore[no-untyped-def]
    code = {
        "lower": certificate.code.lower(),
        "dashed": format_code(certificate.code),
        "dashed-lower": format_code(certificate.code).lower(),
    }[typed]
    response = verify_page(client, code)
    assert response.status_code == 302
    assert response["Location"] == reverse("training:verify_certificate", kwargs={"code": certificate.code})


def test_the_lookup_form_finds_a_certificate_by_its_printed_code(client, certificate) -> None:  # type: ignore[no-untyped-def]
    response = client.get(reverse("training:verify_lookup"), {"code": format_code(certificate.code).lower()})
    assert response.status_code == 302
    assert response["Location"].endswith(f"/verify/certificate/{certificate.code}/")
    assert client.get(reverse("training:verify_lookup")).status_code == 200


@pytest.mark.parametrize(
    "code",
    [
        "ABCDEFGHJKMN",  # well formed, but no such certificate
        "ABCD-EFGH-JKMN-PQRS",  # too long
        "ABCD%20EFGH",  # odd characters
        "ABC$EFGHJKMN",
        "٠١٢٣٤٥٦٧٨٩٠١",  # Arabic digits, no such certificate
        "x" * 300,
        "مرحبا",
    ],
)
def test_unknown_or_malformed_codes_get_a_friendly_404(client, certificate, code) -> None:  # type: ignore[no-untyped-def]
    response = verify_page(client, code)
    assert response.status_code == 404
    text = response.content.decode()
    assert "Certificate not found" in text
    assert "12 letters and digits" in text
    assert certificate.holder_name_ar not in text


def test_the_lookup_form_answers_a_malformed_code_with_the_same_404(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get(
        reverse("training:verify_lookup"), {"code": "not a code!"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 404
    assert "Certificate not found" in response.content.decode()


def test_revoked_certificate_shows_the_reason_and_date(client, certificate, station_manager) -> None:  # type: ignore[no-untyped-def]
    revoke_certificate(certificate=certificate, by=station_manager, reason="Issued in error")
    text = verify_page(client, certificate.code).content.decode()
    assert "This certificate was revoked" in text
    assert "Issued in error" in text
    assert "This certificate is valid" not in text
    assert text.count("intact: the record matches") == 2  # the issue and the revocation entries
    assert station_manager.email not in text


def test_a_certificate_edited_with_raw_sql_shows_as_changed(client, certificate) -> None:  # type: ignore[no-untyped-def]
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {CERTS} SET hours = 240 WHERE id = %s", [certificate.pk])
    text = verify_page(client, certificate.code).content.decode()
    assert "changed since sealing" in text
    assert "Do not rely on this certificate" in text


def test_a_revocation_erased_with_raw_sql_shows_as_changed(client, certificate, station_manager) -> None:  # type: ignore[no-untyped-def]
    revoke_certificate(certificate=certificate, by=station_manager, reason="Fraud")
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {CERTS} SET revoked_at = NULL, revocation_reason = '', revoked_by_id = NULL WHERE id = %s",
            [certificate.pk],
        )
    text = verify_page(client, certificate.code).content.decode()
    assert "changed since sealing" in text
    assert "Do not rely on this certificate" in text


def test_a_tampered_ledger_entry_shows_as_broken(client, certificate) -> None:  # type: ignore[no-untyped-def]
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {LedgerEntry._meta.db_table} SET payload = REPLACE(payload, '24', '240') WHERE kind = %s",
            ["training.certificate"],
        )
    text = verify_page(client, certificate.code).content.decode()
    assert "the ledger entry is broken" in text


def test_a_certificate_without_a_ledger_entry_shows_as_not_sealed(client, station_a) -> None:  # type: ignore[no-untyped-def]
    enrolment = EnrolmentFactory(cohort=CohortFactory(station=station_a), outcome=Enrolment.Outcome.COMPLETED)
    forged = Certificate.objects.create(
        enrolment=enrolment,
        code="ABCDEFGHJKMN",
        holder_name_ar="مزور",
        programme_title_ar="س",
        programme_title_en="x",
        station_name_ar="س",
        station_name_en="x",
        hours=1,
        issued_on="2025-01-01",
    )
    text = verify_page(Client(), forged.code).content.decode()
    assert "not sealed" in text and "Do not rely on this certificate" in text


def test_verify_page_query_count_is_fixed(
    client, certificate, station_manager, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    with django_assert_max_num_queries(12):
        assert verify_page(client, certificate.code).status_code == 200


# --- the PDF -------------------------------------------------------------------------------------------------------


def _texts(box) -> list[str]:  # type: ignore[no-untyped-def]
    """Every text fragment laid out on a page (WeasyPrint's boxes)."""
    found = []
    text = getattr(box, "text", None)
    if isinstance(text, str):
        found.append(text)
    for child in getattr(box, "children", []) or []:
        found.extend(_texts(child))
    return found


def test_pdf_is_one_a4_landscape_page_with_the_code_name_and_vendored_fonts_and_no_network(
    certificate, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    def no_network(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("rendering a certificate tried to reach the network")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    fetcher = LocalOnlyFetcher()
    document = certificate_document(certificate, fetcher)
    assert len(document.pages) == 1
    page = document.pages[0]
    assert page.width > page.height  # landscape
    assert round(page.width * 25.4 / 96) == 297 and round(page.height * 25.4 / 96) == 210
    text = " ".join(_texts(page._page_box))
    assert format_code(certificate.code) in text
    assert "سارة أحمد الخطيب" in text and "Sara Ahmad Al-Khatib" in text
    assert "أساسيات الحاسوب" in text and "Computer basics" in text
    assert f"/verify/certificate/{certificate.code}/" in text
    assert fetcher.refused == []
    assert any("amiri-arabic-700" in url for url in fetcher.fetched)
    assert all(url.startswith(("file://", "data:")) for url in fetcher.fetched)

    pdf = bytes(document.write_pdf(uncompressed_pdf=True))
    assert pdf.startswith(b"%PDF-")
    fonts = set(re.findall(rb"/BaseFont\s*/([A-Z]{6}\+)?([\w-]+)", pdf))
    assert {name for _, name in fonts} >= {b"Amiri-Arabic", b"Amiri-Arabic-Bold"}, fonts  # vendored Amiri
    assert b"/Count 1" in pdf


def test_the_pdf_fetcher_refuses_anything_outside_the_static_folder() -> None:
    fetcher = LocalOnlyFetcher()
    for url in (
        "http://example.com/x.png",
        "https://example.com/font.woff",
        "file:///etc/passwd",
        "ftp://x/y",
    ):
        with pytest.raises(ValueError):
            fetcher.fetch(url)
    assert len(fetcher.refused) == 4


def test_a_remote_image_in_the_certificate_html_is_not_fetched(certificate, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from mahatat.training import certificate_pdf

    original = certificate_pdf.certificate_html
    monkeypatch.setattr(
        certificate_pdf,
        "certificate_html",
        lambda c: original(c).replace("</body>", '<img src="http://example.com/track.png"></body>'),
    )
    fetcher = LocalOnlyFetcher()
    assert render_certificate_pdf(certificate, fetcher).startswith(b"%PDF-")
    assert fetcher.refused == ["http://example.com/track.png"]


def test_pdf_is_stored_after_the_commit(station_a, citizen, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    enrolment = EnrolmentFactory(
        cohort=CohortFactory(station=station_a), citizen=citizen, outcome="completed"
    )
    with django_capture_on_commit_callbacks(execute=True):
        certificate = issue_certificate(enrolment=enrolment)
    certificate.refresh_from_db()
    assert certificate.pdf.name.endswith(f"certificate-{certificate.code}.pdf")
    with certificate.pdf.open("rb") as handle:
        assert handle.read(5) == b"%PDF-"


# --- downloading the PDF -----------------------------------------------------------------------------------------


def pdf_url(certificate: Certificate) -> str:
    return reverse("training:certificate_pdf", kwargs={"code": certificate.code})


def test_holder_downloads_their_pdf_rendered_when_missing(client_as, certificate, citizen) -> None:  # type: ignore[no-untyped-def]
    assert not certificate.pdf  # the render job has not run in this test
    response = client_as(citizen).get(pdf_url(certificate))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    certificate.refresh_from_db()
    assert certificate.pdf  # kept for next time
    # the file went missing: it is made again
    certificate.pdf.storage.delete(certificate.pdf.name)
    response = client_as(citizen).get(pdf_url(certificate))
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


@pytest.mark.parametrize("persona", ["station_manager", "station_staff", "gam_admin"])
def test_staff_running_the_station_can_download_the_pdf(client_as, certificate, persona, request) -> None:  # type: ignore[no-untyped-def]
    ensure_pdf(certificate)
    response = client_as(request.getfixturevalue(persona)).get(pdf_url(certificate))
    assert response.status_code == 200


@pytest.mark.parametrize("persona", ["manager_b", "business_owner", "trainer", "inspector"])
def test_others_get_404_for_the_pdf(client_as, certificate, persona, request) -> None:  # type: ignore[no-untyped-def]
    ensure_pdf(certificate)
    response = client_as(request.getfixturevalue(persona)).get(pdf_url(certificate))
    assert response.status_code == 404


def test_anonymous_visitor_is_sent_to_sign_in_for_the_pdf(client, certificate) -> None:  # type: ignore[no-untyped-def]
    response = client.get(pdf_url(certificate))
    assert response.status_code == 302 and "login" in response["Location"]


# --- revoking --------------------------------------------------------------------------------------------------------


def revoke_url(certificate: Certificate) -> str:
    return reverse("training:revoke_certificate", kwargs={"code": certificate.code})


@pytest.mark.parametrize("persona", ["station_manager", "gam_admin", "nitc_coordinator"])
def test_revokers_over_the_station_can_revoke_with_a_reason(client_as, certificate, persona, request) -> None:  # type: ignore[no-untyped-def]
    user = request.getfixturevalue(persona)
    client = client_as(user)
    assert client.get(revoke_url(certificate)).status_code == 200
    response = client.post(revoke_url(certificate), {"reason": "Attendance records were falsified."})
    assert response.status_code == 302
    certificate.refresh_from_db()
    assert certificate.is_revoked and certificate.revoked_by == user
    assert LedgerEntry.objects.filter(kind=REVOCATION_KIND, record_id=str(certificate.pk)).count() == 1


@pytest.mark.parametrize("persona", ["manager_b", "station_staff", "trainer", "citizen"])
def test_others_cannot_revoke(client_as, certificate, persona, request) -> None:  # type: ignore[no-untyped-def]
    client = client_as(request.getfixturevalue(persona))
    assert client.get(revoke_url(certificate)).status_code == 403
    assert client.post(revoke_url(certificate), {"reason": "x"}).status_code == 403
    certificate.refresh_from_db()
    assert not certificate.is_revoked


def test_revoking_without_a_reason_is_refused_clearly(client_as, certificate, station_manager) -> None:  # type: ignore[no-untyped-def]
    client = client_as(station_manager)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post(revoke_url(certificate), {"reason": "   "}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "Please give the reason for revoking this certificate." in response.content.decode()
    certificate.refresh_from_db()
    assert not certificate.is_revoked


def test_a_refused_revocation_keeps_what_was_typed(client_as, certificate, station_manager) -> None:  # type: ignore[no-untyped-def]
    client = client_as(station_manager)
    client.post(revoke_url(certificate), {"reason": "First time"})
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post(revoke_url(certificate), {"reason": "Second reason"}, HTTP_ACCEPT_LANGUAGE="en")
    text = response.content.decode()
    assert response.status_code == 400
    assert "already revoked" in text and "Second reason" in text
    certificate.refresh_from_db()
    assert certificate.revocation_reason == "First time"


def test_unknown_code_on_the_revoke_page_is_404(client_as, station_manager) -> None:  # type: ignore[no-untyped-def]
    url = reverse("training:revoke_certificate", kwargs={"code": "ABCDEFGHJKMN"})
    assert client_as(station_manager).get(url).status_code == 404


# --- the ledger key --------------------------------------------------------------------------------------------------


def test_anyone_can_read_the_ledger_key_and_latest_checkpoints(client, certificate) -> None:  # type: ignore[no-untyped-def]
    checkpoint = make_checkpoint()
    response = client.get(reverse("training:ledger_key"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    text = response.content.decode()
    assert "BEGIN PUBLIC KEY" in text
    assert public_key_base64_text() in text
    assert checkpoint.entry_hash in text and checkpoint.signature in text and checkpoint.key_id in text

    plain = client.get(reverse("training:ledger_key_text"))
    assert plain["Content-Type"].startswith("text/plain")
    body = plain.content.decode()
    assert "BEGIN PUBLIC KEY" in body and public_key_base64_text() in body
    assert f"{checkpoint.seq} {checkpoint.entry_hash}" in body and checkpoint.signature in body


def test_a_published_checkpoint_verifies_with_the_published_key(client, certificate) -> None:  # type: ignore[no-untyped-def]
    import base64

    from cryptography.hazmat.primitives.serialization import load_pem_public_key

    from mahatat.core.ledger import checkpoint_message

    checkpoint = make_checkpoint()
    body = client.get(reverse("training:ledger_key_text")).content.decode()
    pem = body[body.index("-----BEGIN PUBLIC KEY-----") : body.index("-----END PUBLIC KEY-----") + 24]
    line = next(line for line in body.splitlines() if line.startswith(f"{checkpoint.seq} "))
    seq, entry_hash, signed_at, key_id, signature = line.split(" ")
    message = checkpoint_message(
        seq=int(seq), entry_hash=entry_hash, signed_at=dt.datetime.fromisoformat(signed_at), key_id=key_id
    )
    load_pem_public_key(pem.encode()).verify(base64.b64decode(signature), message)  # type: ignore[union-attr]
