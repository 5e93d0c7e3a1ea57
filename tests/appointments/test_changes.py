"""Cancel and reschedule by the applicant: deadline, limit, staff answers."""

from __future__ import annotations

import datetime as dt

import pytest

from appointments import booking, changes
from appointments.booking import NotAllowed
from appointments.changes import LimitReached, TooLate
from core.models import Appointment, MailMessage, RescheduleRequest, Slot
from tests.appointments.conftest import make_applicant, make_office, make_request, make_staff, spec

DAY_AFTER_9 = dt.datetime(2026, 12, 3, 8, 0)  # Thursday 09:00 in Berlin


def booked(office, service="passport", start=DAY_AFTER_9, locale="fa"):
    applicant = make_applicant(locale)
    req = make_request(office, applicant, service, status="approved" if service == "passport" else "in_review")
    if service == "passport":
        return booking.book_for_applicant(req, spec(service), start, applicant), applicant
    return booking.issue_appointment(req, spec(service), start, staff=make_staff(office)), applicant


def test_applicant_reschedules_at_once_in_applicant_mode_up_to_the_limit(ctx):
    office = make_office()
    appointment, applicant = booked(office)
    later = DAY_AFTER_9 + dt.timedelta(hours=1)
    first = changes.reschedule_by_applicant(appointment, spec("passport"), applicant, later)
    assert isinstance(first, Appointment) and first.sequence == 1
    assert changes.changes_left(appointment.request) == 1
    second = changes.reschedule_by_applicant(first, spec("passport"), applicant, DAY_AFTER_9 + dt.timedelta(hours=2))
    assert changes.changes_left(appointment.request) == 0
    with pytest.raises(LimitReached):
        changes.reschedule_by_applicant(second, spec("passport"), applicant, DAY_AFTER_9)
    with pytest.raises(LimitReached):
        changes.cancel_by_applicant(second, spec("passport"), applicant)
    assert [s.booked for s in Slot.select().order_by(Slot.starts_at)] == [0, 0, 1]


def test_no_change_after_the_deadline(ctx, clock):
    office = make_office()
    appointment, applicant = booked(office)
    clock.set(DAY_AFTER_9 - dt.timedelta(hours=24))
    assert changes.change_allowed(appointment) is None
    clock.set(DAY_AFTER_9 - dt.timedelta(hours=23, minutes=59))
    with pytest.raises(TooLate):
        changes.cancel_by_applicant(appointment, spec("passport"), applicant)
    with pytest.raises(TooLate):
        changes.reschedule_by_applicant(appointment, spec("passport"), applicant, DAY_AFTER_9 + dt.timedelta(hours=1))
    assert Appointment.get_by_id(appointment.id).status == "booked"


def test_the_deadline_and_limit_are_configurable(app, ctx):
    app.config.update(APPOINTMENT_CHANGE_HOURS=48, APPOINTMENT_MAX_CHANGES=1)
    office = make_office()
    appointment, applicant = booked(office)
    assert changes.deadline(appointment) == DAY_AFTER_9 - dt.timedelta(hours=48)
    changes.cancel_by_applicant(appointment, spec("passport"), applicant)
    assert changes.changes_left(appointment.request) == 0


def test_cancel_counts_frees_the_seat_and_lets_the_applicant_book_again(ctx):
    office = make_office()
    appointment, applicant = booked(office)
    changes.cancel_by_applicant(appointment, spec("passport"), applicant, "ill")
    assert Appointment.get_by_id(appointment.id).status == "cancelled"
    assert Slot.get(Slot.starts_at == DAY_AFTER_9).booked == 0
    assert changes.changes_left(appointment.request) == 1
    assert booking.can_applicant_book(appointment.request, spec("passport"))


def test_staff_mode_request_waits_for_an_answer(ctx):
    office = make_office()
    staff = make_staff(office)
    appointment, applicant = booked(office, "travel_document", locale="en")
    wish = DAY_AFTER_9 + dt.timedelta(days=1)
    change = changes.reschedule_by_applicant(appointment, spec("travel_document"), applicant, wish, "travelling")
    assert isinstance(change, RescheduleRequest) and change.status == "pending"
    assert changes.pending_change(appointment) is not None
    with pytest.raises(NotAllowed):
        changes.reschedule_by_applicant(appointment, spec("travel_document"), applicant, None)
    moved = changes.answer_reschedule(change, spec("travel_document"), staff, accept=True)
    assert moved.starts_at == wish and RescheduleRequest.get_by_id(change.id).new_appointment_id == moved.id
    with pytest.raises(NotAllowed):
        changes.answer_reschedule(change, spec("travel_document"), staff, accept=False)
    assert MailMessage.select().where(MailMessage.subject.startswith("Your appointment was changed")).count() == 1


def test_a_refused_request_does_not_count(ctx):
    office = make_office()
    staff = make_staff(office)
    appointment, applicant = booked(office, "travel_document", locale="en")
    change = changes.reschedule_by_applicant(appointment, spec("travel_document"), applicant, None, "please")
    assert changes.answer_reschedule(change, spec("travel_document"), staff, accept=False, note="No free days") is None
    assert Appointment.get_by_id(appointment.id).status == "booked"
    assert changes.changes_left(appointment.request) == 2
    refusal = MailMessage.select().where(MailMessage.subject == "Your appointment stays as it was").get()
    assert "No free days" in refusal.body_text
