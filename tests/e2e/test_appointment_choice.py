"""Choosing an appointment in a real browser: days, then that day's times, by keyboard alone and without script."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import DESKTOP, PHONE, assert_accessible, screenshot
from tests.e2e.journeys import register, request_passport, sign_in, staff_sign_in
from tests.e2e.test_staff_journey import move_to, open_in_queue, view_photo

PEOPLE = {
    ("fa", "phone"): ("2741854386", "nasrin.fa@example.com"),
    ("en", "desktop"): ("4721549873", "omid.en@example.com"),
}


def tab_to(page, selector: str, limit: int = 80) -> None:
    """Press Tab until the focused element matches ``selector`` (keyboard only, as a person would)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement && document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


@pytest.mark.parametrize(("language", "width"), sorted(PEOPLE))
def test_day_then_time_by_keyboard_without_javascript(browser, page_factory, live_server, smtp_inbox, tmp_path,
                                                      language, width):
    national_code, email = PEOPLE[(language, width)]
    shots = f"{language}-{width}"
    viewport = PHONE if width == "phone" else DESKTOP
    applicant = page_factory(viewport)
    sign_in(applicant, smtp_inbox, national_code, email, language)
    register(applicant, language)
    code = request_passport(applicant, tmp_path)

    staff = page_factory(DESKTOP)
    staff_sign_in(staff, live_server, language, "admin@mikhak.example", "mikhak-demo-admin")
    open_in_queue(staff, code)
    view_photo(staff)
    review, approved = ("In review", "Approved") if language == "en" else ("در حال بررسی", "تأیید شده")
    move_to(staff, review)
    move_to(staff, approved)

    # The applicant's session in a browser with JavaScript switched off.
    context = browser.new_context(viewport=viewport, base_url=live_server["url"], java_script_enabled=False,
                                  storage_state=applicant.context.storage_state())
    try:
        page = context.new_page()
        page.goto(f"/requests/{code}/appointment/choose")
        days = page.locator(".day-link")
        assert days.count() >= 5 and page.locator("input[type=radio]").count() == 0
        earliest = page.locator(".earliest")
        assert earliest.locator("button[type=submit]").is_visible()
        screenshot(page, f"appointment-days-{shots}")
        second_day = days.nth(1).locator(".day-date").inner_text()
        tab_to(page, ".day-link")  # the first day
        page.keyboard.press("Tab")  # the second day
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert "?day=" in page.url
        assert page.locator(".slot-legend-date").inner_text() == second_day
        tiles = page.locator(".slot-tile")
        assert tiles.count() >= 2
        box = tiles.first.bounding_box()
        assert box["height"] >= 44 and box["width"] >= 88  # large touch targets
        screenshot(page, f"appointment-times-{shots}")
        second_time = tiles.nth(1).inner_text().strip()
        tab_to(page, "input[name=slot]")
        page.keyboard.press("Space")  # the first time
        page.keyboard.press("ArrowDown")  # the next one
        assert page.locator("input[name=slot]:checked").locator("xpath=..").inner_text().strip() == second_time
        tab_to(page, ".slot-form button[type=submit]")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert page.url.endswith("/appointment"), page.url
        notice = page.locator(".appointment-notice").inner_text()
        assert second_day in notice and second_time in notice, notice
    finally:
        context.close()

    # The same pages pass axe-core (which needs script, so in the applicant's own browser).
    applicant.goto(f"/requests/{code}/appointment/reschedule")
    assert_accessible(applicant)
    applicant.locator(".day-link").first.click()
    assert_accessible(applicant)
