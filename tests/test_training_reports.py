"""Training reports: the numbers on a crafted dataset, scope, period filter, query count, xlsx and csv."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse
from openpyxl import load_workbook

from mahatat.accounts.models import DisabilityStatus, User
from mahatat.training.models import Cohort, Enrolment, Topic
from mahatat.training.selectors.reports import Level, ReportFilters, build_report

from .training_factories import CohortFactory, EnrolmentFactory, ProgrammeFactory, citizen_user

URL = "/staff/training/reports/"


def _enrol(cohort, *, gender="female", birth_year=1998, disability=DisabilityStatus.NOT_ASKED, **fields):  # type: ignore[no-untyped-def]
    citizen = citizen_user(gender=gender, birth_year=birth_year, disability=disability)
    return EnrolmentFactory(cohort=cohort, citizen=citizen, **fields)


@pytest.fixture
def dataset(station_a, station_b):  # type: ignore[no-untyped-def]
    """Station A: a finished cohort of 5 and a running cohort of 1 (+ a waitlisted and a cancelled place).
    Station B: a running cohort of 2 (a small group)."""
    programme = ProgrammeFactory(topic=Topic.DIGITAL_SKILLS)
    other = ProgrammeFactory(topic=Topic.ENGLISH)
    a1 = CohortFactory(
        programme=programme, station=station_a, status=Cohort.Status.COMPLETED, starts_on=dt.date(2026, 3, 1)
    )
    done, failed = Enrolment.Outcome.COMPLETED, Enrolment.Outcome.NOT_COMPLETED
    _enrol(a1, birth_year=2004, disability=DisabilityStatus.DISABILITY, first_time=True, outcome=done)  # 22
    _enrol(a1, birth_year=1996, disability=DisabilityStatus.NONE, first_time=True, outcome=done)  # 30
    _enrol(a1, gender="male", birth_year=1980, disability=DisabilityStatus.DECLINED, outcome=failed)  # 46
    _enrol(a1, gender="male", birth_year=None, outcome=failed)  # age unknown
    _enrol(a1, birth_year=2010, disability=DisabilityStatus.NONE, first_time=True, outcome=done)  # 16
    _enrol(a1, status=Enrolment.Status.WAITLISTED)
    _enrol(a1, status=Enrolment.Status.CANCELLED, end_reason=Enrolment.EndReason.BY_CITIZEN)
    a2 = CohortFactory(
        programme=other, station=station_a, status=Cohort.Status.RUNNING, starts_on=dt.date(2026, 10, 1)
    )
    _enrol(a2, birth_year=2000)  # 26
    b1 = CohortFactory(
        programme=programme, station=station_b, status=Cohort.Status.RUNNING, starts_on=dt.date(2026, 5, 1)
    )
    _enrol(b1, gender="male", birth_year=2005, first_time=True)
    _enrol(b1, birth_year=2005, disability=DisabilityStatus.DISABILITY)
    return {"programme": programme, "other": other}


@pytest.mark.django_db
def test_report_counts_enrolments_completions_and_shares(dataset, station_manager, station_a):  # type: ignore[no-untyped-def]
    report = build_report(station_manager, ReportFilters(level=Level.STATION))
    assert [r.code for r in report.rows] == [station_a.code]
    row = report.rows[0]
    assert (row.enrolments, row.completions) == (6, 3)
    # The rate counts only the finished cohort: 3 completions of its 5 enrolments.
    assert (row.finished_enrolments, row.finished_completions) == (5, 3)
    assert row.completion_rate == Decimal("0.6")
    assert row.women_share == Decimal("0.6667")  # 4 of 6
    assert row.youth_15_24_share == Decimal("0.3333")  # ages 22 and 16
    assert row.youth_25_34_share == Decimal("0.3333")  # ages 30 and 26
    assert row.disability_share == Decimal("0.1667")  # only "has a disability"
    assert row.disability_unknown == 3  # declined, not asked (twice): not counted as disabled
    assert row.age_unknown == 1
    assert row.first_time_share == Decimal("0.5")


@pytest.mark.django_db
def test_station_manager_cannot_see_another_station(dataset, station_manager, manager_b, station_b):  # type: ignore[no-untyped-def]
    mine = build_report(station_manager, ReportFilters())
    assert station_b.code not in [r.code for r in mine.rows]
    assert mine.total.enrolments == 6
    theirs = build_report(manager_b, ReportFilters())
    assert [r.code for r in theirs.rows] == [station_b.code]
    assert theirs.total.enrolments == 2


@pytest.mark.django_db
def test_admin_sees_network_and_small_groups_show_no_shares(dataset, gam_admin, station_a, station_b):  # type: ignore[no-untyped-def]
    report = build_report(gam_admin, ReportFilters(level=Level.STATION))
    rows = {r.code: r for r in report.rows}
    assert set(rows) == {station_a.code, station_b.code}
    small = rows[station_b.code]
    assert small.enrolments == 2 and small.suppressed
    assert small.women_share is None and small.disability_share is None
    assert report.total.enrolments == 8 and report.total.women_share == Decimal("0.625")
    governorates = build_report(gam_admin, ReportFilters(level=Level.GOVERNORATE))
    assert len(governorates.rows) == 1 and governorates.rows[0].enrolments == 8
    network = build_report(gam_admin, ReportFilters(level=Level.NETWORK))
    assert network.rows == [] and network.total.enrolments == 8


@pytest.mark.django_db
def test_period_filters_by_cohort_start_and_programme_topic_filter(dataset, gam_admin):  # type: ignore[no-untyped-def]
    spring = ReportFilters(date_from=dt.date(2026, 1, 1), date_to=dt.date(2026, 6, 30))
    assert build_report(gam_admin, spring).total.enrolments == 7  # A1 (5) and B1 (2), not A2 (October)
    autumn = ReportFilters(date_from=dt.date(2026, 9, 1))
    assert build_report(gam_admin, autumn).total.enrolments == 1
    english = ReportFilters(topic=Topic.ENGLISH)
    assert build_report(gam_admin, english).total.enrolments == 1
    programme = ReportFilters(programme=dataset["programme"].pk)
    assert build_report(gam_admin, programme).total.enrolments == 7


@pytest.mark.django_db
def test_report_runs_in_a_fixed_number_of_queries(dataset, gam_admin, station_a, django_assert_num_queries):  # type: ignore[no-untyped-def]
    user = User.objects.get(pk=gam_admin.pk)
    with django_assert_num_queries(3):  # the user's assignments, the grouped rows, the total
        build_report(user, ReportFilters(level=Level.STATION))
    for _ in range(20):
        _enrol(CohortFactory(station=station_a, starts_on=dt.date(2026, 4, 1)))
    user = User.objects.get(pk=gam_admin.pk)
    with django_assert_num_queries(3):
        report = build_report(user, ReportFilters(level=Level.STATION))
    assert report.total.enrolments == 28


@pytest.mark.django_db
def test_report_page_queries_do_not_grow_with_data(
    dataset, gam_admin, station_a, client_as, django_assert_num_queries
):  # type: ignore[no-untyped-def]
    client = client_as(gam_admin)
    client.get(URL)  # the first request also records the MFA check in the session
    # session, user, assignments, profile, grouped rows, total, programmes for the filter
    with django_assert_num_queries(7):
        assert client.get(URL).status_code == 200
    for _ in range(15):
        _enrol(CohortFactory(station=station_a, starts_on=dt.date(2026, 4, 1)))
    with django_assert_num_queries(6):  # no programme list for a download
        assert client.get(URL, {"format": "xlsx"}).status_code == 200
    with django_assert_num_queries(7):
        assert client.get(URL).status_code == 200


@pytest.mark.django_db
def test_report_page_shows_definitions_and_scope(dataset, station_manager, station_b, client_as):  # type: ignore[no-untyped-def]
    client = client_as(station_manager)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(URL).content.decode()
    assert "Completion rate" in page and "cohort start date" in page
    assert station_b.name_en not in page
    assert "60.0%" in page and "66.7%" in page
    assert reverse("training:reports") in page  # the staff navigation item


@pytest.mark.django_db
def test_people_without_report_role_are_refused(trainer, citizen, client_as, client):  # type: ignore[no-untyped-def]
    assert client_as(trainer).get(URL).status_code == 403
    client.force_login(citizen)
    assert client.get(URL).status_code == 403


@pytest.mark.django_db
def test_xlsx_export_has_numbers_percentages_and_arabic_headers(dataset, gam_admin, station_a, client_as):  # type: ignore[no-untyped-def]
    client = client_as(gam_admin)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ar"
    response = client.get(URL, {"level": "station", "format": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.sheet_view.rightToLeft
    headers = [c.value for c in sheet[1]]
    assert headers[0] == "المحطة" and "نسبة الإتمام" in headers
    rows = {r[1]: r for r in sheet.iter_rows(min_row=2, values_only=True)}
    row = rows[station_a.code]
    assert row[headers.index("التسجيلات")] == 6
    assert row[headers.index("نسبة الإتمام")] == pytest.approx(0.6)
    rate_cell = sheet.cell(row=2, column=headers.index("نسبة الإتمام") + 1)
    assert "%" in rate_cell.number_format
    total = list(sheet.iter_rows(values_only=True))[-1]
    assert total[headers.index("التسجيلات")] == 8


@pytest.mark.django_db
def test_csv_export_has_bom_and_same_values(dataset, gam_admin, client_as):  # type: ignore[no-untyped-def]
    client = client_as(gam_admin)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(URL, {"level": "governorate", "format": "csv"})
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0]["Enrolments"] == "8"
    assert rows[-1]["Governorate"] == "Total"
    assert Decimal(rows[-1]["Women"]) == Decimal("0.625")
    assert Decimal(rows[-1]["Completion rate"]) == Decimal("0.6")
