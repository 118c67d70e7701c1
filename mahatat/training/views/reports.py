"""Training reports for staff, on screen and as xlsx/csv downloads with the same filters."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from mahatat.accounts.models import User
from mahatat.core.dates import local_today

from .. import reports_export
from ..models import Topic
from ..selectors import reports as selectors


def _display(kind: str, value: object) -> str:
    if value is None or value == "":
        return "—"
    if kind == "share":
        return f"{Decimal(str(value)) * 100:.1f}%"
    return str(value)


def _cells(row: selectors.ReportRow, cols: list[tuple[str, str, Any]]) -> list[tuple[str, str]]:
    return [(kind, _display(kind, value(row))) for _header, kind, value in cols]


@login_required
@require_GET
def reports(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("training.view_reports"):
        raise PermissionDenied
    user: User = request.user  # type: ignore[assignment]
    filters = selectors.ReportFilters.from_query(request.GET)
    report = selectors.build_report(user, filters)
    fmt = request.GET.get("format") or ""
    if fmt in ("xlsx", "csv"):
        name = f"training-report-{filters.level}-{local_today():%Y%m%d}.{fmt}"
        if fmt == "xlsx":
            content = reports_export.as_xlsx(report)
            mime = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        else:
            content = reports_export.as_csv(report)
            mime = "text/csv; charset=utf-8"
        response = HttpResponse(content, content_type=mime)
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    cols = reports_export.columns(filters.level)
    headers = [(header, kind) for header, kind, _value in cols]
    body = [(_cells(row, cols), row.suppressed) for row in report.rows]
    total = _cells(report.total, cols)
    return render(
        request,
        "training/reports/report.html",
        {
            "title": _("Training reports"),
            "report": report,
            "filters": filters,
            "query": filters.as_query(),
            "levels": selectors.Level.CHOICES,
            "topics": Topic.choices,
            "programmes": selectors.programme_choices(),
            "small_group": selectors.SMALL_GROUP,
            "headers": headers,
            "body": body,
            "total": total,
            "total_suppressed": report.total.suppressed,
        },
    )
