"""The station directory in a real browser: the list, live search and filters through htmx, the map."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from .helpers import PageGuard, assert_no_axe_violations, tr

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

MARKER = "window.__mahatat_marker"


def station_name(station, language: str) -> str:  # type: ignore[no-untyped-def]
    return station.name_ar if language == "ar" else station.name_en


def cards(page: Page):  # type: ignore[no-untyped-def]
    """The station cards listed."""
    return page.get_by_role("main").get_by_role("article")


def station_links(page: Page) -> list[str]:
    return [text.strip() for text in cards(page).get_by_role("heading").get_by_role("link").all_inner_texts()]


def search_box(page: Page):  # type: ignore[no-untyped-def]
    return page.get_by_role("search").get_by_role("searchbox")


def station_map(page: Page):  # type: ignore[no-untyped-def]
    """The Leaflet map, once drawn; it is a landmark region with a name."""
    return page.get_by_role("region").filter(has=page.locator(".leaflet-map-pane"))


def map_markers(page: Page):  # type: ignore[no-untyped-def]
    return station_map(page).locator(".leaflet-marker-icon")


def set_marker(page: Page) -> None:
    page.evaluate(f"() => {{ {MARKER} = 'still here'; }}")


def assert_no_full_reload(page: Page) -> None:
    assert page.evaluate(f"() => {MARKER}") == "still here", (
        "the page was reloaded instead of updated by htmx"
    )


def test_visitor_can_list_the_public_stations_on_a_map(page: Page, language, public_stations):
    response = page.goto("/stations/")
    assert response is not None and response.status == 200
    expect(page.get_by_role("heading", level=1)).to_have_text(tr(language, "Station directory"))

    public = [s for key, s in public_stations.items() if key != "closed"]
    for station in public:
        expect(page.get_by_role("link", name=station_name(station, language), exact=True)).to_be_visible()
    expect(page.get_by_role("link", name=station_name(public_stations["closed"], language))).to_have_count(0)
    expect(page.locator("#result-count")).to_contain_text("4")

    # The map draws a pin for every listed station, with no tile server configured.
    expect(map_markers(page)).to_have_count(len(public))
    expect(station_map(page)).to_have_accessible_name(re.compile(r"\S"))
    expect(station_map(page).locator(".leaflet-tile")).to_have_count(0)
    for station in public:
        expect(map_markers(page).and_(page.get_by_alt_text(station_name(station, language)))).to_have_count(1)

    assert_no_axe_violations(page)


def test_visitor_can_search_as_they_type_without_a_reload(
    page: Page, guard: PageGuard, language, public_stations
):
    page.goto("/stations/")
    set_marker(page)
    search = search_box(page)

    # Arabic search ignores the hamza: "ابو" finds "أبو نصير". English search ignores case.
    query = "ابو نصير" if language == "ar" else "abu nseir"
    search.press_sequentially(query, delay=30)

    expect(page).to_have_url(re.compile(r"[?&]q="))
    target = station_name(public_stations["abu_nseir"], language)
    expect(page.get_by_role("link", name=target, exact=True)).to_be_visible()
    expect(cards(page)).to_have_count(1)
    assert station_links(page) == [target]
    expect(map_markers(page)).to_have_count(1)
    assert_no_full_reload(page)

    htmx_requests = [
        r for r in guard.requests if "/stations/?" in r.url and r.headers.get("hx-request") == "true"
    ]
    assert htmx_requests, "the search did not go through htmx"

    # A query that matches nothing says so.
    search.fill("zzzz")
    expect(
        page.get_by_text(tr(language, "No station matches your search. Try another name or remove a filter."))
    ).to_be_visible()
    expect(map_markers(page)).to_have_count(0)
    assert_no_full_reload(page)

    # Back in history, the earlier results come back.
    page.go_back()
    expect(page.get_by_role("link", name=target, exact=True)).to_be_visible()


def test_visitor_can_filter_by_governorate_and_area(page: Page, language, public_stations):
    page.goto("/stations/")
    set_marker(page)
    irbid = public_stations["irbid"]

    page.get_by_label(tr(language, "Governorate"), exact=True).select_option(
        label=irbid.governorate.name_ar if language == "ar" else irbid.governorate.name_en
    )
    expect(page).to_have_url(re.compile(r"[?&]governorate=\d+"))
    expect(cards(page)).to_have_count(1)
    assert station_links(page) == [station_name(irbid, language)]
    expect(map_markers(page)).to_have_count(1)
    assert_no_full_reload(page)

    page.get_by_label(tr(language, "Governorate"), exact=True).select_option(value="")
    expect(cards(page)).to_have_count(4)
    marka = public_stations["marka"]
    area_name = marka.area.name_ar if language == "ar" else marka.area.name_en
    page.get_by_label(tr(language, "Area"), exact=True).select_option(label=area_name)
    expect(page).to_have_url(re.compile(r"[?&]area=\d+"))
    expect(cards(page)).to_have_count(1)
    assert station_links(page) == [station_name(marka, language)]
    assert_no_full_reload(page)

    # The filtered URL is a real page: opened directly, it shows the same result.
    page.goto(page.url)
    expect(cards(page)).to_have_count(1)
    assert_no_axe_violations(page)


def test_visitor_can_open_a_station_from_the_directory(page: Page, language, public_stations):
    page.goto("/stations/")
    marka = public_stations["marka"]
    page.get_by_role("link", name=station_name(marka, language), exact=True).click()
    expect(page).to_have_url(re.compile(r"/stations/KS-AMM-03/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(station_name(marka, language))
