"""Check-in by another office's tracking code: nothing changes, the officer is told "not found here", audited."""

from __future__ import annotations

import datetime as dt

import pytest

from appointments import booking
from casework import tracking
from core.models import Appointment, AuditLog, RequestEvent, ServiceRequest
from tests.appointments.conftest import make_applicant, make_office, make_request, make_staff, sign_in_as, spec

TODAY_10 = dt.datetime(2026, 12, 1, 9, 0)


@pytest.fixture()
def two_offices(app, client, clock):
    with app.test_request_context("/"):
        berlin, london = make_office(), make_office(country="GB", timezone="Europe/London")
        officer = make_staff(berlin)
        foreign = make_request(london, make_applicant(), "travel_document", status="in_review")
        booking.issue_appointment(foreign, spec("travel_document"), TODAY_10, staff=make_staff(london))
        sign_in_as(client, "staff", officer, clock)
    return {"berlin": berlin, "officer": officer, "foreign": foreign}


def snapshot(app, request_id: int) -> tuple:
    with app.app_context():
        request = ServiceRequest.get_by_id(request_id)
        appointments = [(a.status, a.checked_in_at, a.active_request) for a in
                        Appointment.select().where(Appointment.request == request_id)]
        events = RequestEvent.select().where(RequestEvent.request == request_id).count()
        return request.status, request.updated_at, appointments, events


@pytest.mark.parametrize("typed", [str, tracking.format_code, lambda c: tracking.format_code(c).lower()])
def test_check_in_by_another_office_s_code_changes_nothing_says_not_found_here_and_is_audited(
        app, client, two_offices, typed):
    client.get("/lang/en")
    foreign = two_offices["foreign"]
    before = snapshot(app, foreign.id)
    response = client.post("/admin/appointments/check-in/", data={"code": typed(foreign.tracking_code)})
    assert response.status_code == 303
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "not found here" in html
    assert foreign.applicant_name not in html
    assert snapshot(app, foreign.id) == before
    with app.app_context():
        [row] = AuditLog.select().where(AuditLog.action == "appointment.check_in_refused")
        assert row.actor_id == two_offices["officer"].id and row.office_id == two_offices["berlin"].id
        assert row.object_id == foreign.tracking_code and row.details["reason"] == "other_office"


def test_an_unknown_code_gives_the_officer_the_same_words(app, client, two_offices):
    client.get("/lang/en")
    unknown = tracking.new_code()
    response = client.post("/admin/appointments/check-in/", data={"code": unknown})
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "not found here" in html
    with app.app_context():
        [row] = AuditLog.select().where(AuditLog.action == "appointment.check_in_refused")
        assert row.details["reason"] == "not_found"
