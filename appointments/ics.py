"""The notice as an iCalendar (.ics) file: one event in UTC with a UID that stays the same per request.

The UID is derived from the tracking code, and SEQUENCE grows with each new appointment of the
request, so a calendar that imported the first notice updates the same event when the appointment is
moved, and marks it cancelled when it is cancelled.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

import icalendar
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from core.models import Appointment
from core.ratelimit import now
from forms.text import markdown_to_text

PRODID = "-//Mikhak//Consular appointments//EN"


def event_uid(appointment: Appointment) -> str:
    """Return the event's UID: stable for every appointment of the same request."""
    host = urlsplit(current_app.config["PUBLIC_URL"]).hostname or "mikhak.localhost"
    return f"appointment-{appointment.request.tracking_code}@{host}"


def notice_ics(appointment: Appointment, spec, locale: str) -> bytes:
    """Return the .ics file of ``appointment`` with its texts in ``locale``."""
    from appointments.notice import notice_data

    notice = notice_data(appointment, spec, locale)
    with force_locale(notice["language"]):
        return _calendar(appointment, notice)


def _calendar(appointment: Appointment, notice: dict) -> bytes:
    """Build the calendar of one event from the notice's data."""
    cancelled = appointment.status in ("cancelled", "moved")
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancelled else "PUBLISH")
    event = icalendar.Event()
    event.add("uid", event_uid(appointment))
    event.add("sequence", appointment.sequence + (1 if cancelled else 0))
    event.add("dtstamp", now().replace(tzinfo=dt.UTC))
    event.add("dtstart", appointment.starts_at.replace(tzinfo=dt.UTC))
    event.add("dtend", appointment.ends_at.replace(tzinfo=dt.UTC))
    event.add("summary", _("Consular appointment: %(service)s", service=notice["service_title"]))
    event.add("location", ", ".join(filter(None, [notice["office_name"], notice["office_address"]])))
    lines = [_("Tracking code: %(code)s", code=notice["tracking_code"])]
    if notice["documents"]:
        lines.append(_("Original documents to bring:"))
        lines.extend(f"- {label}" for label in notice["documents"])
    if notice["instructions"]:
        lines.append(markdown_to_text(notice["instructions"]))
    event.add("description", "\n".join(lines))
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("url", f"{notice['public_url']}/requests/{appointment.request.tracking_code}/appointment")
    calendar.add_component(event)
    return calendar.to_ical()
