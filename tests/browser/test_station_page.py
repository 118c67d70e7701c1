"""A station's public page in a real browser: opening hours, the open-now badge, services, the map."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from .helpers import PageGuard, assert_no_axe_violations, tr

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def name_in(obj, language: str) -> str:  # type: ignore[no-untyped-def]
    return obj.name_ar if language == "ar" else obj.name_en


def hours_row(page: Page, day: str):  # type: ignore[no-untyped-def]
    return page.get_by_role("row").filter(has=page.get_by_role("rowheader", name=day))


def test_visitor_can_read_a_stations_hours_services_and_place(page: Page, language, public_stations):
    marka = public_stations["marka"]
    response = page.goto("/stations/KS-AMM-03/")
    assert response is not None and response.status == 200

    expect(page.get_by_role("heading", level=1)).to_have_text(name_in(marka, language))
    expect(page).to_have_title(re.compile(re.escape(name_in(marka, language))))
    breadcrumb = page.get_by_role("navigation", name=tr(language, "Breadcrumb"))
    expect(breadcrumb.get_by_role("link", name=tr(language, "Stations"))).to_have_attribute(
        "href", "/stations/"
    )

    # The usual week: Sunday to Thursday 08:00-16:00; Friday and Saturday closed.
    expect(page.get_by_role("heading", name=tr(language, "Opening hours"))).to_be_visible()
    for day in ("Sunday", "Monday", "Tuesday", "Wednesday", "Thursday"):
        expect(hours_row(page, tr(language, day))).to_contain_text("08:00–16:00")
    for day in ("Friday", "Saturday"):
        expect(hours_row(page, tr(language, day))).to_contain_text(tr(language, "Closed"))
        expect(hours_row(page, tr(language, day))).not_to_contain_text(":")

    services = page.get_by_role("region", name=tr(language, "Services offered"))
    for service in marka.services.all():
        expect(services.get_by_role("listitem").filter(has_text=name_in(service, language))).to_have_count(1)
    expect(services.get_by_role("listitem")).to_have_count(3)

    expect(page.get_by_role("link", name=re.compile(r"489\s?0123"))).to_have_attribute(
        "href", "tel:+96264890123"
    )

    # One pin, on a map with no tiles, and no request for tiles went anywhere (the guard checks that).
    station_map = page.get_by_role("region").filter(has=page.locator(".leaflet-map-pane"))
    expect(station_map.locator(".leaflet-marker-icon")).to_have_count(1)
    expect(station_map.locator(".leaflet-marker-icon")).to_have_attribute("alt", name_in(marka, language))

    assert_no_axe_violations(page)


def test_visitor_sees_whether_a_station_is_open_now(page: Page, language, public_stations):
    # Abu Nseir keeps every hour of every day; Irbid has no hours at all.
    page.goto("/stations/KS-AMM-20/")
    header = page.get_by_role("main")
    expect(header.get_by_text(tr(language, "Open now"), exact=True)).to_be_visible()
    expect(header.get_by_text(tr(language, "Closed now"), exact=True)).to_have_count(0)
    for day in ("Friday", "Saturday", "Sunday"):
        expect(hours_row(page, tr(language, day))).to_contain_text("00:00–23:59")
    assert_no_axe_violations(page)

    page.goto("/stations/KS-IRB-01/")
    expect(header.get_by_text(tr(language, "Closed now"), exact=True)).to_be_visible()
    expect(header.get_by_text(tr(language, "Open now"), exact=True)).to_have_count(0)
    expect(page.get_by_role("region", name=tr(language, "Services offered"))).to_contain_text(
        tr(language, "The station has not listed its services yet.")
    )


def test_visitor_cannot_open_a_closed_station(page: Page, guard: PageGuard, language, public_stations):
    guard.expect_status(404)
    response = page.goto("/stations/KS-AMM-99/")
    assert response is not None and response.status == 404
    assert page.evaluate("() => document.documentElement.lang") == language
