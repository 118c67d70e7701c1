"""Training reports: enrolments, completions and who the learners are, per station, governorate or network.

Every number is computed by the database in one grouped query (conditional counts), plus one for the total
row, so the number of queries does not grow with the data.

Definitions (also written on the report page):
- the period filters cohorts by their START DATE (Cohort.starts_on); cohorts with no session yet have no start
  date and fall outside any period (they appear when no period is chosen);
- enrolments: places that hold a seat (status "enrolled"); offers, waitlist places and cancelled places are not
  counted;
- completions: enrolments whose outcome is "completed";
- completion rate: completions / enrolments, both counted in cohorts that have finished (status completed), so
  courses still running do not pull the rate down;
- shares (women, youth, disability, first-time) are shares of the enrolments of the row. Ages are the age reached
  in the year the cohort starts (or, with no start date yet, the year of enrolment): only the birth year is known;
- disability: only "has a disability" counts; people who declined to say or were never asked are counted as
  unknown, not as disabled, and that number is shown;
- rows with fewer than SMALL_GROUP enrolments show counts but no shares, so that no share points at a handful of
  identifiable people.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, ExpressionWrapper, F, IntegerField, Q, QuerySet
from django.db.models.functions import Coalesce, ExtractYear
from django.http import QueryDict
from django.utils.dateparse import parse_date
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from mahatat.accounts.models import DisabilityStatus, Gender, User
from mahatat.accounts.scope import stations_in_scope

from ..models import Cohort, Enrolment, Programme, Topic
from ..rules import REPORT_ROLES

SMALL_GROUP = 5


class Level:
    STATION = "station"
    GOVERNORATE = "governorate"
    NETWORK = "network"
    CHOICES = (
        (STATION, _("Per station")),
        (GOVERNORATE, _("Per governorate")),
        (NETWORK, _("Network total")),
    )
    VALUES = (STATION, GOVERNORATE, NETWORK)


@dataclass(frozen=True)
class ReportFilters:
    level: str = Level.STATION
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    programme: int | None = None
    topic: str = ""
    errors: tuple[str, ...] = ()

    @classmethod
    def from_query(cls, query: QueryDict) -> ReportFilters:
        errors: list[str] = []
        level = query.get("level") or Level.STATION
        if level not in Level.VALUES:
            level = Level.STATION

        def date(name: str) -> dt.date | None:
            raw = (query.get(name) or "").strip()
            if not raw:
                return None
            try:
                value = parse_date(raw)
            except ValueError:
                value = None
            if value is None:
                errors.append(str(_("Enter a valid date (YYYY-MM-DD).")))
            return value

        date_from, date_to = date("from"), date("to")
        if date_from and date_to and date_from > date_to:
            errors.append(str(_("The start of the period must come before its end.")))
            date_from, date_to = date_to, date_from
        programme_raw = (query.get("programme") or "").strip()
        programme = int(programme_raw) if programme_raw.isdecimal() else None
        topic = query.get("topic") or ""
        if topic not in Topic.values:
            topic = ""
        return cls(level, date_from, date_to, programme, topic, tuple(errors))

    def as_query(self) -> str:
        query = QueryDict(mutable=True)
        query["level"] = self.level
        if self.date_from:
            query["from"] = self.date_from.isoformat()
        if self.date_to:
            query["to"] = self.date_to.isoformat()
        if self.programme:
            query["programme"] = str(self.programme)
        if self.topic:
            query["topic"] = self.topic
        return query.urlencode()


def _share(part: int, whole: int) -> Decimal | None:
    """A share between 0 and 1, rounded to 4 places (0.1 % in the page); None when there is nothing to divide."""
    if not whole:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


@dataclass
class ReportRow:
    label: str
    code: str
    enrolments: int
    completions: int
    finished_enrolments: int
    finished_completions: int
    women: int
    youth_15_24: int
    youth_25_34: int
    disability: int
    disability_unknown: int
    age_unknown: int
    first_time: int
    suppressed: bool = field(init=False)

    def __post_init__(self) -> None:
        self.suppressed = 0 < self.enrolments < SMALL_GROUP

    def share(self, part: int) -> Decimal | None:
        return None if self.suppressed else _share(part, self.enrolments)

    @property
    def completion_rate(self) -> Decimal | None:
        return _share(self.finished_completions, self.finished_enrolments)

    @property
    def women_share(self) -> Decimal | None:
        return self.share(self.women)

    @property
    def youth_15_24_share(self) -> Decimal | None:
        return self.share(self.youth_15_24)

    @property
    def youth_25_34_share(self) -> Decimal | None:
        return self.share(self.youth_25_34)

    @property
    def disability_share(self) -> Decimal | None:
        return self.share(self.disability)

    @property
    def first_time_share(self) -> Decimal | None:
        return self.share(self.first_time)


@dataclass
class Report:
    filters: ReportFilters
    rows: list[ReportRow]
    total: ReportRow


def _aggregates() -> dict[str, Any]:
    profile = "citizen__citizen_profile"
    finished = Q(cohort__status=Cohort.Status.COMPLETED)
    completed = Q(outcome=Enrolment.Outcome.COMPLETED)
    return {
        "enrolments": Count("id"),
        "completions": Count("id", filter=completed),
        "finished_enrolments": Count("id", filter=finished),
        "finished_completions": Count("id", filter=finished & completed),
        "women": Count("id", filter=Q(**{f"{profile}__gender": Gender.FEMALE})),
        "youth_15_24": Count("id", filter=Q(report_age__gte=15, report_age__lte=24)),
        "youth_25_34": Count("id", filter=Q(report_age__gte=25, report_age__lte=34)),
        "disability": Count("id", filter=Q(**{f"{profile}__disability": DisabilityStatus.DISABILITY})),
        "disability_unknown": Count(
            "id",
            filter=Q(**{f"{profile}__isnull": True})
            | Q(**{f"{profile}__disability__in": [DisabilityStatus.NOT_ASKED, DisabilityStatus.DECLINED]}),
        ),
        "age_unknown": Count("id", filter=Q(report_age__isnull=True)),
        "first_time": Count("id", filter=Q(first_time=True)),
    }


COUNT_FIELDS = tuple(_aggregates())


def report_enrolments(user: User, filters: ReportFilters) -> QuerySet[Enrolment]:
    """The enrolments a report counts, within the user's scope, with `report_age` annotated."""
    qs = Enrolment.objects.filter(
        status=Enrolment.Status.ENROLLED,
        cohort__station__in=stations_in_scope(user, REPORT_ROLES).values("pk"),
    )
    if filters.date_from:
        qs = qs.filter(cohort__starts_on__gte=filters.date_from)
    if filters.date_to:
        qs = qs.filter(cohort__starts_on__lte=filters.date_to)
    if filters.programme:
        qs = qs.filter(cohort__programme_id=filters.programme)
    if filters.topic:
        qs = qs.filter(cohort__programme__topic=filters.topic)
    reference_year = Coalesce(ExtractYear("cohort__starts_on"), ExtractYear("created_at"))
    return qs.annotate(
        report_age=ExpressionWrapper(
            reference_year - F("citizen__citizen_profile__birth_year"), output_field=IntegerField()
        ),
    ).order_by()


def _name(name_ar: str, name_en: str) -> str:
    return name_en if (get_language() or "ar")[:2] == "en" and name_en else name_ar


def _row(label: str, code: str, values: dict[str, Any]) -> ReportRow:
    return ReportRow(label=label, code=code, **{name: int(values.get(name) or 0) for name in COUNT_FIELDS})


def build_report(user: User, filters: ReportFilters) -> Report:
    """The report for the user's scope: two queries (grouped rows, then the total), whatever the data."""
    base = report_enrolments(user, filters)
    aggregates = _aggregates()
    rows: list[ReportRow] = []
    # Per level: the fields to group by, as (code, Arabic name, English name).
    groups = {
        Level.STATION: ("cohort__station__code", "cohort__station__name_ar", "cohort__station__name_en"),
        Level.GOVERNORATE: (
            "cohort__station__governorate__iso_code",
            "cohort__station__governorate__name_ar",
            "cohort__station__governorate__name_en",
        ),
    }
    if filters.level in groups:
        code, name_ar, name_en = groups[filters.level]
        grouped: Any = base.values(code, name_ar, name_en).annotate(**aggregates).order_by(code)
        for values in grouped:
            rows.append(_row(_name(values[name_ar], values[name_en]), values[code], values))
    total = _row(str(_("Total")), "", base.aggregate(**aggregates))
    return Report(filters=filters, rows=rows, total=total)


def programme_choices() -> list[tuple[int, str]]:
    return [(p.pk, f"{p.code} · {p.title}") for p in Programme.objects.order_by("code")]
