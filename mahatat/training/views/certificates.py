"""Certificates: the public verification page (no sign-in), the holder's PDF, staff revocation, the ledger key."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from mahatat.core.ledger import (
    RecordStatus,
    entry_for,
    public_key_base64_text,
    public_key_pem,
    trusted_public_keys,
    verify_record,
)
from mahatat.core.models import LedgerCheckpoint

from ..models import Certificate
from ..services import certificates as service

LATEST_CHECKPOINTS = 10


def _not_found(request: HttpRequest, typed: str = "") -> HttpResponse:
    response = render(
        request,
        "training/certificates/not_found.html",
        {"typed": typed[:40]},
        status=404,
    )
    response["X-Robots-Tag"] = "noindex"
    return response


def _certificate_or_none(code: str) -> Certificate | None:
    normal = service.normalize_code(code)
    if normal is None:
        return None
    return (
        Certificate.objects.select_related("enrolment__cohort__station", "enrolment__cohort__programme")
        .filter(code=normal)
        .first()
    )


@require_GET
def verify_lookup(request: HttpRequest) -> HttpResponse:
    """A form to type a code; with ?code=..., go to that certificate's page."""
    typed = request.GET.get("code", "")
    if typed:
        normal = service.normalize_code(typed)
        if normal is not None:
            return redirect("training:verify_certificate", code=normal)
        return _not_found(request, typed)
    return render(request, "training/certificates/lookup.html", {})


@require_GET
@never_cache
def verify_certificate(request: HttpRequest, code: str) -> HttpResponse:
    certificate = _certificate_or_none(code)
    if certificate is None:
        return _not_found(request, code)
    if code != certificate.code:  # one address per certificate
        return redirect("training:verify_certificate", code=certificate.code)
    issue_check = verify_record(certificate, kind=service.CERTIFICATE_KIND)
    revocation_check = None
    if certificate.is_revoked or entry_for(certificate, kind=service.REVOCATION_KIND) is not None:
        revocation_check = verify_record(certificate, kind=service.REVOCATION_KIND)
    problems = [
        check.status
        for check in (issue_check, revocation_check)
        if check is not None and check.status != RecordStatus.INTACT
    ]
    response = render(
        request,
        "training/certificates/verify.html",
        {
            "certificate": certificate,
            "code": service.format_code(certificate.code),
            "issue_check": issue_check,
            "revocation_check": revocation_check,
            "ledger_ok": not problems,
            "Status": RecordStatus,
        },
    )
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "no-referrer"
    return response


def _can_download(user: object, certificate: Certificate) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if certificate.enrolment.citizen_id == user.pk:  # type: ignore[attr-defined]
        return True
    return bool(user.has_perm("training.manage_cohort", certificate.enrolment.cohort.station))  # type: ignore[attr-defined]


@login_required
@require_GET
def certificate_pdf(request: HttpRequest, code: str) -> HttpResponseBase:
    certificate = _certificate_or_none(code)
    if certificate is None or not _can_download(request.user, certificate):
        raise Http404
    service.ensure_pdf(certificate)
    certificate.pdf.open("rb")
    response = FileResponse(
        certificate.pdf, content_type="application/pdf", filename=f"certificate-{certificate.code}.pdf"
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def revoke(request: HttpRequest, code: str) -> HttpResponse:
    certificate = _certificate_or_none(code)
    if certificate is None:
        raise Http404
    if not request.user.has_perm("training.revoke_certificate", certificate.enrolment.cohort.station):
        raise PermissionDenied
    reason = ""
    error = ""
    if request.method == "POST":
        reason = request.POST.get("reason", "")[:2000]
        try:
            service.revoke_certificate(certificate=certificate, by=request.user, reason=reason)  # type: ignore[arg-type]
        except ValidationError as exc:
            error = exc.messages[0]
        else:
            messages.success(request, _("The certificate was revoked. Its verification page now says so."))
            return redirect("training:verify_certificate", code=certificate.code)
    return render(
        request,
        "training/certificates/revoke.html",
        {
            "certificate": certificate,
            "code": service.format_code(certificate.code),
            "reason": reason,
            "error": error,
        },
        status=400 if error else 200,
    )


def _checkpoints() -> list[LedgerCheckpoint]:
    return list(LedgerCheckpoint.objects.order_by("-seq", "-id")[:LATEST_CHECKPOINTS])


@require_GET
def ledger_key(request: HttpRequest) -> HttpResponse:
    key_ids = list(trusted_public_keys())  # the current signing key first, then earlier ones
    return render(
        request,
        "training/certificates/ledger_key.html",
        {
            "pem": public_key_pem(),
            "base64": public_key_base64_text(),
            "key_id": key_ids[0],
            "earlier_keys": key_ids[1:],
            "checkpoints": _checkpoints(),
        },
    )


@require_GET
def ledger_key_text(request: HttpRequest) -> HttpResponse:
    lines = [
        "# Mahatat ledger: public checkpoint key (Ed25519)",
        f"# key id: {next(iter(trusted_public_keys()))}",
        public_key_pem().strip(),
        "",
        "# raw public key, base64",
        public_key_base64_text(),
        "",
        "# trusted key ids (current first)",
        *trusted_public_keys().keys(),
        "",
        "# latest checkpoints: seq entry_hash signed_at(UTC) key_id signature(base64)",
    ]
    for checkpoint in _checkpoints():
        lines.append(
            f"{checkpoint.seq} {checkpoint.entry_hash} {checkpoint.signed_at.isoformat()} "
            f"{checkpoint.key_id} {checkpoint.signature}"
        )
    response = HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="mahatat-ledger-key.txt"'
    return response
