"""Public station directory and station pages, and the back office where staff keep their stations current."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from mahatat.accounts.scope import stations_in_scope

from . import selectors
from .forms import StationForm
from .models import Station
from .opening_hours import weekly_table

PAGE_SIZE = 12


@require_GET
def directory(request: HttpRequest) -> HttpResponse:
    filters = selectors.DirectoryFilters.from_query(request.GET)
    page = Paginator(selectors.directory(filters), PAGE_SIZE).get_page(request.GET.get("page"))
    holidays = selectors.upcoming_holidays()
    rows = [(station, selectors.status_for(station, holidays)) for station in page.object_list]
    markers = [
        {
            "code": s.code,
            "name": s.name,
            "lat": float(s.latitude),
            "lng": float(s.longitude),
            "url": s.get_absolute_url(),
        }
        for s, _status in rows
        if s.has_location
    ]
    context = {
        "filters": filters,
        "page": page,
        "rows": rows,
        "markers_json": json.dumps(markers, ensure_ascii=False),
        **selectors.filter_choices(),
    }
    template = "stations/directory.html#results" if request.htmx else "stations/directory.html"  # type: ignore[attr-defined]
    return render(request, template, context)


@require_GET
def detail(request: HttpRequest, code: str) -> HttpResponse:
    station = get_object_or_404(selectors.stations_with_hours(Station.objects.public()), code=code)
    holidays = selectors.upcoming_holidays()
    return render(
        request,
        "stations/detail.html",
        {
            "station": station,
            "status": selectors.status_for(station, holidays),
            "week": weekly_table(station.opening_hours.all()),
            "upcoming_closures": selectors.upcoming_closures(station, holidays),
            "partners": list(station.partners.all()),
        },
    )


@login_required
@require_GET
def backoffice(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("stations.view_backoffice"):
        raise PermissionDenied
    stations = stations_in_scope(request.user).with_geography().order_by("code")  # type: ignore[arg-type]
    page = Paginator(stations, 25).get_page(request.GET.get("page"))
    return render(request, "stations/backoffice.html", {"page": page})


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, code: str) -> HttpResponse:
    station = get_object_or_404(Station.objects.with_geography(), code=code)
    if not request.user.has_perm("stations.change_station", station):
        # Outside the user's scope the station does not exist for them.
        if request.user.has_perm("stations.view_station_backoffice", station):
            raise PermissionDenied
        return render(request, "404.html", status=404)
    form = StationForm(request.POST or None, request.FILES or None, instance=station)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The station is saved."))
        return redirect("stations:edit", code=station.code)
    return render(request, "stations/edit.html", {"station": station, "form": form})
