"""Languages: Persian (default, right-to-left) and English; locale choice and template filters."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import wraps
from typing import Any
from zoneinfo import ZoneInfo

from flask import Flask, current_app, request, session
from flask_babel import Babel
from jinja2 import pass_context

from forms import text
from i18n import jalali
from i18n.persian import to_persian_digits

babel = Babel()
RTL_LANGUAGES = {"fa"}


def select_locale() -> str:
    """Pick the language: the visitor's choice in the session, else the default (Persian)."""
    languages = current_app.config["LANGUAGES"]
    chosen = session.get("lang") if request else None
    if chosen in languages:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]


# The one language resolver (forms/text.py): the request's language, 'fa' outside a request.
current_language = text.current_language


def text_direction() -> str:
    """Return 'rtl' or 'ltr' for the active language."""
    return "rtl" if current_language() in RTL_LANGUAGES else "ltr"


def localized_digits(value: object) -> str:
    """Write numbers in the reader's digits: Persian digits in Persian."""
    text = "" if value is None else str(value)
    return to_persian_digits(text) if current_language() == "fa" else text


def format_date(value: dt.date | None) -> str:
    """Show a date in the reader's calendar: Jalali in Persian, Gregorian in English."""
    return jalali.format_date(value, current_language())


def format_datetime(value: dt.datetime | None, tz: str | None = None, label: bool = False) -> str:
    """Show a UTC timestamp as date and time in ``tz`` (default UTC) in the reader's calendar; ``label`` names it."""
    if value is None:
        return ""

    zone = tz or "UTC"
    local = value.replace(tzinfo=dt.UTC).astimezone(ZoneInfo(zone))
    language = current_language()
    separator = "، " if language == "fa" else ", "
    text = jalali.format_date(local.date(), language) + separator + localized_digits(local.strftime("%H:%M"))
    return f"{text} ({zone})" if label else text


def bilingual(value: object) -> str:
    """Pick the active language from a {'fa': …, 'en': …} mapping or an object with .get(locale)."""
    if value is None:
        return ""
    if isinstance(value, dict):
        return value.get(current_language()) or value.get("fa") or ""
    getter = getattr(value, "get", None)
    return getter(current_language()) if getter else str(value)


def per_reader(func: Callable[..., Any]) -> Callable[..., Any]:
    """``func`` as a template filter evaluated for each reader: Jinja folds filters applied to constants at
    compile time (`{{ 0|digits }}` became a Latin "0" for everyone) unless they take the context."""

    @pass_context
    @wraps(func)
    def filter_(_context: Any, *args: Any, **kwargs: Any) -> Any:
        return func(*args, **kwargs)

    return filter_


def init_app(app: Flask) -> None:
    """Attach Flask-Babel and the template helpers."""
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.filters.update(
        digits=per_reader(localized_digits), jdate=per_reader(format_date), jdatetime=per_reader(format_datetime),
        bi=per_reader(bilingual),
    )
    app.jinja_env.globals.update(current_language=current_language, text_direction=text_direction)
