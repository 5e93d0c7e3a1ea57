"""The notice as a PDF (WeasyPrint): right-to-left Persian in Vazirmatn, and a QR code of the tracking code.

Fonts are read from ``static/fonts`` (no network); WeasyPrint may fetch nothing else: every other URL
in the document (a Markdown image in a schema, say) is refused.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import segno
from flask import current_app, render_template
from flask_babel import force_locale

from core.models import Appointment

FONTS = {"regular": "Vazirmatn-Regular.ttf", "bold": "Vazirmatn-Bold.ttf"}


def qr_code(text: str) -> segno.QRCode:
    """Return the QR code of ``text`` (error correction M, so a creased printout still scans)."""
    return segno.make(text, error="m", micro=False)


def qr_data_uri(text: str) -> str:
    """Return the QR code as a PNG data URI with the quiet zone scanners need."""
    return qr_code(text).png_data_uri(scale=6, border=4)


def _font_dir() -> Path:
    return Path(current_app.static_folder or "static") / "fonts"


def _fetcher():
    """Return a WeasyPrint URL fetcher that reads only the bundled fonts and data: URIs."""
    from weasyprint.urls import URLFetcher

    allowed = {(_font_dir() / name).resolve().as_uri() for name in FONTS.values()}

    class NoticeFetcher(URLFetcher):
        def fetch(self, url: str, headers: Any = None) -> Any:
            if url.startswith("data:") or url in allowed:
                return super().fetch(url, headers)
            raise ValueError(f"the notice may not load {url[:80]!r}")

    return NoticeFetcher(allowed_protocols=("file", "data"))


def render_notice_html(appointment: Appointment, spec, locale: str) -> str:
    """Return the notice's printable HTML in ``locale``."""
    from appointments.notice import notice_data

    notice = notice_data(appointment, spec, locale)
    fonts = {key: (_font_dir() / name).resolve().as_uri() for key, name in FONTS.items()}
    with force_locale(notice["language"]):
        return render_template("appointments/notice_pdf.html", notice=notice, fonts=fonts,
                               qr=qr_data_uri(appointment.request.tracking_code))


def notice_pdf(appointment: Appointment, spec, locale: str) -> bytes:
    """Return the notice as PDF bytes."""
    from weasyprint import HTML

    html = render_notice_html(appointment, spec, locale)
    return HTML(string=html, base_url=str(_font_dir()), url_fetcher=_fetcher()).write_pdf()
