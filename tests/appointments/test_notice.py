"""The notice: contents in both languages, the e-mail, the .ics file, the PDF (text and QR code)."""

from __future__ import annotations

import datetime as dt
import io
import re
import subprocess
from email import policy
from email.parser import BytesParser

import icalendar
import pytest
from PIL import Image

from appointments import booking, notice, pdf
from appointments.ics import event_uid, notice_ics
from casework import tracking
from core.models import MailMessage
from mailer.message import build_message
from tests.appointments.conftest import make_applicant, make_office, make_request, make_staff, spec

TOMORROW_9 = dt.datetime(2026, 12, 2, 8, 0)  # Wednesday 2 December 2026, 09:00 in Berlin
BIDI_MARKS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")


@pytest.fixture()
def issued(ctx):
    office = make_office()
    req = make_request(office, make_applicant("fa"), "travel_document", status="in_review",
                       answers={"identity_documents": [1], "photo": [2]})
    return booking.issue_appointment(req, spec("travel_document"), TOMORROW_9, staff=make_staff(office))


def test_notice_in_persian_has_jalali_and_gregorian_dates(issued):
    data = notice.notice_data(issued, spec("travel_document"), "fa")
    assert data["when"]["date"] == "چهارشنبه ۱۱ آذر ۱۴۰۵"
    assert data["when"]["gregorian"] == "۲ دسامبر ۲۰۲۶"
    assert (data["when"]["start"], data["when"]["end"]) == ("۰۹:۰۰", "۰۹:۳۰")
    assert data["when"]["utc_offset"] == "UTC+01:00" and data["when"]["timezone"] == "Europe/Berlin"
    assert data["office_name"].startswith("بخش کنسولی") and "پودبیلسکی" in data["office_address"]
    assert data["tracking_code"] == tracking.format_code(issued.request.tracking_code)
    assert data["documents"] == ["اصل شناسنامه یا کارت ملی"]  # the photo is not an original
    assert "کد رهگیری" in data["instructions"]


def test_notice_lists_the_originals_of_the_uploads_this_request_has(ctx):
    office, applicant = make_office(), make_applicant("en")
    first = make_request(office, applicant, "passport",
                         answers={"request_type": "first_issue", "birth_certificate_pages": [1]})
    renewal = make_request(office, applicant, "passport",
                           answers={"request_type": "renewal", "birth_certificate_pages": [2],
                                    "old_passport_scan": [3]})
    lost = make_request(office, applicant, "passport",
                        answers={"request_type": "lost", "birth_certificate_pages": [4], "police_report": [5]})
    passport = spec("passport")
    listed = {name: notice.originals_to_bring(passport, req.answers, "en")
              for name, req in (("first", first), ("renewal", renewal), ("lost", lost))}
    certificate, previous = "Birth certificate (shenasnameh), original", "Your previous passport (original)"
    assert listed["first"] == [certificate]
    assert listed["renewal"] == [previous, certificate]
    assert listed["lost"] == [certificate, "Police report of the lost passport"]
    data = notice.notice_data(booking.issue_appointment(renewal, passport, TOMORROW_9, staff=make_staff(office)),
                              passport, "en")
    assert data["documents"] == listed["renewal"]


def test_markdown_instructions_are_plain_text_in_the_text_email_and_the_ics(app, ctx):
    office = make_office()
    request = make_request(office, make_applicant("fa"), "passport", answers={"birth_certificate_pages": [1]})
    booking.issue_appointment(request, spec("passport"), TOMORROW_9, staff=make_staff(office))
    row = MailMessage.select().where(MailMessage.to == request.applicant.email).order_by(
        MailMessage.id.desc()).get()
    assert "**" not in row.body_text and "با در دست داشتن کد رهگیری و اصل مدارک" in row.body_text
    assert "<strong>کد رهگیری</strong>" in row.body_html
    message = BytesParser(policy=policy.default).parsebytes(bytes(build_message(row, app.config["MAIL_FROM"])))
    ics = next(message.iter_attachments()).get_payload(decode=True).decode("utf-8")
    description = str(icalendar.Calendar.from_ical(ics).walk("VEVENT")[0]["description"])
    assert "**" not in description and "کد رهگیری" in description


def test_notice_names_the_applicant_in_latin_letters_in_english(ctx):
    office = make_office()
    applicant = make_applicant("en", profile={"first_name": "مریم", "last_name": "احمدی",
                                              "first_name_latin": "Maryam", "last_name_latin": "AHMADI"})
    request = make_request(office, applicant, "travel_document", status="in_review")
    issued = booking.issue_appointment(request, spec("travel_document"), TOMORROW_9, staff=make_staff(office))
    assert notice.notice_data(issued, spec("travel_document"), "en")["applicant_name"] == "Maryam AHMADI"
    assert notice.notice_data(issued, spec("travel_document"), "fa")["applicant_name"] == "مریم احمدی"


def test_notice_in_english_has_the_gregorian_date_only(issued):
    data = notice.notice_data(issued, spec("travel_document"), "en")
    assert data["when"]["date"] == "Wednesday 2 December 2026" and data["when"]["gregorian"] == ""
    assert data["when"]["start"] == "09:00"
    assert data["office_name"] == "Consular Section, Embassy of the I.R. of Iran, Berlin"
    assert "tracking code" in data["instructions"]


def test_email_is_in_the_applicants_language_with_the_ics(app, issued):
    row = MailMessage.select().where(MailMessage.subject.contains("نوبت حضور شما")).get()
    assert "چهارشنبه ۱۱ آذر ۱۴۰۵ (۲ دسامبر ۲۰۲۶)" in row.body_text
    assert tracking.format_code(issued.request.tracking_code) in row.body_text and 'dir="rtl"' in row.body_html
    message = BytesParser(policy=policy.default).parsebytes(bytes(build_message(row, app.config["MAIL_FROM"])))
    attachment = next(message.iter_attachments())
    assert attachment.get_content_type() == "text/calendar"
    event = icalendar.Calendar.from_ical(attachment.get_content()).walk("VEVENT")[0]
    assert event.decoded("dtstart") == TOMORROW_9.replace(tzinfo=dt.UTC)


def test_ics_content(issued):
    with_spec = spec("travel_document")
    calendar = icalendar.Calendar.from_ical(notice_ics(issued, with_spec, "en"))
    assert str(calendar["method"]) == "PUBLISH"
    event = calendar.walk("VEVENT")[0]
    assert event.decoded("dtstart") == dt.datetime(2026, 12, 2, 8, 0, tzinfo=dt.UTC)
    assert event.decoded("dtend") == dt.datetime(2026, 12, 2, 8, 30, tzinfo=dt.UTC)
    assert str(event["uid"]) == f"appointment-{issued.request.tracking_code}@127.0.0.1" == event_uid(issued)
    assert str(event["summary"]).startswith("Consular appointment: Travel document")
    assert "Podbielskiallee 67" in str(event["location"])
    description = str(event["description"])
    assert tracking.format_code(issued.request.tracking_code) in description and "Original documents" in description
    assert str(event["status"]) == "CONFIRMED" and int(event["sequence"]) == 0
    later = TOMORROW_9 + dt.timedelta(hours=1)
    moved = booking.move_appointment(issued, with_spec, later, staff=make_staff(None, "admin"))
    again = icalendar.Calendar.from_ical(notice_ics(moved, with_spec, "en")).walk("VEVENT")[0]
    assert str(again["uid"]) == str(event["uid"]) and int(again["sequence"]) == 1


def _pdftotext(data: bytes, tmp_path) -> str:
    path = tmp_path / "notice.pdf"
    path.write_bytes(data)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True).stdout
    return BIDI_MARKS.sub("", text)


def test_pdf_holds_the_persian_text_and_the_tracking_code(issued, tmp_path):
    data = pdf.notice_pdf(issued, spec("travel_document"), "fa")
    assert data.startswith(b"%PDF")
    text = _pdftotext(data, tmp_path)
    code = tracking.format_code(issued.request.tracking_code)
    assert code in text
    for words in ("کد رهگیری", "برلین", "۱۴۰۵", "آذر", "دسامبر", "نمایندگی کنسولی"):
        assert words in text, words
    fonts = subprocess.run(["pdffonts", str(tmp_path / "notice.pdf")], capture_output=True, text=True).stdout
    assert "Vazirmatn" in fonts
    english = _pdftotext(pdf.notice_pdf(issued, spec("travel_document"), "en"), tmp_path)
    assert "Notice of the time to attend" in english and "Wednesday 2 December 2026" in english and code in english


def test_qr_code_holds_the_tracking_code(issued, tmp_path):
    import zxingcpp

    code = issued.request.tracking_code
    matrix = pdf.qr_code(code)
    assert matrix.error in ("M", "Q", "H") and not matrix.is_micro  # at least M; segno may boost it
    rendered = Image.open(io.BytesIO(_png(matrix)))
    assert [r.text for r in zxingcpp.read_barcodes(rendered)] == [code]
    (tmp_path / "notice.pdf").write_bytes(pdf.notice_pdf(issued, spec("travel_document"), "fa"))
    subprocess.run(["pdftoppm", "-png", "-r", "100", str(tmp_path / "notice.pdf"), str(tmp_path / "page")], check=True)
    page = Image.open(next(tmp_path.glob("page*.png")))
    assert [r.text for r in zxingcpp.read_barcodes(page)] == [code]


def _png(qr) -> bytes:
    buffer = io.BytesIO()
    qr.save(buffer, kind="png", scale=6, border=4)
    return buffer.getvalue()


def test_the_pdf_loads_nothing_from_the_network(issued):
    with pytest.raises(ValueError):
        pdf._fetcher().fetch("http://127.0.0.1:9/tracker.png")
    with pytest.raises(ValueError):
        pdf._fetcher().fetch("file:///etc/passwd")
