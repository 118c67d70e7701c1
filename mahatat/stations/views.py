"""Public station directory and station pages, and the back office where staff keep their stations current."""

from __future__ import annotations

import copy
import datetime as dt
import json
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import push_url

from mahatat.accounts.scope import stations_in_scope
from mahatat.core.dates import local_now, local_today
from mahatat.core.models import localized

from . import selectors, services
from .forms import (
    HoursExceptionFormSet,
    OpeningHoursFormSet,
    PublicHolidayForm,
    StationAdminForm,
    StationForm,
    exceptions_initial,
    hours_initial,
)
from .models import PublicHoliday, Station, StationQuerySet
from .opening_hours import weekly_table

PAGE_SIZE = 12
BACKOFFICE_PAGE_SIZE = 25


def _partial_request(request: HttpRequest) -> bool:
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.history_restore_request  # type: ignore[union-attr]


def _clean_url(path: str, filters: selectors.DirectoryFilters, page: int) -> str:
    query = QueryDict(mutable=True)
    for key in ("q", "governorate", "area"):
        if value := getattr(filters, key):
            query[key] = value
    if page > 1:
        query["page"] = str(page)
    return f"{path}?{query.urlencode()}" if query else path


@require_GET
def directory(request: HttpRequest) -> HttpResponse:
    filters = selectors.DirectoryFilters.from_query(request.GET)
    choices = selectors.filter_choices(filters.governorate)
    if filters.area and int(filters.area) not in {a.pk for a in choices["areas"]}:
        filters.area = ""  # the area follows the governorate: one outside it is let go
    now = local_now()
    stations = selectors.directory(filters)
    page = Paginator(selectors.stations_with_hours(stations, today=now.date()), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    holidays = selectors.upcoming_holidays(now.date())
    rows = [(station, selectors.status_for(station, holidays, now)) for station in page.object_list]
    context = {
        "filters": filters,
        "page": page,
        "rows": rows,
        "markers_json": json.dumps(selectors.directory_markers(stations), ensure_ascii=False),
        "partial": _partial_request(request),
        "now": now,
        **choices,
    }
    template = "stations/directory.html#results" if context["partial"] else "stations/directory.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    if context["partial"]:
        # The address bar gets a clean URL: no empty filters, no area that was let go, no "page=1".
        push_url(response, _clean_url(request.path, filters, page.number))
    return response


@require_GET
def detail(request: HttpRequest, code: str) -> HttpResponse:
    now = local_now()
    station = get_object_or_404(
        selectors.stations_with_hours(Station.objects.public(), today=now.date()).prefetch_related(
            "partners"
        ),
        code=code,
    )
    holidays = selectors.upcoming_holidays(now.date())
    return render(
        request,
        "stations/detail.html",
        {
            "station": station,
            "status": selectors.status_for(station, holidays, now),
            "week": weekly_table(station.opening_hours.all(), today=now.date()),
            "special_days": selectors.upcoming_special_days(station, holidays, now.date()),
            "partners": list(station.partners.all()),
            "markers_json": json.dumps(selectors.station_markers(station), ensure_ascii=False),
            "now": now,
        },
    )


# --- Back office ----------------------------------------------------------------------------------------------


@login_required
@require_GET
def backoffice(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("stations.view_backoffice"):
        raise PermissionDenied
    q = (request.GET.get("q") or "").strip()[:100]
    status = request.GET.get("status") or ""
    # stations_in_scope filters Station.objects, so what it gives is a StationQuerySet.
    in_scope = cast(StationQuerySet, stations_in_scope(request.user))  # type: ignore[arg-type]
    stations = in_scope.with_geography().search(q)
    if status in Station.Status.values:
        stations = stations.filter(status=status)
    page = Paginator(stations.order_by("code"), BACKOFFICE_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(s, request.user.has_perm("stations.change_station", s)) for s in page.object_list]
    return render(
        request,
        "stations/backoffice.html",
        {
            "page": page,
            "rows": rows,
            "q": q,
            "status": status,
            "statuses": Station.Status.choices,
            "can_add": request.user.has_perm("stations.add_station"),
            "can_manage_holidays": request.user.has_perm("stations.change_publicholiday"),
        },
    )


def _station_for_editing(request: HttpRequest, code: str) -> Station:
    station = get_object_or_404(Station.objects.with_geography().prefetch_related("opening_hours"), code=code)
    if not request.user.has_perm("stations.change_station", station):
        # Someone who works at the station may see that it exists; to anyone else it does not.
        if request.user.has_perm("stations.view_station_backoffice", station):
            raise PermissionDenied
        raise Http404
    return station


def _editor_forms(request: HttpRequest, station: Station | None) -> dict[str, Any]:
    data = request.POST if request.method == "POST" else None
    files = request.FILES if request.method == "POST" else None
    form_class = StationAdminForm if request.user.has_perm("stations.add_station") else StationForm
    # The form works on a copy: the page keeps showing the saved name when the input is refused.
    instance = copy.copy(station) if station is not None else None
    return {
        "form": form_class(data, files, instance=instance),
        "hours": OpeningHoursFormSet(data, initial=hours_initial(station), prefix="hours"),
        "exceptions": HoursExceptionFormSet(data, initial=exceptions_initial(station), prefix="exceptions"),
    }


def _all_valid(forms: dict[str, Any]) -> bool:
    results = [f.is_valid() for f in forms.values()]  # every form is validated, so that every error shows
    return all(results)


def _render_editor(
    request: HttpRequest, station: Station | None, forms: dict[str, Any], *, status: int = 200
) -> HttpResponse:
    context = {
        "station": station,
        "history": selectors.station_history(station) if station is not None else [],
        "today": local_today(),
        **forms,
    }
    return render(request, "stations/edit.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, code: str) -> HttpResponse:
    station = _station_for_editing(request, code)
    forms = _editor_forms(request, station)
    if request.method == "POST":
        if _all_valid(forms):
            try:
                changed = services.update_station(
                    station=station,
                    changes=forms["form"].changes(),
                    hours=forms["hours"].periods(),
                    exceptions=forms["exceptions"].exceptions(),
                    by=request.user,
                )
            except ValidationError as error:
                forms["form"].add_error(None, error)
            else:
                if changed:
                    messages.success(request, _("The station is saved."))
                else:
                    messages.info(request, _("Nothing was changed."))
                return redirect("stations:edit", code=station.code)
        messages.error(request, _("Nothing was saved. Correct the fields marked below and save again."))
        return _render_editor(request, station, forms, status=400)
    return _render_editor(request, station, forms)


@login_required
@require_http_methods(["GET", "POST"])
def create(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("stations.add_station"):
        raise PermissionDenied
    forms = _editor_forms(request, None)
    if request.method == "POST":
        if _all_valid(forms):
            try:
                station = services.create_station(
                    changes=forms["form"].changes(),
                    hours=forms["hours"].periods(),
                    exceptions=forms["exceptions"].exceptions(),
                    by=request.user,
                )
            except ValidationError as error:
                forms["form"].add_error(None, error)
            else:
                messages.success(request, _("The station is created."))
                return redirect("stations:edit", code=station.code)
        messages.error(request, _("Nothing was saved. Correct the fields marked below and save again."))
        return _render_editor(request, None, forms, status=400)
    return _render_editor(request, None, forms)


# --- Public holidays ------------------------------------------------------------------------------------------


def _holidays_listed(show_past: bool) -> QuerySet[PublicHoliday]:
    holidays = PublicHoliday.objects.select_related("governorate").order_by("date", "governorate__name_en")
    if not show_past:
        holidays = holidays.filter(date__gte=local_today() - dt.timedelta(days=30))
    return holidays


@login_required
@require_http_methods(["GET", "POST"])
def holidays(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("stations.change_publicholiday"):
        raise PermissionDenied
    form = PublicHolidayForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if not request.user.has_perm("stations.add_publicholiday"):
            raise PermissionDenied
        if form.is_valid():
            holiday = services.save_holiday(holiday=None, changes=form.cleaned_data, by=request.user)
            messages.success(
                request, _("The holiday %(name)s is added.") % {"name": localized(holiday, "name")}
            )
            return redirect("stations:holidays")
    show_past = request.GET.get("past") == "1"
    page = Paginator(_holidays_listed(show_past), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "stations/holidays.html",
        {"form": form, "page": page, "show_past": show_past},
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def holiday_edit(request: HttpRequest, pk: int) -> HttpResponse:
    if not request.user.has_perm("stations.change_publicholiday"):
        raise PermissionDenied
    holiday = get_object_or_404(PublicHoliday, pk=pk)
    form = PublicHolidayForm(request.POST if request.method == "POST" else None, instance=copy.copy(holiday))
    if request.method == "POST" and form.is_valid():
        services.save_holiday(holiday=holiday, changes=form.cleaned_data, by=request.user)
        messages.success(request, _("The holiday is saved."))
        return redirect("stations:holidays")
    return render(
        request,
        "stations/holiday_edit.html",
        {"form": form, "holiday": holiday},
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
@require_POST
def holiday_delete(request: HttpRequest, pk: int) -> HttpResponse:
    if not request.user.has_perm("stations.delete_publicholiday"):
        raise PermissionDenied
    holiday = get_object_or_404(PublicHoliday, pk=pk)
    services.delete_holiday(holiday=holiday, by=request.user)
    messages.success(request, _("The holiday is removed."))
    return redirect("stations:holidays")
