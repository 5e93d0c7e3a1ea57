"""Date parts: visible labels, an example in the field's calendar, the calendar list, a year in the wrong calendar."""

from __future__ import annotations

from flask import Flask

from tests.forms.test_fields import DATE, sample  # noqa: F401 (fixture)


def test_each_part_has_a_visible_label_and_the_field_an_example(fa: Flask, sample) -> None:  # noqa: F811
    html = str(sample(DATE).cls()["day"]())
    for part in ("day", "month", "year", "calendar"):  # (this app has no catalogs: labels in English)
        assert f'<label for="day-{part}">' in html
    assert "۲۶ اسفند ۱۳۶۸</span>" in html  # the example in the Jalali calendar


def test_english_example_is_gregorian(en: Flask, sample) -> None:  # noqa: F811
    html = str(sample(DATE).cls()["day"]())
    assert "For example: 17 March 1990" in html and '<option value="gregorian" selected>Gregorian</option>' in html


def test_a_persian_reader_may_give_a_gregorian_date(sample) -> None:  # noqa: F811
    form = sample(DATE)
    posted = {"day-day": "۱۷", "day-month": "3", "day-year": "۱۹۹۰", "day-calendar": "gregorian"}
    assert form.post(posted) == (True, {}, {"day": "1990-03-17"})


def test_a_gregorian_year_in_a_jalali_date_is_recognised(sample) -> None:  # noqa: F811
    form = sample(DATE)
    valid, errors, _ = form.post({"day-day": "17", "day-month": "3", "day-year": "1990", "day-calendar": "jalali"},
                                 lang="en")
    assert not valid and errors["day"] == ["1990 looks like a Gregorian year. Choose “Gregorian” in the calendar "
                                           "list and check the month, or write the year in the Persian calendar "
                                           "(about 1369)."]
    valid, errors, _ = form.post({"day-day": "1", "day-month": "1", "day-year": "1369", "day-calendar": "gregorian"},
                                 lang="en")
    assert not valid and "looks like a year of the Persian calendar" in errors["day"][0]


def test_the_chosen_calendar_is_kept_when_the_page_comes_back(sample) -> None:  # noqa: F811
    form = sample(DATE)
    with form.app.test_request_context("/?lang=fa", method="POST", data={
            "day-day": "31", "day-month": "2", "day-year": "1990", "day-calendar": "gregorian"}):
        bound = form.cls()
        assert not bound.validate()
        html = str(bound["day"]())
    assert '<option value="gregorian" selected>' in html and '<option value="2" selected>' in html
    assert "فوریه" in html and "۱۷ مارس ۱۹۹۰</span>" in html
