"""Imports of cohorts and trainees from xlsx and csv: valid files, row-by-row errors, refused files, permission."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from mahatat.accounts.models import CitizenProfile, User
from mahatat.training.models import Cohort, Enrolment

from .training_factories import CohortFactory, ProgrammeFactory

URL = "/staff/training/import/"
CONFIRM = "/staff/training/import/confirm/"

COHORT_HEADER = ["Programme code", "Station code", "Seats", "Language", "Enrolment opens", "Enrolment closes"]
TRAINEE_HEADER_AR = [
    "الاسم بالعربية",
    "الاسم بالإنجليزية",
    "الجنس",
    "سنة الميلاد",
    "رقم الهاتف المحمول",
    "الرقم الوطني",
]


def _csv(rows: list[list[object]], *, bom: bool = True, encoding: str = "utf-8") -> bytes:
    text = "\r\n".join(",".join(str(v) for v in row) for row in rows) + "\r\n"
    return (("\ufeff" if bom else "") + text).encode(encoding)


def _xlsx(rows: list[list[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _upload(client, kind, name, content, cohort=None):  # type: ignore[no-untyped-def]
    data = {"kind": kind, "file": SimpleUploadedFile(name, content)}
    if cohort is not None:
        data["cohort"] = str(cohort.pk)
    return client.post(URL, data)


def _english(client):  # type: ignore[no-untyped-def]
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def programme(db):  # type: ignore[no-untyped-def]
    return ProgrammeFactory(code="digital-101")


@pytest.fixture
def open_cohort(station_a, programme):  # type: ignore[no-untyped-def]
    return CohortFactory(station=station_a, programme=programme, seats=2)


@pytest.mark.django_db
def test_station_manager_can_import_cohorts_from_csv_after_a_preview(
    station_manager, station_a, programme, client_as
):  # type: ignore[no-untyped-def]
    client = _english(client_as(station_manager))
    content = _csv(
        [
            COHORT_HEADER,
            ["digital-101", station_a.code, 15, "ar", "2026-12-01", "2026-12-20"],
            ["DIGITAL-101", station_a.code.lower(), 12, "English", "2026-12-05 09:00", "2026-12-25 17:30"],
        ]
    )
    preview = _upload(client, "cohorts", "cohorts.csv", content)
    assert preview.status_code == 200
    assert b"Confirm the import" in preview.content
    assert not Cohort.objects.exists()  # the preview saves nothing
    token = preview.context["token"]
    done = client.post(CONFIRM, {"token": token})
    assert b"Import complete" in done.content
    cohorts = list(Cohort.objects.order_by("seats"))
    assert [c.seats for c in cohorts] == [12, 15]
    assert all(c.status == Cohort.Status.DRAFT and c.station == station_a for c in cohorts)
    assert cohorts[0].language == "en"
    assert timezone.localtime(cohorts[0].enrolment_opens).hour == 9
    # A date alone closes at the end of that day.
    assert timezone.localtime(cohorts[1].enrolment_closes).date() == dt.date(2026, 12, 21)
    # Confirming twice imports nothing more.
    again = client.post(CONFIRM, {"token": token}, follow=True)
    assert Cohort.objects.count() == 2 and b"already done" in again.content


@pytest.mark.django_db
def test_a_file_with_bad_rows_lists_each_error_and_imports_nothing(
    station_manager, station_a, station_b, client_as
):  # type: ignore[no-untyped-def]
    client = _english(client_as(station_manager))
    content = _xlsx(
        [
            COHORT_HEADER + ["Minimum age", "Maximum age"],
            ["digital-101", station_a.code, 15, "ar", "2026-12-01", "2026-12-20", "", ""],
            ["no-such-code", station_a.code, 15, "ar", "2026-12-01", "2026-12-20", "", ""],
            ["digital-101", station_b.code, "many", "fr", "2026-13-01", "2026-12-20", 30, 20],
            ["digital-101", station_a.code, 10, "ar", "2026-12-20", "2026-12-01", "", ""],
        ]
    )
    ProgrammeFactory(code="digital-101")
    response = _upload(client, "cohorts", "cohorts.xlsx", content)
    errors = {(e.row, e.column, e.message) for e in response.context["result"].errors}
    assert (3, "Programme code", "No programme has this code.") in errors
    assert (4, "Station code", "You do not manage courses at this station.") in errors
    assert (4, "Seats", "Enter a whole number from 1 to 500.") in errors
    assert (4, "Language", "Write ar (Arabic) or en (English).") in errors
    assert any(e[:2] == (4, "Enrolment opens") for e in errors)
    assert (4, "Maximum age", "The maximum age must not be below the minimum age.") in errors
    assert (5, "Enrolment closes", "Enrolment must close after it opens.") in errors
    assert not any(e[0] == 2 for e in errors)
    assert b"Nothing was imported" in response.content
    assert not Cohort.objects.exists()
    assert response.context["form"]["kind"].value() == "cohorts"  # the chosen options are kept


@pytest.mark.django_db
def test_trainees_import_from_xlsx_with_arabic_headers_registers_and_enrols(
    station_manager, open_cohort, citizen, client_as
):  # type: ignore[no-untyped-def]
    client = client_as(station_manager)  # Arabic
    content = _xlsx(
        [
            TRAINEE_HEADER_AR,
            ["ليلى محمود", "Layla Mahmoud", "أنثى", 2001, "0781234567", "2001012345"],
            ["سارة أحمد", "", "female", 1998, "079 123 4567", ""],  # already registered (the citizen fixture)
            ["عمر خالد", "Omar Khaled", "ذكر", 1995, "+962771234567", ""],
        ]
    )
    preview = _upload(client, "trainees", "trainees.xlsx", content, open_cohort)
    assert preview.context.get("preview"), preview.context.get("result")
    assert not Enrolment.objects.exists()
    assert not User.objects.filter(phone="+962781234567").exists()
    client.post(CONFIRM, {"token": preview.context["token"]})
    enrolments = Enrolment.objects.filter(cohort=open_cohort).select_related("citizen__citizen_profile")
    assert enrolments.count() == 3
    assert {e.status for e in enrolments} == {Enrolment.Status.ENROLLED, Enrolment.Status.WAITLISTED}
    assert all(e.channel == Enrolment.Channel.IMPORT and e.enrolled_by == station_manager for e in enrolments)
    layla = CitizenProfile.objects.get(user__phone="+962781234567")
    assert (layla.gender, layla.birth_year, layla.name_en) == ("female", 2001, "Layla Mahmoud")
    assert CitizenProfile.objects.with_identity_number("2001012345").get() == layla
    assert enrolments.filter(citizen=citizen).exists()
    assert CitizenProfile.objects.filter(user=citizen).count() == 1


@pytest.mark.django_db
def test_trainees_csv_errors_are_reported_per_row_in_arabic(station_manager, open_cohort, client_as):  # type: ignore[no-untyped-def]
    client = client_as(station_manager)
    content = _csv(
        [
            TRAINEE_HEADER_AR,
            ["ليلى محمود", "", "أنثى", 2001, "0781234567", ""],
            ["", "", "x", 1700, "12345", "12"],
            ["هدى", "", "أنثى", 2000, "0781234567", ""],
        ]
    )
    response = _upload(client, "trainees", "trainees.csv", content, open_cohort)
    errors = response.context["result"].errors
    rows = {e.row for e in errors}
    assert rows == {3, 4}
    columns = {e.column for e in errors if e.row == 3}
    assert {"الاسم بالعربية", "الجنس", "سنة الميلاد", "رقم الهاتف المحمول", "الرقم الوطني"} <= columns
    assert any(e.row == 4 and "2" in e.message for e in errors)  # the same mobile as in row 2
    assert not User.objects.filter(phone="+962781234567").exists()
    assert not Enrolment.objects.exists()


@pytest.mark.django_db
def test_csv_in_windows_1256_and_without_bom_is_read(station_manager, open_cohort, client_as):  # type: ignore[no-untyped-def]
    client = client_as(station_manager)
    rows = [TRAINEE_HEADER_AR, ["ليلى محمود", "", "أنثى", 2001, "0781234567", ""]]
    for content in (_csv(rows, bom=False), _csv(rows, bom=False, encoding="cp1256")):
        response = _upload(client, "trainees", "t.csv", content, open_cohort)
        assert response.context.get("preview"), response.context["form"].errors


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("list.pdf", b"%PDF-1.4", "Choose an Excel workbook (.xlsx) or a CSV file (.csv)."),
        ("list.xls", b"\xd0\xcf\x11\xe0", "Old Excel files (.xls) cannot be read"),
        ("list.xlsx", b"not a zip file", "not a valid Excel workbook"),
        ("list.csv", b"", "The submitted file is empty."),
        (
            "list.csv",
            _csv([COHORT_HEADER, [""] * 6]),
            "The file has a header row but no data rows.",
        ),
        ("list.csv", b"\x00\x01\x02\x03binary", "could not be read as text"),
        ("list.csv", b"Foo,Bar\r\n1,2\r\n", "These columns are missing"),
        ("list.csv", b"a" * (2 * 1024 * 1024 + 1), "The file is too large"),
    ],
)
def test_wrong_empty_unreadable_or_oversized_files_are_refused(
    station_manager, name, content, message, client_as
):  # type: ignore[no-untyped-def]
    client = _english(client_as(station_manager))
    response = _upload(client, "cohorts", name, content)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["file"])
    assert response.context["form"]["kind"].value() == "cohorts"


@pytest.mark.django_db
def test_too_many_rows_are_refused(station_manager, station_a, client_as):  # type: ignore[no-untyped-def]
    client = _english(client_as(station_manager))
    rows = [COHORT_HEADER] + [["digital-101", station_a.code, 1, "ar", "2026-12-01", "2026-12-20"]] * 2001
    response = _upload(client, "cohorts", "big.csv", _csv(rows))
    assert "more than 2000 rows" in " ".join(response.context["form"].errors["file"])


@pytest.mark.django_db
def test_trainees_need_an_open_cohort_in_scope(station_manager, station_b, client_as):  # type: ignore[no-untyped-def]
    client = _english(client_as(station_manager))
    other = CohortFactory(station=station_b)
    response = _upload(client, "trainees", "t.csv", _csv([TRAINEE_HEADER_AR]), other)
    assert "cohort" in response.context["form"].errors


@pytest.mark.django_db
def test_people_without_cohort_rights_cannot_import(trainer, citizen, client_as, client):  # type: ignore[no-untyped-def]
    assert client_as(trainer).get(URL).status_code == 403
    client.force_login(citizen)
    assert client.get(URL).status_code == 403
    assert client.get("/staff/training/import/template/cohorts.csv").status_code == 403


@pytest.mark.django_db
def test_templates_have_the_header_row_in_the_page_language(station_manager, client_as):  # type: ignore[no-untyped-def]
    client = client_as(station_manager)
    csv_ar = client.get("/staff/training/import/template/trainees.csv").content
    assert csv_ar.startswith(b"\xef\xbb\xbf") and "الاسم بالعربية".encode() in csv_ar
    _english(client)
    book = load_workbook(io.BytesIO(client.get("/staff/training/import/template/cohorts.xlsx").content))
    assert [c.value for c in book.active[1]][:2] == ["Programme code", "Station code"]
    assert client.get(URL).status_code == 200


@pytest.mark.django_db
def test_a_refusal_found_while_writing_rolls_back_every_row(station_manager, station_a, programme, client_as):  # type: ignore[no-untyped-def]
    women_only = CohortFactory(station=station_a, programme=programme, gender="female")
    client = _english(client_as(station_manager))
    content = _csv(
        [
            TRAINEE_HEADER_AR,
            ["ليلى محمود", "", "أنثى", 2001, "0781234567", ""],
            ["عمر خالد", "", "ذكر", 1995, "0771234567", ""],
        ]
    )
    response = _upload(client, "trainees", "t.csv", content, women_only)
    errors = response.context["result"].errors
    assert [(e.row, e.message) for e in errors] == [(3, "This course is for women only.")]
    assert not User.objects.filter(phone__in=["+962781234567", "+962771234567"]).exists()
    assert not Enrolment.objects.exists()
