"""The back office: a station manager edits their own station and its hours; a GAM administrator manages all
stations and the public holidays. Every write is atomic and leaves a history naming who changed what."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from mahatat.core.dates import local_today
from mahatat.stations.models import HoursException, OpeningHours, PublicHoliday, Station, StationService
from mahatat.stations.services import Period, update_station

from .factories import StationFactory, amman, gam, gam_area

STATION_FIELDS = [
    "name_ar",
    "name_en",
    "status",
    "address_ar",
    "address_en",
    "landmark_ar",
    "landmark_en",
    "postal_code",
    "phone",
    "email",
    "capacity",
    "description_ar",
    "description_en",
]


def _formset(prefix, rows, initial=0):
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for i, row in enumerate(rows):
        for key, value in row.items():
            data[f"{prefix}-{i}-{key}"] = value
    return data


def edit_payload(station, *, hours=None, exceptions=(), **changes):
    """What the edit form posts: the station's current values with some changed, and its hours."""
    data = {name: "" if getattr(station, name) is None else getattr(station, name) for name in STATION_FIELDS}
    data["latitude"] = str(station.latitude or "")
    data["longitude"] = str(station.longitude or "")
    data["services"] = [s.pk for s in station.services.all()]
    data.update(changes)
    if hours is None:
        hours = [
            (h.weekday, h.opens.strftime("%H:%M"), h.closes.strftime("%H:%M"))
            for h in station.opening_hours.all()
        ]
    data.update(
        _formset("hours", [{"weekday": d, "opens": o, "closes": c} for d, o, c in hours], initial=len(hours))
    )
    data.update(_formset("exceptions", list(exceptions)))
    return data


def hours_of(station):
    return sorted((h.weekday, h.opens, h.closes) for h in OpeningHours.objects.filter(station=station))


def png(size=(40, 30), fmt="PNG"):
    buffer = io.BytesIO()
    Image.new("RGB", size, (11, 92, 74)).save(buffer, fmt)
    return buffer.getvalue()


@pytest.fixture
def staff_client(client_as):
    """client_as(user) (signed in, with TOTP), reading the pages in English so that tests can quote messages."""

    def make(user):
        client = client_as(user)
        client.cookies["mahatat_language"] = "en"
        return client

    return make


# --- the list ---------------------------------------------------------------------------------------------------


def test_station_manager_sees_only_their_station_in_the_back_office(staff_client, station_manager, station_b):
    response = staff_client(station_manager).get("/staff/stations/")
    assert response.status_code == 200
    assert [s.code for s, _can_edit in response.context["rows"]] == ["KS-AMM-03"]
    assert response.context["rows"][0][1] is True
    assert not response.context["can_add"]


def test_gam_admin_sees_every_station_and_can_add_one(staff_client, gam_admin, station_a, station_b):
    response = staff_client(gam_admin).get("/staff/stations/")
    assert [s.code for s, _can_edit in response.context["rows"]] == ["KS-AMM-03", "KS-AMM-10"]
    assert response.context["can_add"]
    assert "/staff/stations/new/" in response.content.decode()
    assert "/staff/holidays/" in response.content.decode()


def test_station_staff_sees_their_station_but_cannot_edit_it(staff_client, station_staff):
    client = staff_client(station_staff)
    response = client.get("/staff/stations/")
    assert [(s.code, can_edit) for s, can_edit in response.context["rows"]] == [("KS-AMM-03", False)]
    assert client.get("/staff/stations/KS-AMM-03/edit/").status_code == 403


def test_citizen_cannot_open_the_back_office(staff_client, citizen):
    assert staff_client(citizen).get("/staff/stations/").status_code == 403


def test_anonymous_visitor_is_sent_to_sign_in(client, db):
    response = client.get("/staff/stations/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("stations", [3, 15])
def test_the_back_office_list_makes_the_same_number_of_queries_whatever_the_number_of_stations(
    staff_client, gam_admin, django_assert_num_queries, stations
):
    for n in range(stations):
        StationFactory(code=f"KS-B-{n:02d}", area=gam_area(n % 5 + 1))
    client = staff_client(gam_admin)
    client.get("/staff/stations/")  # the first page view settles the session (MFA flag)
    # session, user, assignments, citizen profile (roles), count, stations
    with django_assert_num_queries(6):
        response = client.get("/staff/stations/")
    assert len(response.context["rows"]) == stations


# --- editing a station --------------------------------------------------------------------------------------------


def test_station_manager_can_edit_their_station_and_its_hours(staff_client, station_manager, station_a):
    client = staff_client(station_manager)
    assert client.get("/staff/stations/KS-AMM-03/edit/").status_code == 200
    services = list(StationService.objects.filter(code__in=["training", "public-pcs"]))
    payload = edit_payload(
        station_a,
        name_en="Marka Knowledge Station (renovated)",
        capacity="35",
        services=[s.pk for s in services],
        hours=[(7, "09:00", "13:00"), (7, "14:00", "17:00"), (1, "09:00", "17:00"), (6, "10:00", "14:00")],
        exceptions=[
            {
                "date": (local_today() + dt.timedelta(days=3)).isoformat(),
                "closed": "on",
                "reason_en": "Works",
            }
        ],
    )
    response = client.post("/staff/stations/KS-AMM-03/edit/", payload)
    assert response.status_code == 302, response.content.decode()[:2000]
    station = Station.objects.get(pk=station_a.pk)
    assert station.name_en == "Marka Knowledge Station (renovated)"
    assert station.capacity == 35
    assert set(station.services.all()) == set(services)
    assert hours_of(station) == [
        (1, dt.time(9), dt.time(17)),
        (6, dt.time(10), dt.time(14)),
        (7, dt.time(9), dt.time(13)),
        (7, dt.time(14), dt.time(17)),
    ]
    assert HoursException.objects.get(station=station).closed


def test_station_manager_can_remove_a_period_with_its_box_or_by_clearing_it(
    staff_client, station_manager, station_a
):
    payload = edit_payload(
        station_a, hours=[(7, "08:00", "16:00"), (1, "08:00", "16:00"), (2, "08:00", "16:00")]
    )
    payload["hours-0-DELETE"] = "on"
    payload.update({"hours-1-weekday": "", "hours-1-opens": "", "hours-1-closes": ""})
    response = staff_client(station_manager).post("/staff/stations/KS-AMM-03/edit/", payload)
    assert response.status_code == 302
    assert hours_of(station_a) == [(2, dt.time(8), dt.time(16))]


def test_an_edit_is_recorded_with_who_and_which_fields(staff_client, station_manager, station_a):
    client = staff_client(station_manager)
    client.post(
        "/staff/stations/KS-AMM-03/edit/",
        edit_payload(station_a, phone="+96264000000", hours=[(7, "08:00", "15:00")]),
    )
    record = Station.history.filter(id=station_a.pk).latest("history_date")
    assert record.history_user == station_manager
    assert record.phone == "+96264000000"
    hours_record = OpeningHours.history.filter(station_id=station_a.pk).latest("history_date")
    assert hours_record.history_user == station_manager
    page = client.get("/staff/stations/KS-AMM-03/edit/")
    entry = page.context["history"][0]
    assert entry.who == (station_manager.display_name or station_manager.email)
    assert set(entry.fields) == {"phone", "opening hours"}
    assert "opening hours" in page.content.decode()


def test_saving_without_changes_records_nothing(staff_client, station_manager, station_a):
    before = Station.history.filter(id=station_a.pk).count()
    response = staff_client(station_manager).post("/staff/stations/KS-AMM-03/edit/", edit_payload(station_a))
    assert response.status_code == 302
    assert Station.history.filter(id=station_a.pk).count() == before


def test_station_manager_cannot_edit_another_station(staff_client, station_manager, station_b):
    client = staff_client(station_manager)
    assert client.get("/staff/stations/KS-AMM-10/edit/").status_code == 404
    response = client.post("/staff/stations/KS-AMM-10/edit/", edit_payload(station_b, name_en="Taken over"))
    assert response.status_code == 404
    assert Station.objects.get(pk=station_b.pk).name_en == "Tareq Knowledge Station"


def test_area_manager_can_edit_the_stations_of_their_area(staff_client, area_manager, station_a, station_b):
    client = staff_client(area_manager)
    assert client.get("/staff/stations/KS-AMM-03/edit/").status_code == 200
    assert client.get("/staff/stations/KS-AMM-10/edit/").status_code == 404


def test_hours_that_close_before_they_open_are_refused_and_nothing_is_saved(
    staff_client, station_manager, station_a
):
    before = hours_of(station_a)
    response = staff_client(station_manager).post(
        "/staff/stations/KS-AMM-03/edit/",
        edit_payload(station_a, name_en="Should not be saved", hours=[(7, "16:00", "08:00")]),
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "The closing time must be after the opening time." in html
    assert "Nothing was saved." in html
    assert Station.objects.get(pk=station_a.pk).name_en == "Marka Knowledge Station"
    assert hours_of(station_a) == before


def test_overlapping_periods_on_a_day_are_refused_with_the_day_named(
    staff_client, station_manager, station_a
):
    before = hours_of(station_a)
    response = staff_client(station_manager).post(
        "/staff/stations/KS-AMM-03/edit/",
        edit_payload(station_a, hours=[(7, "08:00", "13:00"), (7, "12:00", "16:00"), (1, "08:00", "16:00")]),
    )
    assert response.status_code == 400
    assert "Two periods overlap on Sunday." in response.content.decode()
    assert hours_of(station_a) == before


def test_an_exception_needs_times_or_closed(staff_client, station_manager, station_a):
    day = (local_today() + dt.timedelta(days=2)).isoformat()
    response = staff_client(station_manager).post(
        "/staff/stations/KS-AMM-03/edit/",
        edit_payload(station_a, exceptions=[{"date": day, "reason_en": "?"}]),
    )
    assert response.status_code == 400
    assert "or tick “Closed all day”" in response.content.decode()
    assert not HoursException.objects.exists()


def test_a_past_exception_date_is_refused(staff_client, station_manager, station_a):
    response = staff_client(station_manager).post(
        "/staff/stations/KS-AMM-03/edit/",
        edit_payload(station_a, exceptions=[{"date": "2020-01-01", "closed": "on"}]),
    )
    assert response.status_code == 400
    assert "Choose today or a later date." in response.content.decode()


def test_station_manager_can_upload_a_photo(staff_client, station_manager, station_a):
    payload = edit_payload(station_a)
    payload["photo"] = SimpleUploadedFile("front.png", png(), content_type="image/png")
    response = staff_client(station_manager).post("/staff/stations/KS-AMM-03/edit/", payload)
    assert response.status_code == 302
    assert Station.objects.get(pk=station_a.pk).photo.name.startswith("stations/photos/front")


def test_a_photo_of_the_wrong_type_is_refused_with_a_clear_message(staff_client, station_manager, station_a):
    payload = edit_payload(station_a)
    payload["photo"] = SimpleUploadedFile("front.gif", png(fmt="GIF"), content_type="image/gif")
    response = staff_client(station_manager).post("/staff/stations/KS-AMM-03/edit/", payload)
    assert response.status_code == 400
    assert "This file is a GIF image. Upload a JPEG, PNG or WebP photo." in response.content.decode()
    assert not Station.objects.get(pk=station_a.pk).photo


def test_a_file_that_is_not_an_image_is_refused(staff_client, station_manager, station_a):
    payload = edit_payload(station_a)
    payload["photo"] = SimpleUploadedFile("front.png", b"not an image at all", content_type="image/png")
    response = staff_client(station_manager).post("/staff/stations/KS-AMM-03/edit/", payload)
    assert response.status_code == 400
    assert not Station.objects.get(pk=station_a.pk).photo


def test_a_photo_that_is_too_large_is_refused(staff_client, station_manager, station_a, monkeypatch):
    monkeypatch.setattr("mahatat.stations.forms.PHOTO_MAX_BYTES", 100)
    payload = edit_payload(station_a)
    payload["photo"] = SimpleUploadedFile("front.png", png((200, 200)), content_type="image/png")
    response = staff_client(station_manager).post("/staff/stations/KS-AMM-03/edit/", payload)
    assert response.status_code == 400
    assert "the largest allowed is 5 MB" in response.content.decode()


def test_the_service_refuses_overlapping_hours_whoever_calls_it(station_a, station_manager):
    from django.core.exceptions import ValidationError

    before = hours_of(station_a)
    with pytest.raises(ValidationError):
        update_station(
            station=station_a,
            changes={"name_en": "Changed"},
            hours=[Period(7, dt.time(8), dt.time(12)), Period(7, dt.time(11), dt.time(14))],
            by=station_manager,
        )
    assert Station.objects.get(pk=station_a.pk).name_en == "Marka Knowledge Station"
    assert hours_of(station_a) == before


# --- creating a station -------------------------------------------------------------------------------------------


def new_station_payload(**changes):
    data = {
        "code": "KS-AMM-11",
        "governorate": amman().pk,
        "municipality": gam().pk,
        "area": gam_area(11).pk,
        "name_ar": "محطة معرفة الجديدة",
        "name_en": "New Knowledge Station",
        "status": "planned",
        "address_ar": "شارع الجامعة",
        "capacity": "20",
        "latitude": "31.95",
        "longitude": "35.88",
        **_formset("hours", [{"weekday": d, "opens": "08:00", "closes": "16:00"} for d in (7, 1, 2, 3, 4)]),
        **_formset("exceptions", []),
    }
    data.update(changes)
    return data


def test_gam_admin_can_create_a_station(staff_client, gam_admin):
    client = staff_client(gam_admin)
    page = client.get("/staff/stations/new/")
    assert page.status_code == 200
    assert len(page.context["hours"].initial) == 5  # Sunday to Thursday by default
    response = client.post("/staff/stations/new/", new_station_payload())
    assert response.status_code == 302
    assert response["Location"] == "/staff/stations/KS-AMM-11/edit/"
    station = Station.objects.get(code="KS-AMM-11")
    assert station.area == gam_area(11)
    assert [h[0] for h in hours_of(station)] == [1, 2, 3, 4, 7]
    assert station.history.get().history_user == gam_admin


def test_a_station_in_an_area_of_another_municipality_is_refused(staff_client, gam_admin):
    from mahatat.stations.models import Governorate, Municipality

    zarqa = Governorate.objects.get(iso_code="JO-AZ")
    other = Municipality.objects.create(
        governorate=zarqa, code="zarqa-test", name_ar="الزرقاء", name_en="Zarqa"
    )
    response = staff_client(gam_admin).post(
        "/staff/stations/new/", new_station_payload(municipality=other.pk)
    )
    assert response.status_code == 400
    assert "This municipality is not in the chosen governorate." in response.content.decode()
    assert not Station.objects.filter(code="KS-AMM-11").exists()


def test_station_manager_cannot_create_a_station(staff_client, station_manager):
    client = staff_client(station_manager)
    assert client.get("/staff/stations/new/").status_code == 403
    assert client.post("/staff/stations/new/", new_station_payload()).status_code == 403
    assert not Station.objects.filter(code="KS-AMM-11").exists()


def test_gam_admin_cannot_change_a_station_code(staff_client, gam_admin, station_a):
    payload = edit_payload(station_a, code="KS-HACK-01")
    payload.update(
        governorate=station_a.governorate_id, municipality=station_a.municipality_id, area=station_a.area_id
    )
    response = staff_client(gam_admin).post("/staff/stations/KS-AMM-03/edit/", payload)
    assert response.status_code == 302
    assert Station.objects.filter(code="KS-AMM-03").exists()


# --- public holidays ----------------------------------------------------------------------------------------------


def test_gam_admin_can_add_edit_and_remove_a_public_holiday(staff_client, gam_admin):
    client = staff_client(gam_admin)
    assert client.get("/staff/holidays/").status_code == 200
    day = local_today() + dt.timedelta(days=10)
    response = client.post(
        "/staff/holidays/", {"date": day.isoformat(), "name_ar": "عيد الفطر", "name_en": "Eid al-Fitr"}
    )
    assert response.status_code == 302
    holiday = PublicHoliday.objects.get()
    assert holiday.governorate is None
    assert holiday.history.get().history_user == gam_admin
    response = client.post(
        f"/staff/holidays/{holiday.pk}/edit/",
        {
            "date": day.isoformat(),
            "name_ar": "عيد الفطر السعيد",
            "name_en": "Eid al-Fitr",
            "governorate": amman().pk,
        },
    )
    assert response.status_code == 302
    holiday.refresh_from_db()
    assert holiday.governorate == amman()
    assert client.post(f"/staff/holidays/{holiday.pk}/delete/").status_code == 302
    assert not PublicHoliday.objects.exists()


def test_the_same_holiday_cannot_be_entered_twice(staff_client, gam_admin):
    day = (local_today() + dt.timedelta(days=10)).isoformat()
    PublicHoliday.objects.create(date=day, name_ar="عيد", name_en="Eid")
    response = staff_client(gam_admin).post(
        "/staff/holidays/", {"date": day, "name_ar": "عيد", "name_en": "Eid"}
    )
    assert response.status_code == 400
    assert "A holiday is already entered on this date" in response.content.decode()
    assert PublicHoliday.objects.count() == 1


@pytest.mark.django_db  # the personas come through getfixturevalue, which pytest-django cannot see
@pytest.mark.parametrize("persona", ["station_manager", "station_staff", "nitc_coordinator", "citizen"])
def test_only_a_gam_admin_can_manage_holidays(staff_client, request, persona):
    user = request.getfixturevalue(persona)
    holiday = PublicHoliday.objects.create(date=local_today(), name_ar="عيد", name_en="Eid")
    client = staff_client(user)
    assert client.get("/staff/holidays/").status_code == 403
    assert (
        client.post("/staff/holidays/", {"date": "2030-01-01", "name_ar": "x", "name_en": "x"}).status_code
        == 403
    )
    assert client.post(f"/staff/holidays/{holiday.pk}/edit/", {"date": "2030-01-01"}).status_code == 403
    assert client.post(f"/staff/holidays/{holiday.pk}/delete/").status_code == 403
    assert PublicHoliday.objects.count() == 1
