"""The public stations API: list, filters, Arabic-aware search, detail, pagination and a fixed query count."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
from django.core.cache import cache

from mahatat.core.dates import AMMAN, local_today
from mahatat.stations.models import (
    Governorate,
    HoursException,
    Municipality,
    PublicHoliday,
    Station,
    StationService,
)

from .factories import StationFactory, gam_area

LIST_URL = "/api/v1/stations/"

# A Sunday and a Friday in Amman (Sunday to Thursday is the working week; the factory opens 08:00-16:00).
SUNDAY_10AM = dt.datetime(2026, 11, 29, 10, 0, tzinfo=AMMAN)
FRIDAY_10AM = dt.datetime(2026, 11, 27, 10, 0, tzinfo=AMMAN)


@pytest.fixture(autouse=True)
def _clear_cache():  # type: ignore[no-untyped-def]
    cache.clear()
    yield
    cache.clear()


def at(moment: dt.datetime):  # type: ignore[no-untyped-def]
    return mock.patch("django.utils.timezone.now", return_value=moment)


def codes(response) -> list[str]:  # type: ignore[no-untyped-def]
    return [row["code"] for row in response.json()["results"]]


@pytest.fixture
def irbid_station(db):  # type: ignore[no-untyped-def]
    return StationFactory(
        code="KS-IRB-01",
        name_ar="محطة معرفة الحصن",
        name_en="Al-Husn Knowledge Station",
        governorate=Governorate.objects.get(iso_code="JO-IR"),
        municipality=Municipality.objects.get(code="irbid"),
        area=None,
    )


@pytest.fixture
def closed_station(db):  # type: ignore[no-untyped-def]
    return StationFactory(code="KS-AMM-99", status=Station.Status.CLOSED, area=gam_area(3))


def test_anyone_can_list_public_stations_without_closed_ones(client, station_a, station_b, closed_station):
    station_a.services.set(StationService.objects.filter(code__in=["training", "coworking"]))

    response = client.get(LIST_URL)

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert codes(response) == ["KS-AMM-03", "KS-AMM-10"]
    row = body["results"][0]
    assert row["name_ar"] == "محطة معرفة ماركا"
    assert row["name_en"] == "Marka Knowledge Station"
    assert row["status"] == "active"
    assert row["governorate"]["iso_code"] == "JO-AM"
    assert set(row["governorate"]) == {"id", "iso_code", "name_ar", "name_en"}
    assert row["area"]["number"] == 3
    assert row["area"]["name_ar"] == "ماركا"
    assert {s["code"] for s in row["services"]} == {"training", "coworking"}
    assert row["latitude"] == pytest.approx(31.97)
    assert isinstance(row["open_now"], bool)
    assert row["url"] == "http://testserver/stations/KS-AMM-03/"


def test_anyone_can_see_which_stations_are_open_now(client, station_a):
    with at(SUNDAY_10AM):
        assert client.get(LIST_URL).json()["results"][0]["open_now"] is True
    with at(FRIDAY_10AM):
        assert client.get(LIST_URL).json()["results"][0]["open_now"] is False


def test_anyone_sees_a_station_closed_on_a_public_holiday(client, station_a):
    PublicHoliday.objects.create(date=SUNDAY_10AM.date(), name_ar="عطلة", name_en="Holiday")
    with at(SUNDAY_10AM):
        assert client.get(LIST_URL).json()["results"][0]["open_now"] is False


def test_anyone_can_filter_stations_by_governorate_id_or_iso_code(client, station_a, irbid_station):
    irbid = irbid_station.governorate

    assert codes(client.get(LIST_URL, {"governorate": irbid.pk})) == ["KS-IRB-01"]
    assert codes(client.get(LIST_URL, {"governorate": "JO-IR"})) == ["KS-IRB-01"]
    assert codes(client.get(LIST_URL, {"governorate": "jo-am"})) == ["KS-AMM-03"]
    assert codes(client.get(LIST_URL, {"governorate": "JO-XX"})) == []
    assert client.get(LIST_URL).json()["results"][1]["area"] is None


def test_anyone_can_filter_stations_by_area_status_and_service(client, station_a, station_b):
    station_b.status = Station.Status.REHABILITATION
    station_b.save(update_fields=["status"])
    station_b.services.add(StationService.objects.get(code="public-pcs"))

    assert codes(client.get(LIST_URL, {"area": gam_area(10).pk})) == ["KS-AMM-10"]
    assert codes(client.get(LIST_URL, {"status": "active"})) == ["KS-AMM-03"]
    assert codes(client.get(LIST_URL, {"status": "rehabilitation"})) == ["KS-AMM-10"]
    assert codes(client.get(LIST_URL, {"service": "public-pcs"})) == ["KS-AMM-10"]
    assert codes(client.get(LIST_URL, {"service": "printing"})) == []


def test_anyone_gets_field_errors_for_invalid_filters(client, station_a):
    response = client.get(LIST_URL, {"area": "abc", "status": "closed"}, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 400
    assert set(response.json()) == {"area", "status"}
    assert client.get(LIST_URL, {"area": "99999999999999999999"}).status_code == 400


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("محطه ماركا", ["KS-AMM-03"]),  # haa typed for taa marbuta
        ("مَحَطَّة مارْكا", ["KS-AMM-03"]),  # diacritics
        ("marka", ["KS-AMM-03"]),  # English, any case
        ("اربد", ["KS-IRB-01"]),  # no hamza: finds إربد (the governorate)
        ("إربد", ["KS-IRB-01"]),
        ("طارق", ["KS-AMM-10"]),
        ("محطة", ["KS-AMM-03", "KS-AMM-10", "KS-IRB-01"]),
        ("كلمة-غير-موجودة", []),
    ],
)
def test_anyone_can_search_stations_the_arabic_aware_way(
    client, station_a, station_b, irbid_station, query, expected
):
    assert codes(client.get(LIST_URL, {"q": query})) == expected


def test_anyone_can_page_through_stations(client, db):
    for n in range(30):
        StationFactory(code=f"KS-P-{n:02d}", weekday_hours=False)

    first = client.get(LIST_URL).json()
    assert first["count"] == 30
    assert len(first["results"]) == 25
    assert first["previous"] is None
    assert first["next"].endswith("/api/v1/stations/?page=2")

    second = client.get(LIST_URL, {"page": 2}).json()
    assert [r["code"] for r in second["results"]] == [f"KS-P-{n:02d}" for n in range(25, 30)]
    assert second["next"] is None

    small = client.get(LIST_URL, {"page_size": 10, "page": 3}).json()
    assert [r["code"] for r in small["results"]] == [f"KS-P-{n:02d}" for n in range(20, 30)]

    assert client.get(LIST_URL, {"page_size": 1000}).json()["results"].__len__() == 30  # capped at 100
    missing = client.get(LIST_URL, {"page": 9})
    assert missing.status_code == 404
    assert "detail" in missing.json()


# count, stations, opening hours, services, hours exceptions, public holidays
LIST_QUERIES = 6


@pytest.mark.parametrize("stations", [2, 10])
def test_station_list_makes_a_fixed_number_of_queries(client, db, django_assert_num_queries, stations):
    services = list(StationService.objects.all()[:3])
    today = local_today()
    for n in range(stations):
        station = StationFactory(code=f"KS-Q-{n:02d}", area=gam_area(1 + n % 5))
        station.services.set(services)
        HoursException.objects.create(station=station, date=today + dt.timedelta(days=2), closed=True)
    PublicHoliday.objects.create(date=today + dt.timedelta(days=3), name_ar="عطلة", name_en="Holiday")

    with django_assert_num_queries(LIST_QUERIES):
        response = client.get(LIST_URL, {"q": "محطه"})

    assert response.status_code == 200
    assert len(response.json()["results"]) == stations
    assert all(len(row["services"]) == 3 for row in response.json()["results"])


def test_anyone_can_read_a_station_with_its_week_and_special_days(client, station_a):
    station_a.partners.set(station_a.partners.model.objects.filter(code__in=["gam", "nitc"]))
    HoursException.objects.create(
        station=station_a,
        date=dt.date(2026, 12, 1),
        opens=dt.time(10),
        closes=dt.time(14),
        reason_ar="تدريب الموظفين",
        reason_en="Staff training",
    )
    PublicHoliday.objects.create(date=dt.date(2026, 12, 3), name_ar="عطلة رسمية", name_en="Public holiday")
    PublicHoliday.objects.create(date=dt.date(2027, 1, 1), name_ar="رأس السنة", name_en="New Year")  # too far

    with at(SUNDAY_10AM):
        response = client.get("/api/v1/stations/KS-AMM-03/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    body = response.json()
    assert body["code"] == "KS-AMM-03"
    assert body["open_now"] is True
    assert body["closes_at"] == "16:00"
    assert body["municipality"]["code"] == "gam"
    assert {p["code"] for p in body["partners"]} == {"gam", "nitc"}
    week = body["weekly_hours"]
    assert [d["weekday"] for d in week] == [7, 1, 2, 3, 4, 5, 6]  # Sunday first
    assert week[0] == {"weekday": 7, "name": "Sunday", "periods": [{"opens": "08:00", "closes": "16:00"}]}
    assert week[5]["periods"] == []  # Friday
    assert body["special_days"] == [
        {"date": "2026-12-01", "closed": False, "periods": [{"opens": "10:00", "closes": "14:00"}],
         "note": "Staff training"},
        {"date": "2026-12-03", "closed": True, "periods": [], "note": "Public holiday"},
    ]  # fmt: skip


def test_a_closed_station_tells_when_it_opens_next(client, station_a):
    with at(FRIDAY_10AM):
        body = client.get("/api/v1/stations/KS-AMM-03/").json()
    assert body["open_now"] is False
    assert body["closes_at"] is None
    assert body["next_opening"] == "2026-11-29T08:00:00+03:00"


@pytest.mark.parametrize(
    "code",
    ["KS-NOPE-1", "KS-AMM-99", "ks-amm-03", "a b", "KS/AMM/03", "x" * 40, "a%0Ab", "KS-AMM-03%0A", "%00"],
)
def test_anyone_gets_a_json_404_for_an_unknown_or_closed_station(client, station_a, closed_station, code):
    response = client.get(f"/api/v1/stations/{code}/")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert "detail" in response.json()


@pytest.mark.parametrize(
    "path", ["/api/v1/", "/api/v1/nothing/", "/api/v1/stations/x/y/z/../", "/api/v1/a%0Ab/"]
)
def test_anyone_gets_a_json_404_for_an_unknown_api_path(client, db, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"


def test_a_missing_trailing_slash_is_still_appended(client, db):
    response = client.get("/api/v1/stations")
    assert response.status_code == 301
    assert response["Location"] == "/api/v1/stations/"
