"""Template globals and filters that are not about language or forms."""

from __future__ import annotations

from flask import Flask, current_app
from markupsafe import Markup

from casework.timeline import public_text
from forms.text import markdown_to_text, render_markdown
from tracking import format_code


def has_endpoint(name: str) -> bool:
    """Return whether a route exists (templates link to features only when they are installed)."""
    return name in current_app.view_functions


def markdown(source: str | None) -> Markup:
    """Render schema Markdown (HTML disabled, sanitized)."""
    return render_markdown(str(source or ""))


def markdown_text(source: str | None) -> str:
    """Schema Markdown as plain text (text e-mails)."""
    return markdown_to_text(str(source or ""))


def init_app(app: Flask) -> None:
    """Register the globals and filters."""
    app.jinja_env.globals.update(has_endpoint=has_endpoint, format_code=format_code)
    app.jinja_env.filters.update(markdown=markdown, markdown_text=markdown_text, timeline_note=public_text)
