"""Phone numbers in national format: read in the field's region, else in the applicant's country of residence."""

from __future__ import annotations

from tests.forms.test_fields import sample  # noqa: F401 (fixture)

PHONE = "- {id: tel, type: phone, label: {fa: تلفن, en: Phone}}\n"


def test_national_number_read_in_the_country_of_residence(sample) -> None:  # noqa: F811
    form = sample(PHONE)
    assert form.post({"tel": "0151 23456789"}, answers={"residence_country": "DE"}) == (
        True, {}, {"tel": "+4915123456789"})
    assert form.post({"tel": "۰۷۹۱۱ ۱۲۳۴۵۶"}, profile={"residence_country": "GB"}) == (
        True, {}, {"tel": "+447911123456"})
    assert form.post({"tel": "+98 912 123 4567"}, answers={"residence_country": "DE"}) == (
        True, {}, {"tel": "+989121234567"})
    valid, errors, _ = form.post({"tel": "0151"}, lang="en", answers={"residence_country": "DE"})
    assert not valid and "as you dial it in Germany" in errors["tel"][0]


def test_without_a_country_only_international_numbers(sample) -> None:  # noqa: F811
    form = sample(PHONE)
    assert form.post({"tel": "0151 23456789"}, lang="en") == (
        False, {"tel": ["Enter a valid phone number, starting with + and the country code."]}, {})
    valid, errors, _ = form.post({"tel": "0151"}, lang="fa", answers={"residence_country": "DE"})
    assert not valid and "آلمان" in errors["tel"][0] and "\u2068" in errors["tel"][0]  # the example isolated


def test_the_fields_own_region_wins(sample) -> None:  # noqa: F811
    form = sample("- {id: tel, type: phone, label: {fa: تلفن, en: Phone}, region: IR}\n")
    assert form.post({"tel": "0912 123 4567"}, answers={"residence_country": "DE"}) == (
        True, {}, {"tel": "+989121234567"})
