"""Staff pages for the trainer pool the network shares: the list, a trainer's page (qualifications, topics,
weekly availability, upcoming sessions, hours taught per station, feedback ratings), create and edit."""

from __future__ import annotations

import copy

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from mahatat.stations.models import Station

from ..forms.backoffice import AvailabilityFormSet, TrainerForm
from ..models import Topic, Trainer
from ..selectors import backoffice as selectors

PAGE_SIZE = 25


def _may_view(request: HttpRequest) -> bool:
    return bool(
        request.user.has_perm("training.manage_trainers") or request.user.has_perm("training.view_cohorts")
    )


@login_required
@require_GET
def trainers(request: HttpRequest) -> HttpResponse:
    if not _may_view(request):
        raise PermissionDenied
    filters = selectors.TrainerFilters.from_query(request.GET)
    page = Paginator(selectors.trainer_list(filters), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "training/backoffice/trainers.html",
        {
            "page": page,
            "filters": filters,
            "topics": Topic.choices,
            "stations": list(Station.objects.order_by("code")),
            "can_manage": request.user.has_perm("training.manage_trainers"),
        },
    )


@login_required
@require_GET
def trainer(request: HttpRequest, pk: int) -> HttpResponse:
    if not _may_view(request):
        raise PermissionDenied
    person = get_object_or_404(
        Trainer.objects.select_related("home_station", "user").prefetch_related("availability"), pk=pk
    )
    topic_labels = dict(Topic.choices)
    return render(
        request,
        "training/backoffice/trainer.html",
        {
            "trainer": person,
            "topics": [topic_labels.get(t, t) for t in person.topics or []],
            "availability": list(person.availability.all()),
            "upcoming": selectors.trainer_upcoming_sessions(person),
            "hours": selectors.trainer_hours_by_station(person),
            "rating": selectors.trainer_rating(person),
            "can_manage": request.user.has_perm("training.manage_trainers"),
        },
    )


def _editor(request: HttpRequest, person: Trainer | None) -> HttpResponse:
    if not request.user.has_perm("training.manage_trainers"):
        raise PermissionDenied
    data = request.POST if request.method == "POST" else None
    instance = copy.copy(person) if person is not None else Trainer()
    form = TrainerForm(data, instance=instance)
    availability = AvailabilityFormSet(data, instance=instance, prefix="availability")
    if request.method == "POST":
        valid = [form.is_valid(), availability.is_valid()]
        if all(valid):
            with transaction.atomic():
                saved = form.save(commit=False)
                saved._history_user = request.user  # type: ignore[attr-defined]
                saved.save()
                availability.instance = saved
                availability.save()
            messages.success(request, _("The trainer is saved."))
            return redirect("training:trainer", pk=saved.pk)
        messages.error(request, _("Nothing was saved. Correct the fields marked below and save again."))
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "training/backoffice/trainer_form.html",
        {"trainer": person, "form": form, "availability": availability},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def trainer_create(request: HttpRequest) -> HttpResponse:
    return _editor(request, None)


@login_required
@require_http_methods(["GET", "POST"])
def trainer_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _editor(request, get_object_or_404(Trainer, pk=pk))
