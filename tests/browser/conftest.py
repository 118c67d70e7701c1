"""Browser tests: Debian's Chromium, headless, driven by Playwright against pytest-django's live server.

Run them with `python -m pytest -m browser tests/browser` (the default run deselects them).

- One Chromium for the session; every page gets a fresh context (cookies, storage) and a PageGuard that fails
  the test on a request to another host, a console error, a failed request or an error response.
- `language` runs a test in Arabic and in English, through the mahatat_language cookie.
- The live server runs in a thread of this process against the SQLite test file, so the test's data must be
  committed: these tests use transactional_db, with serialized_rollback so that the reference geography loaded
  by the data migrations comes back after each test's flush.
- On failure, a screenshot of every open page goes to test-results/.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Callable, Generator, Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from playwright.sync_api import Browser, BrowserContext, Page, ViewportSize, expect, sync_playwright
from playwright.sync_api import Error as PlaywrightError

from mahatat.stations.models import Station
from tests.browser.helpers import PageGuard
from tests.factories import StationFactory, amman, gam, gam_area

# Playwright's sync API runs an asyncio loop in this thread; Django would otherwise refuse ORM calls here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("MAHATAT_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
RESULTS_DIR = Path(settings.BASE_DIR) / "test-results"
LANGUAGES = ["ar", "en"]
BROWSER_LOCALES = {"ar": "ar-JO", "en": "en-GB"}
DEFAULT_VIEWPORT: ViewportSize = {"width": 1280, "height": 900}

GUARDS = pytest.StashKey[list[PageGuard]]()

# Generous waits: CI machines are small and busy. A wait only lasts this long when something is wrong.
ACTION_TIMEOUT_MS = 15_000
expect.set_options(timeout=10_000)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.path).parents:
            # Every browser test must carry the marker, or a plain `pytest` run would start Chromium.
            assert item.get_closest_marker("browser"), f"{item.nodeid} lacks @pytest.mark.browser"


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is not at {CHROMIUM}: install it with `apt-get install chromium`.")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    # Rate limits and used TOTP codes live in the (process-wide) cache that the live server shares.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _no_map_tiles(settings) -> None:  # type: ignore[no-untyped-def]
    # The pages must work with no tile server (the offline demo); a tile URL from the environment would also
    # send requests off the machine.
    settings.MAP_TILE_URL = ""


@pytest.fixture(params=LANGUAGES)
def language(request: pytest.FixtureRequest) -> str:
    return str(request.param)


OpenPage = Callable[..., Page]


@pytest.fixture
def open_page(browser: Browser, live_server, request: pytest.FixtureRequest) -> Iterator[OpenPage]:  # type: ignore[no-untyped-def]
    """open_page(language=..., viewport=...) gives a guarded page in a fresh browser context."""
    contexts: list[BrowserContext] = []
    guards = request.node.stash.setdefault(GUARDS, [])

    def _open(*, language: str | None = None, viewport: ViewportSize | None = None) -> Page:
        context = browser.new_context(
            base_url=live_server.url,
            viewport=viewport or DEFAULT_VIEWPORT,
            locale=BROWSER_LOCALES.get(language or "ar", "ar-JO"),
            timezone_id="Asia/Amman",
        )
        context.set_default_timeout(ACTION_TIMEOUT_MS)
        contexts.append(context)
        if language:
            context.add_cookies(
                [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}]
            )
        page = context.new_page()
        guard = PageGuard(page, allowed_origin=live_server.url)
        guard.attach()
        guards.append(guard)
        return page

    yield _open
    for context in contexts:
        context.close()


@pytest.fixture
def page(open_page: OpenPage, language: str) -> Page:
    return open_page(language=language)


def guard_of(page: Page, request: pytest.FixtureRequest) -> PageGuard:
    return next(g for g in request.node.stash[GUARDS] if g.page is page)


@pytest.fixture
def guard(page: Page, request: pytest.FixtureRequest) -> PageGuard:
    return guard_of(page, request)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, None, None]:
    """After a test body that passed, fail it if any of its pages broke a guard rule."""
    result = yield
    problems = [problem for guard in item.stash.get(GUARDS, []) for problem in guard.problems()]
    if problems:
        pytest.fail("\n".join(problems), pytrace=False)
    return result


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report: pytest.TestReport = yield
    if report.failed and report.when in ("setup", "call"):
        guards = item.stash.get(GUARDS, [])
        if guards:
            RESULTS_DIR.mkdir(exist_ok=True)
            name = re.sub(r"[^A-Za-z0-9_.-]+", "_", item.nodeid.split("::", 1)[-1])
            for index, guard in enumerate(guards):
                path = RESULTS_DIR / f"{name}-{index}.png"
                try:
                    guard.page.screenshot(path=str(path), full_page=True, timeout=5_000)
                except PlaywrightError as exc:  # a closed page or a crashed browser: the report says why
                    report.sections.append(("screenshot", f"no screenshot of page {index}: {exc}"))
                else:
                    report.sections.append(("screenshot", f"{guard.page.url} -> {path}"))
    return report


# --- Data ----------------------------------------------------------------------------------------------------


def make_station(**fields: object) -> Station:
    return StationFactory(**fields)  # type: ignore[return-value]


@pytest.fixture
def public_stations(transactional_db):  # type: ignore[no-untyped-def]
    """Five stations: four the public sees (three in Amman, one in Irbid) and one closed that it doesn't."""
    from mahatat.stations.models import Governorate, Municipality, OpeningHours, StationService

    services = {s.code: s for s in StationService.objects.all()}
    marka = make_station(
        code="KS-AMM-03",
        name_ar="محطة معرفة ماركا",
        name_en="Marka Knowledge Station",
        area=gam_area(3),
        latitude=31.9816,
        longitude=35.9764,
        phone="+96264890123",
    )
    marka.services.set([services["training"], services["coworking"], services["e-services"]])
    tareq = make_station(
        code="KS-AMM-10",
        name_ar="محطة معرفة طارق",
        name_en="Tareq Knowledge Station",
        area=gam_area(10),
        latitude=32.0127,
        longitude=35.9441,
    )
    tareq.services.set([services["public-pcs"]])
    # Open every hour of every day, so "open now" holds whenever the test runs.
    abu_nseir = make_station(
        code="KS-AMM-20",
        name_ar="محطة معرفة أبو نصير",
        name_en="Abu Nseir Knowledge Station",
        area=gam_area(20),
        latitude=32.0556,
        longitude=35.8794,
        weekday_hours=False,
    )
    for weekday in range(1, 8):
        OpeningHours.objects.create(station=abu_nseir, weekday=weekday, opens=dt.time(0), closes=dt.time.max)
    abu_nseir.services.set([services["printing"], services["events"]])
    # No opening hours at all: closed whenever the test runs.
    irbid = make_station(
        code="KS-IRB-01",
        name_ar="محطة معرفة إربد",
        name_en="Irbid Knowledge Station",
        governorate=Governorate.objects.get(iso_code="JO-IR"),
        municipality=Municipality.objects.get(code="irbid"),
        area=None,
        latitude=32.5556,
        longitude=35.85,
        weekday_hours=False,
    )
    closed = make_station(
        code="KS-AMM-99",
        name_ar="محطة معرفة مغلقة",
        name_en="Closed Knowledge Station",
        area=gam_area(1),
        status=Station.Status.CLOSED,
    )
    assert marka.governorate == amman() and marka.municipality == gam()
    return {"marka": marka, "tareq": tareq, "abu_nseir": abu_nseir, "irbid": irbid, "closed": closed}
