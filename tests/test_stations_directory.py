"""The public station directory: filters, search, pagination, htmx partial updates and a fixed query count."""

from __future__ import annotations

import pytest

from mahatat.stations.models import Governorate, Municipality, Station

from .factories import StationFactory, gam_area

# count, page of stations, hours, services, exceptions, holidays, governorates, areas, map pins.
DIRECTORY_QUERIES = 9


@pytest.fixture
def zarqa_station(db):
    governorate = Governorate.objects.get(iso_code="JO-AZ")
    municipality = Municipality.objects.filter(
        governorate=governorate
    ).first() or Municipality.objects.create(
        governorate=governorate, code="zarqa", name_ar="الزرقاء", name_en="Zarqa"
    )
    return StationFactory(
        code="KS-ZRQ-01",
        name_ar="محطة معرفة الزرقاء",
        name_en="Zarqa Knowledge Station",
        governorate=governorate,
        municipality=municipality,
        area=None,
        latitude=32.07,
        longitude=36.09,
    )


def codes(response):
    return [station.code for station, _status in response.context["rows"]]


def test_anyone_can_list_the_public_stations_but_not_closed_ones(client, station_a, station_b):
    StationFactory(code="KS-OLD-01", status=Station.Status.CLOSED)
    StationFactory(code="KS-NEW-01", status=Station.Status.PLANNED)
    response = client.get("/stations/")
    assert response.status_code == 200
    assert set(codes(response)) == {"KS-AMM-03", "KS-AMM-10", "KS-NEW-01"}
    assert "KS-OLD-01" not in response.content.decode()


def test_citizen_can_filter_by_governorate(client, station_a, zarqa_station):
    response = client.get("/stations/", {"governorate": zarqa_station.governorate_id})
    assert codes(response) == ["KS-ZRQ-01"]


def test_citizen_can_filter_by_area(client, station_a, station_b):
    response = client.get("/stations/", {"area": gam_area(10).pk})
    assert codes(response) == ["KS-AMM-10"]


def test_area_choices_follow_the_chosen_governorate(client, station_a, station_b, zarqa_station):
    everywhere = client.get("/stations/")
    assert {a.number for a in everywhere.context["areas"]} == {3, 10}
    in_zarqa = client.get("/stations/", {"governorate": zarqa_station.governorate_id})
    assert in_zarqa.context["areas"] == []
    in_amman = client.get("/stations/", {"governorate": station_a.governorate_id})
    assert {a.number for a in in_amman.context["areas"]} == {3, 10}


def test_an_area_outside_the_chosen_governorate_is_let_go(client, station_a, zarqa_station):
    response = client.get(
        "/stations/",
        {"governorate": zarqa_station.governorate_id, "area": gam_area(3).pk},
        HTTP_HX_REQUEST="true",
    )
    assert codes(response) == ["KS-ZRQ-01"]
    assert response.context["filters"].area == ""
    assert response["HX-Push-Url"] == f"/stations/?governorate={zarqa_station.governorate_id}"


def test_the_htmx_request_pushes_a_clean_url(client, station_a):
    response = client.get("/stations/", {"q": "ماركا", "governorate": "", "area": ""}, HTTP_HX_REQUEST="true")
    assert response["HX-Push-Url"] == "/stations/?q=%D9%85%D8%A7%D8%B1%D9%83%D8%A7"


def test_nonsense_filters_are_ignored(client, station_a):
    response = client.get("/stations/", {"governorate": "x';--", "area": "-1", "page": "zzz"})
    assert response.status_code == 200
    assert codes(response) == ["KS-AMM-03"]


def test_citizen_can_search_in_the_directory(client, station_a, station_b):
    assert codes(client.get("/stations/", {"q": "ماركا"})) == ["KS-AMM-03"]
    assert codes(client.get("/stations/", {"q": "tareq"})) == ["KS-AMM-10"]
    response = client.get("/stations/", {"q": "nowhere at all"})
    assert codes(response) == []
    assert "No station matches your search" in response.content.decode() or response.context["rows"] == []


def test_the_directory_is_paginated(client, db):
    for n in range(15):
        StationFactory(code=f"KS-P-{n:02d}", name_ar=f"محطة {n:02d}", name_en=f"Station {n:02d}")
    first = client.get("/stations/")
    second = client.get("/stations/", {"page": 2})
    assert len(codes(first)) == 12
    assert len(codes(second)) == 3
    assert set(codes(first)).isdisjoint(codes(second))
    assert 'href="?page=2"' in first.content.decode()


def test_the_map_shows_every_station_found_not_only_the_page(client, db):
    for n in range(14):
        StationFactory(code=f"KS-M-{n:02d}")
    response = client.get("/stations/")
    assert len(codes(response)) == 12
    assert response.context["markers_json"].count('"code"') == 14


@pytest.mark.parametrize("stations", [3, 15])
def test_the_directory_makes_the_same_number_of_queries_whatever_the_number_of_stations(
    client, db, django_assert_num_queries, stations
):
    for n in range(stations):
        station = StationFactory(code=f"KS-Q-{n:02d}", area=gam_area(n % 5 + 1))
        station.services.set(station.services.model.objects.all()[:3])
    amman = Governorate.objects.get(iso_code="JO-AM").pk
    with django_assert_num_queries(DIRECTORY_QUERIES):
        response = client.get("/stations/", {"governorate": amman, "q": "محطة"})
    assert response.status_code == 200
    assert len(codes(response)) == min(stations, 12)


def test_the_htmx_request_gets_only_the_results_and_the_area_choices(client, station_a, station_b):
    response = client.get("/stations/", {"q": "ماركا"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert 'id="directory-filters"' not in html
    assert "محطة معرفة ماركا" in html
    assert 'id="area-field"' in html and 'hx-swap-oob="true"' in html
    assert 'id="results-status" hx-swap-oob="innerHTML"' in html
    assert "HX-Request" in response["Vary"]


def test_a_history_restore_request_gets_the_whole_page(client, station_a):
    response = client.get("/stations/", HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true")
    assert "<html" in response.content.decode()


def test_the_full_page_has_the_htmx_form_that_pushes_the_url(client, station_a):
    html = client.get("/stations/").content.decode()
    assert 'hx-get="/stations/"' in html
    assert 'hx-push-url="true"' in html
    assert 'hx-target="#directory-results"' in html
    assert "<label" in html and 'for="q"' in html


def test_each_row_says_whether_the_station_is_open(client, station_a):
    Station.objects.filter(pk=station_a.pk).update(status=Station.Status.ACTIVE)
    html = client.get("/stations/", HTTP_COOKIE="mahatat_language=en").content.decode()
    assert "Open now" in html or "Closed now" in html


def test_a_station_not_yet_open_shows_its_status_instead(client, db):
    StationFactory(code="KS-PLN-01", status=Station.Status.REHABILITATION)
    html = client.get("/stations/", HTTP_COOKIE="mahatat_language=en").content.decode()
    assert "Under rehabilitation" in html


def test_visitor_sees_stations_open_to_the_public_before_planned_ones(client, db):
    from mahatat.stations.models import Station

    from .factories import StationFactory

    StationFactory(
        code="KS-T-PLN", name_ar="أ محطة مخططة", name_en="A planned station", status=Station.Status.PLANNED
    )
    StationFactory(code="KS-T-ACT", name_ar="ي محطة عاملة", name_en="Z active station")
    response = client.get("/stations/")
    codes = [station.code for station, _status in response.context["rows"]]
    assert codes.index("KS-T-ACT") < codes.index("KS-T-PLN")
