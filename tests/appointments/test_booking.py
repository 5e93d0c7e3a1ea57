"""Issuing and booking: next free slot proposed, capacity, one live appointment per request, the workflow."""

from __future__ import annotations

import datetime as dt

import pytest

from appointments import booking, calendar
from appointments.booking import AlreadyBooked, NotAllowed, SlotUnavailable
from core.models import Appointment, MailMessage, RequestEvent, Slot
from tests.appointments.conftest import make_applicant, make_office, make_request, make_staff, spec

TOMORROW_9 = dt.datetime(2026, 12, 2, 8, 0)  # Wednesday 09:00 in Berlin


def test_issue_proposes_the_next_free_slot_and_moves_the_request(ctx):
    office = make_office()
    req = make_request(office, make_applicant(), "travel_document", status="in_review")
    appointment = booking.issue_appointment(req, spec("travel_document"), staff=make_staff(office))
    assert appointment.starts_at == dt.datetime(2026, 12, 1, 8, 30)  # first slot after 09:00 local now
    assert appointment.ends_at - appointment.starts_at == dt.timedelta(minutes=30)
    assert req.status == "ready" and req.__class__.get_by_id(req.id).status == "ready"
    event = RequestEvent.select().where(RequestEvent.request == req.id).order_by(RequestEvent.id.desc()).first()
    assert (event.from_status, event.to_status, event.actor_type) == ("in_review", "ready", "staff")
    assert "۱۰ آذر ۱۴۰۵" in event.public_note
    notice = MailMessage.select().where(MailMessage.subject.contains("نوبت حضور شما")).get()
    assert notice.to == req.applicant.email and req.tracking_code[:4] in notice.body_text
    assert notice.attachments[0]["filename"].endswith(".ics")
    assert notice.attachments[0]["content_type"] == "text/calendar"
    assert MailMessage.select().count() == 1  # the notice is the only e-mail: no separate status e-mail


def test_issue_at_a_chosen_slot_and_refusals(ctx):
    office = make_office(slot_capacity=1)
    staff = make_staff(office)
    first = make_request(office, make_applicant(), "travel_document", status="in_review")
    booking.issue_appointment(first, spec("travel_document"), TOMORROW_9, staff=staff)
    second = make_request(office, make_applicant(), "travel_document", status="in_review")
    with pytest.raises(SlotUnavailable):
        booking.issue_appointment(second, spec("travel_document"), TOMORROW_9, staff=staff)
    with pytest.raises(SlotUnavailable):  # not a slot start
        booking.issue_appointment(second, spec("travel_document"), TOMORROW_9 + dt.timedelta(minutes=5), staff=staff)
    with pytest.raises(SlotUnavailable):  # in the past
        booking.issue_appointment(second, spec("travel_document"), dt.datetime(2026, 11, 30, 8, 0), staff=staff)
    with pytest.raises(AlreadyBooked):
        booking.issue_appointment(first, spec("travel_document"), staff=staff)
    assert Slot.get(Slot.starts_at == TOMORROW_9).booked == 1
    assert Appointment.select().count() == 1 and MailMessage.select().count() >= 1


def test_issue_needs_a_workflow_path_to_the_appointment_status(ctx):
    office = make_office()
    req = make_request(office, make_applicant(), "travel_document", status="submitted")
    with pytest.raises(NotAllowed):
        booking.issue_appointment(req, spec("travel_document"), staff=make_staff(office))
    assert Appointment.select().count() == 0 and Slot.select().where(Slot.booked > 0).count() == 0


def test_moving_gives_the_old_seat_back(ctx):
    office = make_office(slot_capacity=1)
    staff = make_staff(office)
    req = make_request(office, make_applicant(), "travel_document", status="in_review")
    first = booking.issue_appointment(req, spec("travel_document"), TOMORROW_9, staff=staff)
    moved = booking.move_appointment(first, spec("travel_document"), TOMORROW_9 + dt.timedelta(minutes=30),
                                     staff=staff)
    assert Appointment.get_by_id(first.id).status == "moved" and moved.sequence == 1
    assert Slot.get(Slot.starts_at == TOMORROW_9).booked == 0
    assert calendar.next_free_slot(office, dt.datetime(2026, 12, 2, 7, 59)).starts_at == TOMORROW_9


def test_staff_cancel_frees_the_seat_and_allows_a_new_appointment(ctx):
    office = make_office(slot_capacity=1)
    staff = make_staff(office)
    req = make_request(office, make_applicant("en"), "travel_document", status="in_review")
    first = booking.issue_appointment(req, spec("travel_document"), TOMORROW_9, staff=staff)
    booking.cancel_appointment(first, spec("travel_document"), actor_type="staff", actor_id=staff.id)
    assert MailMessage.select().where(MailMessage.subject.startswith("Your appointment of")).count() == 1
    again = booking.issue_appointment(req, spec("travel_document"), TOMORROW_9, staff=staff)
    assert again.status == "booked" and Slot.get(Slot.starts_at == TOMORROW_9).booked == 1


def test_applicant_books_within_the_window(ctx):
    office = make_office()
    applicant = make_applicant()
    passport = spec("passport")
    req = make_request(office, applicant, "passport", status="in_review")
    assert not booking.can_applicant_book(req, passport)
    req = make_request(office, applicant, "passport", status="approved")
    assert booking.can_applicant_book(req, passport)
    window = dt.timedelta(days=passport.appointment.window_days)
    beyond = calendar.next_free_slot(office, dt.datetime(2026, 12, 1, 8) + window)
    with pytest.raises(SlotUnavailable):
        booking.book_for_applicant(req, passport, beyond.starts_at, applicant)
    appointment = booking.book_for_applicant(req, passport, TOMORROW_9, applicant)
    assert req.status == "appointment" and appointment.actor_type == "applicant"
    assert not booking.can_applicant_book(req, passport)
    staff_mode = make_request(office, applicant, "travel_document", status="ready")
    with pytest.raises(NotAllowed):
        booking.book_for_applicant(staff_mode, spec("travel_document"), TOMORROW_9, applicant)
