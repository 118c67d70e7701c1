"""Staff planning pages: the demand view, feedback and outcome results, and follow-ups entered for citizens."""

from __future__ import annotations

import datetime as dt
from typing import cast
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from mahatat.accounts.models import User
from mahatat.accounts.scope import holds_role_over_station
from mahatat.core.dates import local_today

from ..forms.planning import FollowUpForm
from ..models import OutcomeFollowUp
from ..rules import PLANNING_ROLES
from ..selectors import planning as selectors
from ..services import follow_ups as follow_up_service

DEFAULT_DAYS = 90
FOLLOW_UPS_PAGE_SIZE = 25


def _require_planner(request: HttpRequest) -> None:
    if not request.user.has_perm("training.view_demand"):
        raise PermissionDenied


def _period(
    request: HttpRequest, default_days: int = DEFAULT_DAYS
) -> tuple[dt.date, dt.date, dt.datetime, dt.datetime]:
    """The chosen days (both included) and the matching datetimes [since, until) in Amman time."""
    today = local_today()
    start = parse_date(request.GET.get("from") or "") if (request.GET.get("from") or "")[:10] else None
    end = parse_date(request.GET.get("to") or "") if (request.GET.get("to") or "")[:10] else None
    end = end or today
    start = start or end - dt.timedelta(days=default_days - 1)
    if start > end:
        start, end = end, start
    zone = ZoneInfo(settings.TIME_ZONE)
    since = dt.datetime.combine(start, dt.time(), tzinfo=zone)
    until = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), tzinfo=zone)
    return start, end, since, until


def _safe_period(request: HttpRequest, default_days: int = DEFAULT_DAYS):  # type: ignore[no-untyped-def]
    try:
        return _period(request, default_days), False
    except ValueError:  # a date that does not exist, such as 2026-02-31
        return _period(HttpRequest(), default_days), True


def _cohort_create_url() -> str:
    """B1's staff page for a new cohort, when it exists."""
    for name in ("training:staff_cohort_create", "training:cohort_create", "training:staff_cohorts"):
        try:
            return reverse(name)
        except NoReverseMatch:
            continue
    return ""


@login_required
@require_GET
def demand(request: HttpRequest) -> HttpResponse:
    _require_planner(request)
    (start, end, since, until), bad_date = _safe_period(request)
    station_code = (request.GET.get("station") or "").strip()[:40]
    rows = selectors.station_demand(request.user, since=since, until=until, station_code=station_code)  # type: ignore[arg-type]
    return render(
        request,
        "training/planning/demand.html",
        {
            "rows": rows,
            "any_station": selectors.any_station_waiters(request.user),  # type: ignore[arg-type]
            "stations": selectors.planning_stations(request.user),  # type: ignore[arg-type]
            "station_code": station_code,
            "start": start,
            "end": end,
            "bad_date": bad_date,
            "cohort_create_url": _cohort_create_url(),
        },
    )


@login_required
@require_GET
def feedback_results(request: HttpRequest) -> HttpResponse:
    _require_planner(request)
    (start, end, since, until), bad_date = _safe_period(request, default_days=365)
    station_code = (request.GET.get("station") or "").strip()[:40]
    user = request.user
    return render(
        request,
        "training/planning/feedback_results.html",
        {
            "results": selectors.feedback_results(user, since=since, until=until, station_code=station_code),  # type: ignore[arg-type]
            "outcomes": selectors.outcome_shares(user, since=since, until=until, station_code=station_code),  # type: ignore[arg-type]
            "stations": selectors.planning_stations(user),  # type: ignore[arg-type]
            "station_code": station_code,
            "start": start,
            "end": end,
            "bad_date": bad_date,
        },
    )


@login_required
@require_GET
def follow_ups(request: HttpRequest) -> HttpResponse:
    _require_planner(request)
    station_code = (request.GET.get("station") or "").strip()[:40]
    items = selectors.open_follow_ups(request.user, today=local_today(), station_code=station_code)  # type: ignore[arg-type]
    page = Paginator(items, FOLLOW_UPS_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(item, FollowUpForm(prefix=f"f{item.pk}")) for item in page.object_list]
    return render(
        request,
        "training/planning/follow_ups.html",
        {
            "page": page,
            "rows": rows,
            "stations": selectors.planning_stations(request.user),  # type: ignore[arg-type]
            "station_code": station_code,
        },
    )


@login_required
@require_POST
def follow_up_enter(request: HttpRequest, pk: int) -> HttpResponse:
    _require_planner(request)
    item = get_object_or_404(OutcomeFollowUp.objects.select_related("enrolment__cohort__station"), pk=pk)
    user = cast(User, request.user)
    if not user.is_superuser and not holds_role_over_station(
        user, item.enrolment.cohort.station, PLANNING_ROLES
    ):
        raise PermissionDenied
    form = FollowUpForm(request.POST, prefix=f"f{item.pk}")
    if not form.is_valid():
        messages.error(request, _("Answer all three questions with yes or no."))
    elif follow_up_service.record_answers(follow_up=item, entered_by=user, **form.cleaned_data):
        messages.success(request, _("The answers were saved."))
    else:
        messages.info(request, _("This follow-up was already answered."))
    next_url = request.POST.get("next") or ""
    if next_url.startswith(reverse("training:follow_ups")) and "//" not in next_url:
        return redirect(next_url)
    return redirect("training:follow_ups")
