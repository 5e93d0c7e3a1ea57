"""Template globals and filters that are not about language or forms."""

from __future__ import annotations

import math

from flask import Flask, current_app
from flask_babel import gettext
from markupsafe import Markup

from casework.timeline import public_text
from casework.tracking import format_code
from forms.text import markdown_to_text, render_markdown
from i18n import current_language, localized_digits, per_reader


def has_endpoint(name: str) -> bool:
    """Return whether a route exists (templates link to features only when they are installed)."""
    return name in current_app.view_functions


def markdown(source: str | None) -> Markup:
    """Render schema Markdown (HTML disabled, sanitized)."""
    return render_markdown(str(source or ""))


def markdown_text(source: str | None) -> str:
    """Schema Markdown as plain text (text e-mails)."""
    return markdown_to_text(str(source or ""))


def file_size(size: int | None) -> str:
    """A file size for readers: whole kilobytes (at least 1) below a megabyte, else megabytes to one decimal."""
    size = int(size or 0)
    if size < 1024 * 1024:
        return gettext("%(size)s KB", size=localized_digits(max(1, math.ceil(size / 1024))))
    megabytes = f"{size / (1024 * 1024):.1f}".removesuffix(".0")
    shown = localized_digits(megabytes)
    return gettext("%(size)s MB", size=shown.replace(".", "٫") if current_language() == "fa" else shown)


def init_app(app: Flask) -> None:
    """Register the globals and filters."""
    app.jinja_env.globals.update(has_endpoint=has_endpoint, format_code=format_code)
    app.jinja_env.filters.update(file_size=per_reader(file_size), markdown=markdown, markdown_text=markdown_text,
                                 timeline_note=public_text)
