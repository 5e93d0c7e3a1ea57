"""The applicant's journey in a real browser: sign-in with the e-mailed code, registration, a request with uploads."""

from __future__ import annotations

import re

import pytest

from tests.e2e.conftest import DESKTOP, PHONE, assert_accessible, screenshot
from tests.e2e.journeys import register, request_passport, sign_in

PEOPLE = {
    ("fa", "phone"): ("0084575948", "maryam.fa@example.com"),
    ("en", "desktop"): ("0963695398", "reza.en@example.com"),
}


@pytest.mark.parametrize(("language", "width"), sorted(PEOPLE))
def test_sign_in_register_and_request(page_factory, smtp_inbox, tmp_path, language, width):
    national_code, email = PEOPLE[(language, width)]
    page = page_factory(PHONE if width == "phone" else DESKTOP)
    shots = f"{language}-{width}"
    sign_in(page, smtp_inbox, national_code, email, language)
    register(page, language, shots)
    assert smtp_inbox.wait_for(email, "Mikhak" if language == "en" else "میخک")
    code = request_passport(page, tmp_path, shots)
    assert re.fullmatch(r"[0-9A-Z-]{12,20}", code)
    assert code in smtp_inbox.text(smtp_inbox.wait_for(email, code))
    page.goto("/services/passport/apply")  # a second passport while this one is open: the way to it instead
    assert page.locator("input[name=office]").count() == 0
    assert_accessible(page)
    screenshot(page, f"request-already-open-{shots}")
    page.locator("main a.button-primary").click()
    assert page.url.endswith(f"/requests/{code.replace('-', '')}") or code in page.locator("main").inner_text()
    page.goto("/requests")
    assert_accessible(page)
    screenshot(page, f"my-requests-{shots}")
    card = page.locator(".request-card", has_text=code)
    code_box = card.locator(".code-unbroken").bounding_box()
    assert code_box["height"] < 40 and page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size[
        "width"], "the tracking code wraps or the list is wider than the screen"
    card.locator("h3 a").click()  # the service name is the link
    assert_accessible(page)
    screenshot(page, f"request-page-{shots}")
    page.goto("/track")
    page.fill("#code", code.lower())
    page.fill("#national_code", national_code)
    page.locator("main form button[type=submit]").click()
    assert page.locator(".tracking-code").inner_text().strip() == code
