"""The home page in a real browser, in both languages and at phone and desktop widths."""

from __future__ import annotations

from tests.e2e.conftest import DESKTOP, PHONE, screenshot


def test_home_page_in_persian_then_english(page_factory):
    page = page_factory(PHONE)
    page.goto("/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("h1").inner_text().startswith("میخک")
    screenshot(page, "home-fa-phone")
    page.get_by_role("link", name="English").click()
    assert page.locator("html").get_attribute("dir") == "ltr"
    assert page.locator("h1").inner_text().startswith("Mikhak")
    page.set_viewport_size(DESKTOP)
    screenshot(page, "home-en-desktop")
