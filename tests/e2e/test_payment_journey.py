"""An applicant pays a passport fee online in headless Chromium, through the local fake Stripe's hosted page."""

from __future__ import annotations

import re

import pytest

from tests.e2e.conftest import DESKTOP, PHONE, assert_accessible, screenshot
from tests.e2e.journeys import register, request_passport, sign_in

PEOPLE = {"en": ("0371710006", "payer.en@example.com"), "fa": ("0371710014", "payer.fa@example.com")}


@pytest.mark.parametrize("language", ["fa", "en"])
def test_pay_online_and_get_the_receipt(page_factory, smtp_inbox, tmp_path, fake_stripe, language):
    national_code, email = PEOPLE[language]
    page = page_factory(PHONE if language == "fa" else DESKTOP)
    sign_in(page, smtp_inbox, national_code, email, language)
    register(page, language)
    code = request_passport(page, tmp_path)
    page.goto(f"/requests/{code}")
    page_base = page.url.split("/requests/")[0]
    fee = page.locator("section.fee").inner_text()
    assert ("€60.00" in fee) if language == "en" else ("۶۰٫۰۰" in fee)
    assert_accessible(page)
    screenshot(page, f"request-fee-{language}-{'phone' if language == 'fa' else 'desktop'}")
    page.locator("form[action$='/pay/online'] button").click()
    page.wait_for_url(lambda url: url.startswith(f"{fake_stripe.base}/c/pay/cs_test_"), wait_until="commit")
    assert "Pay 60.00 EUR" in page.locator("h1").inner_text()
    deliveries = len(fake_stripe.deliveries)
    page.locator("button[type=submit]").click()
    raw = code.replace("-", "")
    page.wait_for_url(lambda url: url.startswith(page_base) and f"/requests/{raw}" in url, wait_until="commit")
    page.wait_for_load_state()
    assert len(fake_stripe.deliveries) == deliveries + 1 and fake_stripe.deliveries[-1] == 200
    flash = page.locator("[role=status], .flash, .notice").first.inner_text()
    assert ("payment was received" in flash) if language == "en" else ("پرداخت شما دریافت شد" in page.content())
    payments = page.locator("section.payments").inner_text()
    assert re.search(r"R-DE-BERLIN-\d{4}-\d{6}", payments)
    assert_accessible(page)
    screenshot(page, f"request-paid-{language}-{'phone' if language == 'fa' else 'desktop'}")
    receipt = smtp_inbox.wait_for(email, "R-DE-BERLIN-")
    assert code.replace("-", "") in smtp_inbox.text(receipt).replace("-", "") or code in smtp_inbox.text(receipt)
