"""The guard itself: it must see what it is there to catch, or every other browser test proves nothing."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from .helpers import PageGuard, assert_no_axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.mark.parametrize("language", ["en"])
def test_guard_catches_outside_requests_console_errors_and_missing_files(page: Page, guard: PageGuard):
    page.goto("/")
    # Requests to other hosts are recorded and stopped before they leave the machine.
    page.evaluate(
        """() => {
            const img = new Image(); img.src = "https://outside.example.invalid/pixel.png"; document.body.append(img);
            fetch("/static/vendor/no-such-file.css").catch(() => {});
            console.error("something broke");
        }"""
    )
    page.wait_for_function("() => document.querySelector('img[src*=example]').complete")
    page.wait_for_timeout(300)

    assert [r for r in guard.outside_requests if "outside.example.invalid/pixel.png" in r]
    assert [r for r in guard.failed_requests if "outside.example.invalid" in r]
    assert [r for r in guard.error_responses if r.startswith("404 GET") and "no-such-file.css" in r]
    assert [e for e in guard.console_errors if "something broke" in e]
    assert len(guard.problems()) == 4

    # What the test provoked on purpose is cleared, so the test itself passes the guard.
    for found in (guard.outside_requests, guard.failed_requests, guard.error_responses, guard.console_errors):
        found.clear()


@pytest.mark.parametrize("language", ["en"])
def test_axe_check_reports_serious_violations(page: Page):
    page.goto("/")
    page.evaluate(
        """() => {
            const input = document.createElement("input");  // a field with no label: critical
            document.querySelector("main").append(input);
            const p = document.createElement("p");  // grey on grey: serious
            p.textContent = "hard to read"; p.style.color = "#bbb"; p.style.background = "#ccc";
            document.querySelector("main").append(p);
        }"""
    )
    with pytest.raises(AssertionError) as failure:
        assert_no_axe_violations(page)
    assert "label" in str(failure.value) and "color-contrast" in str(failure.value)
