"""The notice of the time to attend: its content in one language, the e-mail, and the request page's context."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app, render_template, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from markupsafe import Markup

from appointments import booking, calendar, changes, workflow
from casework import tracking
from core.models import Appointment, Office, ServiceRequest
from forms.conditions import evaluate
from i18n import current_language, jalali
from i18n.persian import to_persian_digits
from mailer import queue_email
from mailer.compose import attachment
from wizard.snapshots import spec_for_version

WEEKDAYS_FA = ("دوشنبه", "سه‌شنبه", "چهارشنبه", "پنجشنبه", "جمعه", "شنبه", "یکشنبه")
MONTHS_GREGORIAN_FA = ("ژانویه", "فوریه", "مارس", "آوریل", "مه", "ژوئن", "ژوئیه", "اوت", "سپتامبر", "اکتبر",
                       "نوامبر", "دسامبر")


def _language(locale: str | None) -> str:
    """Return 'fa' or 'en' for a locale."""
    return "en" if str(locale or "fa").lower().startswith("en") else "fa"


def when(starts_at: dt.datetime, ends_at: dt.datetime, office: Office, locale: str) -> dict[str, str]:
    """Describe a slot in the office's timezone.

    Persian: weekday and Jalali date, the Gregorian date beside it, Persian digits. English:
    weekday and Gregorian date.
    """
    start, end = calendar.to_local(starts_at, office), calendar.to_local(ends_at, office)
    offset = start.strftime("%z")
    utc_offset = f"UTC{offset[:3]}:{offset[3:]}" if offset else "UTC"
    language = _language(locale)
    gregorian = to_persian_digits(f"{start.day} {MONTHS_GREGORIAN_FA[start.month - 1]} {start.year}") \
        if language == "fa" else ""
    return {"date": _weekday_date(start, language), "gregorian": gregorian, "start": _clock(start, language),
            "end": _clock(end, language), "timezone": office.timezone, "utc_offset": utc_offset,
            "iso": start.isoformat()}


def _weekday_date(local: dt.datetime, language: str) -> str:
    """Weekday and date of a local time: Jalali with Persian digits in Persian, Gregorian in English."""
    if language == "fa":
        return f"{WEEKDAYS_FA[local.weekday()]} {jalali.format_date(local.date(), 'fa')}"
    return f"{local:%A} {local.day} {local:%B %Y}"


def _clock(local: dt.datetime, language: str) -> str:
    """Hours and minutes of a local time, in the language's digits."""
    return to_persian_digits(f"{local:%H:%M}") if language == "fa" else f"{local:%H:%M}"


def spec_of(request: ServiceRequest):
    """Return the service spec the request was made with (its workflow's status ids are the request's)."""
    return spec_for_version("service", request.service_id, request.version_key)


def originals_to_bring(spec, answers: dict[str, Any], language: str, profile: dict[str, Any] | None = None,
                       day: dt.date | None = None) -> list[str]:
    """Labels of the originals to bring: those not tied to an upload, and those whose copy this request has,
    when their ``when`` condition holds for the answers (ages counted on ``day``, the visit's day).

    A checklist entry with ``field`` belongs to that upload: a first passport needs no "previous passport",
    a renewal does. The stored answers are those of fields that were shown, so a skipped upload is absent.
    """
    return [document.label.get(language) for document in spec.documents
            if document.original and (document.field is None or answers.get(document.field))
            and evaluate(document.when, answers, profile, day)]


def _visit_day(appointment: Appointment) -> dt.date | None:
    """The day of the visit at the office (ages in a checklist condition are counted on it)."""
    if appointment.starts_at is None:
        return None
    return calendar.to_local(appointment.starts_at, appointment.office).date()


def notice_data(appointment: Appointment, spec, locale: str) -> dict[str, Any]:
    """Return everything a notice shows, in ``locale`` ('fa' or 'en')."""
    language = _language(locale)
    request = appointment.request
    office = appointment.office
    persian = language == "fa"
    instructions = spec.appointment.instructions.get(language) if spec.appointment and \
        spec.appointment.instructions else ""
    return {
        "language": language,
        "direction": "rtl" if persian else "ltr",
        "appointment_id": appointment.id,
        "status": appointment.status,
        "tracking_code": tracking.format_code(request.tracking_code),
        "tracking_code_raw": request.tracking_code,
        "applicant_name": request.applicant.display_name(language) if language == "en" else
        (request.applicant_name or request.national_code),
        "service_title": spec.title.get(language),
        "office_name": office.name_fa if persian else office.name_en,
        "office_address": office.address_fa if persian else office.address_en,
        # The Persian notice also carries the address in the host country's script, to show a taxi driver or a map.
        "office_address_latin": office.address_en if persian and office.address_en != office.address_fa else "",
        "office_city": office.city_fa if persian else office.city_en,
        "office_phone": office.phone,
        "office_email": office.email,
        "when": when(appointment.starts_at, appointment.ends_at, office, language),
        "documents": originals_to_bring(spec, request.answers or {}, language, request.applicant.profile,
                                        _visit_day(appointment)),
        "instructions": instructions,
        "public_url": current_app.config["PUBLIC_URL"].rstrip("/"),
    }


def timeline_note(appointment: Appointment, locale: str, kind: str) -> str:
    """Return the public timeline note for an appointment event, in the applicant's language (as e-mailed)."""
    with force_locale(_language(locale)):
        return appointment_note_text(kind, appointment.starts_at, appointment.office.timezone)


def timeline_system_note(appointment: Appointment, kind: str) -> dict[str, str]:
    """Return the note of an appointment event as RequestEvent.system_note: kind, start (UTC) and office zone."""
    return {"key": f"appointment.{kind}", "starts_at": appointment.starts_at.isoformat(),
            "timezone": appointment.office.timezone}


def appointment_note_text(kind: str, starts_at: dt.datetime, timezone: str) -> str:
    """Return an appointment event's note ('booked', 'cancelled', 'no_show') in the active language."""
    language = _language(current_language())
    local = starts_at.replace(tzinfo=dt.UTC).astimezone(ZoneInfo(timezone))
    separator = "، " if language == "fa" else ", "
    text = f"{_weekday_date(local, language)}{separator}{_clock(local, language)}"
    if kind == "cancelled":
        return _("Appointment of %(when)s cancelled.", when=text)
    if kind == "no_show":
        return _("Did not attend the appointment of %(when)s.", when=text)
    return _("Appointment: %(when)s (%(timezone)s).", when=text, timezone=timezone)


def system_note_text(kind: str, note: dict[str, Any]) -> str:
    """Return an ``appointment.<kind>`` timeline note (``starts_at`` in UTC, ISO; the office's ``timezone``)."""
    return appointment_note_text(kind, dt.datetime.fromisoformat(note["starts_at"]), note["timezone"])


def send_notice(appointment: Appointment, spec, template: str, **extra: Any) -> None:
    """Queue ``email/<template>`` to the applicant, in their language, with the calendar file attached."""
    from appointments.ics import notice_ics

    applicant = appointment.request.applicant
    locale = _language(applicant.locale)
    notice = notice_data(appointment, spec, locale)
    ics = notice_ics(appointment, spec, locale)
    files = [attachment(f"appointment-{appointment.request.tracking_code}.ics", "text/calendar", ics)]
    queue_email(applicant.email, template, locale, attachments=files, notice=notice,
                name=applicant.display_name(), **extra)


def notice_context(request: ServiceRequest, spec=None) -> dict[str, Any] | None:
    """Return what ``appointments/_notice.html`` needs for a request page, or None for a service without appointments.

    Keys: ``notice`` (the booked or attended appointment's notice in the reader's language, or None),
    ``appointment``, ``mode``, ``can_book``, ``can_cancel``, ``can_reschedule``, ``changes_left``,
    ``deadline`` (the last moment for a change, UTC), ``pending_change`` and ``links``.
    """
    spec = spec or spec_of(request)
    if spec is None or spec.appointment is None or workflow.appointment_status(spec) is None:
        return None
    appointment = booking.active_appointment(request)
    shown = appointment or _attended(request)
    allowed = changes.change_allowed(appointment) if appointment else None
    code = request.tracking_code
    return {
        "notice": notice_data(shown, spec, current_language()) if shown else None,
        "appointment": shown,
        "mode": spec.appointment.mode,
        "can_book": booking.can_applicant_book(request, spec),
        "can_cancel": appointment is not None and allowed is None,
        "can_reschedule": appointment is not None and allowed is None and changes.pending_change(appointment) is None,
        "refusal": str(allowed) if appointment and allowed else "",
        "changes_left": changes.changes_left(request),
        "deadline": changes.deadline(appointment) if appointment else None,
        "pending_change": changes.pending_change(appointment) if appointment else None,
        "links": {
            "page": url_for("appointments.page", tracking_code=code),
            "book": url_for("appointments.choose", tracking_code=code),
            "cancel": url_for("appointments.cancel", tracking_code=code),
            "reschedule": url_for("appointments.reschedule", tracking_code=code),
            "pdf": url_for("appointments.pdf", tracking_code=code),
            "ics": url_for("appointments.ics", tracking_code=code),
        },
    }


def render_notice(request: ServiceRequest, spec=None) -> Markup:
    """Return ``appointments/_notice.html`` rendered for a request page ('' for a service without appointments)."""
    context = notice_context(request, spec)
    if context is None:
        return Markup("")
    html = render_template("appointments/_notice.html", appointment_notice=context)
    return Markup(html)  # noqa: S704  # nosec B704 # output of an autoescaped .html template


def _attended(request: ServiceRequest) -> Appointment | None:
    """Return the request's attended appointment, if any (shown after check-in)."""
    return (Appointment.select().where((Appointment.request == request.id) & (Appointment.status == "attended"))
            .order_by(Appointment.id.desc()).first())
