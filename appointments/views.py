"""Applicant pages under /requests/<tracking_code>/appointment: notice, choosing a time, cancel, reschedule, PDF, .ics.

Every route loads the request by tracking code *and* the signed-in applicant: anyone else gets 404.
"""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from appointments import booking, calendar, changes, notice, slot_picker
from appointments.booking import BookingError
from appointments.ics import notice_ics
from appointments.pdf import notice_pdf
from auth.decorators import activated_required
from casework import tracking
from core import audit
from core.models import Appointment, ServiceRequest
from i18n import current_language

bp = Blueprint("appointments", __name__)
SLOT_FORMAT = slot_picker.SLOT_FORMAT
NOTE_MAX = 1000


def own_request(tracking_code: str) -> ServiceRequest:
    """Return the signed-in applicant's request with this tracking code, or answer 404."""
    code = tracking.normalize_code(tracking_code)
    found = ServiceRequest.get_or_none((ServiceRequest.tracking_code == code)
                                       & (ServiceRequest.applicant == current_user.applicant.id))
    if found is None:
        audit.record("access.denied", object_type="request", object_id=tracking_code[:32], reason="appointment")
        abort(404)
    return found


def _spec(req: ServiceRequest):
    """Return the request's spec, or 404 when its service has no appointments."""
    spec = notice.spec_of(req)
    if spec is None or spec.appointment is None:
        abort(404)
    return spec


def _shown_appointment(req: ServiceRequest) -> Appointment:
    """Return the appointment whose notice can be downloaded (booked, else attended), or 404."""
    found = booking.active_appointment(req) or notice._attended(req)
    if found is None:
        abort(404)
    return found


def parse_slot(value: str | None) -> dt.datetime | None:
    """Parse a slot value from a form (UTC, minutes precision); None when malformed."""
    try:
        return dt.datetime.strptime(str(value or ""), SLOT_FORMAT)
    except ValueError:
        return None


def slot_choices(req: ServiceRequest, spec, exclude: dt.datetime | None = None) -> list[dict]:
    """Return the free slots the applicant may choose (but ``exclude``), grouped by the office's local day."""
    office = req.office
    _start, latest = booking.applicant_window(spec)
    window = spec.appointment.window_days + 1
    free = [slot for slot in calendar.free_slots(office, None, window)
            if slot.starts_at <= latest and slot.starts_at != exclude]
    return slot_picker.group_by_day(free, office, current_language())


def picker_context(days: list[dict]) -> dict:
    """Template context of the day-then-time choice: the days, the one asked for (?day=), its neighbours."""
    day = slot_picker.pick_day(days, request.args.get("day"))
    previous_day, next_day = slot_picker.neighbours(days, day)
    return {"days": days, "day": day, "previous_day": previous_day, "next_day": next_day,
            "earliest_day": days[0] if days else None}


@bp.get("/requests/<tracking_code>/appointment")
@activated_required
def page(tracking_code: str):
    """Show the appointment notice with what the applicant may do (choose, cancel, reschedule, download)."""
    req = own_request(tracking_code)
    spec = _spec(req)
    return render_template("appointments/page.html", req=req, spec=spec,
                           appointment_notice=notice.notice_context(req, spec))


@bp.route("/requests/<tracking_code>/appointment/choose", methods=["GET", "POST"])
@activated_required
def choose(tracking_code: str):
    """Let the applicant of an applicant-choice service pick a free time within the service's window."""
    req = own_request(tracking_code)
    spec = _spec(req)
    if not booking.can_applicant_book(req, spec):
        flash(_("You cannot choose an appointment for this request now."), "error")
        return redirect(url_for("appointments.page", tracking_code=req.tracking_code), 303)
    if request.method == "POST":
        start = parse_slot(request.form.get("slot"))
        if start is None:
            flash(_("Choose one of the times offered."), "error")
        else:
            try:
                booking.book_for_applicant(req, spec, start, current_user.applicant)
            except BookingError as exc:
                flash(str(exc), "error")
            else:
                flash(_("Your appointment is booked. The notice has been sent to your e-mail."), "success")
                return redirect(url_for("appointments.page", tracking_code=req.tracking_code), 303)
    return render_template("appointments/choose.html", req=req, spec=spec,
                           **picker_context(slot_choices(req, spec)),
                           action=url_for("appointments.choose", tracking_code=req.tracking_code), rescheduling=False)


@bp.post("/requests/<tracking_code>/appointment/cancel")
@activated_required
def cancel(tracking_code: str):
    """Cancel the applicant's appointment (within the deadline and the number of changes allowed)."""
    req = own_request(tracking_code)
    spec = _spec(req)
    appointment = booking.active_appointment(req)
    if appointment is None:
        abort(404)
    try:
        changes.cancel_by_applicant(appointment, spec, current_user.applicant,
                                    request.form.get("note", "")[:NOTE_MAX])
    except BookingError as exc:
        flash(str(exc), "error")
    else:
        flash(_("Your appointment is cancelled."), "success")
    return redirect(url_for("appointments.page", tracking_code=req.tracking_code), 303)


@bp.route("/requests/<tracking_code>/appointment/reschedule", methods=["GET", "POST"])
@activated_required
def reschedule(tracking_code: str):
    """Move the appointment (applicant-choice services) or ask the office to move it."""
    req = own_request(tracking_code)
    spec = _spec(req)
    appointment = booking.active_appointment(req)
    if appointment is None:
        abort(404)
    back = redirect(url_for("appointments.page", tracking_code=req.tracking_code), 303)
    refusal = changes.change_allowed(appointment)
    if refusal is not None or changes.pending_change(appointment) is not None:
        flash(str(refusal) if refusal else _("You have already asked to change this appointment; the office will "
                                             "answer."), "error")
        return back
    if request.method == "POST":
        start = parse_slot(request.form.get("slot"))
        if spec.appointment.mode == "applicant" and start is None:
            flash(_("Choose one of the times offered."), "error")
        else:
            try:
                result = changes.reschedule_by_applicant(appointment, spec, current_user.applicant, start,
                                                         request.form.get("note", "")[:NOTE_MAX])
            except BookingError as exc:
                flash(str(exc), "error")
            else:
                flash(_("Your appointment was moved. The new notice has been sent to your e-mail.")
                      if isinstance(result, Appointment) else
                      _("Your request to change the appointment was sent to the office."), "success")
                return back
    return render_template("appointments/choose.html", req=req, spec=spec,
                           **picker_context(slot_choices(req, spec, exclude=appointment.starts_at)),
                           action=url_for("appointments.reschedule", tracking_code=req.tracking_code),
                           rescheduling=True, optional=spec.appointment.mode != "applicant",
                           appointment_notice=notice.notice_context(req, spec))


def _download(data: bytes, mimetype: str, filename: str) -> Response:
    """Return a private file download."""
    response = Response(data, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.get("/requests/<tracking_code>/appointment/notice.pdf")
@activated_required
def pdf(tracking_code: str):
    """Download the notice as PDF, in the reader's language."""
    req = own_request(tracking_code)
    data = notice_pdf(_shown_appointment(req), _spec(req), current_language())
    return _download(data, "application/pdf", f"appointment-{req.tracking_code}.pdf")


@bp.get("/requests/<tracking_code>/appointment/notice.ics")
@activated_required
def ics(tracking_code: str):
    """Download the appointment as an iCalendar file."""
    req = own_request(tracking_code)
    data = notice_ics(_shown_appointment(req), _spec(req), current_language())
    return _download(data, "text/calendar", f"appointment-{req.tracking_code}.ics")
