"""/verify in a real browser: a typed code in Persian digits and lower case, a QR link, a revoked one, in English."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.e2e.conftest import DESKTOP, PHONE, ROOT, SCREENSHOTS, assert_accessible, screenshot


def _issue(live_server: dict) -> dict:
    result = subprocess.run([sys.executable, "-m", "tests.e2e.issued"], cwd=ROOT, env=live_server["env"],
                            capture_output=True, text=True, check=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def _display(code: str) -> str:
    return "-".join(code[i:i + 4] for i in range(0, 12, 4))


def test_verify_in_persian_then_english(page_factory, live_server):
    codes = _issue(live_server)
    page = page_factory(PHONE)
    page.goto("/lang/fa?next=/verify")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert_accessible(page)
    typed = _display(codes["valid"]).lower().translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
    page.fill("input[name=code]", typed)
    page.locator("main form button[type=submit]").first.click()
    result = page.locator(".verify-result")
    assert "معتبر" in result.locator("h2").inner_text()
    text = result.inner_text()
    assert "گواهی عدم سوء پیشینهٔ کیفری" in text and "مریم کریمی" in text and "برلین" in text
    assert "0371710022" not in page.content()
    assert_accessible(page)
    screenshot(page, "verify-valid-fa-phone")
    page.goto("/verify/ZZZZ-ZZZZ-ZZZZ")
    assert "کد ناشناخته" in page.locator(".verify-result h2").inner_text()
    screenshot(page, "verify-unknown-fa-phone")

    desktop = page_factory(DESKTOP)
    desktop.goto(f"/lang/en?next=/verify/{_display(codes['revoked'])}")
    assert desktop.locator("html").get_attribute("dir") == "ltr"
    result = desktop.locator(".verify-result")
    assert result.locator("h2").inner_text() == "Revoked"
    text = result.inner_text()
    assert "Obtained by fraud or false statements" in text and "Maryam Karimi" in text, text
    assert_accessible(desktop)
    screenshot(desktop, "verify-revoked-en-desktop")
    desktop.goto(f"/verify/{_display(codes['valid'])}")
    assert desktop.locator(".verify-result h2").inner_text() == "Valid"
    screenshot(desktop, "verify-valid-en-desktop")
    for page_number, language in ((1, "fa"), (2, "en")):  # the certificate itself, one page per language
        subprocess.run(["pdftoppm", "-png", "-r", "80", "-singlefile", "-f", str(page_number), "-l",
                        str(page_number), codes["pdf"], str(SCREENSHOTS / f"issued-document-pdf-{language}")],
                       check=True)
