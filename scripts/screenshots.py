#!/usr/bin/env python3
"""Take the README's screenshots from a running demo (./scripts/demo) with Debian's Chromium.

    python scripts/screenshots.py [--base http://127.0.0.1:8000] [--out docs/screenshots] [--all]

Without --all it writes the images the README shows; with --all it also writes every page at phone, tablet
and desktop widths in both languages (for a visual review, into the same folder's review/ subfolder).
Staff pages sign in as the demo station manager, using the code that `manage.py demo_totp` prints.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
WIDTHS = {"phone": 360, "tablet": 768, "desktop": 1280}
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
README_SHOTS = [
    ("home-ar-desktop", "/", "ar", "desktop"),
    ("home-en-desktop", "/", "en", "desktop"),
    ("directory-ar-phone", "/stations/", "ar", "phone"),
    ("station-ar-desktop", "/stations/KS-AMM-01/", "ar", "desktop"),
    ("station-en-phone", "/stations/KS-AMM-01/", "en", "phone"),
    ("training-catalogue-ar-phone", "/training/", "ar", "phone"),
    ("training-catalogue-en-desktop", "/training/", "en", "desktop"),
]
REVIEW_PAGES = [
    "/",
    "/stations/",
    "/stations/KS-AMM-01/",
    "/training/",
    "/training/needs/",
    "/accounts/login/",
    "/accounts/signup/",
    "/api/v1/docs/",
]
STAFF_PAGES = [
    "/staff/stations/",
    "/staff/stations/KS-AMM-01/edit/",
    "/staff/citizens/",
    "/me/profile/",
    "/staff/training/cohorts/",
    "/staff/training/reports/",
    "/staff/training/demand/",
]


def manage(*args: str) -> str:
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args], check=True, capture_output=True, text=True
    ).stdout


def sign_in_manager(page: Page, base: str, code_prompt_shot: Path | None = None) -> None:
    credentials = json.loads((ROOT / "data" / "demo_credentials.json").read_text())
    entry = credentials["accounts"]["manager@demo.mahatat.jo"]
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=login]", "manager@demo.mahatat.jo")
    page.fill("input[name=password]", entry["password"])
    page.locator("form:has(input[name=password]) button[type=submit]").first.click()
    page.wait_for_load_state()
    if code_prompt_shot is not None:
        page.screenshot(path=str(code_prompt_shot), full_page=True)
        print(code_prompt_shot)
    code = manage("demo_totp", "manager@demo.mahatat.jo").strip()
    page.fill("input[name=code]", code)
    page.locator("form:has(input[name=code]) button[type=submit]").first.click()
    page.wait_for_load_state()


def shoot(page: Page, base: str, path: str, out: Path, *, full_page: bool = True) -> None:
    page.goto(base + path)
    page.wait_for_load_state("networkidle")
    out.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(out), full_page=full_page)
    print(out.relative_to(ROOT) if out.is_relative_to(ROOT) else out)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    parser.add_argument("--all", action="store_true")
    args = parser.parse_args()
    out = Path(args.out)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        host = args.base.split("//", 1)[1].split(":")[0]

        def context(language: str, width: str):  # type: ignore[no-untyped-def]
            ctx = browser.new_context(viewport={"width": WIDTHS[width], "height": 900}, device_scale_factor=1)
            ctx.add_cookies([{"name": "mahatat_language", "value": language, "domain": host, "path": "/"}])
            return ctx

        for name, path, language, width in README_SHOTS:
            ctx = context(language, width)
            shoot(ctx.new_page(), args.base, path, out / f"{name}.png")
            ctx.close()
        ctx = context("ar", "tablet")
        page = ctx.new_page()
        sign_in_manager(page, args.base, code_prompt_shot=out / "signin-mfa-ar.png")
        # The editor's save bar sticks to the bottom of the window: a window-sized shot shows it where a user sees it.
        page.set_viewport_size({"width": WIDTHS["tablet"], "height": 1024})
        shoot(
            page,
            args.base,
            "/staff/stations/KS-AMM-01/edit/",
            out / "backoffice-ar-tablet.png",
            full_page=False,
        )
        ctx.close()
        if args.all:
            for language in ("ar", "en"):
                for width in WIDTHS:
                    ctx = context(language, width)
                    page = ctx.new_page()
                    for path in REVIEW_PAGES:
                        slug = path.strip("/").replace("/", "_") or "home"
                        shoot(page, args.base, path, out / "review" / f"{slug}-{language}-{width}.png")
                    sign_in_manager(page, args.base)
                    for path in STAFF_PAGES:
                        slug = path.strip("/").replace("/", "_")
                        shoot(page, args.base, path, out / "review" / f"{slug}-{language}-{width}.png")
                    ctx.close()
        browser.close()


if __name__ == "__main__":
    main()
