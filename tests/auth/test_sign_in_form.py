"""The sign-in page: national code and email checks, errors in the GOV.UK pattern, values kept."""

from __future__ import annotations

import pytest

from core.models import OtpChallenge
from i18n.persian import to_persian_digits
from tests.auth.conftest import VALID_CODES, ask_code, mails_to, page

INVALID_CODES = ["0000000000", "4271427685", "0200203041", "0684159415", "068415941d", "06841594156",
                 "1234567890", "0010000000", "1111111111", ""]


def test_sign_in_page_has_the_two_fields_and_the_button(client):
    response = client.get("/sign-in")
    html = page(response)
    assert response.status_code == 200
    assert 'name="national_code"' in html and 'inputmode="numeric"' in html
    assert 'type="email"' in html and 'autocomplete="email"' in html
    assert "دریافت رمز یک\u200cبارمصرف" in html


@pytest.mark.parametrize("code", VALID_CODES)
def test_valid_national_codes_are_accepted(app, client, code):
    response = ask_code(client, code, "sara@example.com")
    assert response.status_code == 303
    assert response.headers["Location"] == "/sign-in/code"


@pytest.mark.parametrize("code", ["۰۴۹۹۳۷۰۸۹۹", "٠٤٩٩٣٧٠٨٩٩", " 049-937-0899 ", "۰۴۹۹ ۳۷۰ ۸۹۹"])
def test_persian_and_arabic_digits_and_separators_are_normalized(app, client, code):
    assert ask_code(client, code, "sara@example.com").status_code == 303
    with app.app_context():
        assert OtpChallenge.get().national_code == "0499370899"


@pytest.mark.parametrize("code", INVALID_CODES)
def test_invalid_national_codes_are_refused_with_a_message_at_the_field(app, client, code):
    response = ask_code(client, code, "sara@example.com")
    html = page(response)
    assert response.status_code == 200
    assert 'class="error-summary"' in html
    assert '<a href="#national_code">' in html
    assert 'class="error-message" id="national_code-error"' in html
    assert 'aria-invalid="true"' in html
    with app.app_context():
        assert OtpChallenge.select().count() == 0
    assert mails_to(app, "sara@example.com") == []


def test_checksum_error_is_clear_and_in_persian(client):
    html = page(ask_code(client, to_persian_digits("0684159415"), "sara@example.com"))
    assert "این کد ملی معتبر نیست" in html
    assert "<title>خطا:" in html


def test_checksum_error_in_english(client):
    client.get("/lang/en")
    html = page(ask_code(client, "0684159415", "sara@example.com"))
    assert "This national code is not valid. Check the digits on your national card." in html


def test_entered_values_are_kept_after_an_error(client):
    html = page(ask_code(client, "۰۶۸۴۱۵۹۴۱۵", "not-an-email"))
    assert 'value="۰۶۸۴۱۵۹۴۱۵"' in html  # in the reader's digits (stored in ASCII)
    assert 'value="not-an-email"' in html
    assert '<a href="#email">' in html and 'id="email-error"' in html


@pytest.mark.parametrize("email", ["", "no-at-sign", "a@b", "two@@example.com", "x@example..com", "a b@example.com"])
def test_invalid_emails_are_refused(app, client, email):
    response = ask_code(client, VALID_CODES[0], email)
    assert response.status_code == 200
    assert 'id="email-error"' in page(response)
    with app.app_context():
        assert OtpChallenge.select().count() == 0


def test_email_domain_is_lowercased_and_the_code_sent_there(app, client):
    assert ask_code(client, VALID_CODES[0], "  Sara.K@Example.COM ").status_code == 303
    with app.app_context():
        assert OtpChallenge.get().email == "Sara.K@example.com"
    assert len(mails_to(app, "Sara.K@example.com")) == 1


def test_no_deliverability_lookup_is_needed(client):
    assert ask_code(client, VALID_CODES[0], "someone@no-such-domain-mikhak.invalid").status_code in (200, 303)
    assert ask_code(client, VALID_CODES[1], "someone@mikhak-unregistered-domain.com").status_code == 303
