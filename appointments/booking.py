"""Booking: a seat of a slot taken or given back in one transaction, so no slot is ever over capacity.

Capacity is enforced on the slot's counter row: ``UPDATE slot SET booked = booked + 1 WHERE … AND
booked < capacity``. On PostgreSQL that UPDATE takes the row lock (as SELECT … FOR UPDATE would) and,
after waiting for a concurrent booking of the same slot, re-checks the condition on the committed row;
on SQLite every write transaction is IMMEDIATE, so bookings run one after the other. Either way two
people taking the last seat at the same moment cannot both get it: one of them gets SlotUnavailable.
A request has at most one live appointment: ``Appointment.active_request`` is unique.
"""

from __future__ import annotations

import datetime as dt

import peewee as pw
from flask_babel import gettext as _

from appointments import calendar, workflow
from casework.workflow import TransitionRefused, record_event, transition
from core import audit
from core.db import database, is_sqlite
from core.models import Applicant, Appointment, Office, ServiceRequest, Slot, Staff
from core.ratelimit import now

PROPOSAL_ATTEMPTS = 20


class BookingError(Exception):
    """A booking, cancellation or change that cannot be made; the message is for the person asking."""


class SlotUnavailable(BookingError):
    """The slot is full, closed, in the past or not a slot of the office."""


class AlreadyBooked(BookingError):
    """The request already has a live appointment."""


class NotAllowed(BookingError):
    """The request's service or status does not allow this."""


def active_appointment(request: ServiceRequest) -> Appointment | None:
    """Return the request's booked appointment, if any."""
    return Appointment.get_or_none(Appointment.active_request == request.id)


def latest_appointment(request: ServiceRequest) -> Appointment | None:
    """Return the request's most recent appointment, whatever its status."""
    return (Appointment.select().where(Appointment.request == request.id)
            .order_by(Appointment.created_at.desc(), Appointment.id.desc()).first())


def _lock_request(request_id: int) -> ServiceRequest:
    """Re-read the request inside the transaction, locking its row on PostgreSQL."""
    query = ServiceRequest.select().where(ServiceRequest.id == request_id)
    if not is_sqlite():
        query = query.for_update()
    return query.get()


def reserve_seat(office: Office, starts_at: dt.datetime) -> Slot:
    """Take one seat of the slot at ``starts_at`` (call inside a transaction); raise SlotUnavailable when full."""
    Slot.insert(office=office.id, starts_at=starts_at, booked=0).on_conflict_ignore().execute()
    taken = (Slot.update(booked=Slot.booked + 1)
             .where((Slot.office == office.id) & (Slot.starts_at == starts_at)
                    & (Slot.booked < office.slot_capacity))
             .execute())
    if not taken:
        raise SlotUnavailable(_("This time is no longer available. Please choose another."))
    return Slot.get((Slot.office == office.id) & (Slot.starts_at == starts_at))


def release_seat(slot_id: int) -> None:
    """Give one seat of a slot back (inside the caller's transaction)."""
    Slot.update(booked=Slot.booked - 1).where((Slot.id == slot_id) & (Slot.booked > 0)).execute()


def _check_start(office: Office, starts_at: dt.datetime, latest: dt.datetime | None) -> None:
    """Refuse a start that is not an open future slot of the office, or later than ``latest``."""
    if starts_at <= now() or (latest is not None and starts_at > latest) or not calendar.is_slot(office, starts_at):
        raise SlotUnavailable(_("This time is no longer available. Please choose another."))


def _take(office: Office, starts_at: dt.datetime | None, latest: dt.datetime | None) -> Slot:
    """Reserve ``starts_at``, or the next free slot (trying later ones if it fills meanwhile)."""
    if starts_at is not None:
        _check_start(office, starts_at, latest)
        return reserve_seat(office, starts_at)
    after = now()
    for _attempt in range(PROPOSAL_ATTEMPTS):
        proposal = calendar.next_free_slot(office, after, until=latest)
        if proposal is None:
            break
        try:
            return reserve_seat(office, proposal.starts_at)
        except SlotUnavailable:
            after = proposal.starts_at
    raise SlotUnavailable(_("There is no free appointment time at this office in the coming weeks."))


def _book(request: ServiceRequest, spec, starts_at: dt.datetime | None, *, actor_type: str,
          actor_id: int | None, public_note: str = "", internal_note: str = "",
          replaces: Appointment | None = None, latest: dt.datetime | None = None) -> Appointment:
    """Book a seat for ``request`` (moving ``replaces`` if given), update the workflow and queue the notice."""
    from appointments.notice import send_notice, timeline_note, timeline_system_note

    target = workflow.appointment_status(spec)
    if target is None:
        raise NotAllowed(_("This service has no appointment."))
    try:
        with database.atomic():
            locked = _lock_request(request.id)
            current = active_appointment(locked)
            if replaces is not None:
                if current is None or current.id != replaces.id:
                    raise NotAllowed(_("This appointment has changed meanwhile. Please reload the page."))
                Appointment.update(status="moved", active_request=None, closed_at=now()).where(
                    Appointment.id == current.id).execute()
                release_seat(current.slot_id)
            elif current is not None:
                raise AlreadyBooked(_("This request already has an appointment."))
            office = Office.get_by_id(locked.office_id)
            slot = _take(office, starts_at, latest)
            previous = Appointment.select(pw.fn.MAX(Appointment.sequence)).where(
                Appointment.request == locked.id).scalar()
            appointment = Appointment.create(
                request=locked, office=office, slot=slot, starts_at=slot.starts_at,
                ends_at=slot.starts_at + dt.timedelta(minutes=office.slot_minutes), status="booked",
                active_request=locked.id, sequence=0 if previous is None else previous + 1,
                created_at=now(), actor_type=actor_type, actor_id=actor_id)
            note = public_note or timeline_note(appointment, locked.applicant.locale, "booked")
            system = None if public_note else timeline_system_note(appointment, "booked")
            if locked.status != target:
                transition(locked, spec, target, actor_type=actor_type, actor_id=actor_id,  # the notice is the e-mail
                           public_note=note, internal_note=internal_note, notify_applicant=False, system_note=system)
            else:
                record_event(locked, kind="appointment", from_status=locked.status, to_status=locked.status,
                             public_note=note, internal_note=internal_note, actor_type=actor_type,
                             actor_id=actor_id, system_note=system)
            if actor_type == "staff":
                audit.record("appointment.move" if replaces else "appointment.issue",
                             actor=Staff.get_by_id(actor_id), object_type="request",
                             object_id=locked.tracking_code, office_id=office.id,
                             starts_at=appointment.starts_at.isoformat())
            send_notice(appointment, spec, "appointment_notice", moved=replaces is not None)
    except TransitionRefused as exc:
        raise NotAllowed(str(exc)) from exc
    except pw.IntegrityError as exc:
        raise AlreadyBooked(_("This request already has an appointment.")) from exc
    request.status = locked.status
    return appointment


def issue_appointment(request: ServiceRequest, spec, slot_start: dt.datetime | None = None, *,
                      staff: Staff, public_note: str = "", internal_note: str = "") -> Appointment:
    """Staff: book ``slot_start`` (naive UTC) or the next free slot, move the request to the appointment status.

    The request moves to the service's appointment status through the workflow (so the transition must
    be allowed from its status); when it is already there the appointment is recorded on the timeline.
    The applicant is e-mailed the notice with an .ics attached, in the same transaction.
    """
    return _book(request, spec, slot_start, actor_type="staff", actor_id=staff.id, public_note=public_note,
                 internal_note=internal_note)


def move_appointment(appointment: Appointment, spec, slot_start: dt.datetime | None = None, *, staff: Staff,
                     public_note: str = "") -> Appointment:
    """Staff: move a booked appointment to ``slot_start`` (or the next free slot); return the new one."""
    return _book(appointment.request, spec, slot_start, actor_type="staff", actor_id=staff.id,
                 public_note=public_note, replaces=appointment)


def applicant_window(spec) -> tuple[dt.datetime, dt.datetime]:
    """Return (now, latest start) within which an applicant may choose a time."""
    start = now()
    days = spec.appointment.window_days if spec.appointment else 30
    return start, start + dt.timedelta(days=days)


def can_applicant_book(request: ServiceRequest, spec) -> bool:
    """Whether the applicant may choose a time now: applicant-mode service, ready for it, nothing booked."""
    target = workflow.appointment_status(spec)
    if spec.appointment is None or spec.appointment.mode != "applicant" or target is None:
        return False
    if request.status != target and request.status not in workflow.booking_statuses(spec):
        return False
    return active_appointment(request) is None


def book_for_applicant(request: ServiceRequest, spec, slot_start: dt.datetime, applicant: Applicant,
                       replaces: Appointment | None = None) -> Appointment:
    """Applicant: book ``slot_start`` among the free slots within the service's window."""
    if replaces is None and not can_applicant_book(request, spec):
        raise NotAllowed(_("You cannot choose an appointment for this request now."))
    _start, latest = applicant_window(spec)
    return _book(request, spec, slot_start, actor_type="applicant", actor_id=applicant.id, latest=latest,
                 replaces=replaces)


def cancel_appointment(appointment: Appointment, spec, *, actor_type: str, actor_id: int | None,
                       public_note: str = "", email: bool = True) -> None:
    """Cancel a booked appointment, give its seat back, note it on the timeline and tell the applicant."""
    from appointments.notice import send_notice, timeline_note, timeline_system_note

    with database.atomic():
        locked = _lock_request(appointment.request_id)
        changed = (Appointment.update(status="cancelled", active_request=None, closed_at=now())
                   .where((Appointment.id == appointment.id) & (Appointment.status == "booked")).execute())
        if not changed:
            raise NotAllowed(_("This appointment has changed meanwhile. Please reload the page."))
        release_seat(appointment.slot_id)
        record_event(locked, kind="appointment", from_status=locked.status, to_status=locked.status,
                     public_note=public_note or timeline_note(appointment, locked.applicant.locale, "cancelled"),
                     system_note=None if public_note else timeline_system_note(appointment, "cancelled"),
                     actor_type=actor_type, actor_id=actor_id)
        if actor_type == "staff":
            audit.record("appointment.cancel", actor=Staff.get_by_id(actor_id), object_type="request",
                         object_id=locked.tracking_code, office_id=appointment.office_id)
        appointment.status = "cancelled"
        if email:
            send_notice(appointment, spec, "appointment_cancelled")
