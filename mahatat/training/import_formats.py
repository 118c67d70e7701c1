"""The columns of the import files (cohorts, trainees), with their English and Arabic header names.

A header is recognised in either language, or by its key, ignoring case, spaces, a trailing "*" and Arabic
letter variants (hamza forms, taa marbuta).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from mahatat.core.arabic_text import fold

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 2000


class Kind:
    COHORTS = "cohorts"
    TRAINEES = "trainees"
    CHOICES = ((COHORTS, _("Cohorts")), (TRAINEES, _("Trainees for a cohort")))
    VALUES = (COHORTS, TRAINEES)


@dataclass(frozen=True)
class Column:
    key: str
    en: str
    ar: str
    required: bool
    help: str | Promise = ""

    def header(self, language: str) -> str:
        return self.ar if language == "ar" else self.en


COHORT_COLUMNS = (
    Column("programme_code", "Programme code", "رمز البرنامج", True, _("The code of an existing programme.")),
    Column("station_code", "Station code", "رمز المحطة", True, _("The code of a station you manage.")),
    Column("seats", "Seats", "عدد المقاعد", True, _("A whole number from 1 to 500.")),
    Column("language", "Language", "اللغة", True, _("ar or en (also: عربي, English).")),
    Column(
        "enrolment_opens",
        "Enrolment opens",
        "بدء التسجيل",
        True,
        _("A date, YYYY-MM-DD, optionally with a time HH:MM (Amman time)."),
    ),
    Column(
        "enrolment_closes",
        "Enrolment closes",
        "انتهاء التسجيل",
        True,
        _("A date, YYYY-MM-DD, optionally with a time HH:MM; a date alone closes at the end of that day."),
    ),
    Column("gender", "Open to gender", "الجنس المستهدف", False, _("Blank for everyone; female or male.")),
    Column("min_age", "Minimum age", "الحد الأدنى للعمر", False, _("Optional, in years.")),
    Column("max_age", "Maximum age", "الحد الأعلى للعمر", False, _("Optional, in years.")),
)

TRAINEE_COLUMNS = (
    Column("name_ar", "Name (Arabic)", "الاسم بالعربية", True, _("The full name in Arabic letters.")),
    Column("name_en", "Name (English)", "الاسم بالإنجليزية", False, _("Optional, in Latin letters.")),
    Column("gender", "Gender", "الجنس", True, _("female or male (also: أنثى, ذكر).")),
    Column("birth_year", "Birth year", "سنة الميلاد", True, _("Four digits, e.g. 1998.")),
    Column(
        "mobile",
        "Mobile number",
        "رقم الهاتف المحمول",
        True,
        _("A Jordanian mobile number, e.g. 0791234567."),
    ),
    Column(
        "national_number",
        "National number",
        "الرقم الوطني",
        False,
        _("Optional: ten digits. Used first to find a citizen already registered."),
    ),
)

COLUMNS = {Kind.COHORTS: COHORT_COLUMNS, Kind.TRAINEES: TRAINEE_COLUMNS}


def normalise_header(text: object) -> str:
    value = fold(str(text or "")).lower().replace("*", "").replace("_", " ")
    return re.sub(r"\s+", " ", value).strip()


def header_lookup(kind: str) -> dict[str, Column]:
    lookup: dict[str, Column] = {}
    for column in COLUMNS[kind]:
        for name in (column.key, column.en, column.ar):
            lookup[normalise_header(name)] = column
    return lookup
