"""The certificate as a PDF: one A4 landscape page, Arabic on the right and English on the left.

WeasyPrint lays the page out with Pango, which shapes Arabic. The fonts are the vendored files in
static/vendor/fonts (Amiri for the certificate text), loaded by file:// address. The URL fetcher refuses
everything that is not a file under the project's static folder or an inline data: address, so rendering a
certificate never reaches the network.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from .models import Certificate

TEMPLATE = "training/certificates/certificate_pdf.html"


def static_root() -> Path:
    return (Path(settings.BASE_DIR) / "static").resolve()


class LocalOnlyFetcher(URLFetcher):
    """Fetches file:// addresses under the project's static folder and data: addresses; refuses the rest.

    `fetched` and `refused` list what was asked for (the tests check that nothing else was).
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(allowed_protocols=("file", "data"), **kwargs)
        self.fetched: list[str] = []
        self.refused: list[str] = []

    def fetch(self, url: str, headers: Any = None) -> Any:
        if url.startswith("data:"):
            self.fetched.append(url[:30])
            return super().fetch(url, headers)
        if url.startswith("file://"):
            path = Path(url.removeprefix("file://").split("?")[0]).resolve()
            if path.is_relative_to(static_root()) and path.is_file():
                self.fetched.append(url)
                return super().fetch(path.as_uri(), headers)
        self.refused.append(url)
        raise ValueError(f"Certificates load only the project's own static files, not {url[:80]!r}.")


def qr_data_uri(text: str) -> str:
    """A QR code of `text` as an SVG data: address (error correction M, dark on white)."""
    import segno

    qr = segno.make(text, error="m", micro=False)
    return str(qr.svg_data_uri(scale=4, border=2, dark="#0b3d2e", encode_minimal=False))


def font_url(relative: str) -> str:
    return (static_root() / "vendor" / "fonts" / relative).as_uri()


def certificate_context(certificate: Certificate) -> dict[str, Any]:
    from .services.certificates import format_code, verify_url

    programme = certificate.enrolment.cohort.programme
    url = verify_url(certificate)
    return {
        "certificate": certificate,
        "code": format_code(certificate.code),
        "verify_url": url,
        "qr": qr_data_uri(url),
        "diploma": programme.certificate_template == "diploma",
        "fonts": {
            "amiri_ar_400": font_url("amiri/amiri-arabic-400.woff"),
            "amiri_ar_700": font_url("amiri/amiri-arabic-700.woff"),
            "amiri_la_400": font_url("amiri/amiri-latin-400.woff"),
            "amiri_la_700": font_url("amiri/amiri-latin-700.woff"),
            "plex_ar_400": font_url("ibm-plex-sans-arabic/ibm-plex-sans-arabic-arabic-400.woff2"),
            "plex_ar_600": font_url("ibm-plex-sans-arabic/ibm-plex-sans-arabic-arabic-600.woff2"),
            "plex_la_400": font_url("ibm-plex-sans-arabic/ibm-plex-sans-arabic-latin-400.woff2"),
            "plex_la_600": font_url("ibm-plex-sans-arabic/ibm-plex-sans-arabic-latin-600.woff2"),
        },
    }


def certificate_html(certificate: Certificate) -> str:
    return render_to_string(TEMPLATE, certificate_context(certificate))


def certificate_document(certificate: Certificate, fetcher: LocalOnlyFetcher | None = None) -> Any:
    """The laid-out WeasyPrint document (its pages and boxes can be inspected)."""
    html = HTML(
        string=certificate_html(certificate),
        base_url=static_root().as_uri() + "/",
        url_fetcher=fetcher or LocalOnlyFetcher(),
    )
    return html.render()


def render_certificate_pdf(certificate: Certificate, fetcher: LocalOnlyFetcher | None = None) -> bytes:
    document = certificate_document(certificate, fetcher)
    return bytes(document.write_pdf())
