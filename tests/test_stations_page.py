"""A station's public page: hours Sunday first, open now, holidays ahead, services, contact, map pin."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from hijridate import Gregorian

from mahatat.core.dates import AMMAN
from mahatat.stations.models import HoursException, Partner, PublicHoliday, Station, StationService

from .factories import StationFactory

EN = {"HTTP_COOKIE": "mahatat_language=en"}


@pytest.fixture
def friday_morning(monkeypatch):
    moment = dt.datetime(2026, 11, 27, 10, tzinfo=AMMAN)
    monkeypatch.setattr(timezone, "now", lambda: moment)
    return moment


@pytest.fixture
def marka(db):
    station = StationFactory(
        code="KS-AMM-03",
        name_ar="محطة معرفة ماركا",
        name_en="Marka Knowledge Station",
        address_en="Prince Hashem Street",
        landmark_en="Opposite the Marka Health Centre",
        phone="+96264890123",
        email="marka@ks.example.jo",
        capacity=40,
        description_en="A station with two training rooms.",
    )
    station.services.set(StationService.objects.filter(code__in=["training", "coworking"]))
    station.partners.set(Partner.objects.filter(code__in=["gam", "nitc"]))
    return station


def test_citizen_sees_the_week_sunday_first_with_hours(client, marka, friday_morning):
    response = client.get("/stations/KS-AMM-03/", **EN)
    assert response.status_code == 200
    week = response.context["week"]
    assert [row.label for row in week] == [
        "Sunday",
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
    ]
    html = response.content.decode()
    assert html.index("Sunday") < html.index("Monday") < html.index("Saturday")
    assert "08:00–16:00" in html
    assert [row.weekday for row in week if row.is_today] == [5]  # Friday


def test_citizen_sees_the_services_contact_and_partners(client, marka, friday_morning):
    html = client.get("/stations/KS-AMM-03/", **EN).content.decode()
    assert "Training courses" in html and "Free co-working desks and rooms" in html
    assert "Prince Hashem Street" in html and "Opposite the Marka Health Centre" in html
    assert 'href="tel:+96264890123"' in html
    assert "mailto:marka@ks.example.jo" in html
    assert "Greater Amman Municipality" in html and "National Information Technology Center" in html
    assert "Room for 40 people at a time." in html
    assert "A station with two training rooms." in html


def test_the_page_is_in_arabic_by_default(client, marka, friday_morning):
    html = client.get("/stations/KS-AMM-03/").content.decode()
    assert 'dir="rtl"' in html
    assert "محطة معرفة ماركا" in html
    assert "دورات تدريبية" in html


def test_citizen_sees_holidays_and_exceptions_of_the_next_two_weeks_with_hijri_dates(
    client, marka, friday_morning
):
    PublicHoliday.objects.create(date=dt.date(2026, 12, 3), name_ar="يوم وطني", name_en="National Day")
    PublicHoliday.objects.create(date=dt.date(2027, 1, 1), name_ar="رأس السنة", name_en="New Year")  # too far
    HoursException.objects.create(
        station=marka,
        date=dt.date(2026, 12, 1),
        opens=dt.time(9),
        closes=dt.time(13),
        reason_en="Staff training",
    )
    response = client.get("/stations/KS-AMM-03/", **EN)
    html = response.content.decode()
    assert [d.date for d in response.context["special_days"]] == [dt.date(2026, 12, 1), dt.date(2026, 12, 3)]
    assert "National Day" in html and "New Year" not in html
    assert "Staff training" in html and "09:00–13:00" in html
    hijri = Gregorian(2026, 12, 3).to_hijri()
    assert f"{hijri.day} {hijri.month_name('en')} {hijri.year} AH" in html


def test_the_page_shows_today_with_its_hijri_date(client, marka, friday_morning):
    html = client.get("/stations/KS-AMM-03/", **EN).content.decode()
    assert "Friday 27 November 2026" in html
    assert "17 Jumada al-Akhirah 1448 AH" in html


def test_the_page_has_a_map_pin_and_works_without_tiles(client, marka, friday_morning, settings):
    settings.MAP_TILE_URL = ""
    html = client.get("/stations/KS-AMM-03/", **EN).content.decode()
    assert 'id="station-map"' in html
    assert '"lat": 31.97' in html.replace("&quot;", '"')
    assert "the pin still shows where the station is" in html


def test_the_map_uses_the_configured_tile_url(client, marka, friday_morning, settings):
    settings.MAP_TILE_URL = "http://127.0.0.1:8080/tiles/{z}/{x}/{y}.png"
    html = client.get("/stations/KS-AMM-03/").content.decode()
    assert 'data-tiles="http://127.0.0.1:8080/tiles/{z}/{x}/{y}.png"' in html


def test_unknown_station_is_404(client, db):
    assert client.get("/stations/KS-NONE-99/").status_code == 404


def test_closed_station_is_404(client, db):
    StationFactory(code="KS-OLD-01", status=Station.Status.CLOSED)
    assert client.get("/stations/KS-OLD-01/").status_code == 404


def test_a_station_under_rehabilitation_shows_its_status_not_open_now(client, db, friday_morning):
    StationFactory(code="KS-REH-01", status=Station.Status.REHABILITATION)
    html = client.get("/stations/KS-REH-01/", **EN).content.decode()
    assert "Under rehabilitation" in html
    assert "Open now" not in html and "Closed now" not in html


def test_the_station_page_makes_a_fixed_number_of_queries(
    client, marka, friday_morning, django_assert_num_queries
):
    # station, hours, services, exceptions, partners, holidays
    with django_assert_num_queries(6):
        assert client.get("/stations/KS-AMM-03/").status_code == 200
