"""The public training catalogue, cohort pages and online enrolment."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.cache import patch_vary_headers
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import push_url

from mahatat.accounts.models import User
from mahatat.core.arabic_text import fold
from mahatat.core.dates import local_now

from ..models import Cohort, Enrolment
from ..selectors import catalogue as selectors
from ..services import enrolment as enrolment_service

PAGE_SIZE = 12
# The seats box on a cohort page asks for fresh numbers this often (seconds).
SEATS_POLL_SECONDS = 15
# Refusals that a change to the citizen's profile can fix: the message links to the profile page.
PROFILE_CODES = {"no_profile", "no_birth_year"}
# A search-miss is updated rather than added while the same visitor keeps typing the same search.
MISS_SESSION_KEY = "training_catalogue_miss"


def _partial_request(request: HttpRequest) -> bool:
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.history_restore_request  # type: ignore[union-attr]


def _clean_url(path: str, filters: selectors.CatalogueFilters, page: int) -> str:
    query = QueryDict(mutable=True)
    query.update(filters.as_query())
    if page > 1:
        query["page"] = str(page)
    return f"{path}?{query.urlencode()}" if query else path


def _url_or_none(name: str, **kwargs: Any) -> str | None:
    try:
        return reverse(name, kwargs=kwargs or None)
    except NoReverseMatch:
        return None


def _record_miss(request: HttpRequest, filters: selectors.CatalogueFilters) -> None:
    """Keep a search that found nothing, once per request, as unmet demand.

    While someone types ("ا", "اك", "اكسل"), each pause sends a search: the row of their previous miss is
    updated when the new text extends or shortens it with the same filters, so one search gives one row.
    """
    key = [filters.station, filters.governorate, filters.topic]
    folded = fold(filters.q)
    previous = request.session.get(MISS_SESSION_KEY)
    if previous and previous.get("filters") == key:
        before = previous.get("folded", "")
        if folded and before and (folded.startswith(before) or before.startswith(folded)):
            updated = selectors.CatalogueSearchMiss.objects.filter(pk=previous.get("id")).update(
                query=filters.q[:200], folded=folded[:200]
            )
            if updated:
                request.session[MISS_SESSION_KEY] = {**previous, "folded": folded}
                return
    miss = selectors.record_miss(filters)
    request.session[MISS_SESSION_KEY] = {"id": miss.pk, "folded": folded, "filters": key}


@require_GET
def catalogue(request: HttpRequest) -> HttpResponse:
    filters = selectors.CatalogueFilters.from_query(request.GET)
    choices = selectors.filter_choices()
    # A station or governorate that is not offered (closed, or a made-up number) is let go.
    if filters.station and int(filters.station) not in {s.pk for s in choices["stations"]}:
        filters.station = ""
    if filters.governorate and int(filters.governorate) not in {g.pk for g in choices["governorates"]}:
        filters.governorate = ""
    page = Paginator(selectors.catalogue(filters), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(cohort, selectors.schedule_summary(list(cohort.sessions.all()))) for cohort in page.object_list]
    partial = _partial_request(request)
    history_restore = bool(getattr(request, "htmx", None)) and not partial
    if not rows and filters.active and not history_restore:
        _record_miss(request, filters)
    context = {
        "filters": filters,
        "page": page,
        "rows": rows,
        "partial": partial,
        "needs_survey_url": _url_or_none("training:needs_survey"),
        **choices,
    }
    template = "training/catalogue/catalogue.html#results" if partial else "training/catalogue/catalogue.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    if partial:
        push_url(response, _clean_url(request.path, filters, page.number))
    return response


def _cohort_or_404(pk: int) -> Cohort:
    cohort = selectors.public_cohort(pk)
    if cohort is None:
        raise Http404
    return cohort


def _seats_key(cohort: Cohort) -> str:
    return f"{cohort.status}-{cohort.seats_left}-{cohort.waiting}"  # type: ignore[attr-defined]


@require_GET
def cohort(request: HttpRequest, pk: int) -> HttpResponse:
    cohort = _cohort_or_404(pk)
    now = local_now()
    sessions = list(cohort.sessions.all())
    place = selectors.place_of(cohort, request.user)
    staff_url = None
    if request.user.is_authenticated and request.user.has_perm("training.manage_cohort", cohort.station):
        staff_url = _url_or_none("training:staff_cohort", pk=cohort.pk)
    context = {
        "cohort": cohort,
        "programme": cohort.programme,
        "sessions": sessions,
        "trainers": list(cohort.trainers.all()),
        "summary": selectors.schedule_summary(sessions),
        "place": place,
        "offer_url": _url_or_none("training:offer", pk=place.enrolment.pk) if place else None,
        "window": _window(cohort, now),
        "seats_key": _seats_key(cohort),
        "poll_seconds": SEATS_POLL_SECONDS,
        "staff_url": staff_url,
        "now": now,
    }
    return render(request, "training/catalogue/cohort.html", context)


def _window(cohort: Cohort, now: Any) -> str:
    """Where the enrolment window stands: "before", "open" or "closed"."""
    if now < cohort.enrolment_opens:
        return "before"
    if now >= cohort.enrolment_closes or cohort.status not in enrolment_service.ENROLLABLE_STATUSES:
        return "closed"
    return "open"


@require_GET
def cohort_seats(request: HttpRequest, pk: int) -> HttpResponse:
    """The seats box alone, polled by the cohort page. Nothing changed since the page last asked: 204, so the
    page swaps nothing and screen readers announce nothing."""
    cohort = selectors.seats_of(pk)
    if cohort is None:
        raise Http404
    key = _seats_key(cohort)
    if request.GET.get("shown") == key:
        return HttpResponse(status=204)
    context = {
        "cohort": cohort,
        "seats_key": key,
        "poll_seconds": SEATS_POLL_SECONDS,
        "window": _window(cohort, local_now()),
    }
    response = render(request, "training/catalogue/_seats.html", context)
    response["Cache-Control"] = "no-store"
    return response


def _refusal(request: HttpRequest, error: ValidationError) -> None:
    text = " ".join(str(m) for m in error.messages)
    if getattr(error, "code", None) in PROFILE_CODES:
        profile_url = _url_or_none("accounts:profile")
        if profile_url:
            link = format_html('<a href="{}">{}</a>', profile_url, _("Complete your profile"))
            messages.error(request, format_html("{} {}", text, link))
            return
    messages.error(request, text)


@login_required
@require_POST
def enrol(request: HttpRequest, pk: int) -> HttpResponse:
    cohort = _cohort_or_404(pk)
    try:
        enrolment = enrolment_service.enrol(cohort_id=cohort.pk, citizen=cast(User, request.user))
    except ValidationError as error:
        _refusal(request, error)
    else:
        if enrolment.status == Enrolment.Status.ENROLLED:
            messages.success(request, _("You have a seat in this course."))
        else:
            place = selectors.place_of(cohort, request.user)
            position = place.position if place and place.position else 1
            messages.info(
                request,
                _("The course is full: you are number %(position)s on the waitlist.")
                % {"position": position},
            )
    return redirect(cohort.get_absolute_url())


@login_required
@require_http_methods(["GET", "POST"])
def cancel(request: HttpRequest, pk: int) -> HttpResponse:
    cohort = _cohort_or_404(pk)
    place = selectors.place_of(cohort, request.user)
    if place is None:
        messages.info(request, _("You have no place in this course to cancel."))
        return redirect(cohort.get_absolute_url())
    if request.method == "POST":
        try:
            enrolment_service.cancel(enrolment=place.enrolment, by=cast(User, request.user))
        except ValidationError as error:
            messages.error(request, " ".join(str(m) for m in error.messages))
        else:
            messages.success(request, _("Your place in this course is cancelled."))
        return redirect(cohort.get_absolute_url())
    return render(request, "training/catalogue/cancel.html", {"cohort": cohort, "place": place})
