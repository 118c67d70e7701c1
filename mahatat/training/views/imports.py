"""Imports of cohorts and trainees from xlsx/csv files."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse


@login_required
def import_page(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied


@login_required
def import_confirm(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied


@login_required
def import_template(request: HttpRequest, kind: str, fmt: str) -> HttpResponse:
    raise PermissionDenied
