"""Imports of cohorts and trainees from xlsx/csv files: upload, preview (checked, nothing saved), confirm."""

from __future__ import annotations

import csv
import io
import secrets
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mahatat.accounts.models import User
from mahatat.accounts.scope import stations_in_scope

from ..forms.imports import ImportForm
from ..import_formats import COLUMNS, Kind
from ..models import Cohort
from ..rules import COHORT_MANAGER_ROLES
from ..services import imports

SESSION_KEY = "training_import"


def _user(request: HttpRequest) -> User:
    user: User = request.user  # type: ignore[assignment]
    if not stations_in_scope(user, COHORT_MANAGER_ROLES).exists():
        raise PermissionDenied
    return user


def _language() -> str:
    return "ar" if (get_language() or "ar")[:2] == "ar" else "en"


def _render(request: HttpRequest, form: ImportForm, **extra: Any) -> HttpResponse:
    language = _language()
    formats = [
        (kind, label, [(c.header(language), c.required, c.help) for c in COLUMNS[kind]])
        for kind, label in Kind.CHOICES
    ]
    return render(request, "training/reports/import.html", {"form": form, "formats": formats, **extra})


@login_required
@require_http_methods(["GET", "POST"])
def import_page(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if request.method != "POST":
        form = ImportForm(user=user, initial={"kind": request.GET.get("kind") or Kind.COHORTS})
        return _render(request, form)
    form = ImportForm(request.POST, request.FILES, user=user)
    if not form.is_valid():
        return _render(request, form)
    kind = form.cleaned_data["kind"]
    cohort: Cohort | None = form.cleaned_data.get("cohort") if kind == Kind.TRAINEES else None
    result = imports.run_import(kind=kind, rows=form.rows, by=user, cohort=cohort, dry_run=True)
    if not result.ok:
        return _render(request, form, result=result, failed=True)
    token = secrets.token_urlsafe(16)
    request.session[SESSION_KEY] = {
        "token": token,
        "kind": kind,
        "cohort": cohort.pk if cohort else None,
        "rows": form.rows,
        "file": form.cleaned_data["file"].name,
    }
    return _render(
        request, form, result=result, preview=True, token=token, file_name=form.cleaned_data["file"].name
    )


@login_required
@require_POST
def import_confirm(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    stored = request.session.get(SESSION_KEY)
    if not stored or stored.get("token") != request.POST.get("token"):
        messages.error(request, _("This import was already done or has expired: upload the file again."))
        return redirect("training:import")
    del request.session[SESSION_KEY]
    kind = stored["kind"]
    cohort = None
    if kind == Kind.TRAINEES:
        form_for_scope = ImportForm(user=user)
        cohort = form_for_scope.fields["cohort"].queryset.filter(pk=stored["cohort"]).first()  # type: ignore[attr-defined]
        if cohort is None or imports.cohort_accepts_imports(cohort):
            messages.error(request, _("This cohort no longer accepts imports. Nothing was imported."))
            return redirect("training:import")
    rows = [(int(number), dict(values)) for number, values in stored["rows"]]
    result = imports.run_import(kind=kind, rows=rows, by=user, cohort=cohort, dry_run=False)
    form = ImportForm(user=user, initial={"kind": kind, "cohort": stored["cohort"]})
    if not result.ok:
        return _render(request, form, result=result, failed=True)
    return _render(request, form, result=result, done=True, file_name=stored["file"])


@login_required
@require_GET
def import_template(request: HttpRequest, kind: str, fmt: str) -> HttpResponse:
    _user(request)
    if kind not in Kind.VALUES or fmt not in ("xlsx", "csv"):
        raise Http404
    language = _language()
    headers = [c.header(language) for c in COLUMNS[kind]]
    name = f"mahatat-{kind}-{language}.{fmt}"
    if fmt == "csv":
        out = io.StringIO()
        csv.writer(out).writerow(headers)
        response = HttpResponse(
            ("\ufeff" + out.getvalue()).encode("utf-8"), content_type="text/csv; charset=utf-8"
        )
    else:
        from openpyxl import Workbook
        from openpyxl.styles import Font

        book = Workbook()
        sheet = book.active
        assert sheet is not None
        sheet.title = kind
        sheet.sheet_view.rightToLeft = language == "ar"
        sheet.append(headers)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
            sheet.column_dimensions[cell.column_letter].width = max(14, len(str(cell.value)) + 4)
            cell.number_format = "@"
        data = io.BytesIO()
        book.save(data)
        response = HttpResponse(
            data.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
