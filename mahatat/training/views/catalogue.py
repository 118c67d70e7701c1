"""The public training catalogue, cohort pages and online enrolment."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse


def catalogue(request: HttpRequest) -> HttpResponse:
    return HttpResponse("")


def cohort(request: HttpRequest, pk: int) -> HttpResponse:
    return HttpResponse("")


def cohort_seats(request: HttpRequest, pk: int) -> HttpResponse:
    return HttpResponse("")


def enrol(request: HttpRequest, pk: int) -> HttpResponse:
    return HttpResponse("")


def cancel(request: HttpRequest, pk: int) -> HttpResponse:
    return HttpResponse("")
