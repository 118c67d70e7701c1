"""Imports of cohorts and of a cohort's trainees from xlsx or csv files.

Reading, checking and writing are separate steps:
1. `read_file` turns an upload into rows (refusing wrong types, empty, oversized or unreadable files);
2. `rows_for` matches the header row (Arabic or English names) and gives each data row as {key: text}, with its
   spreadsheet row number;
3. `import_cohorts` / `import_trainees` check EVERY row and write in ONE transaction. With `dry_run=True` (the
   preview) everything is written and then rolled back, so the preview reports exactly what confirming would do,
   including refusals that only the write can find (a full identity number, eligibility). Any error, found
   before or during the write, rolls everything back and is reported row by row: nothing is imported until the
   whole file is valid.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mahatat.accounts.identity import IdentityDocumentType, normalize_jordan_mobile, validate_identity_number
from mahatat.accounts.models import CitizenProfile, Gender, Language, User
from mahatat.accounts.services import CitizenDetails, save_citizen_profile
from mahatat.core.arabic_text import fold
from mahatat.stations.models import Station

from ..import_formats import COLUMNS, MAX_BYTES, MAX_ROWS, Column, Kind, header_lookup, normalise_header
from ..models import Cohort, Enrolment, Programme
from .enrolment import enrol

Row = tuple[int, dict[str, str]]


class FileRefused(Exception):
    """The file as a whole cannot be read: wrong type, empty, too large, unreadable, or its headers are wrong."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str


@dataclass
class ImportResult:
    errors: list[RowError] = field(default_factory=list)
    created: list[dict[str, str]] = field(
        default_factory=list
    )  # one line per row, for the preview and summary
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


class _Rollback(Exception):
    pass


# --- reading files ---------------------------------------------------------------------------------------------


def _decode(data: bytes) -> str:
    text = ""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16", errors="replace")
    else:
        for encoding in ("utf-8-sig", "cp1256"):  # cp1256: Excel's "CSV" on Arabic Windows
            try:
                text = data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
    if not text or re.search(r"[\x00-\x08\x0e-\x1f\ufffd]", text):
        raise FileRefused(
            _(
                "This file could not be read as text. Save it from Excel as “CSV UTF-8 (comma delimited)” "
                "or as an Excel workbook (.xlsx) and try again."
            )
        )
    return text


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return (
            value.strftime("%Y-%m-%d %H:%M") if (value.hour or value.minute) else value.strftime("%Y-%m-%d")
        )
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_file(name: str, data: bytes) -> list[list[str]]:
    """All rows of the first sheet (or of the csv) as text, the header row first."""
    lowered = (name or "").lower()
    if not lowered.endswith((".csv", ".xlsx")):
        if lowered.endswith(".xls"):
            raise FileRefused(
                _("Old Excel files (.xls) cannot be read: save the file as .xlsx and try again.")
            )
        raise FileRefused(_("Choose an Excel workbook (.xlsx) or a CSV file (.csv)."))
    if len(data) > MAX_BYTES:
        raise FileRefused(
            _("The file is too large (%(size)s MB). The limit is %(limit)s MB.")
            % {"size": f"{len(data) / 1024 / 1024:.1f}", "limit": MAX_BYTES // 1024 // 1024}
        )
    if not data.strip():
        raise FileRefused(_("The file is empty."))
    rows: list[list[str]] = []
    if lowered.endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
            raise FileRefused(_("This file is not a valid Excel workbook (.xlsx).")) from exc
        try:
            sheet = book.worksheets[0]
            for values in sheet.iter_rows(values_only=True):
                rows.append([_cell_text(v) for v in values])
                if len(rows) > MAX_ROWS + 50:
                    break
        finally:
            book.close()
    else:
        text = _decode(data)
        sample = text[:4096]
        delimiter = ";" if sample.count(";") > sample.count(",") and "\t" not in sample else ","
        if sample.count("\t") > max(sample.count(","), sample.count(";")):
            delimiter = "\t"
        rows = [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text), delimiter=delimiter)]
    return rows


def rows_for(kind: str, table: list[list[str]]) -> list[Row]:
    """Match the header row to the kind's columns; give each non-blank data row with its spreadsheet number."""
    skipped = 0
    while table and not any(table[0]):
        table = table[1:]  # blank lines above the header
        skipped += 1
    if not table:
        raise FileRefused(_("The file is empty."))
    lookup = header_lookup(kind)
    positions: dict[str, int] = {}
    unknown: list[str] = []
    for index, header in enumerate(table[0]):
        if not header:
            continue
        column = lookup.get(normalise_header(header))
        if column is None:
            unknown.append(header)
        elif column.key not in positions:
            positions[column.key] = index
    missing = [c for c in COLUMNS[kind] if c.required and c.key not in positions]
    if missing:
        message = _("These columns are missing from the header row: %(columns)s.") % {
            "columns": ", ".join(_column_name(c) for c in missing)
        }
        if unknown:
            message += " " + _("Columns not recognised: %(columns)s.") % {"columns": ", ".join(unknown)}
        raise FileRefused(message)
    rows: list[Row] = []
    header_line = len(table) - len(
        table
    )  # 0: table was trimmed; numbers below count from the first kept line
    for offset, values in enumerate(table[1:], start=2 + header_line):
        if not any(v.strip() for v in values):
            continue
        rows.append(
            (offset, {key: (values[i].strip() if i < len(values) else "") for key, i in positions.items()})
        )
    if not rows:
        raise FileRefused(_("The file has a header row but no data rows."))
    if len(rows) > MAX_ROWS:
        raise FileRefused(
            _("The file has more than %(limit)s rows: split it into smaller files.") % {"limit": MAX_ROWS}
        )
    return rows


def _column_name(column: Column) -> str:
    from django.utils.translation import get_language

    return column.ar if (get_language() or "ar")[:2] == "ar" else column.en


def _column_by_key(kind: str, key: str) -> str:
    for column in COLUMNS[kind]:
        if column.key == key:
            return _column_name(column)
    return key


# --- values ----------------------------------------------------------------------------------------------------


_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")


def _digits(value: str) -> str:
    """Arabic-Indic and Persian digits as ASCII digits, spaces trimmed."""
    return value.translate(_DIGITS).strip()


def _integer(value: str, *, low: int, high: int) -> int:
    digits = _digits(value).replace(" ", "")
    if digits.endswith(".0"):
        digits = digits[:-2]
    if not digits.isdecimal() or not (low <= int(digits) <= high):
        raise ValidationError(
            _("Enter a whole number from %(low)s to %(high)s.") % {"low": low, "high": high}
        )
    return int(digits)


def _gender(value: str, *, required: bool) -> str:
    folded = fold(value)
    if not folded:
        if required:
            raise ValidationError(_("This column is required."))
        return ""
    if folded in {"female", "f", "woman", "انثي", "انثى", "اناث", "امراه"}:
        return Gender.FEMALE
    if folded in {"male", "m", "man", "ذكر", "ذكور", "رجل"}:
        return Gender.MALE
    raise ValidationError(_("Write female or male."))


def _language(value: str) -> str:
    folded = fold(value)
    if folded in {"ar", "arabic", "عربي", "العربيه", "عربيه"}:
        return Language.ARABIC
    if folded in {"en", "english", "انجليزي", "الانجليزيه", "انجليزيه", "الانكليزيه"}:
        return Language.ENGLISH
    raise ValidationError(_("Write ar (Arabic) or en (English)."))


def _moment(value: str, *, end_of_day: bool) -> dt.datetime:
    text = re.sub(r"\s+", " ", _digits(value).replace("/", "-").replace("T", " "))
    for pattern in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d"):
        try:
            parsed = dt.datetime.strptime(text, pattern)  # noqa: DTZ007 - made aware just below
        except ValueError:
            continue
        if pattern == "%Y-%m-%d" and end_of_day:
            parsed += dt.timedelta(days=1)
        return timezone.make_aware(parsed)
    raise ValidationError(_("Enter a date as YYYY-MM-DD, optionally followed by a time HH:MM."))


def _required(value: str) -> str:
    if not value:
        raise ValidationError(_("This column is required."))
    return value


def _messages(error: ValidationError) -> list[str]:
    return [str(m) for m in error.messages]


# --- cohorts ---------------------------------------------------------------------------------------------------


def _check_cohort_row(values: dict[str, str]) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    cleaned: dict[str, Any] = {}
    problems: list[tuple[str, str]] = []

    def take(key: str, parse: Any) -> None:
        try:
            cleaned[key] = parse(values.get(key, ""))
        except ValidationError as exc:
            problems.extend((key, m) for m in _messages(exc))

    take("programme_code", _required)
    take("station_code", _required)
    take("seats", lambda v: _integer(_required(v), low=1, high=500))
    take("language", lambda v: _language(_required(v)))
    take("enrolment_opens", lambda v: _moment(_required(v), end_of_day=False))
    take("enrolment_closes", lambda v: _moment(_required(v), end_of_day=True))
    take("gender", lambda v: _gender(v, required=False))
    take("min_age", lambda v: _integer(v, low=0, high=120) if v else None)
    take("max_age", lambda v: _integer(v, low=0, high=120) if v else None)
    opens, closes = cleaned.get("enrolment_opens"), cleaned.get("enrolment_closes")
    if opens and closes and closes <= opens:
        problems.append(("enrolment_closes", _("Enrolment must close after it opens.")))
    low, high = cleaned.get("min_age"), cleaned.get("max_age")
    if low is not None and high is not None and low > high:
        problems.append(("max_age", _("The maximum age must not be below the minimum age.")))
    return cleaned, problems


def import_cohorts(*, rows: list[Row], by: User, dry_run: bool = False) -> ImportResult:
    """Create one draft cohort per row, at stations `by` manages. All rows or none."""
    result = ImportResult()
    kind = Kind.COHORTS
    codes = {values.get("programme_code", "") for _n, values in rows}
    programmes = {
        p.code.lower(): p for p in Programme.objects.filter(code__in=[c.lower() for c in codes] + list(codes))
    }
    station_codes = {values.get("station_code", "").upper() for _n, values in rows}
    stations = {s.code.upper(): s for s in Station.objects.filter(code__in=station_codes)}
    checked: list[tuple[int, dict[str, Any]]] = []
    for number, values in rows:
        cleaned, problems = _check_cohort_row(values)
        if "programme_code" in cleaned:
            programme = programmes.get(cleaned["programme_code"].lower())
            if programme is None:
                problems.append(("programme_code", _("No programme has this code.")))
            cleaned["programme"] = programme
        if "station_code" in cleaned:
            station = stations.get(cleaned["station_code"].upper())
            if station is None:
                problems.append(("station_code", _("No station has this code.")))
            elif not by.has_perm("training.manage_cohort", station):
                problems.append(("station_code", _("You do not manage courses at this station.")))
            cleaned["station"] = station
        order = [c.key for c in COLUMNS[kind]]
        problems.sort(key=lambda problem: order.index(problem[0]) if problem[0] in order else len(order))
        result.errors.extend(
            RowError(number, _column_by_key(kind, key), message) for key, message in problems
        )
        checked.append((number, cleaned))
    if result.errors:
        return result
    try:
        with transaction.atomic():
            for number, cleaned in checked:
                cohort = Cohort(
                    programme=cleaned["programme"],
                    station=cleaned["station"],
                    seats=cleaned["seats"],
                    language=cleaned["language"],
                    enrolment_opens=cleaned["enrolment_opens"],
                    enrolment_closes=cleaned["enrolment_closes"],
                    gender=cleaned["gender"],
                    min_age=cleaned["min_age"],
                    max_age=cleaned["max_age"],
                    status=Cohort.Status.DRAFT,
                )
                try:
                    cohort.full_clean(exclude=["trainers"])
                    with transaction.atomic():
                        cohort.save()
                except (ValidationError, IntegrityError) as exc:
                    messages = _messages(exc) if isinstance(exc, ValidationError) else [str(exc)]
                    result.errors.extend(RowError(number, "", m) for m in messages)
                    continue
                result.created.append(
                    {
                        "row": str(number),
                        "what": _(
                            "%(programme)s at %(station)s: %(seats)s seats, enrolment %(opens)s to %(closes)s"
                        )
                        % {
                            "programme": cohort.programme.code,
                            "station": cohort.station.code,
                            "seats": cohort.seats,
                            "opens": f"{timezone.localtime(cohort.enrolment_opens):%Y-%m-%d %H:%M}",
                            "closes": f"{timezone.localtime(cohort.enrolment_closes):%Y-%m-%d %H:%M}",
                        },
                    }
                )
            result.counts = {"cohorts": len(result.created)}
            if result.errors or dry_run:
                raise _Rollback
    except _Rollback:
        pass
    return result


# --- trainees --------------------------------------------------------------------------------------------------


def _check_trainee_row(values: dict[str, str]) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    cleaned: dict[str, Any] = {}
    problems: list[tuple[str, str]] = []

    def take(key: str, parse: Any) -> None:
        try:
            cleaned[key] = parse(values.get(key, ""))
        except ValidationError as exc:
            problems.extend((key, m) for m in _messages(exc))

    this_year = timezone.localdate().year

    def mobile(value: str) -> str:
        from mahatat.accounts.identity import validate_jordan_mobile

        number = normalize_jordan_mobile(_required(value))
        validate_jordan_mobile(number)
        return number

    take("name_ar", lambda v: _required(v)[:150])
    take("name_en", lambda v: v[:150])
    take("gender", lambda v: _gender(v, required=True))
    take("birth_year", lambda v: _integer(_required(v), low=this_year - 100, high=this_year - 5))
    take("mobile", mobile)
    take(
        "national_number",
        lambda v: validate_identity_number(IdentityDocumentType.NATIONAL_NUMBER, v) if v else "",
    )
    return cleaned, problems


def cohort_accepts_imports(cohort: Cohort, now: dt.datetime | None = None) -> str:
    """Why trainees cannot be imported into this cohort now ("" when they can)."""
    now = now or timezone.now()
    if cohort.status not in (Cohort.Status.OPEN, Cohort.Status.FULL):
        return _("This course is not open for enrolment.")
    if not (cohort.enrolment_opens <= now < cohort.enrolment_closes):
        return _("Enrolment for this course is not open now.")
    return ""


def import_trainees(
    *, cohort: Cohort, rows: list[Row], by: User, dry_run: bool = False, now: dt.datetime | None = None
) -> ImportResult:
    """Find or register each trainee and enrol them in `cohort` (channel "import"). All rows or none."""
    result = ImportResult()
    kind = Kind.TRAINEES
    now = now or timezone.now()
    checked: list[tuple[int, dict[str, Any]]] = []
    seen_mobiles: dict[str, int] = {}
    seen_numbers: dict[str, int] = {}
    for number, values in rows:
        cleaned, problems = _check_trainee_row(values)
        for key, seen in (("mobile", seen_mobiles), ("national_number", seen_numbers)):
            value = cleaned.get(key)
            if value:
                if value in seen:
                    problems.append((key, _("The same as in row %(row)s.") % {"row": seen[value]}))
                else:
                    seen[value] = number
        result.errors.extend(
            RowError(number, _column_by_key(kind, key), message) for key, message in problems
        )
        checked.append((number, cleaned))
    if result.errors:
        return result

    by_number: dict[str, User] = {}
    for number_value in seen_numbers:
        profile = (
            CitizenProfile.objects.with_identity_number(number_value)
            .filter(id_type=IdentityDocumentType.NATIONAL_NUMBER)
            .select_related("user")
            .first()
        )
        if profile is not None:
            by_number[number_value] = profile.user
    by_mobile = {
        u.phone: u
        for u in User.objects.filter(phone__in=list(seen_mobiles)).select_related("citizen_profile")
    }
    enrolled_ids = set(Enrolment.objects.active().filter(cohort=cohort).values_list("citizen_id", flat=True))
    new_people = existing_people = 0
    counts = dict.fromkeys(Enrolment.Status.values, 0)
    try:
        with transaction.atomic():
            for number, cleaned in checked:
                citizen = by_number.get(cleaned["national_number"]) or by_mobile.get(cleaned["mobile"])
                row_errors: list[tuple[str, str]] = []
                if citizen is not None and citizen.pk in enrolled_ids:
                    row_errors.append(("", _("This citizen already has a place in this course.")))
                if (
                    citizen is not None
                    and cleaned["national_number"]
                    and cleaned["national_number"] not in by_number
                    and getattr(citizen, "citizen_profile", None) is not None
                    and citizen.citizen_profile.id_number_hash
                ):
                    row_errors.append(
                        (
                            "national_number",
                            _("This mobile number belongs to a citizen with another identity number."),
                        )
                    )
                if row_errors:
                    result.errors.extend(
                        RowError(number, _column_by_key(kind, key) if key else "", m) for key, m in row_errors
                    )
                    continue
                try:
                    with transaction.atomic():
                        is_new = citizen is None
                        if citizen is None:
                            citizen = User.objects.create_user(
                                phone=cleaned["mobile"], display_name=cleaned["name_en"] or cleaned["name_ar"]
                            )
                        if getattr(citizen, "citizen_profile", None) is None:
                            save_citizen_profile(
                                user=citizen,
                                details=CitizenDetails(
                                    name_ar=cleaned["name_ar"],
                                    name_en=cleaned["name_en"],
                                    id_type=IdentityDocumentType.NATIONAL_NUMBER,
                                    id_number=cleaned["national_number"],
                                    gender=cleaned["gender"],
                                    birth_year=cleaned["birth_year"],
                                ),
                                recorded_by=by,
                            )
                        enrolment = enrol(
                            cohort_id=cohort.pk,
                            citizen=citizen,
                            now=now,
                            channel=Enrolment.Channel.IMPORT,
                            enrolled_by=by,
                        )
                except ValidationError as exc:
                    if hasattr(exc, "error_dict"):
                        for key, errors in exc.message_dict.items():
                            column = _column_by_key(kind, "national_number" if key == "id_number" else key)
                            result.errors.extend(RowError(number, column, m) for m in errors)
                    else:
                        result.errors.extend(RowError(number, "", m) for m in _messages(exc))
                    continue
                except IntegrityError:
                    result.errors.append(
                        RowError(
                            number,
                            _column_by_key(kind, "mobile"),
                            _("This mobile number is already registered."),
                        )
                    )
                    continue
                new_people += is_new
                existing_people += not is_new
                counts[enrolment.status] += 1
                result.created.append(
                    {
                        "row": str(number),
                        "what": f"{cleaned['name_ar']} · {enrolment.get_status_display()}"
                        + ("" if is_new else " · " + _("already registered")),
                    }
                )
            result.counts = {
                "new_citizens": new_people,
                "existing_citizens": existing_people,
                "enrolled": counts[Enrolment.Status.ENROLLED],
                "waitlisted": counts[Enrolment.Status.WAITLISTED],
            }
            if result.errors or dry_run:
                raise _Rollback
    except _Rollback:
        pass
    return result


def run_import(
    *, kind: str, rows: list[Row], by: User, cohort: Cohort | None = None, dry_run: bool = False
) -> ImportResult:
    if kind == Kind.COHORTS:
        return import_cohorts(rows=rows, by=by, dry_run=dry_run)
    assert cohort is not None
    return import_trainees(cohort=cohort, rows=rows, by=by, dry_run=dry_run)
