"""Help, accessibility statement and error pages in a real browser, Persian at phone width and English at desktop."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import DESKTOP, PHONE, assert_accessible, screenshot
from tests.e2e.journeys import sign_in

PEOPLE = {("fa", "phone"): ("3162709458", "leila.fa@example.com"),
          ("en", "desktop"): ("5281937642", "arash.en@example.com")}


@pytest.mark.parametrize(("language", "width"), sorted(PEOPLE))
def test_footer_help_office_accessibility_and_a_plain_403(page_factory, smtp_inbox, language, width):
    shots = f"{language}-{width}"
    page = page_factory(PHONE if width == "phone" else DESKTOP)
    page.goto(f"/lang/{language}?next=/")
    footer = page.locator("footer")
    footer.get_by_role("link", name="راهنما و تماس" if language == "fa" else "Help and contact").click()
    assert page.url.endswith("/help")
    assert_accessible(page)
    screenshot(page, f"help-{shots}")
    page.locator(".card a[href='/help/de-berlin']").click()
    facts = page.locator(".office-facts").inner_text()
    assert "Podbielskiallee 67" in facts and ("۰۹:۰۰–۱۳:۰۰" if language == "fa" else "09:00–13:00") in facts
    assert_accessible(page)
    screenshot(page, f"help-office-{shots}")
    if language == "fa":  # the Latin-script address reads left to right inside the Persian page
        assert page.locator(".latin-address").evaluate("e => getComputedStyle(e).direction") == "ltr"
    footer.get_by_role("link", name="بیانیهٔ دسترس‌پذیری" if language == "fa" else "Accessibility statement").click()
    assert page.url.endswith("/accessibility")
    assert_accessible(page)
    screenshot(page, f"accessibility-{shots}")

    # An applicant who opens the back office is told, in plain words, what happened and what to do.
    national_code, email = PEOPLE[(language, width)]
    sign_in(page, smtp_inbox, national_code, email, language)
    response = page.goto("/admin/")
    assert response.status == 403
    text = page.locator("main").inner_text()
    assert ("کارکنان کنسولی" if language == "fa" else "for consular staff") in text
    assert "could not be processed" not in text
    assert_accessible(page)
    screenshot(page, f"error-403-{shots}")
