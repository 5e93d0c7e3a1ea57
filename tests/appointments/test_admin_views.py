"""Back-office pages: the day view, check-in by tracking code, no-show, completion, issuing, reschedule answers."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from appointments import booking, changes
from casework import tracking
from core.models import Appointment, AuditLog, ClosedDay, RescheduleRequest, ServiceRequest
from tests.appointments.conftest import make_applicant, make_office, make_request, make_staff, sign_in_as, spec

TODAY_10 = dt.datetime(2026, 12, 1, 9, 0)  # 10:00 in Berlin; the clock says 09:00 Berlin


@pytest.fixture()
def office_day(app, client, clock):
    with app.test_request_context("/"):
        berlin, london = make_office(), make_office(country="GB", timezone="Europe/London")
        officer = make_staff(berlin)
        travel = make_request(berlin, make_applicant("en"), "travel_document", status="in_review")
        appointment = booking.issue_appointment(travel, spec("travel_document"), TODAY_10, staff=officer)
        passport = make_request(berlin, make_applicant(), "passport", status="approved")
        booking.book_for_applicant(passport, spec("passport"), TODAY_10, passport.applicant)
        foreign = make_request(london, make_applicant(), "travel_document", status="in_review")
        elsewhere = booking.issue_appointment(foreign, spec("travel_document"), staff=make_staff(london))
        sign_in_as(client, "staff", officer, clock)
    return {"berlin": berlin, "officer": officer, "travel": travel, "passport": passport, "foreign": foreign,
            "appointment": appointment, "elsewhere": elsewhere}


def page(response) -> str:
    return response.get_data(as_text=True)


def test_day_view_lists_who_is_expected(client, office_day):
    response = client.get("/admin/appointments/")
    assert response.status_code == 200
    html = page(response)
    assert tracking.format_code(office_day["travel"].tracking_code) in html
    assert tracking.format_code(office_day["passport"].tracking_code) in html
    assert tracking.format_code(office_day["foreign"].tracking_code) not in html
    assert 'name="code"' in html and "autofocus" in html


def test_check_in_then_complete(app, client, clock, office_day):
    travel, passport = office_day["travel"], office_day["passport"]
    typed = tracking.format_code(passport.tracking_code).lower().replace("-", " ")
    assert client.post("/admin/appointments/check-in/", data={"code": typed}).status_code == 303
    scanned = client.post("/admin/appointments/check-in/", data={"code": travel.tracking_code})
    assert scanned.status_code == 303
    with app.app_context():
        assert ServiceRequest.get_by_id(passport.id).status == "attended"   # default workflow
        assert ServiceRequest.get_by_id(travel.id).status == "issued"       # travel document: ready → issued
        assert AuditLog.select().where(AuditLog.action == "appointment.check_in").count() == 2
        attended = Appointment.get(Appointment.request == passport.id)
    client.post("/admin/appointments/check-in/", data={"code": passport.tracking_code})
    # The passport workflow requires the number of the passport handed over before completion (#15).
    refused = client.post(f"/admin/appointments/{attended.id}/complete/", follow_redirects=True)
    assert "نخست فیلدهای کارکنان را پر کنید: شمارهٔ گذرنامهٔ صادرشده." in page(refused)  # a Persian client
    with app.app_context():
        assert ServiceRequest.get_by_id(passport.id).status == "attended"
        ServiceRequest.update(staff_answers={"issued_passport_number": "Z12345678"}).where(
            ServiceRequest.id == passport.id).execute()
    assert client.post(f"/admin/appointments/{attended.id}/complete/").status_code == 303
    with app.app_context():
        assert ServiceRequest.get_by_id(passport.id).status == "completed"


def test_check_in_refuses_other_offices_and_other_days(app, client, office_day):
    client.post("/admin/appointments/check-in/", data={"code": office_day["foreign"].tracking_code})
    client.post("/admin/appointments/check-in/", data={"code": "ABCD"})
    with app.app_context():
        assert ServiceRequest.get_by_id(office_day["foreign"].id).status == "ready"
        assert Appointment.select().where(Appointment.status == "attended").count() == 0


def test_no_show_then_rebook(app, client, clock, office_day):
    appointment = office_day["appointment"]
    assert client.post(f"/admin/appointments/{appointment.id}/no-show/").status_code == 303
    with app.app_context():
        assert Appointment.get_by_id(appointment.id).status == "booked"  # not yet begun
    clock.set(TODAY_10 + dt.timedelta(minutes=20))
    with app.app_context():
        sign_in_as(client, "staff", office_day["officer"], clock)
    client.post(f"/admin/appointments/{appointment.id}/no-show/")
    with app.app_context():
        assert Appointment.get_by_id(appointment.id).status == "no_show"
        assert ServiceRequest.get_by_id(office_day["travel"].id).status == "ready"  # no no_show status here
    code = office_day["travel"].tracking_code
    assert code in page(client.get("/admin/appointments/"))  # waiting for an appointment
    issue = client.get(f"/admin/appointments/issue/{code}/")
    assert issue.status_code == 200 and 'name="slot"' in page(issue)
    assert 'aria-current="date"' in page(issue) and " checked>" in page(issue)  # the next free time's day, chosen
    days = re.findall(r'href="\?day=([0-9-]+)"', page(issue))
    other_day = page(client.get(f"/admin/appointments/issue/{code}/?day={days[1]}"))
    assert f'value="{days[1]}T' in other_day and " checked>" not in other_day
    assert client.post(f"/admin/appointments/issue/{code}/", data={}).status_code == 303
    with app.app_context():
        assert Appointment.get(Appointment.active_request == office_day["travel"].id).sequence == 1
    client.get("/lang/en")
    moved = page(client.post(f"/admin/appointments/issue/{code}/", data={}, follow_redirects=True))
    assert "Appointment moved to" in moved and "Appointment given" not in moved


def test_other_offices_records_answer_404(client, office_day):
    elsewhere, foreign = office_day["elsewhere"], office_day["foreign"]
    assert client.post(f"/admin/appointments/{elsewhere.id}/no-show/").status_code == 404
    assert client.get(f"/admin/appointments/{elsewhere.id}/notice.pdf").status_code == 404
    assert client.get(f"/admin/appointments/issue/{foreign.tracking_code}/").status_code == 404
    assert client.get("/admin/appointments/?office=" + foreign.office.code).status_code == 404
    assert client.get("/admin/closed-days/").status_code == 403


def test_applicants_cannot_open_the_back_office(app, client, clock, office_day):
    with app.app_context():
        sign_in_as(client, "applicant", office_day["travel"].applicant, clock)
    assert client.get("/admin/appointments/").status_code == 403


def test_staff_answer_reschedule_requests(app, client, office_day):
    with app.test_request_context("/"):
        travel = make_request(office_day["berlin"], make_applicant(), "travel_document", status="in_review")
        appointment = booking.issue_appointment(travel, spec("travel_document"), dt.datetime(2026, 12, 3, 9, 0),
                                                staff=office_day["officer"])
        wish = dt.datetime(2026, 12, 3, 8, 0)
        change = changes.reschedule_by_applicant(appointment, spec("travel_document"), travel.applicant, wish,
                                                 "exam that day")
    listing = page(client.get("/admin/appointments/changes/"))
    assert "exam that day" in listing
    assert 'value="2026-12-03T08:00" checked' in page(client.get(f"/admin/appointments/changes/{change.id}/"))
    response = client.post(f"/admin/appointments/changes/{change.id}/",
                           data={"decision": "accept", "slot": "2026-12-03T08:00"})
    assert response.status_code == 303
    with app.app_context():
        assert RescheduleRequest.get_by_id(change.id).status == "accepted"
        assert Appointment.get(Appointment.active_request == travel.id).starts_at == wish


def test_admins_manage_closed_days(app, client, clock, office_day):
    with app.app_context():
        sign_in_as(client, "staff", make_staff(None, "admin"), clock)
    response = client.post("/admin/closed-days/new/", data={"day": "2026-12-24", "scope": "country", "country": "de",
                                                             "name_fa": "شب کریسمس", "name_en": "Christmas Eve"})
    assert response.status_code == 302
    with app.app_context():
        assert ClosedDay.get().key == "country:DE:2026-12-24"
    assert client.get(f"/admin/appointments/?office={office_day['foreign'].office.code}").status_code == 200


def test_day_choice_in_persian_is_jalali_and_counts_use_persian_digits(client, office_day):
    html = page(client.get("/admin/appointments/"))  # staff default to Persian
    assert 'type="date"' not in html and 'name="jyear"' in html and 'value="۱۴۰۵"' in html
    assert re.search(r'<option value="9" selected>آذر</option>', html)
    assert "(۲)" in html and "(2)" not in html  # two expected today, in Persian digits
    chosen = page(client.get("/admin/appointments/?jyear=۱۴۰۵&jmonth=9&jday=۱۰"))  # 10 Azar 1405 = 1 Dec 2026
    assert "۱۰ آذر ۱۴۰۵" in chosen and tracking.format_code(office_day["travel"].tracking_code) in chosen
    assert "۱۱ آذر ۱۴۰۵" in page(client.get("/admin/appointments/?jyear=1405&jmonth=9&jday=11"))
    refused = page(client.get("/admin/appointments/?jyear=1405&jmonth=12&jday=31"))  # 1405 is not a leap year
    assert "no such date in the Persian calendar" in refused or "چنین تاریخی" in refused
    client.get("/lang/en")
    english = page(client.get("/admin/appointments/?day=2026-12-01"))
    assert 'type="date" name="day" value="2026-12-01"' in english and 'name="jyear"' not in english
