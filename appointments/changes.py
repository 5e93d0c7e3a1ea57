"""Applicant cancellations and reschedules: until a deadline before the appointment, a limited number of times.

Settings: ``APPOINTMENT_CHANGE_HOURS`` (default 24: no change later than that before the start) and
``APPOINTMENT_MAX_CHANGES`` (default 2 per request: cancellations and reschedules together; a
reschedule the office refused does not count). In applicant-choice services the applicant picks the
new time and the move happens at once; otherwise the request waits for staff to accept (with a time)
or refuse it.
"""

from __future__ import annotations

import datetime as dt

import peewee as pw
from flask import current_app
from flask_babel import gettext as _

from appointments import booking
from appointments.booking import BookingError, NotAllowed
from casework.workflow import record_event
from core.db import database
from core.models import Applicant, Appointment, RescheduleRequest, Staff
from core.ratelimit import now
from i18n import localized_digits


class TooLate(BookingError):
    """The appointment is too close (or past) for the applicant to change it."""


class LimitReached(BookingError):
    """The applicant has used every change allowed for the request."""


def deadline(appointment: Appointment) -> dt.datetime:
    """Return the last moment (UTC) the applicant may cancel or reschedule ``appointment``."""
    return appointment.starts_at - dt.timedelta(hours=current_app.config["APPOINTMENT_CHANGE_HOURS"])


def changes_used(request) -> int:
    """Return how many cancellations and reschedules of the request count towards the limit."""
    return (RescheduleRequest.select()
            .where((RescheduleRequest.request == request.id) & RescheduleRequest.status.not_in(("refused", "void")))
            .count())


def changes_left(request) -> int:
    """Return how many more times the applicant may cancel or reschedule."""
    return max(current_app.config["APPOINTMENT_MAX_CHANGES"] - changes_used(request), 0)


def pending_change(appointment: Appointment) -> RescheduleRequest | None:
    """Return the reschedule request of ``appointment`` waiting for staff, if any."""
    return RescheduleRequest.get_or_none(RescheduleRequest.pending_for == appointment.id)


def change_allowed(appointment: Appointment) -> BookingError | None:
    """Return why the applicant may not change ``appointment`` now, or None when they may."""
    if appointment.status != "booked":
        return NotAllowed(_("This appointment can no longer be changed."))
    if now() > deadline(appointment):
        return TooLate(_("Appointments can be cancelled or changed until %(hours)s hours before the time.",
                         hours=localized_digits(current_app.config["APPOINTMENT_CHANGE_HOURS"])))
    if changes_left(appointment.request) <= 0:
        return LimitReached(_("You have already changed or cancelled this appointment %(count)s times, the most "
                              "allowed. Please contact the office.",
                              count=localized_digits(current_app.config["APPOINTMENT_MAX_CHANGES"])))
    return None


def _check(appointment: Appointment) -> None:
    """Raise the reason the applicant may not change ``appointment``."""
    refusal = change_allowed(appointment)
    if refusal is not None:
        raise refusal


def _void_pending(appointment: Appointment) -> None:
    """Close a reschedule request left waiting when its appointment is cancelled or moved."""
    (RescheduleRequest.update(status="void", pending_for=None, answered_at=now())
     .where(RescheduleRequest.pending_for == appointment.id).execute())


def cancel_by_applicant(appointment: Appointment, spec, applicant: Applicant, note: str = "") -> None:
    """Cancel the applicant's appointment (counts as one change) and give the seat back."""
    with database.atomic():
        _check(appointment)
        _void_pending(appointment)
        RescheduleRequest.create(appointment=appointment, request=appointment.request_id, kind="cancel",
                                 note=note[:1000], status="accepted", created_at=now(), answered_at=now())
        booking.cancel_appointment(appointment, spec, actor_type="applicant", actor_id=applicant.id)


def reschedule_by_applicant(appointment: Appointment, spec, applicant: Applicant,
                            slot_start: dt.datetime | None = None, note: str = "") -> Appointment | RescheduleRequest:
    """Move the appointment to ``slot_start`` (applicant-choice services) or ask staff to move it.

    Returns the new appointment, or the reschedule request waiting for staff.
    """
    applicant_choice = spec.appointment is not None and spec.appointment.mode == "applicant"
    if applicant_choice and slot_start is None:
        raise NotAllowed(_("Choose the new time."))
    try:
        with database.atomic():
            _check(appointment)
            if applicant_choice:
                moved = booking.book_for_applicant(appointment.request, spec, slot_start, applicant,
                                                   replaces=appointment)
                _void_pending(appointment)
                RescheduleRequest.create(appointment=appointment, request=appointment.request_id, kind="reschedule",
                                         preferred_start=slot_start, note=note[:1000], status="accepted",
                                         new_appointment=moved, created_at=now(), answered_at=now())
                return moved
            change = RescheduleRequest.create(
                appointment=appointment, request=appointment.request_id, kind="reschedule", preferred_start=slot_start,
                note=note[:1000], status="pending", pending_for=appointment.id, created_at=now())
            record_event(appointment.request, kind="appointment", from_status=appointment.request.status,
                         to_status=appointment.request.status, actor_type="applicant", actor_id=applicant.id,
                         internal_note=_("The applicant asked to change the appointment."))
            return change
    except pw.IntegrityError as exc:
        raise NotAllowed(_("You have already asked to change this appointment; the office will answer.")) from exc


def answer_reschedule(change: RescheduleRequest, spec, staff: Staff, accept: bool,
                      slot_start: dt.datetime | None = None, note: str = "") -> Appointment | None:
    """Staff: accept (moving to ``slot_start``, the applicant's preference or the next free slot) or refuse."""
    from appointments.notice import send_notice

    with database.atomic():
        taken = (RescheduleRequest.update(status="accepted" if accept else "refused", pending_for=None,
                                          answered_by=staff.id, answer_note=note[:1000], answered_at=now())
                 .where((RescheduleRequest.id == change.id) & (RescheduleRequest.status == "pending")).execute())
        if not taken:
            raise NotAllowed(_("This request has already been answered."))
        if not accept:
            appointment = Appointment.get_by_id(change.appointment_id)
            record_event(appointment.request, kind="appointment", from_status=appointment.request.status,
                         to_status=appointment.request.status, actor_type="staff", actor_id=staff.id,
                         public_note=note, internal_note=_("Reschedule request refused."))
            send_notice(appointment, spec, "appointment_reschedule_refused", answer=note)
            return None
        start = slot_start or change.preferred_start
        if start is not None and start <= now():
            start = None
        moved = booking.move_appointment(change.appointment, spec, start, staff=staff, public_note=note)
        RescheduleRequest.update(new_appointment=moved).where(RescheduleRequest.id == change.id).execute()
        return moved
