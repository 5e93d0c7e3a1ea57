"""Steps of the browser journeys shared by the end-to-end tests (applicant and staff)."""

from __future__ import annotations

import re
import subprocess
import sys
import time

from playwright.sync_api import expect

from tests.e2e.conftest import ROOT, assert_accessible, screenshot
from tests.helpers import PDF_BYTES, jpeg_bytes


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


def register(page, language: str, shots: str = "") -> None:
    """Complete the registration wizard, looking at each step."""
    assert "/register/step/identity" in page.url
    assert_accessible(page)
    if shots:
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
    expect(page.locator("#permit_number")).to_be_visible()  # waits for the page's script, not a race
    page.fill("#permit_number", "DE-123456")
    fill_date(page, "permit_expiry", "1", "1", "2030" if language == "en" else "1408")
    fill_date(page, "abroad_since", "1", "9", "2015" if language == "en" else "1394")
    assert_accessible(page)
    next_step(page)
    assert page.locator("#phone").get_attribute("dir") == "ltr"
    # In Persian, the national format of the country of residence (Germany), in Persian digits.
    page.fill("#phone", "۰۱۵۱ ۲۳۴۵۶۷۸۹" if language == "fa" else "+49 151 23456789")
    next_step(page)
    assert page.url.endswith("/register/review")
    shown = page.locator("main").inner_text().translate(str.maketrans("۰۱۲۳۴۵۶۷۸۹", "0123456789"))
    assert "+49 1512 3456789" in shown, shown  # stored E.164, shown in international format
    if language == "fa":  # the birth certificate number typed in Persian digits comes back in them
        assert "۱۲۳۴" in page.locator("main").inner_text()
    national_code = page.locator(".national-code").inner_text()
    assert national_code.isdigit() and (national_code.isascii() != (language == "fa")), national_code
    assert_accessible(page)
    if shots:
        screenshot(page, f"registration-review-{shots}")
    page.locator("form.confirm-form button").click()
    assert page.url.endswith("/dashboard")


def request_passport(page, tmp_path, shots: str = "", office: str = "") -> str:
    """Request a passport with a photo and a PDF (at ``office``, else the one suggested); return the tracking code."""
    page.goto("/services")
    assert_accessible(page)
    if shots:
        screenshot(page, f"catalog-{shots}")
    page.goto("/services/passport")
    if shots:
        assert page.locator(".before-start h3").count() >= 4  # files, originals, fee, visit, time
        assert_accessible(page)
        screenshot(page, f"service-before-start-{shots}")
    page.locator("a.button-primary").click()
    assert_accessible(page)
    if office:
        page.check(f"input[name=office][value={office}]")
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
    if shots:
        screenshot(page, f"request-documents-{shots}")
    next_step(page)
    assert page.url.endswith("/review")
    if shots:
        screenshot(page, f"request-review-{shots}")
    page.locator("form.confirm-form button").click()
    assert "/submitted" in page.url
    assert_accessible(page)
    if shots:
        screenshot(page, f"request-submitted-{shots}")
    return page.locator(".tracking-code").inner_text().strip()


_used_codes: set[str] = set()


def totp_code(live_server: dict, email: str) -> str:
    """Return the staff member's current TOTP code, as `flask --app app staff totp` prints it (fresh each call)."""
    for _ in range(40):
        result = subprocess.run([sys.executable, "-m", "flask", "--app", "app", "staff", "totp", email], cwd=ROOT,
                                env=live_server["env"], check=True, capture_output=True, text=True)
        code = result.stdout.strip()
        if code not in _used_codes:  # a code's 30-second step works once
            _used_codes.add(code)
            return code
        time.sleep(1)
    raise AssertionError("no new TOTP code within 40 s")


def staff_sign_in(page, live_server: dict, language: str, email: str, password: str) -> None:
    """Sign in to the back office with the password, then the authenticator's code."""
    page.goto(f"/lang/{language}?next=/admin/sign-in")
    assert_accessible(page)
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.locator("form button[type=submit]").first.click()
    assert "/admin/sign-in/code" in page.url
    assert_accessible(page)
    page.fill("input[name=code]", totp_code(live_server, email))
    page.locator("form button[type=submit]").first.click()
    assert re.search(r"/admin/?$", page.url), page.url


def pdf_text(data: bytes, tmp_path) -> str:
    """Return the text of a PDF as pdftotext reads it."""
    path = tmp_path / "read.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True,
                          text=True).stdout


def pdf_page_image(pdf, stem) -> None:
    """Render the PDF's first page to ``stem``.png (kept with the screenshots, to look at)."""
    subprocess.run(["pdftoppm", "-png", "-r", "80", "-singlefile", "-f", "1", str(pdf), str(stem)], check=True)
