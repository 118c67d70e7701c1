"""The trainer's roster (one tap per person, saved at once), the rotating QR check-in display, and the page a
citizen's phone opens after scanning the QR.

Roster and display: permission training.take_attendance over the session's cohort (its trainers, and staff who run
cohorts at its station); anyone else gets 403. The check-in page needs a signed-in citizen; a code seen valid
before signing in is honoured for a few minutes after (services.attendance.SIGN_IN_GRACE).
"""

from __future__ import annotations

import datetime as dt

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mahatat.accounts.models import User

from ..models import Attendance, Enrolment, TrainingSession
from ..selectors import attendance as selectors
from ..services import attendance as service
from ..services import checkin_codes

PENDING_KEY = "training_checkin_pending"
DURATION_CHOICES = (10, 20, 30, 60)


def _session_for(request: HttpRequest, pk: int) -> TrainingSession:
    session = selectors.session_for_attendance(pk)
    if session is None:
        raise Http404
    if not request.user.has_perm("training.take_attendance", session.cohort):
        raise PermissionDenied
    return session


def _is_htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


def _row_context(session: TrainingSession, row: selectors.RosterRow, **extra: object) -> dict[str, object]:
    return {"session": session, "row": row, "statuses": Attendance.Status.choices, **extra}


@login_required
@require_GET
def roster(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session_for(request, pk)
    return render(
        request,
        "training/attendance/roster.html",
        {
            "session": session,
            "cohort": session.cohort,
            "rows": selectors.roster_rows(session),
            "counts": selectors.counts(session),
            "statuses": Attendance.Status.choices,
            "checkin_open": service.checkin_is_open(session),
            "roster_text": {
                "saving": _("Saving…"),
                "saved": _("Saved"),
                "failed": _("Not saved: no connection. It will be sent again."),
                "refused": _("Not saved."),
                "retry": _("Retry"),
                "queued": _("Taps not sent yet: %(count)s. They are sent again when the connection is back."),
            },
        },
    )


@login_required
@require_POST
def roster_mark(request: HttpRequest, pk: int, enrolment_pk: int) -> HttpResponse:
    """One tap: set this person's mark. htmx gets the updated row (and the counts, out of band)."""
    session = _session_for(request, pk)
    enrolment = Enrolment.objects.filter(pk=enrolment_pk, cohort_id=session.cohort_id).first()
    if enrolment is None:
        raise Http404
    status = request.POST.get("status", "")
    error = ""
    try:
        service.mark(session=session, enrolment=enrolment, status=status, by=request.user)  # type: ignore[arg-type]
    except ValidationError as refusal:
        error = " ".join(refusal.messages)
    if not _is_htmx(request):
        if error:
            messages.error(request, error)
        return redirect("training:roster", pk=session.pk)
    rows = selectors.roster_rows(session, enrolment_id=enrolment.pk)
    if not rows:
        raise Http404
    response = render(
        request,
        "training/attendance/_roster_row.html",
        _row_context(
            session, rows[0], error=error, saved=not error, counts=selectors.counts(session), oob=True
        ),
        status=422 if error else 200,
    )
    return response


@login_required
@require_POST
def roster_mark_rest_absent(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session_for(request, pk)
    try:
        count = service.mark_unmarked_absent(session=session, by=request.user)  # type: ignore[arg-type]
    except ValidationError as refusal:
        messages.error(request, " ".join(refusal.messages))
    else:
        messages.success(request, _("%(count)s people marked absent.") % {"count": count})
    return redirect("training:roster", pk=session.pk)


# --- The check-in display (the trainer's screen) ---------------------------------------------------------------


def _checkin_url(session: TrainingSession, code: str) -> str:
    path = reverse("training:checkin", kwargs={"session_id": session.pk, "code": code})
    return f"{settings.SITE_URL}{path}"


def _qr_context(session: TrainingSession, now: dt.datetime) -> dict[str, object]:
    context: dict[str, object] = {"session": session, "open": service.checkin_is_open(session, now)}
    context["counts"] = selectors.counts(session)
    if context["open"]:
        url = _checkin_url(session, checkin_codes.current_code(session.pk, now))
        qr = segno.make(url, error="m")
        context.update(
            qr_svg=qr.svg_inline(scale=10, border=2, dark="#000", light="#fff", omitsize=True),
            url=url,
            seconds_left=checkin_codes.seconds_left(now),
        )
    return context


@login_required
@require_http_methods(["GET", "POST"])
def checkin_display(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session_for(request, pk)
    user: User = request.user  # type: ignore[assignment]
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "open":
                minutes_raw = request.POST.get("minutes", "")
                minutes = int(minutes_raw) if minutes_raw.isdecimal() else None
                service.open_checkin(session=session, by=user, minutes=minutes)
            elif action == "close":
                service.close_checkin(session=session, by=user)
                messages.success(request, _("Check-in is closed."))
                return redirect("training:roster", pk=session.pk)
        except ValidationError as refusal:
            messages.error(request, " ".join(refusal.messages))
        return redirect("training:checkin_display", pk=session.pk)
    context = _qr_context(session, timezone.now())
    context.update(cohort=session.cohort, durations=DURATION_CHOICES)
    return render(request, "training/attendance/checkin_display.html", context)


@never_cache
@login_required
@require_GET
def checkin_qr(request: HttpRequest, pk: int) -> HttpResponse:
    """The QR fragment, fetched again by the display at every new 30-second step."""
    session = _session_for(request, pk)
    return render(request, "training/attendance/_checkin_qr.html", _qr_context(session, timezone.now()))


# --- The citizen's phone -----------------------------------------------------------------------------------------


@never_cache
@require_GET
def checkin(request: HttpRequest, session_id: int, code: str) -> HttpResponse:
    """Opened by scanning the QR. Checks the citizen in at once (the code is a 60-second bearer token; scanning
    again changes nothing), and shows a big confirmation or a clear refusal."""
    now = timezone.now()
    if not request.user.is_authenticated:
        if checkin_codes.is_valid(session_id, code, now):
            # Seen valid now: honoured for a few minutes after signing in.
            request.session[PENDING_KEY] = {"session": session_id, "code": code, "at": now.isoformat()}
        return redirect_to_login(request.get_full_path())
    scanned_at = None
    pending = request.session.pop(PENDING_KEY, None)
    if isinstance(pending, dict) and pending.get("session") == session_id and pending.get("code") == code:
        try:
            scanned_at = dt.datetime.fromisoformat(str(pending.get("at")))
        except ValueError:
            scanned_at = None
    try:
        result = service.check_in(
            session_id=session_id,
            code=code,
            citizen=request.user,  # type: ignore[arg-type]
            now=now,
            scanned_at=scanned_at,
        )
    except ValidationError as refusal:
        return render(
            request,
            "training/attendance/checkin_result.html",
            {"refusal": " ".join(refusal.messages), "refusal_code": refusal.code},
            status=400 if refusal.code in ("invalid_code", "code_expired") else 403,
        )
    return render(
        request,
        "training/attendance/checkin_result.html",
        {"result": result, "session": result.session, "cohort": result.session.cohort},
    )
