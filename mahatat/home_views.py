"""The home page: the one view that gathers several modules, so it lives with the project, not in an app."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from mahatat.core.dates import local_now
from mahatat.stations.selectors import featured_stations, network_summary

FEATURED_STATIONS = 6


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    now = local_now()
    return render(
        request,
        "home.html",
        {
            "summary": network_summary(),
            "featured": featured_stations(now=now, limit=FEATURED_STATIONS),
            "now": now,
        },
    )
