"""What the browser tests share: the page guard, the axe-core check, translations and TOTP codes.

The guard watches one page for the whole test: every request it makes (anything not on the live server is
recorded and aborted, so nothing leaves the machine), every console error or uncaught exception, every failed
request and every response with an error status. The conftest checks it after the test body.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import translation
from playwright.sync_api import ConsoleMessage, Page, Request, Response, Route

AXE_SCRIPT = Path(settings.BASE_DIR) / "static" / "vendor" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21aa"]
AXE_FAILING_IMPACTS = ("serious", "critical")

# Schemes that never touch the network.
LOCAL_SCHEMES = {"data", "blob", "about"}


def origin_of(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme, parts.netloc


@dataclass
class PageGuard:
    """Records what a page did that a test must fail on. `allowed_origin` is the live server's URL."""

    page: Page
    allowed_origin: str
    requests: list[Request] = field(default_factory=list)
    outside_requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    error_responses: list[str] = field(default_factory=list)
    expected_statuses: set[int] = field(default_factory=set)

    def attach(self) -> None:
        self.page.on("request", self._on_request)
        self.page.on("console", self._on_console)
        self.page.on("pageerror", self._on_page_error)
        self.page.on("requestfailed", self._on_request_failed)
        self.page.on("response", self._on_response)
        # Stop outside requests before they leave: the test still fails on them (they are recorded above).
        self.page.route(lambda url: not self.is_local(url), self._abort)

    def is_local(self, url: str) -> bool:
        scheme, netloc = origin_of(url)
        if scheme in LOCAL_SCHEMES:
            return True
        return (scheme, netloc) == origin_of(self.allowed_origin)

    def expect_status(self, *statuses: int) -> None:
        """Declare error statuses the test provokes on purpose (a 403 page, for example)."""
        self.expected_statuses.update(statuses)

    def _on_request(self, request: Request) -> None:
        self.requests.append(request)
        if not self.is_local(request.url):
            self.outside_requests.append(f"{request.method} {request.url} ({request.resource_type})")

    def _on_console(self, message: ConsoleMessage) -> None:
        if message.type != "error":
            return
        text = message.text
        # The status itself is reported (or allowed) through the response check.
        if text.startswith("Failed to load resource: the server responded with a status of"):
            status = int(text.split("status of", 1)[1].split()[0])
            if status in self.expected_statuses:
                return
        self.console_errors.append(f"{text} at {message.location.get('url', '')}")

    def _on_page_error(self, error: Exception) -> None:
        self.console_errors.append(f"uncaught: {error}")

    def _on_request_failed(self, request: Request) -> None:
        failure = request.failure or ""
        # A request the page cancelled itself (a new htmx request, a navigation) is not a failure.
        if "ERR_ABORTED" in failure and self.is_local(request.url):
            return
        self.failed_requests.append(f"{request.method} {request.url}: {failure}")

    def _on_response(self, response: Response) -> None:
        if response.status >= 400 and response.status not in self.expected_statuses:
            self.error_responses.append(f"{response.status} {response.request.method} {response.url}")

    @staticmethod
    def _abort(route: Route) -> None:
        route.abort("blockedbyclient")

    def problems(self) -> list[str]:
        found = []
        for title, items in (
            ("requests to other hosts", self.outside_requests),
            ("console errors", self.console_errors),
            ("failed requests", self.failed_requests),
            ("error responses", self.error_responses),
        ):
            if items:
                found.append(f"{title} on {self.page.url}:\n  " + "\n  ".join(items))
        return found


def assert_no_axe_violations(page: Page) -> None:
    """Run the vendored axe-core on the page; fail on any serious or critical WCAG 2.1 AA violation."""
    page.add_script_tag(path=str(AXE_SCRIPT))
    violations: list[dict[str, Any]] = page.evaluate(
        """async ([tags, impacts]) => {
            const results = await axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
            return results.violations
                .filter(v => impacts.includes(v.impact))
                .map(v => ({id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
                            targets: v.nodes.slice(0, 10).map(n =>
                                n.target.join(" ") + " -- " + (n.failureSummary || "").split("\\n").slice(1).join(" ").trim())}));
        }""",
        [AXE_TAGS, list(AXE_FAILING_IMPACTS)],
    )
    if violations:
        lines = [f"axe-core found {len(violations)} serious or critical violation(s) on {page.url}:"]
        for v in violations:
            lines.append(f"- {v['id']} ({v['impact']}): {v['help']}")
            lines.extend(f"    {target}" for target in v["targets"])
        raise AssertionError("\n".join(lines))


def assert_no_horizontal_scroll(page: Page) -> None:
    sizes = page.evaluate("() => ({scroll: document.scrollingElement.scrollWidth, inner: window.innerWidth})")
    assert sizes["scroll"] <= sizes["inner"], (
        f"{page.url} scrolls sideways at {sizes['inner']} px: the page is {sizes['scroll']} px wide"
    )


def tr(language: str, message: str) -> str:
    """The text the site shows for `message` in `language` (from the same catalogue the server uses)."""
    with translation.override(language):
        return translation.gettext(message)


def ptr(language: str, context: str, message: str) -> str:
    with translation.override(language):
        return translation.pgettext(context, message)


def html_lang_dir(page: Page) -> tuple[str, str]:
    lang, direction = page.evaluate("() => [document.documentElement.lang, document.documentElement.dir]")
    return lang, direction


def totp_code(secret: str) -> str:
    """The current TOTP code for `secret`, as an authenticator app shows it (allauth's own algorithm).

    allauth accepts only the current period (no tolerance), so close to the end of one we wait for the next.
    """
    from allauth.mfa import app_settings
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    period = app_settings.TOTP_PERIOD
    if period - time.time() % period < 3:
        time.sleep(period - time.time() % period + 0.2)
    return format_hotp_value(hotp_value(secret, int(time.time()) // period))


def wrong_code(right: str) -> str:
    return f"{(int(right) + 500_001) % 1_000_000:06d}"
