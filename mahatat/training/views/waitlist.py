"""The offer page: a citizen (often arriving from an SMS) accepts or declines a seat offered to them, or asks to
be offered a seat at any other station while they wait."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from ..models import Enrolment
from ..services import waitlist as service
from ..services.waitlist import distance_km


def _own_enrolment(request: HttpRequest, pk: int) -> Enrolment:
    """The signed-in citizen's own place; anyone else's is a 404 (not a 403: it does not say it exists)."""
    return get_object_or_404(
        Enrolment.objects.select_related(
            "cohort__programme", "cohort__station", "offered_from__cohort__station"
        ),
        pk=pk,
        citizen=request.user,
    )


def _refusal(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


@require_GET
@login_required
def offer(request: HttpRequest, pk: int) -> HttpResponse:
    enrolment = _own_enrolment(request, pk)
    now = timezone.now()
    seconds_left = 0
    if enrolment.status == Enrolment.Status.OFFERED and enrolment.offer_expires_at:
        seconds_left = max(0, int((enrolment.offer_expires_at - now).total_seconds()))
    position = None
    if enrolment.status == Enrolment.Status.WAITLISTED:
        position = (
            Enrolment.objects.filter(
                cohort_id=enrolment.cohort_id,
                status=Enrolment.Status.WAITLISTED,
                created_at__lte=enrolment.created_at,
            )
            .exclude(created_at=enrolment.created_at, pk__gt=enrolment.pk)
            .count()
        )
    origin = enrolment.offered_from
    km = None
    if origin is not None:
        km = distance_km(origin.cohort.station, enrolment.cohort.station)
        km = None if km == float("inf") else round(km, 1)
    pending_elsewhere = None
    if enrolment.status == Enrolment.Status.WAITLISTED:
        pending_elsewhere = (
            Enrolment.objects.filter(offered_from=enrolment, status=Enrolment.Status.OFFERED)
            .select_related("cohort__station")
            .first()
        )
    return render(
        request,
        "training/waitlist/offer.html",
        {
            "enrolment": enrolment,
            "cohort": enrolment.cohort,
            "origin": origin,
            "origin_active": origin is not None and origin.status in Enrolment.ACTIVE,
            "distance_km": km,
            "seconds_left": seconds_left,
            "hours_left": seconds_left // 3600,
            "minutes_left": (seconds_left % 3600) // 60,
            "expired": enrolment.status == Enrolment.Status.OFFERED and seconds_left == 0,
            "position": position,
            "pending_elsewhere": pending_elsewhere,
        },
    )


@require_POST
@login_required
def accept(request: HttpRequest, pk: int) -> HttpResponse:
    enrolment = _own_enrolment(request, pk)
    try:
        service.accept_offer(enrolment=enrolment)
    except ValidationError as error:
        _refusal(request, error)
    else:
        messages.success(request, _("The seat is yours. We look forward to seeing you."))
    return redirect("training:offer", pk=pk)


@require_POST
@login_required
def decline(request: HttpRequest, pk: int) -> HttpResponse:
    enrolment = _own_enrolment(request, pk)
    try:
        service.decline_offer(enrolment=enrolment)
    except ValidationError as error:
        _refusal(request, error)
    else:
        if enrolment.offered_from_id:
            messages.success(request, _("You declined the seat. You keep your place on your waitlist."))
        else:
            messages.success(request, _("You declined the seat. It has been offered to the next person."))
    return redirect("training:offer", pk=pk)


@require_POST
@login_required
def any_station(request: HttpRequest, pk: int) -> HttpResponse:
    enrolment = _own_enrolment(request, pk)
    try:
        made = service.ask_for_any_station(enrolment=enrolment)
    except ValidationError as error:
        _refusal(request, error)
        return redirect("training:offer", pk=pk)
    if made is not None:
        messages.success(
            request,
            _("A seat is free at %(station)s: it is held for you now. Accept it or decline it below.")
            % {"station": made.cohort.station.name},
        )
        return redirect("training:offer", pk=made.pk)
    messages.success(
        request,
        _("Done. When a seat frees up at another station, we will offer it to you by SMS and e-mail."),
    )
    return redirect("training:offer", pk=pk)
