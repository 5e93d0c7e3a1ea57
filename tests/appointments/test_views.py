"""Applicant pages: only the owner reaches them (404 otherwise); choose, cancel, reschedule, PDF and .ics."""

from __future__ import annotations

import datetime as dt

import pytest

from appointments import booking
from core.models import Appointment, AuditLog, RescheduleRequest
from tests.appointments.conftest import make_applicant, make_office, make_request, make_staff, sign_in_as, spec

TOMORROW_9 = dt.datetime(2026, 12, 2, 8, 0)


@pytest.fixture()
def setup(app, client, clock):
    with app.test_request_context("/"):
        office = make_office()
        owner, other = make_applicant("fa"), make_applicant("en")
        passport = make_request(office, owner, "passport", status="approved")
        travel = make_request(office, owner, "travel_document", status="in_review")
        booking.issue_appointment(travel, spec("travel_document"), TOMORROW_9, staff=make_staff(office))
        sign_in_as(client, "applicant", owner, clock)
    return {"office": office, "owner": owner, "other": other, "passport": passport.tracking_code,
            "travel": travel.tracking_code}


def text(response) -> str:
    return response.get_data(as_text=True)


def test_another_applicant_gets_404_everywhere(app, client, clock, setup):
    with app.test_request_context("/"):
        sign_in_as(client, "applicant", setup["other"], clock)
    code = setup["travel"]
    for path in ("", "/choose", "/reschedule", "/notice.pdf", "/notice.ics"):
        assert client.get(f"/requests/{code}/appointment{path}").status_code == 404, path
    assert client.post(f"/requests/{code}/appointment/cancel").status_code == 404
    assert client.get("/requests/NOTACODE/appointment").status_code == 404
    with app.app_context():
        assert AuditLog.select().where(AuditLog.action == "access.denied").count() >= 3


def test_signed_out_visitors_are_sent_to_sign_in(app, setup):
    response = app.test_client().get(f"/requests/{setup['travel']}/appointment")
    assert response.status_code in (302, 303)


def test_applicant_chooses_a_time_and_sees_the_notice(client, setup):
    code = setup["passport"]
    page = text(client.get(f"/requests/{code}/appointment"))
    assert "انتخاب زمان حضور" in page
    choose = client.get(f"/requests/{code}/appointment/choose")
    assert choose.status_code == 200 and "?day=2026-12-02" in text(choose)  # days first
    day = text(client.get(f"/requests/{code}/appointment/choose?day=2026-12-02"))
    assert 'type="radio" name="slot" value="2026-12-02T08:00"' in day and "۱۱ آذر ۱۴۰۵" in day
    assert client.post(f"/requests/{code}/appointment/choose", data={"slot": "2026-12-02T08:10"}).status_code == 200
    response = client.post(f"/requests/{code}/appointment/choose", data={"slot": "2026-12-02T08:00"})
    assert response.status_code == 303
    page = text(client.get(f"/requests/{code}/appointment"))
    assert "چهارشنبه ۱۱ آذر ۱۴۰۵" in page and "۲ دسامبر ۲۰۲۶" in page and "لغو نوبت" in page
    # The Persian notice gives the office's address in the host country's script too (for a map or a taxi).
    assert '<span lang="en" dir="ltr" class="latin-address">Podbielskiallee 67, 14195 Berlin</span>' in page
    assert client.get(f"/requests/{code}/appointment/choose").status_code == 303


def test_downloads(client, setup):
    code = setup["travel"]
    pdf = client.get(f"/requests/{code}/appointment/notice.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF") and pdf.mimetype == "application/pdf"
    assert "attachment" in pdf.headers["Content-Disposition"] and "no-store" in pdf.headers["Cache-Control"]
    ics = client.get(f"/requests/{code}/appointment/notice.ics")
    assert ics.mimetype == "text/calendar" and b"BEGIN:VEVENT" in ics.data and b"DTSTART:20261202T080000Z" in ics.data
    assert client.get(f"/requests/{setup['passport']}/appointment/notice.pdf").status_code == 404


def test_cancel_and_reschedule_in_staff_mode(app, client, clock, setup):
    code = setup["travel"]
    form = text(client.get(f"/requests/{code}/appointment/reschedule?day=2026-12-02"))
    assert 'name="note"' in form
    response = client.post(f"/requests/{code}/appointment/reschedule", data={"note": "I am travelling"})
    assert response.status_code == 303
    with app.app_context():
        assert RescheduleRequest.get().status == "pending"
    assert client.get(f"/requests/{code}/appointment/reschedule").status_code == 303
    clock.set(TOMORROW_9 - dt.timedelta(hours=2))
    with app.app_context():
        sign_in_as(client, "applicant", setup["owner"], clock)  # the earlier session is idle by now
    assert client.post(f"/requests/{code}/appointment/cancel").status_code == 303
    with app.app_context():
        assert Appointment.get().status == "booked"
    clock.set(TOMORROW_9 - dt.timedelta(hours=25))
    with app.app_context():
        sign_in_as(client, "applicant", setup["owner"], clock)
    assert client.post(f"/requests/{code}/appointment/cancel").status_code == 303
    with app.app_context():
        assert Appointment.get().status == "cancelled"
        assert RescheduleRequest.get(RescheduleRequest.kind == "reschedule").status == "void"


def test_request_page_partial(app, setup):
    from flask import render_template

    from appointments.notice import notice_context
    from core.models import ServiceRequest

    with app.test_request_context("/"):
        travel = ServiceRequest.get(ServiceRequest.tracking_code == setup["travel"])
        html = render_template("appointments/_notice.html", appointment_notice=notice_context(travel))
        assert "اطلاعیهٔ زمان حضور" in html and f"/requests/{travel.tracking_code}/appointment/notice.pdf" in html
        other = make_request(setup["office"], setup["owner"], "military_exit_permit", status="submitted")
        assert notice_context(other) is None


def test_applicant_moves_the_appointment_in_applicant_mode(app, client, setup):
    code = setup["passport"]
    client.post(f"/requests/{code}/appointment/choose", data={"slot": "2026-12-02T08:00"})
    form = text(client.get(f"/requests/{code}/appointment/reschedule?day=2026-12-02"))
    assert 'value="2026-12-02T08:00"' not in form and 'value="2026-12-02T08:30"' in form
    assert client.post(f"/requests/{code}/appointment/reschedule", data={}).status_code == 200
    response = client.post(f"/requests/{code}/appointment/reschedule", data={"slot": "2026-12-02T08:30"})
    assert response.status_code == 303
    with app.app_context():
        live = Appointment.get(Appointment.active_request.is_null(False) & (Appointment.actor_type == "applicant"))
        assert live.starts_at == dt.datetime(2026, 12, 2, 8, 30) and live.sequence == 1


def test_day_list_offers_the_earliest_time_first_and_each_day_opens_its_times(client, clock, setup):
    code = setup["passport"]
    clock.set(dt.datetime(2026, 12, 1, 6, 0))
    page = text(client.get(f"/requests/{code}/appointment/choose"))
    earliest = page.index('name="slot" value="2026-12-01T08:00"')  # one button books the earliest free time
    assert earliest < page.index("?day=2026-12-01") < page.index("?day=2026-12-02")
    assert 'type="radio"' not in page and "۱۰ آذر ۱۴۰۵" in page
    day = text(client.get(f"/requests/{code}/appointment/choose?day=2026-12-02"))
    assert 'value="2026-12-01T08:00"' not in day and "?day=2026-12-01" in day and "?day=2026-12-03" in day
    for unknown in ("2020-01-01", "not-a-day", "2026-13-45", "۱۴۰۵-۰۹-۱۱"):  # an unoffered day shows the day list
        response = client.get(f"/requests/{code}/appointment/choose?day={unknown}")
        assert response.status_code == 200 and "?day=2026-12-02" in text(response)
