"""Staff pages for the programmes the network offers: list, create and edit (training.manage_programmes)."""

from __future__ import annotations

import copy

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from ..forms.backoffice import ProgrammeForm
from ..models import Programme
from ..selectors import backoffice as selectors

PAGE_SIZE = 25


def _require(request: HttpRequest) -> None:
    if not request.user.has_perm("training.manage_programmes"):
        raise PermissionDenied


@login_required
@require_GET
def programmes(request: HttpRequest) -> HttpResponse:
    _require(request)
    q = (request.GET.get("q") or "").strip()[:100]
    page = Paginator(selectors.programme_list(q), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "training/backoffice/programmes.html", {"page": page, "q": q})


def _editor(request: HttpRequest, programme: Programme | None) -> HttpResponse:
    _require(request)
    instance = copy.copy(programme) if programme is not None else None
    form = ProgrammeForm(request.POST or None, instance=instance)
    if request.method == "POST":
        if form.is_valid():
            saved = form.save(commit=False)
            saved._history_user = request.user  # type: ignore[attr-defined]
            saved.save()
            messages.success(request, _("The programme is saved."))
            return redirect("training:programmes")
        messages.error(request, _("Nothing was saved. Correct the fields marked below and save again."))
        return render(
            request,
            "training/backoffice/programme_form.html",
            {"form": form, "programme": programme},
            status=400,
        )
    return render(request, "training/backoffice/programme_form.html", {"form": form, "programme": programme})


@login_required
@require_http_methods(["GET", "POST"])
def programme_create(request: HttpRequest) -> HttpResponse:
    return _editor(request, None)


@login_required
@require_http_methods(["GET", "POST"])
def programme_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _editor(request, get_object_or_404(Programme, pk=pk))
