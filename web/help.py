"""Help and trust pages: contact details per office, the accessibility statement, where to send feedback."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, abort, current_app, render_template

from appointments import calendar
from appointments.notice import WEEKDAYS_FA
from core.models import Office
from forms.wtf import country_name
from i18n import current_language, localized_digits

bp = Blueprint("help", __name__)
WEEKDAY_KEYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WEEKDAYS_EN = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def opening_hours(office: Office, language: str) -> list[tuple[str, str]]:
    """Return (weekday, "09:00–13:00, 14:00–16:00") for each day the office opens, in the reader's digits."""
    names = WEEKDAYS_FA if language == "fa" else WEEKDAYS_EN
    separator = "، " if language == "fa" else ", "
    rows = []
    for index, key in enumerate(WEEKDAY_KEYS):
        spans = (office.opening_hours or {}).get(key) or []
        if spans:
            text = separator.join(f"{start}–{end}" for start, end in spans)
            rows.append((names[index], localized_digits(text)))
    return rows


def office_facts(office: Office) -> dict:
    """What an applicant needs to reach an office: address in both scripts, hours, local time now."""
    language = current_language()
    local_now = calendar.to_local(dt.datetime.now(dt.UTC).replace(tzinfo=None), office)
    return {"office": office, "name": office.name(language),
            "city": office.city_fa if language == "fa" else office.city_en,
            "address": office.address_fa if language == "fa" else office.address_en,
            "address_latin": office.address_en if language == "fa" and office.address_en else "",
            "countries": [country_name(code, language) for code in office.serves_countries or []],
            "hours": opening_hours(office, language), "local_time": localized_digits(local_now.strftime("%H:%M"))}


@bp.get("/help")
def index():
    """List the offices with whom to contact about what."""
    offices = Office.select().where(Office.active).order_by(Office.code)
    return render_template("help/index.html", offices=[office_facts(office) for office in offices],
                           feedback_email=current_app.config.get("FEEDBACK_EMAIL", ""))


@bp.get("/help/<code>")
def office(code: str):
    """Show one office's contact details and opening hours."""
    found = Office.get_or_none((Office.code == code[:40]) & Office.active)
    if found is None:
        abort(404)
    return render_template("help/office.html", facts=office_facts(found))


@bp.get("/accessibility")
def accessibility():
    """Show the accessibility statement."""
    return render_template("help/accessibility.html", feedback_email=current_app.config.get("FEEDBACK_EMAIL", ""))
