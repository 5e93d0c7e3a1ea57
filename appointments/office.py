"""At the office: the day's schedule, check-in by tracking code, no-shows, completion, requests to be booked.

Check-in moves the request from the appointment status to the workflow's "attended" status (see
appointments.workflow: the first target of the appointment status that is not ``no_show``); completion
then moves it on to the status after that. A no-show moves it to ``no_show`` when the workflow has it
(else it stays in the appointment status); either way it can be given a new appointment.
"""

from __future__ import annotations

import datetime as dt

from flask_babel import gettext as _

from appointments import calendar, workflow
from appointments.booking import NotAllowed, _lock_request
from casework import tracking
from casework.workflow import TransitionRefused, record_event, transition
from core import audit
from core.db import database
from core.models import Appointment, Office, ServiceRequest, Staff
from core.ratelimit import now

SHOWN_STATUSES = ("booked", "attended", "no_show")


class CheckInError(NotAllowed):
    """A tracking code that cannot be checked in here today."""


def day_bounds(office: Office, day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """Return the UTC start and end of the office's local ``day``."""
    tz = calendar.zone(office)
    start = dt.datetime.combine(day, dt.time(), tzinfo=tz).astimezone(dt.UTC).replace(tzinfo=None)
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=tz).astimezone(dt.UTC)
    return start, end.replace(tzinfo=None)


def day_schedule(office: Office, day: dt.date | None = None) -> list[Appointment]:
    """Return the appointments of the office's local ``day`` (default today), in time order."""
    start, end = day_bounds(office, day or calendar.local_today(office))
    return list(Appointment.select(Appointment, ServiceRequest).join(ServiceRequest)
                .where((Appointment.office == office.id) & (Appointment.starts_at >= start)
                       & (Appointment.starts_at < end) & Appointment.status.in_(SHOWN_STATUSES))
                .order_by(Appointment.starts_at, ServiceRequest.applicant_name))


def _transition(request: ServiceRequest, spec, target: str | None, staff: Staff, note: str = "",
                system_note: dict | None = None) -> None:
    """Move the request to ``target`` if there is one, translating a refusal."""
    if target is None:
        return
    try:
        transition(request, spec, target, actor_type="staff", actor_id=staff.id, public_note=note,
                   system_note=system_note)
    except TransitionRefused as exc:
        raise NotAllowed(str(exc)) from exc


def find_for_check_in(office: Office, code: str) -> Appointment:
    """Return today's booked appointment at ``office`` for a typed or scanned tracking code."""
    canonical = tracking.normalize_code(code)
    if not tracking.is_valid_code(canonical):
        raise CheckInError(_("This is not a valid tracking code. Check it and type it again."))
    request = ServiceRequest.get_or_none((ServiceRequest.tracking_code == canonical)
                                         & (ServiceRequest.office == office.id))
    if request is None:
        elsewhere = ServiceRequest.select().where(ServiceRequest.tracking_code == canonical).exists()
        audit.record("appointment.check_in_refused", object_type="request", object_id=canonical,
                     office_id=office.id, reason="other_office" if elsewhere else "not_found")
        raise CheckInError(_("This tracking code was not found here: no request of this office has it. "
                             "Check the code and type it again."))
    appointment = Appointment.get_or_none(Appointment.active_request == request.id)
    if appointment is None:
        raise CheckInError(_("This request has no appointment to check in."))
    if calendar.to_local(appointment.starts_at, office).date() != calendar.local_today(office):
        raise CheckInError(_("This appointment is not today."))
    return appointment


def check_in(office: Office, code: str, spec_for, staff: Staff) -> Appointment:
    """Check in today's appointment with tracking code ``code``: the request moves to its attended status.

    ``spec_for(request)`` returns the service spec of a request.
    """
    appointment = find_for_check_in(office, code)
    with database.atomic():
        request = _lock_request(appointment.request_id)
        spec = spec_for(request)
        changed = (Appointment.update(status="attended", active_request=None, checked_in_at=now(), closed_at=now())
                   .where((Appointment.id == appointment.id) & (Appointment.status == "booked")).execute())
        if not changed:
            raise CheckInError(_("This appointment was already checked in."))
        _transition(request, spec, workflow.attended_status(spec), staff)
        audit.record("appointment.check_in", actor=staff, object_type="request", object_id=request.tracking_code,
                     office_id=office.id)
    appointment.status = "attended"
    return appointment


def mark_no_show(appointment: Appointment, spec, staff: Staff) -> None:
    """Record that the applicant did not come (once the time has begun); the request can be booked again."""
    from appointments.notice import timeline_note, timeline_system_note

    if appointment.starts_at > now():
        raise NotAllowed(_("An appointment can be marked as missed only once its time has begun."))
    with database.atomic():
        request = _lock_request(appointment.request_id)
        changed = (Appointment.update(status="no_show", active_request=None, closed_at=now())
                   .where((Appointment.id == appointment.id) & (Appointment.status == "booked")).execute())
        if not changed:
            raise NotAllowed(_("This appointment has changed meanwhile. Please reload the page."))
        note = timeline_note(appointment, request.applicant.locale, "no_show")
        system = timeline_system_note(appointment, "no_show")
        target = workflow.no_show_status(spec)
        if target is not None:
            _transition(request, spec, target, staff, note, system)
        else:
            record_event(request, kind="appointment", from_status=request.status, to_status=request.status,
                         public_note=note, actor_type="staff", actor_id=staff.id, system_note=system)
        audit.record("appointment.no_show", actor=staff, object_type="request", object_id=request.tracking_code,
                     office_id=appointment.office_id)


def complete(request: ServiceRequest, spec, staff: Staff, note: str = "") -> str:
    """Close an attended request (move it to its completion status); return the new status."""
    target = workflow.completion_status(spec)
    if target is None or request.status != workflow.attended_status(spec):
        raise NotAllowed(_("This request cannot be completed now."))
    from workflow import moves

    if not moves.permitted(staff, request, spec, target):
        moves.audit_refusal(staff, request, spec, target, view="day")
        raise NotAllowed(_("Your casework roles do not include this step."))
    unmet = moves.unmet(staff, request, spec, spec, target)
    if unmet:
        raise NotAllowed(" ".join(unmet))
    with database.atomic():
        locked = _lock_request(request.id)
        _transition(locked, spec, target, staff, note)
        audit.record("appointment.complete", actor=staff, object_type="request", object_id=locked.tracking_code,
                     office_id=locked.office_id)
    request.status = target
    return target


def awaiting_appointment(office: Office, specs) -> list[ServiceRequest]:
    """Return the office's requests of staff-given services waiting for an appointment, oldest change first.

    Waiting: in the appointment status without a booked appointment (moved there from the request
    page, or cancelled by the applicant), or in the no-show status. ``specs`` maps service ids to specs.
    """
    booked = Appointment.select(Appointment.active_request).where(Appointment.active_request.is_null(False))
    found = []
    for service_id, spec in specs.items():
        target = workflow.appointment_status(spec)
        if target is None or spec.appointment is None or spec.appointment.mode != "staff":
            continue
        waiting = [target] + ([workflow.NO_SHOW] if workflow.no_show_status(spec) else [])
        found.extend(ServiceRequest.select().where(
            (ServiceRequest.office == office.id) & (ServiceRequest.service_id == service_id)
            & ServiceRequest.status.in_(waiting) & ServiceRequest.id.not_in(booked)))
    return sorted(found, key=lambda r: r.updated_at)
