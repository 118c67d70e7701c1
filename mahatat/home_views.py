"""The home page: the one view that gathers several modules, so it lives with the project, not in an app."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from mahatat.stations.selectors import network_summary


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "home.html", {"summary": network_summary()})
