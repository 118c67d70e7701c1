"""The home page for a citizen on a phone: search box, what stations offer, stations open now first."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from mahatat.core.dates import AMMAN
from mahatat.stations.models import OpeningHours, Station

from .factories import StationFactory, gam_area


@pytest.fixture
def sunday_noon(monkeypatch):
    moment = dt.datetime(2026, 11, 29, 12, tzinfo=AMMAN)
    monkeypatch.setattr(timezone, "now", lambda: moment)
    return moment


def test_citizen_finds_a_search_box_that_goes_to_the_directory(client, db):
    html = client.get("/").content.decode()
    assert 'action="/stations/"' in html
    assert '<label for="home-q"' in html
    assert 'name="q"' in html


def test_the_home_page_lists_active_stations_open_now_first(client, db, sunday_noon):
    StationFactory(code="KS-AMM-01", name_ar="أ محطة مسائية", weekday_hours=False)
    evening = Station.objects.get(code="KS-AMM-01")
    OpeningHours.objects.create(station=evening, weekday=7, opens=dt.time(17), closes=dt.time(21))
    StationFactory(code="KS-AMM-02", name_ar="ب محطة نهارية")
    StationFactory(code="KS-AMM-09", name_ar="ت محطة قيد التأهيل", status=Station.Status.REHABILITATION)
    response = client.get("/", HTTP_COOKIE="mahatat_language=en")
    featured = [(station.code, status.is_open) for station, status in response.context["featured"]]
    assert featured == [("KS-AMM-02", True), ("KS-AMM-01", False)]
    html = response.content.decode()
    assert "Open now" in html and "Opens today at 17:00" in html


def test_the_home_page_shows_at_most_six_stations_and_links_to_all(client, db, sunday_noon):
    for n in range(8):
        StationFactory(code=f"KS-H-{n:02d}")
    response = client.get("/", HTTP_COOKIE="mahatat_language=en")
    assert len(response.context["featured"]) == 6
    assert "See all 8 stations" in response.content.decode()


@pytest.mark.parametrize("stations", [3, 15])
def test_the_home_page_makes_the_same_number_of_queries_whatever_the_number_of_stations(
    client, db, sunday_noon, django_assert_num_queries, stations
):
    for n in range(stations):
        StationFactory(code=f"KS-Q-{n:02d}", area=gam_area(n % 5 + 1))
    # summary, holidays, stations, hours, services, exceptions
    with django_assert_num_queries(6):
        assert client.get("/").status_code == 200
