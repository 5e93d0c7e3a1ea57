"""The whole journey in a real browser: an applicant's request worked by staff up to the appointment and check-in."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest

from tests.e2e.conftest import DESKTOP, PHONE, SCREENSHOTS, assert_accessible, screenshot
from tests.e2e.journeys import pdf_page_image, pdf_text, register, request_passport, sign_in, staff_sign_in

PEOPLE = {
    ("fa", "phone"): ("6091390996", "sara.fa@example.com"),
    ("en", "desktop"): ("9078666617", "kian.en@example.com"),
}
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DEMO_OFFICES = {"de-berlin": "Europe/Berlin", "gb-london": "Europe/London", "ae-dubai": "Asia/Dubai",
                "tr-istanbul": "Europe/Istanbul", "ca-ottawa": "America/Toronto"}


def office_away_from_midnight() -> tuple[str, str]:
    """Pick the demo office whose local time is furthest from midnight, so "today" lasts the whole test."""
    def margin(zone: str) -> float:
        local = dt.datetime.now(ZoneInfo(zone))
        hours = local.hour + local.minute / 60
        return min(hours, 24 - hours)

    code = max(DEMO_OFFICES, key=lambda code: margin(DEMO_OFFICES[code]))
    return code, WEEKDAYS[dt.datetime.now(ZoneInfo(DEMO_OFFICES[code])).weekday()]


def flash_text(page) -> str:
    """Return the text of the back office's flashed messages."""
    return " ".join(page.locator(".alert").all_inner_texts())


def move_to(page, status_label: str, public_note: str = "", amend: str = "") -> None:
    """Open a next-step button on the staff request page and move the request there."""
    page.locator("details.transition summary", has_text=status_label).click()
    form = page.locator("details.transition[open] form")
    if amend:
        form.locator(f"input[name$=amend][value={amend}]").check()
    if public_note:
        form.locator("textarea[name$=public_note]").fill(public_note)
    form.locator("button[type=submit]").click()
    assert status_label in flash_text(page), flash_text(page)


def open_in_queue(page, code: str) -> None:
    """Find the request in the "All requests" queue and open it."""
    page.goto("/admin/queue/")
    assert_accessible(page)
    page.locator(f"a:has-text('{code}')").first.click()
    assert code in page.content()


def view_photo(page) -> None:
    """Open the applicant's photo from the staff request page (the passport's approval requires it viewed)."""
    with page.expect_popup() as popup:
        page.locator("tr", has_text="photo.jpg").locator(".doc-links a").first.click()
    assert popup.value.evaluate("document.contentType") == "image/jpeg"
    popup.value.close()


def open_all_day(page, office: str, weekday: str) -> None:
    """Let the office give hourly appointments all of today's weekday, so the test's appointment can be today."""
    page.goto("/admin/offices/")
    page.locator("tr", has_text=office).locator("a[href*='/admin/offices/edit/']").first.click()
    page.fill("#opening_hours", f"{weekday}: 00:00-24:00")
    page.fill("#slot_minutes", "60")
    page.locator("form.admin-form input[type=submit]").first.click()
    assert "/admin/offices/" in page.url and "edit" not in page.url, page.url


@pytest.mark.parametrize(("language", "width"), sorted(PEOPLE))
def test_request_worked_by_staff_to_appointment_and_check_in(page_factory, live_server, smtp_inbox, tmp_path,
                                                              language, width):
    national_code, email = PEOPLE[(language, width)]
    shots = f"{language}-{width}"
    applicant = page_factory(PHONE if width == "phone" else DESKTOP)
    sign_in(applicant, smtp_inbox, national_code, email, language)
    register(applicant, language)
    office, weekday = office_away_from_midnight()
    code = request_passport(applicant, tmp_path, office=office)

    staff = page_factory(DESKTOP)
    staff_sign_in(staff, live_server, language, "admin@mikhak.example", "mikhak-demo-admin")
    assert_accessible(staff)
    screenshot(staff, f"admin-dashboard-{language}")
    open_in_queue(staff, code)
    assert_accessible(staff)
    screenshot(staff, f"admin-request-{language}")
    view_photo(staff)

    review, more_info = ("In review", "More information needed") if language == "en" else \
        ("در حال بررسی", "نیاز به اطلاعات بیشتر")
    move_to(staff, review)
    move_to(staff, more_info, public_note="Please check the spelling of your surname.", amend="surname_latin")

    assert smtp_inbox.wait_for(email, code)
    applicant.goto(f"/requests/{code}")
    assert "Please check the spelling of your surname." in applicant.content()
    applicant.locator("a[href$='/amend']").click()
    assert_accessible(applicant)
    applicant.fill("#surname_latin", "AHMADI-NEJAD")
    applicant.locator("main form button[type=submit]").click()
    assert "AHMADI-NEJAD" in applicant.content()

    staff.reload()
    assert "AHMADI-NEJAD" in staff.content()
    approved = "Approved" if language == "en" else "تأیید شده"
    move_to(staff, approved, public_note="Your documents are in order.")
    request_page = staff.url

    open_all_day(staff, office, weekday)
    staff.goto(request_page)
    staff.locator("a[href*='/admin/appointments/issue/']").click()
    assert_accessible(staff)
    screenshot(staff, f"admin-appointment-issue-{language}")
    staff.locator("main form button[type=submit], form button.btn-primary").last.click()
    assert "/admin/appointments/" in staff.url and flash_text(staff), staff.url

    notice = smtp_inbox.wait_for(email, "Your appointment:" if language == "en" else "نوبت حضور شما")
    assert any(part.get_content_type() == "text/calendar" for part in notice.iter_attachments())
    applicant.goto(f"/requests/{code}")
    assert_accessible(applicant)
    screenshot(applicant, f"appointment-notice-{shots}")
    with applicant.expect_download() as download:
        applicant.locator(".appointment-notice a[href$='.pdf']").click()
    text = pdf_text(download.value.path().read_bytes(), tmp_path)
    assert re.sub(r"\W", "", code) in re.sub(r"\W", "", text)
    pdf_page_image(download.value.path(), SCREENSHOTS / f"appointment-notice-pdf-{language}")

    staff.goto(f"/admin/appointments/?office={office}")
    assert_accessible(staff)
    screenshot(staff, f"admin-appointments-day-{language}")
    staff.fill("#code", code.lower().replace("-", " "))
    staff.locator("#code ~ div button, #code + div button").first.click()
    assert code in flash_text(staff)
