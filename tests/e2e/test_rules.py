"""The rules of consular work in the browser: an ineligible step refused, a declaration required (fa and en)."""

from __future__ import annotations

import datetime as dt

from playwright.sync_api import expect

from i18n.jalali import to_jalali
from i18n.persian import to_persian_digits
from tests.e2e.conftest import DESKTOP, PHONE, assert_accessible, screenshot
from tests.e2e.journeys import fill_date, next_step, register, sign_in

RULE_FA = "وکالت‌نامه را تنها کسی که دست‌کم ۱۸ سال دارد می‌تواند بدهد."
RULE_EN = "Only a person aged 18 or over can give a power of attorney."


def _minor_birth(language: str) -> tuple[str, str, str]:
    """A birth date sixteen years ago, as typed in the reader's calendar."""
    born = dt.date(dt.date.today().year - 16, 3, 10)
    if language == "en":
        return str(born.day), str(born.month), str(born.year)
    year, month, day = to_jalali(born)
    return to_persian_digits(day), str(month), to_persian_digits(year)


def _power_of_attorney(page) -> None:
    """Open the power of attorney wizard at its first step, with a banking power filled in."""
    page.goto("/services/power_of_attorney")
    page.locator("a.button-primary").click()
    page.locator("main button[type=submit]").click()
    assert "/step/power" in page.url
    page.select_option("select[name=power_type]", "banking")
    page.fill("#subject", "اداره حساب بانکی اینجانب نزد بانک ملی شعبه مرکزی تهران")


def test_a_minor_cannot_give_a_power_of_attorney(page_factory, smtp_inbox):
    for language, code, rule in (("fa", "0084571403", RULE_FA), ("en", "0084571411", RULE_EN)):
        page = page_factory(PHONE if language == "fa" else DESKTOP)
        sign_in(page, smtp_inbox, code, f"minor.{language}@example.com", language)
        register(page, language, birth=_minor_birth(language))
        _power_of_attorney(page)
        next_step(page)
        assert "/step/power" in page.url  # refused: the same step again, its answers kept
        expect(page.locator("#error-summary")).to_contain_text(rule)
        expect(page.locator("select[name=power_type]")).to_have_value("banking")
        expect(page.locator("#subject")).to_have_value("اداره حساب بانکی اینجانب نزد بانک ملی شعبه مرکزی تهران")
        expect(page.locator(".eligibility-rule")).to_contain_text(rule)  # the script shows it by the button too
        assert_accessible(page)
        screenshot(page, "rule-refused-fa-phone" if language == "fa" else "rule-refused-en-desktop")


def test_a_minors_passport_needs_the_guardians_declaration(page_factory, smtp_inbox):
    for language, code in (("fa", "0084571421"), ("en", "0084571438")):
        page = page_factory(PHONE if language == "fa" else DESKTOP)
        sign_in(page, smtp_inbox, code, f"declare.{language}@example.com", language)
        register(page, language)
        page.goto("/services/passport")
        page.locator("a.button-primary").click()
        page.locator("main button[type=submit]").click()
        page.check("input[name=request_type][value=first_issue]")
        next_step(page)
        declaration = page.locator("#guardian_consent")
        expect(declaration).to_be_hidden()
        fill_date(page, "birth_date", *_minor_birth(language))
        expect(declaration).to_be_visible()  # a minor: the guardian's consent is asked for at once
        page.fill("#surname_latin", "AHMADI")
        page.fill("#given_name_latin", "SARA")
        page.check("input[name=marital_status][value=single]")
        page.fill("#guardian_national_code", "0084575948")
        next_step(page)
        assert "/step/applicant" in page.url
        message = "برای این اقرار، کادر را علامت بزنید." if language == "fa" else \
            "Tick the box to make this declaration."
        expect(page.locator("#error-summary")).to_contain_text(message)
        expect(page.locator("#guardian_national_code")).to_have_value(
            "۰۰۸۴۵۷۵۹۴۸" if language == "fa" else "0084575948")
        assert_accessible(page)
        screenshot(page, "declaration-required-fa-phone" if language == "fa" else
                   "declaration-required-en-desktop")
        page.check("#guardian_consent")
        next_step(page)
        assert "/step/documents" in page.url, page.locator("#error-summary").all_inner_texts()
