"""The training report as a spreadsheet: xlsx (openpyxl) or csv (UTF-8 with a BOM, so Excel reads Arabic).

Headers follow the active language; an Arabic workbook reads right to left. Counts are written as numbers and
shares as numbers between 0 and 1 with a percentage format (csv: the same fraction, rounded to 4 places), so
they can be summed and charted. A share left out for a small group is an empty cell.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from decimal import Decimal

from django.utils.translation import get_language
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from .selectors.reports import Level, Report, ReportRow

Cell = str | int | Decimal | None


def columns(level: str) -> list[tuple[str, str, Callable[[ReportRow], Cell]]]:
    """(header, kind, value) for each column: kind is "text", "count" or "share"."""
    first = {
        Level.STATION: _("Station"),
        Level.GOVERNORATE: _("Governorate"),
        Level.NETWORK: _("Network"),
    }[level]
    cols: list[tuple[str, str, Callable[[ReportRow], Cell]]] = [(first, "text", lambda r: r.label)]
    if level == Level.STATION:
        cols.append((_("Code"), "code", lambda r: r.code))
    cols += [
        (_("Enrolments"), "count", lambda r: r.enrolments),
        (_("Completions"), "count", lambda r: r.completions),
        (_("Enrolments in finished cohorts"), "count", lambda r: r.finished_enrolments),
        (_("Completion rate"), "share", lambda r: r.completion_rate),
        (_("Women"), "share", lambda r: r.women_share),
        (_("Youth 15–24"), "share", lambda r: r.youth_15_24_share),
        (_("Youth 25–34"), "share", lambda r: r.youth_25_34_share),
        (_("People with disabilities"), "share", lambda r: r.disability_share),
        (_("Disability unknown"), "count", lambda r: r.disability_unknown),
        (_("Age unknown"), "count", lambda r: r.age_unknown),
        (_("First-time learners"), "share", lambda r: r.first_time_share),
    ]
    return cols


def _rows(report: Report) -> list[ReportRow]:
    return [*report.rows, report.total]


def as_xlsx(report: Report) -> bytes:
    cols = columns(report.filters.level)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = _("Training report")[:31]
    sheet.sheet_view.rightToLeft = (get_language() or "ar")[:2] == "ar"
    sheet.append([header for header, _kind, _value in cols])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    rows = _rows(report)
    for row in rows:
        sheet.append([float(v) if isinstance(v := value(row), Decimal) else v for _h, _k, value in cols])
    last = sheet.max_row
    for cell in sheet[last]:
        cell.font = Font(bold=True)
    for index, (header, kind, _value) in enumerate(cols, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = max(12, len(header) + 2)
        if kind == "share":
            for cell in sheet[letter][1:]:
                cell.number_format = "0.0%"
    sheet.freeze_panes = "B2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def as_csv(report: Report) -> bytes:
    cols = columns(report.filters.level)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([header for header, _kind, _value in cols])
    for row in _rows(report):
        writer.writerow(["" if (v := value(row)) is None else v for _h, _k, value in cols])
    return ("\ufeff" + out.getvalue()).encode("utf-8")
