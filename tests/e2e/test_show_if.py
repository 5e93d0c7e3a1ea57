"""`show_if` in the browser: `age_of` on a birth date typed on the same step, in both calendars."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

from playwright.sync_api import expect

from forms.dates import add_months
from i18n.jalali import to_jalali
from i18n.persian import to_persian_digits
from tests.e2e.conftest import PHONE
from tests.e2e.journeys import fill_date, next_step, register, sign_in


def test_guardian_field_follows_the_age_of_the_birth_date(page_factory, smtp_inbox):
    page = page_factory(PHONE)
    sign_in(page, smtp_inbox, "0084571004", "age.of@example.com", "fa")
    register(page, "fa")  # born 27 Ordibehesht 1369 (1990): an adult
    page.goto("/services/passport")
    page.locator("a.button-primary").click()
    page.locator("main button[type=submit]").click()
    page.check("input[name=request_type][value=first_issue]")
    next_step(page)
    assert "/step/applicant" in page.url
    guardian = page.locator("#guardian_national_code")
    consent = page.locator("#consent_notice")  # any: under 18, or (profile: a woman) and married
    expect(page.locator("[name='birth_date-calendar']")).to_have_value("jalali")
    expect(guardian).to_be_hidden()
    expect(consent).to_be_hidden()

    today = dt.date.today()
    year, month, day = to_jalali(dt.date(today.year - 10, 6, 1))
    fill_date(page, "birth_date", to_persian_digits(day), str(month), to_persian_digits(year))
    expect(guardian).to_be_visible()
    expect(consent).to_be_visible()  # decided by the age, whatever the profile says
    fill_date(page, "birth_date", "1", "1", "1369")
    expect(guardian).to_be_hidden()
    expect(consent).to_be_hidden()
    page.fill("input[name='birth_date-year']", "")
    expect(guardian).to_be_hidden()  # no date: the condition is false, as on the server

    page.goto(f"/lang/en?next={urlsplit(page.url).path}")
    expect(page.locator("[name='birth_date-calendar']")).to_have_value("gregorian")
    expect(guardian).to_be_hidden()
    eighteen = add_months(today, -18 * 12)
    fill_date(page, "birth_date", str(eighteen.day), str(eighteen.month), str(eighteen.year))
    expect(guardian).to_be_hidden()  # 18 today
    almost = eighteen + dt.timedelta(days=1)
    fill_date(page, "birth_date", str(almost.day), str(almost.month), str(almost.year))
    expect(guardian).to_be_visible()  # 18 tomorrow
    fill_date(page, "birth_date", "31", "2", str(today.year - 10))
    expect(guardian).to_be_hidden()  # no such day
    fill_date(page, "birth_date", "15", "3", str(today.year - 10))
    expect(guardian).to_be_visible()

    # The server agrees: the shown field is asked for, and with it the step is accepted.
    page.fill("#surname_latin", "AHMADI")
    page.fill("#given_name_latin", "SARA")
    page.check("input[name=marital_status][value=single]")
    page.fill("#guardian_national_code", "0084575948")
    next_step(page)
    assert "/step/documents" in page.url, page.locator("#error-summary").all_inner_texts()


def test_notice_follows_a_date_compared_with_an_offset(page_factory, smtp_inbox):
    page = page_factory(PHONE)
    sign_in(page, smtp_inbox, "0084571101", "date.offset@example.com", "fa")
    register(page, "fa")
    page.goto("/services/passport")
    page.locator("a.button-primary").click()
    page.locator("main button[type=submit]").click()
    notice = page.locator("#still_valid_notice")  # old_passport_expiry gt: +1y
    page.check("input[name=request_type][value=renewal]")
    expect(notice).to_be_hidden()
    year, month, day = to_jalali(dt.date.today() + dt.timedelta(days=3 * 365))
    fill_date(page, "old_passport_expiry", to_persian_digits(day), str(month), to_persian_digits(year))
    expect(notice).to_be_visible()
    year, month, day = to_jalali(dt.date.today() + dt.timedelta(days=180))
    fill_date(page, "old_passport_expiry", str(day), str(month), str(year))
    expect(notice).to_be_hidden()
    page.fill("input[name='old_passport_expiry-year']", str(year + 2))
    expect(notice).to_be_visible()
    page.check("input[name=request_type][value=first_issue]")  # the expiry is hidden: its answer does not count
    expect(notice).to_be_hidden()
    page.check("input[name=request_type][value=damaged]")
    expect(notice).to_be_visible()


def test_yes_shows_the_co_principals_and_the_step_is_accepted(page_factory, smtp_inbox):
    page = page_factory(PHONE)
    sign_in(page, smtp_inbox, "0084571209", "yes.no@example.com", "fa")
    register(page, "fa")
    page.goto("/services/power_of_attorney")
    page.locator("a.button-primary").click()
    page.locator("main button[type=submit]").click()
    assert "/step/power" in page.url
    page.select_option("select[name=power_type]", "vehicle")
    notice = page.locator("#irrevocable_notice")  # irrevocable equals: true
    expect(notice).to_be_hidden()
    page.check("input[name=irrevocable][value=yes]")
    expect(notice).to_be_visible()
    page.check("input[name=irrevocable][value=no]")
    expect(notice).to_be_hidden()
    page.fill("#vehicle_vin", "1HGCM82633A004352")
    page.fill("#subject", "فروش خودروی سواری پژو ۲۰۶ به نام اینجانب و انجام امور نقل و انتقال در دفترخانه")
    next_step(page)
    assert "/step/principals" in page.url, page.locator("#error-summary").all_inner_texts()

    principals = urlsplit(page.url).path
    group = page.locator("input[name='co_principals-0-first_name']")
    expect(group).to_be_hidden()
    page.check("input[name=has_co_principals][value=yes]")
    expect(group).to_be_visible()
    page.fill("input[name='co_principals-0-first_name']", "علی")
    page.fill("input[name='co_principals-0-last_name']", "رضایی")
    page.fill("input[name='co_principals-0-father_name']", "حسن")
    page.fill("input[name='co_principals-0-national_code']", "۰۰۸۴۵۷۵۹۴۸")
    page.fill("input[name='co_principals-0-passport_number']", "K12345678")
    next_step(page)
    assert "/step/agent" in page.url, page.locator("#error-summary").all_inner_texts()

    page.goto(principals)
    expect(page.locator("input[name=has_co_principals][value=yes]")).to_be_checked()
    expect(group).to_be_visible()  # the server shows it and the script no longer hides it again
    page.check("input[name=has_co_principals][value=no]")
    expect(group).to_be_hidden()
