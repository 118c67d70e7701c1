"""Certificates: issued once per completed enrolment, sealed in the platform ledger, revocable with a reason.

- `issue_certificate(*, enrolment)` snapshots what is printed (names, titles, hours, date), gives it an
  unguessable code, seals the printed fields in the ledger (kind `training.certificate`) and tells the citizen;
  the PDF is rendered and stored by a job queued on commit (the download renders it if it is missing). Calling it again returns the same certificate.
- `issue_certificate_later(enrolment_id)` does the same in a background job once the caller's transaction
  commits (the completion service calls it).
- `revoke_certificate(*, certificate, by, reason)` records who revoked it and why, sealed as
  `training.certificate_revocation`; the public verification page shows both entries.

The payload builders below rebuild exactly what was sealed from the live row, so `verify_ledger` and the
verification page notice a row edited behind the application's back. They are registered when this module is imported (TrainingConfig.ready()
imports it).
"""

from __future__ import annotations

import logging
import re
import secrets
from collections.abc import Mapping
from typing import Any

from celery import shared_task
from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from mahatat.accounts.models import User
from mahatat.core.dates import local_today
from mahatat.core.ledger import register_payload_builder, seal
from mahatat.core.notifications import notify

from ..models import Certificate, Enrolment

logger = logging.getLogger(__name__)

CERTIFICATE_KIND = "training.certificate"
REVOCATION_KIND = "training.certificate_revocation"

# --- Codes ------------------------------------------------------------------------------------------------------

# Crockford's base32: digits and letters without I, L, O and U (no 1/I/L or 0/O mix-ups, no accidental words).
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 12  # 60 random bits
CODE_GROUP = 4
# What people type instead: Crockford's reading of look-alike letters, and Arabic-Indic and Persian digits.
_READ_AS = str.maketrans(
    {
        "I": "1",
        "L": "1",
        "O": "0",
        **{chr(0x0660 + n): str(n) for n in range(10)},
        **{chr(0x06F0 + n): str(n) for n in range(10)},
    }
)
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u2212_.]+")
_CODE_PATTERN = re.compile(f"^[{CODE_ALPHABET}]{{{CODE_LENGTH}}}$")


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def format_code(code: str) -> str:
    """The printed form: XXXX-XXXX-XXXX."""
    return "-".join(code[i : i + CODE_GROUP] for i in range(0, len(code), CODE_GROUP))


def normalize_code(text: str) -> str | None:
    """The stored form of a typed code (case, dashes, spaces and look-alikes forgiven), or None if it cannot be one."""
    if not isinstance(text, str) or len(text) > 40:
        return None
    code = _SEPARATORS.sub("", text).upper().translate(_READ_AS)
    return code if _CODE_PATTERN.match(code) else None


def find_certificate(text: str) -> Certificate | None:
    code = normalize_code(text)
    if code is None:
        return None
    return Certificate.objects.filter(code=code).first()


# --- What is sealed ---------------------------------------------------------------------------------------------

PRINTED_FIELDS = (
    "code",
    "holder_name_ar",
    "holder_name_en",
    "programme_title_ar",
    "programme_title_en",
    "station_name_ar",
    "station_name_en",
    "hours",
    "issued_on",
)


def certificate_payload(certificate: Certificate) -> dict[str, Any]:
    """What the certificate says, as sealed: the printed fields and the enrolment it was issued for."""
    payload: dict[str, Any] = {field: getattr(certificate, field) for field in PRINTED_FIELDS}
    payload["enrolment_id"] = certificate.enrolment_id
    return payload


def revocation_payload(certificate: Certificate) -> dict[str, Any]:
    return {
        "code": certificate.code,
        "revoked_at": certificate.revoked_at,
        "revoked_by_id": certificate.revoked_by_id,
        "reason": certificate.revocation_reason,
    }


def _certificate_payload_from_row(record_id: str) -> Mapping[str, Any] | None:
    certificate = Certificate.objects.filter(pk=record_id).first()
    return certificate_payload(certificate) if certificate else None


def _revocation_payload_from_row(record_id: str) -> Mapping[str, Any] | None:
    certificate = Certificate.objects.filter(pk=record_id).first()
    return revocation_payload(certificate) if certificate else None


# Registered on import (TrainingConfig.ready() imports this module); registering the same builder again is a no-op.
register_payload_builder(CERTIFICATE_KIND, _certificate_payload_from_row)
register_payload_builder(REVOCATION_KIND, _revocation_payload_from_row)


# --- Issuing ----------------------------------------------------------------------------------------------------


def _holder_names(citizen: User) -> tuple[str, str]:
    """(Arabic, Latin) names to print: the citizen's profile, else the account's name."""
    try:
        profile = citizen.citizen_profile
    except ObjectDoesNotExist:
        profile = None
    name_ar = (profile.name_ar if profile else "").strip()
    name_en = (profile.name_en if profile else "").strip()
    display = (citizen.display_name or "").strip()
    name_ar = name_ar or name_en or display
    if not name_en and display and display.isascii():
        name_en = display
    if not name_ar:
        raise ValidationError(
            _("The citizen has no name on their profile to print on the certificate."), code="no_holder_name"
        )
    return name_ar[:150], name_en[:150]


def _unused_code() -> str:
    while True:
        code = new_code()
        if not Certificate.objects.filter(code=code).exists():
            return code


def issue_certificate(*, enrolment: Enrolment) -> Certificate:
    """The enrolment's certificate, issued (sealed, rendered and announced) if it has none yet.

    Only for a completed enrolment (ValidationError "not_completed" otherwise). The enrolment row is locked
    first, so two calls at once give one certificate.
    """
    with transaction.atomic():
        locked = (
            Enrolment.objects.select_for_update()
            .select_related("citizen", "cohort__programme", "cohort__station")
            .get(pk=enrolment.pk)
        )
        existing = Certificate.objects.filter(enrolment=locked).first()
        if existing is not None:
            return existing
        if locked.outcome != Enrolment.Outcome.COMPLETED:
            raise ValidationError(
                _("A certificate is issued only for a completed course."), code="not_completed"
            )
        name_ar, name_en = _holder_names(locked.citizen)
        programme, station = locked.cohort.programme, locked.cohort.station
        certificate = Certificate.objects.create(
            enrolment=locked,
            code=_unused_code(),
            holder_name_ar=name_ar,
            holder_name_en=name_en,
            programme_title_ar=programme.title_ar,
            programme_title_en=programme.title_en or programme.title_ar,
            station_name_ar=station.name_ar,
            station_name_en=station.name_en or station.name_ar,
            hours=programme.total_hours,
            issued_on=local_today(),
        )
        certificate.refresh_from_db()  # the stored values, exactly as a payload builder will read them
        seal(kind=CERTIFICATE_KIND, record=certificate, payload=certificate_payload(certificate))
        _tell_holder(certificate, locked.citizen)
        # Rendering takes seconds: it runs after the commit, outside the lock, as its own retryable job.
        certificate_id = certificate.pk
        transaction.on_commit(lambda: render_certificate_pdf_task.delay(certificate_id))
    return certificate


@shared_task(bind=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def render_certificate_pdf_task(self, certificate_id: int) -> str:  # type: ignore[no-untyped-def]
    """Render and keep a certificate's PDF (if rendering fails for good, the download view renders it)."""
    certificate = Certificate.objects.select_related("enrolment__cohort__programme").get(pk=certificate_id)
    return str(ensure_pdf(certificate).pdf.name)


def ensure_pdf(certificate: Certificate) -> Certificate:
    """The certificate with its PDF stored (rendered now if it has none or the file is gone)."""
    from django.core.files.base import ContentFile

    from ..certificate_pdf import render_certificate_pdf

    if certificate.pk is not None:
        certificate.refresh_from_db(fields=["pdf"])  # another job may have stored it meanwhile
    if certificate.pdf and certificate.pdf.storage.exists(str(certificate.pdf.name)):
        return certificate
    data = render_certificate_pdf(certificate)
    certificate.pdf.save(f"certificate-{certificate.code}.pdf", ContentFile(data), save=False)
    Certificate.objects.filter(pk=certificate.pk).update(pdf=certificate.pdf.name)
    return certificate


def verify_url(certificate: Certificate) -> str:
    """The absolute address of the public verification page (printed as the QR code)."""
    return settings.SITE_URL + reverse("training:verify_certificate", kwargs={"code": certificate.code})


def _my_training_url() -> str:
    try:
        return settings.SITE_URL + reverse("training:my_training")
    except NoReverseMatch:
        return ""


def _tell_holder(certificate: Certificate, citizen: User) -> None:
    with translation.override(citizen.preferred_language or "ar"):
        english = (translation.get_language() or "ar")[:2] == "en"
        programme = certificate.programme_title_en if english else certificate.programme_title_ar
        code = format_code(certificate.code)
        my_training = _my_training_url()
        body = _("Congratulations! Your certificate for “%(programme)s” is ready (code %(code)s).") % {
            "programme": programme,
            "code": code,
        }
        if my_training:
            body += " " + _("Download it from My training: %(url)s") % {"url": my_training}
        body += " " + _("Anyone can check it here: %(url)s") % {"url": verify_url(certificate)}
        subject = _("Your Mahatat certificate: %(programme)s") % {"programme": programme}
    notify(email=citizen.email or "", phone=citizen.phone or "", subject=subject, body=body)


@shared_task(bind=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def issue_certificate_task(self, enrolment_id: int) -> int | None:  # type: ignore[no-untyped-def]
    """Issue the certificate of a completed enrolment (idempotent: a retry finds the one already issued)."""
    enrolment = Enrolment.objects.filter(pk=enrolment_id).first()
    if enrolment is None:
        return None
    try:
        return issue_certificate(enrolment=enrolment).pk
    except ValidationError as error:
        logger.warning("No certificate for enrolment %s: %s", enrolment_id, error.messages)
        return None


def issue_certificate_later(enrolment_id: int) -> None:
    """Issue the enrolment's certificate in a background job, once the caller's transaction commits.

    A plain function (call it directly, not with .delay): it queues `issue_certificate_task` on commit, so a
    rolled-back completion issues nothing.
    """
    transaction.on_commit(lambda: issue_certificate_task.delay(enrolment_id))


# --- Revoking ---------------------------------------------------------------------------------------------------


def revoke_certificate(*, certificate: Certificate, by: User, reason: str) -> Certificate:
    """Revoke a certificate, with the reason sealed in the ledger. A reason is required; revoking twice is refused."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            _("Please give the reason for revoking this certificate."), code="reason_required"
        )
    with transaction.atomic():
        locked = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if locked.revoked_at is not None:
            raise ValidationError(_("This certificate was already revoked."), code="already_revoked")
        locked.revoked_at = timezone.now()
        locked.revoked_by = by
        locked.revocation_reason = reason
        locked.save(update_fields=["revoked_at", "revoked_by", "revocation_reason"])
        locked.refresh_from_db(fields=["revoked_at", "revoked_by", "revocation_reason"])
        seal(kind=REVOCATION_KIND, record=locked, payload=revocation_payload(locked))
    certificate.revoked_at = locked.revoked_at
    certificate.revoked_by = locked.revoked_by
    certificate.revocation_reason = locked.revocation_reason
    return certificate
