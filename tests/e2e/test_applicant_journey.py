"""The applicant's journey in a real browser: sign-in with the e-mailed code, registration, a request with uploads."""

from __future__ import annotations

import re

import pytest

from tests.e2e.conftest import DESKTOP, PHONE, assert_accessible, screenshot
from tests.helpers import PDF_BYTES, jpeg_bytes

PEOPLE = {
    ("fa", "phone"): ("0084575948", "maryam.fa@example.com"),
    ("en", "desktop"): ("0963695398", "reza.en@example.com"),
}


def sign_in(page, smtp_inbox, national_code: str, email: str, language: str) -> None:
    """Sign in through the form, reading the one-time password from the SMTP capture."""
    page.goto(f"/lang/{language}?next=/sign-in")
    assert_accessible(page)
    page.fill("input[name=national_code]", national_code.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")))
    page.fill("input[name=email]", email)
    page.locator("main form button[type=submit]").first.click()
    message = smtp_inbox.wait_for(email)
    code = re.search(r"\b(\d{6})\b", smtp_inbox.text(message)).group(1)
    assert_accessible(page)
    page.fill("input[name=code]", code)
    page.locator("main form button[type=submit]").first.click()


def fill_date(page, name: str, day: str, month: str, year: str) -> None:
    """Type a date into the three date inputs."""
    page.fill(f"input[name='{name}-day']", day)
    page.select_option(f"select[name='{name}-month']", month)
    page.fill(f"input[name='{name}-year']", year)


def next_step(page) -> None:
    """Press "save and continue"."""
    page.locator("button[name=action][value=next]").click()


def register(page, language: str, shots: str) -> None:
    """Complete the registration wizard, looking at each step."""
    assert "/register/step/identity" in page.url
    assert_accessible(page)
    screenshot(page, f"registration-identity-{shots}")
    page.fill("#first_name", "مریم")
    page.fill("#last_name", "احمدی")
    page.fill("#first_name_latin", "Maryam")
    page.fill("#last_name_latin", "Ahmadi")
    page.fill("#father_name", "علی")
    if language == "fa":
        fill_date(page, "birth_date", "۲۷", "2", "۱۳۶۹")
    else:
        fill_date(page, "birth_date", "17", "5", "1990")
    page.fill("#birth_place", "تهران")
    page.check("input[name=gender][value=female]")
    page.check("input[name=marital_status][value=single]")
    page.fill("#birth_certificate_number", "۱۲۳۴")
    next_step(page)
    page.select_option("#residence_country", "DE")
    page.fill("#city", "Berlin")
    page.fill("#address", "Unter den Linden 1")
    page.fill("#postal_code", "10117")
    next_step(page)
    page.select_option("#residency_status", "student")
    assert page.locator("#permit_number").is_visible()
    page.fill("#permit_number", "DE-123456")
    fill_date(page, "permit_expiry", "1", "1", "2030" if language == "en" else "1408")
    fill_date(page, "abroad_since", "1", "9", "2015" if language == "en" else "1394")
    assert_accessible(page)
    next_step(page)
    page.fill("#phone", "+49 151 23456789")
    next_step(page)
    assert page.url.endswith("/register/review")
    assert_accessible(page)
    screenshot(page, f"registration-review-{shots}")
    page.locator("form.confirm-form button").click()
    assert page.url.endswith("/dashboard")


def request_passport(page, tmp_path, shots: str) -> str:
    """Request a passport with a photo and a PDF; return the tracking code shown."""
    page.goto("/services")
    assert_accessible(page)
    screenshot(page, f"catalog-{shots}")
    page.goto("/services/passport")
    page.locator("a.button-primary").click()
    assert_accessible(page)
    page.locator("main button[type=submit]").click()
    page.check("input[name=request_type][value=first_issue]")
    next_step(page)
    page.fill("#surname_latin", "AHMADI")
    page.fill("#given_name_latin", "MARYAM")
    page.check("input[name=marital_status][value=single]")
    next_step(page)
    photo, pages = tmp_path / "photo.jpg", tmp_path / "shenasnameh.pdf"
    photo.write_bytes(jpeg_bytes((300, 400)))
    pages.write_bytes(PDF_BYTES)
    page.set_input_files("#photo", str(photo))
    page.set_input_files("#birth_certificate_pages", str(pages))
    assert_accessible(page)
    screenshot(page, f"request-documents-{shots}")
    next_step(page)
    assert page.url.endswith("/review")
    screenshot(page, f"request-review-{shots}")
    page.locator("form.confirm-form button").click()
    assert "/submitted" in page.url
    assert_accessible(page)
    screenshot(page, f"request-submitted-{shots}")
    return page.locator(".tracking-code").inner_text().strip()


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
    page.goto("/requests")
    assert code in page.content()
    page.locator(f"a:has-text('{code}')").click()
    assert_accessible(page)
    screenshot(page, f"request-page-{shots}")
    page.goto("/track")
    page.fill("#code", code.lower())
    page.fill("#national_code", national_code)
    page.locator("main form button[type=submit]").click()
    assert page.locator(".tracking-code").inner_text().strip() == code
