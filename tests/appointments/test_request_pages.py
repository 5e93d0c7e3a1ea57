"""The request pages (the applicant's and the staff's): the system's timeline notes in the reader's language,
labelled apart from staff notes, and request times in the office's time zone."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from admin.requests import request_url
from appointments import booking, office
from casework.workflow import record_event, transition
from core.models import Applicant, RequestEvent, ServiceRequest
from tests.appointments.conftest import make_applicant, make_office, make_request, make_staff, sign_in_as, spec

TOMORROW_9 = dt.datetime(2026, 12, 2, 8, 0)  # Wednesday 09:00 in Berlin
SUBMITTED = dt.datetime(2026, 11, 20, 14, 20)  # 15:20 in Berlin (UTC+1)
SYSTEM_LABEL = "Automatic note, also shown to the applicant:"
STAFF_LABEL = "Note to the applicant:"


@pytest.fixture()
def world(app, clock):
    """A Berlin office, its officer, an admin and a Persian-speaking applicant with a travel document request."""
    with app.test_request_context("/"):
        office = make_office()
        applicant = make_applicant("fa")
        req = make_request(office, applicant, "travel_document", status="in_review")
        return {"office": office, "officer": make_staff(office), "admin": make_staff(None, "admin"),
                "applicant": applicant, "request": req, "staff_url": request_url(req)}


def reader(app, clock, kind: str, record, language: str):
    """A client signed in as ``record`` reading in ``language``."""
    client = app.test_client()
    with app.app_context():
        sign_in_as(client, kind, record, clock)
    client.get(f"/lang/{language}")
    return client


def applicant_page(app, clock, world, language: str) -> str:
    client = reader(app, clock, "applicant", world["applicant"], language)
    response = client.get(f"/requests/{world['request'].tracking_code}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def staff_page(app, clock, world, language: str = "en", who: str = "officer") -> str:
    response = reader(app, clock, "staff", world[who], language).get(world["staff_url"])
    assert response.status_code == 200
    return response.get_data(as_text=True)


def timeline(html: str) -> str:
    """The timeline list of a request page."""
    return html.split('class="timeline"', 1)[1].split("</ol>", 1)[0]


def notes(html: str) -> list[str]:
    """The staff page's timeline notes as (label and text) strings, tags removed."""
    return [re.sub(r"<[^>]+>", "", note).strip()
            for note in re.findall(r'<p class="note-(?:public|system)">(.*?)</p>', timeline(html))]


def request_url_of(app, row: ServiceRequest) -> str:
    with app.test_request_context("/"):
        return request_url(row)


def book_and_cancel(app, world) -> None:
    """Staff give the Persian applicant an appointment, then cancel it (the notes are written in Persian)."""
    with app.test_request_context("/"):
        appointment = booking.issue_appointment(world["request"], spec("travel_document"), TOMORROW_9,
                                                staff=world["officer"])
        booking.cancel_appointment(appointment, spec("travel_document"), actor_type="staff",
                                   actor_id=world["officer"].id)


def test_appointment_notes_are_shown_in_the_readers_language(app, clock, world):
    book_and_cancel(app, world)
    english = timeline(applicant_page(app, clock, world, "en"))
    assert "Appointment: Wednesday 2 December 2026, 09:00 (Europe/Berlin)." in english
    assert "Appointment of Wednesday 2 December 2026, 09:00 cancelled." in english
    assert "نوبت" not in english
    persian = timeline(applicant_page(app, clock, world, "fa"))
    assert "نوبت حضور: چهارشنبه ۱۱ آذر ۱۴۰۵، ۰۹:۰۰ (Europe/Berlin)." in persian
    assert "نوبت چهارشنبه ۱۱ آذر ۱۴۰۵، ۰۹:۰۰ لغو شد." in persian
    assert notes(staff_page(app, clock, world)) == [
        f"{SYSTEM_LABEL} Appointment: Wednesday 2 December 2026, 09:00 (Europe/Berlin).",
        f"{SYSTEM_LABEL} Appointment of Wednesday 2 December 2026, 09:00 cancelled."]


def test_the_applicants_own_actions_are_system_notes_in_the_readers_language(app, clock, world):
    with app.test_request_context("/"):
        passport = make_request(world["office"], world["applicant"], "passport", status="submitted")
        withdrawn = make_request(world["office"], world["applicant"], "passport", status="submitted")
        passport.answers = {"birth_place": "تهران"}
        passport.save()
        transition(passport, spec("passport"), "in_review", actor_type="staff", actor_id=world["officer"].id)
        transition(passport, spec("passport"), "needs_info", actor_type="staff", actor_id=world["officer"].id,
                   public_note="Please check the place of birth.", amend_fields=["birth_place"])
    persian = reader(app, clock, "applicant", world["applicant"], "fa")
    assert persian.post(f"/requests/{passport.tracking_code}/amend", data={"birth_place": "شیراز"}).status_code == 302
    assert persian.post(f"/requests/{withdrawn.tracking_code}/withdraw").status_code == 302

    english = reader(app, clock, "applicant", world["applicant"], "en")
    amended = timeline(english.get(f"/requests/{passport.tracking_code}").get_data(as_text=True))
    assert "The applicant sent the requested changes." in amended and "متقاضی" not in amended
    gone = timeline(english.get(f"/requests/{withdrawn.tracking_code}").get_data(as_text=True))
    assert "Withdrawn by the applicant." in gone and "انصراف" not in gone

    world["staff_url"] = request_url_of(app, passport)
    assert notes(staff_page(app, clock, world)) == [
        f"{STAFF_LABEL} Please check the place of birth.",
        f"{SYSTEM_LABEL} The applicant sent the requested changes."]
    world["staff_url"] = request_url_of(app, withdrawn)
    assert notes(staff_page(app, clock, world)) == [f"{SYSTEM_LABEL} Withdrawn by the applicant."]


def test_events_written_before_the_fix_show_their_text_as_it_was(app, clock, world):
    with app.app_context():
        row = world["request"]
        record_event(row, kind="appointment", from_status=row.status, to_status=row.status, actor_type="staff",
                     actor_id=world["officer"].id, public_note="نوبت حضور: جمعه ۱۳ آذر ۱۴۰۵، ۰۹:۰۰ (Europe/Berlin).")
        record_event(row, kind="amended", actor_type="applicant", actor_id=world["applicant"].id,
                     public_note="متقاضی تغییرات خواسته‌شده را ارسال کرد.")
    english = timeline(applicant_page(app, clock, world, "en"))
    assert "نوبت حضور: جمعه ۱۳ آذر ۱۴۰۵، ۰۹:۰۰ (Europe/Berlin)." in english
    assert "متقاضی تغییرات خواسته‌شده را ارسال کرد." in english
    assert notes(staff_page(app, clock, world)) == [  # an applicant writes no notes: that one was the system's
        f"{STAFF_LABEL} نوبت حضور: جمعه ۱۳ آذر ۱۴۰۵، ۰۹:۰۰ (Europe/Berlin).",
        f"{SYSTEM_LABEL} متقاضی تغییرات خواسته‌شده را ارسال کرد."]


def test_a_missed_appointment_is_noted_in_the_readers_language(app, clock, world):
    with app.test_request_context("/"):
        row = make_request(world["office"], world["applicant"], "passport", status="approved")
        appointment = booking.book_for_applicant(row, spec("passport"), TOMORROW_9, world["applicant"])
        clock.set(TOMORROW_9 + dt.timedelta(minutes=40))
        office.mark_no_show(appointment, spec("passport"), world["officer"])
    english = reader(app, clock, "applicant", world["applicant"], "en")
    page = timeline(english.get(f"/requests/{row.tracking_code}").get_data(as_text=True))
    assert "Did not attend the appointment of Wednesday 2 December 2026, 09:00." in page and "نوبت" not in page


def submitted_at(app, row: ServiceRequest, moment: dt.datetime) -> None:
    """Date the request and its first event at ``moment`` (UTC)."""
    with app.app_context():
        ServiceRequest.update(submitted_at=moment, updated_at=moment).where(ServiceRequest.id == row.id).execute()
        record_event(row, to_status=row.status, actor_type="applicant", actor_id=row.applicant_id)
        RequestEvent.update(created_at=moment).where(RequestEvent.request == row.id).execute()


def test_request_times_are_the_offices_local_time(app, clock, world):
    submitted_at(app, world["request"], SUBMITTED)
    english = applicant_page(app, clock, world, "en")
    assert "<dd>20 November 2026, 15:20</dd>" in english
    assert '<span class="when">20 November 2026, 15:20</span>' in english and "14:20" not in english
    persian = applicant_page(app, clock, world, "fa")
    assert '<span class="when">۲۹ آبان ۱۴۰۵، ۱۵:۲۰</span>' in persian
    staff = staff_page(app, clock, world)
    assert "<dt>Submitted</dt><dd>20 November 2026, 15:20</dd>" in staff
    assert 'datetime="2026-11-20T14:20:00Z">20 November 2026, 15:20</time>' in staff and "14:20<" not in staff


def test_staff_lists_show_the_offices_time_naming_the_zone_when_they_span_offices(app, clock, world):
    submitted_at(app, world["request"], SUBMITTED)
    path = world["staff_url"].split("details/")[0]
    officer = reader(app, clock, "staff", world["officer"], "en").get(path).get_data(as_text=True)
    assert submitted_cells(officer) == ["20 November 2026, 15:20"]  # one office: its time, as on its pages
    admin = reader(app, clock, "staff", world["admin"], "en").get(path).get_data(as_text=True)
    assert submitted_cells(admin) == ["20 November 2026, 15:20 (Europe/Berlin)"]


def submitted_cells(html: str) -> list[str]:
    """The "Submitted" cells of a request list."""
    return [cell.strip() for cell in re.findall(r'<td class="col-submitted_at">(.*?)</td>', html, re.S)]


def test_pages_about_no_one_office_say_their_times_are_utc(app, clock, world):
    with app.app_context():
        Applicant.update(activated_at=SUBMITTED).where(Applicant.id == world["applicant"].id).execute()
    applicants = reader(app, clock, "staff", world["admin"], "en").get("/admin/applicants/").get_data(as_text=True)
    assert "20 November 2026, 14:20 (UTC)" in applicants
    account = reader(app, clock, "applicant", world["applicant"], "en").get("/account").get_data(as_text=True)
    assert "Confirmed on 20 November 2026, 14:20 (UTC)" in account
