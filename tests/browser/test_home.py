"""The home page in a real browser: language and direction, the RTL stylesheet, the language switch, a11y."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from .helpers import PageGuard, assert_no_axe_violations, html_lang_dir, tr

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

DIRECTION = {"ar": "rtl", "en": "ltr"}
SWITCH_TO = {"ar": ("en", "English"), "en": ("ar", "العربية")}


def stylesheets(page: Page) -> list[str]:
    """The stylesheets the document actually loaded (not only linked)."""
    return page.evaluate("() => Array.from(document.styleSheets, s => s.href || '').filter(Boolean)")


def test_visitor_can_open_the_home_page_in_their_language(
    page: Page, guard: PageGuard, language, public_stations
):
    response = page.goto("/")
    assert response is not None and response.status == 200

    assert html_lang_dir(page) == (language, DIRECTION[language])
    expect(page).to_have_title(re.compile(r"\S"))
    expect(page.get_by_role("main")).to_be_visible()
    expect(page.get_by_role("banner")).to_be_visible()
    expect(page.get_by_role("contentinfo")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"\S"))
    nav = page.get_by_role("navigation", name=tr(language, "Main navigation"))
    expect(nav.get_by_role("link", name=tr(language, "Stations"), exact=True)).to_be_visible()
    # The network in numbers counts the four stations open to the public (the closed one is left out).
    expect(page.get_by_text(tr(language, "stations in the network"))).to_be_visible()

    sheets = stylesheets(page)
    rtl = [s for s in sheets if s.endswith("/bootstrap.rtl.min.css")]
    ltr = [s for s in sheets if s.endswith("/bootstrap.min.css")]
    if language == "ar":
        assert rtl and not ltr, sheets
    else:
        assert ltr and not rtl, sheets
    # The Bootstrap build really applies: the body takes the site's font from the CSS variables.
    assert "IBM Plex Sans Arabic" in page.evaluate("() => getComputedStyle(document.body).fontFamily")

    # The guard saw the page's assets load, all from the local server (it fails the test otherwise).
    loaded = [r.url for r in guard.requests]
    assert any(url.endswith("/static/vendor/htmx/htmx.min.js") for url in loaded), loaded
    assert guard.outside_requests == []
    assert_no_axe_violations(page)


def test_visitor_can_switch_language_and_it_persists_across_pages(page: Page, language, public_stations):
    other, label = SWITCH_TO[language]
    page.goto("/")

    page.get_by_role("button", name=label).click()
    expect(page.locator("html")).to_have_attribute("lang", other)
    expect(page.locator("html")).to_have_attribute("dir", DIRECTION[other])
    assert page.url.endswith("/"), "the switch brings the visitor back to the page they were on"
    cookie = next(c for c in page.context.cookies() if c["name"] == "mahatat_language")
    assert cookie["value"] == other

    # Another page, reached by the navigation, is in the new language too (the browser still asks for the
    # old one in Accept-Language, so only the cookie can have done it).
    page.get_by_role("navigation", name=tr(other, "Main navigation")).get_by_role(
        "link", name=tr(other, "Stations"), exact=True
    ).click()
    expect(page).to_have_url(re.compile(r"/stations/$"))
    assert html_lang_dir(page) == (other, DIRECTION[other])
    expect(page.get_by_role("heading", level=1)).to_have_text(tr(other, "Station directory"))

    # And it survives a new visit in the same browser.
    page.goto("/")
    assert html_lang_dir(page) == (other, DIRECTION[other])

    # Switching back works from any page and returns to it.
    page.goto("/stations/")
    page.get_by_role("button", name=SWITCH_TO[other][1]).click()
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page).to_have_url(re.compile(r"/stations/$"))
