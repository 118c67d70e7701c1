"""The public pages at phone, tablet and desktop widths: nothing scrolls sideways, the menu folds on phones."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .helpers import assert_no_horizontal_scroll, tr

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PAGES = ["/", "/stations/", "/stations/KS-AMM-03/", "/accounts/login/"]


@pytest.mark.parametrize("width", [360, 768, 1280])
def test_visitor_can_read_every_public_page_without_scrolling_sideways(
    open_page, language, width, public_stations
):
    page = open_page(language=language, viewport={"width": width, "height": 800})
    for path in PAGES:
        response = page.goto(path)
        assert response is not None and response.status == 200, path
        page.wait_for_load_state("load")
        assert_no_horizontal_scroll(page)


def test_visitor_on_a_phone_opens_the_folded_menu(open_page, language, public_stations):
    page = open_page(language=language, viewport={"width": 360, "height": 800})
    page.goto("/")
    nav = page.get_by_role("navigation", name=tr(language, "Main navigation"))
    stations = nav.get_by_role("link", name=tr(language, "Stations"), exact=True)
    expect(stations).to_be_hidden()
    nav.get_by_role("button", expanded=False).click()
    expect(stations).to_be_visible()
    stations.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(tr(language, "Station directory"))
    assert_no_horizontal_scroll(page)
