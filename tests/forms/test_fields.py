"""Field behaviour: normalization, Persian digits, Jalali dates, phones, codes, uploads and display."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from werkzeug.datastructures import FileStorage, MultiDict

from forms.converter import form_to_answers, step_form_class
from forms.fields import FIELD_TYPES, field_type
from forms.registry import load_registry
from forms.validators import check_upload
from forms.wtf import country_names
from tests.forms.conftest import load_service, service_yaml, write_schemas

VALID_CODES = ["0499370899", "0790419904", "0084575948", "0963695398", "0684159414", "0067749828", "0650451252",
               "1583250689", "4032152314", "0076229645", "4400276201", "2540201288"]
INVALID_CODES = ["0000000000", "4271427685", "0200203041", "0684159415", "068415941d", "06841594156", "1234567890",
                 "0010000000", "1111111111"]
PERSIAN = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
ARABIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n" + b"0" * 64


class Sample:
    """A one-step service compiled once per test, posted in a request context."""

    def __init__(self, app: Flask, tmp_path: Path, fields: str) -> None:
        self.app = app
        self.spec = load_service(tmp_path, fields).service("sample")
        self.cls = step_form_class(self.spec, "main")

    def post(self, data: dict | MultiDict, lang: str = "fa", **kwargs: Any) -> tuple[bool, dict, dict]:
        """Validate posted data; return (valid, errors as text, answers)."""
        with self.app.test_request_context(f"/?lang={lang}", method="POST", data=data):
            form = self.cls(**kwargs)
            valid = form.validate()
            errors = {name: [str(e) for e in errs] for name, errs in form.errors.items()}
            return valid, errors, form_to_answers(form) if valid else {}


@pytest.fixture()
def sample(forms_app: Flask, tmp_path: Path):
    """Build a Sample from inline fields."""
    return lambda fields: Sample(forms_app, tmp_path, fields)


@pytest.mark.parametrize("code", VALID_CODES)
def test_valid_national_codes_in_any_digits(sample, code: str) -> None:
    form = sample("- {id: code, type: national_code, label: {fa: کد ملی, en: National code}, required: true}\n")
    for written in (code, code.translate(PERSIAN), code.translate(ARABIC), f"{code[:3]}-{code[3:9]}-{code[9]}"):
        assert form.post({"code": written}) == (True, {}, {"code": code})


@pytest.mark.parametrize("code", INVALID_CODES)
def test_invalid_national_codes(sample, code: str) -> None:
    form = sample("- {id: code, type: national_code, label: {fa: کد ملی, en: National code}, required: true}\n")
    assert form.post({"code": code.translate(PERSIAN)}, lang="en") == (
        False, {"code": ["Enter a valid 10-digit national code."]}, {})


DATE = "- {id: day, type: date, label: {fa: تاریخ, en: Date}, required: true}\n"


@pytest.mark.parametrize(("jalali_parts", "iso"), [(("۳۰", "12", "۱۴۰۳"), "2025-03-20"),
                                                    (("1", "1", "1404"), "2025-03-21")])
def test_jalali_date_parts_to_iso(sample, jalali_parts: tuple[str, str, str], iso: str) -> None:
    day, month, year = jalali_parts
    data = {"day-day": day, "day-month": month, "day-year": year, "day-calendar": "jalali"}
    assert sample(DATE).post(data) == (True, {}, {"day": iso})


def test_impossible_jalali_date_is_rejected_clearly(sample) -> None:
    data = {"day-day": "30", "day-month": "12", "day-year": "1404", "day-calendar": "jalali"}
    assert sample(DATE).post(data) == (False, {"day": ["There is no day ۳۰ in اسفند ۱۴۰۴."]}, {})


def test_gregorian_parts_in_english_and_impossible_day(sample) -> None:
    form = sample(DATE)
    data = {"day-day": "20", "day-month": "3", "day-year": "2025", "day-calendar": "gregorian"}
    assert form.post(data, lang="en") == (True, {}, {"day": "2025-03-20"})
    data["day-day"] = "31"
    data["day-month"] = "2"
    assert form.post(data, lang="en") == (False, {"day": ["There is no day 31 in February 2025."]}, {})


def test_date_needs_all_parts_and_digits_and_a_single_iso_input_works(sample) -> None:
    form = sample(DATE)
    assert form.post({"day-day": "1", "day-month": "", "day-year": "1404"}, lang="en")[1] == {
        "day": ["Enter the day, month and year."]}
    assert form.post({"day-day": "x", "day-month": "1", "day-year": "1404"}, lang="en")[1] == {
        "day": ["Enter the date with digits."]}
    assert form.post({"day-day": "1", "day-month": "1", "day-year": "04"}, lang="en")[1] == {
        "day": ["Enter the year with four digits."]}
    assert form.post({"day": "۲۰۲۵-۰۳-۲۱"}) == (True, {}, {"day": "2025-03-21"})
    assert form.post({"day-day": "", "day-month": "", "day-year": ""}, lang="en")[1] == {
        "day": ["This field is required."]}


def test_date_range_with_offsets(sample) -> None:
    form = sample("- {id: born, type: date, label: {fa: تولد, en: Born}, min: '1900-01-01', max: -18y}\n")
    valid, errors, _ = form.post({"born": "2099-01-01"}, lang="en")
    assert not valid and errors["born"][0].startswith("Enter a date on or before ")
    assert form.post({"born": "1899-12-31"}, lang="en")[1] == {"born": ["Enter a date on or after 1 January 1900."]}
    assert form.post({"born": "1980-05-05"}, lang="en") == (True, {}, {"born": "1980-05-05"})


def test_date_widget_shows_the_readers_calendar(fa: Flask, sample) -> None:
    form = sample(DATE).cls(data={"day": "2025-03-20"})
    html = str(form["day"]())
    assert 'value="۳۰"' in html and 'value="۱۴۰۳"' in html
    assert '<option value="12" selected>اسفند</option>' in html
    assert '<option value="jalali" selected>' in html  # the calendar list, Jalali chosen


def test_date_widget_puts_aria_state_on_its_controls(fa: Flask, sample) -> None:
    form = sample(DATE).cls()
    html = str(form["day"](**{"aria-invalid": "true", "aria-describedby": "day-error"}))
    group = html[:html.index(">") + 1]
    assert 'role="group"' in group and "aria-" not in group
    assert html.count('aria-required="true"') == 3
    assert html.count('aria-invalid="true"') == 3 and html.count('aria-describedby="day-error"') == 3


def test_date_widget_in_english(en: Flask, sample) -> None:
    html = str(sample(DATE).cls(data={"day": "2025-03-20"})["day"]())
    assert 'value="20"' in html and 'value="2025"' in html and '<option value="3" selected>March</option>' in html


def test_phone_to_e164(sample) -> None:
    form = sample("- {id: tel, type: phone, label: {fa: تلفن, en: Phone}, region: DE}\n")
    assert form.post({"tel": "030 1234567"}) == (True, {}, {"tel": "+49301234567"})
    assert form.post({"tel": "+98 912 123 4567"}) == (True, {}, {"tel": "+989121234567"})
    assert form.post({"tel": "+۹۸ ۹۱۲ ۱۲۳ ۴۵۶۷"}) == (True, {}, {"tel": "+989121234567"})
    assert form.post({"tel": "12"}, lang="en") == (False, {"tel": [
        "Enter a valid phone number: as you dial it in Germany (for example 01512 3456789), or starting with + and "
        "the country code."]}, {})


def test_number_with_persian_digits(sample) -> None:
    whole = sample("- {id: n, type: number, label: {fa: عدد, en: Number}, min: 1, max: 20}\n")
    assert whole.post({"n": "۱۲"}) == (True, {}, {"n": 12})
    assert whole.post({"n": "١٢"}) == (True, {}, {"n": 12})
    assert whole.post({"n": "1.5"}, lang="en") == (False, {"n": ["Enter a whole number."]}, {})
    assert whole.post({"n": "abc"}, lang="en") == (False, {"n": ["Enter a number."]}, {})
    assert whole.post({"n": "۲۱"}, lang="en") == (False, {"n": ["Enter a number of at most 20."]}, {})
    assert whole.post({"n": "0"})[1] == {"n": ["Enter a number of at least ۱."]}
    assert whole.post({"n": ""}) == (True, {}, {})


def test_decimal_number(sample) -> None:
    form = sample("- {id: n, type: number, label: {fa: عدد, en: Number}, integer: false}\n")
    assert form.post({"n": "۱٫۵"}) == (True, {}, {"n": 1.5})


def test_arabic_letters_and_digits_normalized_in_text(sample) -> None:
    form = sample("- {id: t, type: text, label: {fa: متن, en: Text}, pattern: '[^0-9]*[0-9]+'}\n")
    assert form.post({"t": "  علي كريمي ۱۲ "}) == (True, {}, {"t": "علی کریمی 12"})


def test_text_length_and_pattern_message(sample) -> None:
    form = sample("""
        - id: t
          type: text
          label: {fa: متن, en: Text}
          min_length: 2
          max_length: 4
          pattern: '[a-z]+'
          pattern_message: {fa: فقط حروف کوچک, en: Lower-case letters only}
    """)
    assert form.post({"t": "a"}, lang="en")[1] == {"t": ["Enter at least 2 characters."]}
    assert form.post({"t": "abcde"}, lang="en")[1] == {"t": ["Enter at most 4 characters."]}
    assert form.post({"t": "AB"}, lang="en")[1] == {"t": ["Lower-case letters only"]}
    assert form.post({"t": "AB"})[1] == {"t": ["فقط حروف کوچک"]}


def test_email_normalized(sample) -> None:
    form = sample("- {id: mail, type: email, label: {fa: ایمیل, en: Email}}\n")
    assert form.post({"mail": " Ali@Example.COM "}) == (True, {}, {"mail": "Ali@example.com"})
    assert form.post({"mail": "not-an-email"}, lang="en")[1] == {"mail": ["Enter a valid email address."]}


def test_passport_number_upper_case(sample) -> None:
    form = sample("- {id: p, type: passport_number, label: {fa: گذرنامه, en: Passport}}\n")
    assert form.post({"p": "x 1234 5678"}) == (True, {}, {"p": "X12345678"})
    assert form.post({"p": "x12"}, lang="en")[1] == {"p": ["Enter the passport number: 6 to 9 letters and digits."]}


POSTAL = """
    - {id: country, type: country, label: {fa: کشور, en: Country}}
    - {id: zip, type: postal_code, label: {fa: کد پستی, en: Postcode}, country_field: country}
"""


def test_postal_code_follows_the_country_field(sample) -> None:
    form = sample(POSTAL)
    assert form.post({"country": "IR", "zip": "۱۲۳۴۵-۶۷۸۹۰"}) == (True, {}, {"country": "IR", "zip": "1234567890"})
    assert form.post({"country": "IR", "zip": "12345"}, lang="en")[1] == {
        "zip": ["Enter a 10-digit Iranian postal code."]}
    assert form.post({"country": "GB", "zip": "sw1a 1aa"}) == (True, {}, {"country": "GB", "zip": "SW1A 1AA"})
    assert form.post({"country": "DE", "zip": "1"}, lang="en")[1] == {
        "zip": ["Enter a postal code of 3 to 12 letters and digits."]}


def test_postal_code_reads_an_earlier_steps_country(forms_app: Flask, tmp_path: Path) -> None:
    text = service_yaml([("first", "- {id: where, type: country, label: {fa: کشور, en: Country}}\n"),
                         ("second", "- {id: zip, type: postal_code, label: {fa: کد پستی, en: Postcode}, "
                                    "country_field: where}\n")])
    spec = load_registry(write_schemas(tmp_path, {"sample": text})).service("sample")
    cls = step_form_class(spec, "second")
    with forms_app.test_request_context("/?lang=en", method="POST", data={"zip": "10115"}):
        assert cls(answers={"where": "DE"}).validate()
        bound = cls(answers={"where": "IR"})
        assert not bound.validate()
        assert [str(e) for e in bound.errors["zip"]] == ["Enter a 10-digit Iranian postal code."]


def test_country_choices_sorted_by_readers_language(fa: Flask, sample) -> None:
    form = sample("- {id: c, type: country, label: {fa: کشور, en: Country}, exclude: [IR]}\n").cls()
    choices = form["c"].choices
    assert choices[0].value == ""
    codes = [choice.value for choice in choices[1:]]
    assert "IR" not in codes and "DE" in codes and len(codes) == 248
    names = [name for _code, name in country_names("fa")]
    assert names.index("آلمان") < names.index("ایتالیا") < names.index("پاکستان") < names.index("چین")


def test_country_rejects_excluded_and_unknown(sample) -> None:
    form = sample("- {id: c, type: country, label: {fa: کشور, en: Country}, exclude: [IR]}\n")
    assert form.post({"c": "IR"}, lang="en")[1] == {"c": ["Choose one of the options."]}
    assert form.post({"c": "XX"}, lang="en")[1] == {"c": ["Choose one of the options."]}
    assert form.post({"c": "DE"}) == (True, {}, {"c": "DE"})


def test_yesno_and_choice(sample) -> None:
    form = sample("""
        - {id: ok, type: yesno, label: {fa: بله؟, en: OK?}, required: true}
        - id: pick
          type: choice
          label: {fa: انتخاب, en: Pick}
          options: [{value: a, label: {fa: الف, en: A}}, {value: b, label: {fa: ب, en: B}}]
    """)
    assert form.post({"ok": "no", "pick": "b"}) == (True, {}, {"ok": False, "pick": "b"})
    assert form.post({"pick": "c"}, lang="en")[1] == {"ok": ["This field is required."],
                                                       "pick": ["Choose one of the options."]}


def test_multichoice_items(sample) -> None:
    form = sample("""
        - id: langs
          type: multichoice
          label: {fa: زبان‌ها, en: Languages}
          options: [{value: fa, label: {fa: فارسی, en: Persian}}, {value: en, label: {fa: انگلیسی, en: English}},
                    {value: de, label: {fa: آلمانی, en: German}}]
          min_items: 1
          max_items: 2
    """)
    assert form.post(MultiDict([("langs", "de"), ("langs", "fa")])) == (True, {}, {"langs": ["fa", "de"]})
    assert form.post(MultiDict([("langs", "de"), ("langs", "fa"), ("langs", "en")]), lang="en")[1] == {
        "langs": ["Choose at most 2 options."]}
    assert form.post(MultiDict([("langs", "xx")]), lang="en")[1] == {"langs": ["Choose one of the options."]}


FILE = "- {id: scan, type: file, label: {fa: اسکن, en: Scan}, accept: [png, pdf], max_size_mb: 0.001, max_files: 2}\n"


def _upload(content: bytes, name: str = "x.bin") -> FileStorage:
    """An in-memory upload."""
    return FileStorage(io.BytesIO(content), filename=name)


def test_file_type_by_magic_bytes_size_and_count(sample) -> None:
    form = sample(FILE)
    stored: list[str] = []

    def store(field_id: str, upload: FileStorage) -> str:
        stored.append(upload.filename or "")
        return f"doc{len(stored)}"

    def post(files: list[FileStorage]) -> tuple[bool, dict]:
        with form.app.test_request_context("/?lang=en", method="POST", data={"scan": files}):
            bound = form.cls()
            valid = bound.validate()
            if valid:
                return valid, form_to_answers(bound, store_file=store)
            return valid, {k: [str(e) for e in v] for k, v in bound.errors.items()}

    assert post([_upload(PNG, "a.pdf"), _upload(PDF, "b.png")]) == (True, {"scan": ["doc1", "doc2"]})
    assert post([_upload(b"GIF89a" + b"0" * 40, "c.png")]) == (
        False, {"scan": ["“c.png” is not of an accepted type (PNG, PDF)."]})
    assert post([_upload(PNG + b"0" * 2000)]) == (False, {"scan": ["“x.bin” is larger than 0.001 MB."]})
    assert post([_upload(PNG), _upload(PNG), _upload(PNG)]) == (False, {"scan": ["Upload at most 2 files."]})


def test_file_keeps_stored_ids_and_required_counts_them(sample) -> None:
    form = sample("- {id: scan, type: file, label: {fa: اسکن, en: Scan}, required: true}\n")
    with form.app.test_request_context("/?lang=en", method="POST", data={}):
        bound = form.cls(data={"scan": ["doc7"]})
        assert bound.validate()
        assert form_to_answers(bound) == {"scan": ["doc7"]}
    with form.app.test_request_context("/?lang=en", method="POST", data={}):
        bound = form.cls()
        assert not bound.validate()
        assert [str(e) for e in bound.errors["scan"]] == ["This field is required."]


def test_uploads_need_store_file(sample) -> None:
    form = sample(FILE)
    with form.app.test_request_context("/", method="POST", data={"scan": [_upload(PNG)]}):
        bound = form.cls()
        assert bound.validate()
        with pytest.raises(ValueError, match="pass store_file"):
            form_to_answers(bound)


def test_check_upload_is_reusable() -> None:
    assert check_upload(_upload(PDF), ["pdf"], 1000) == "pdf"
    assert check_upload(_upload(PDF), ["png"], 1000) is None
    assert check_upload(_upload(PDF), ["pdf"], 10) is None
    upload = _upload(PNG)
    check_upload(upload, ["png"], 1000)
    assert upload.stream.tell() == 0


def test_notice_renders_sanitized_markdown(fa: Flask, sample) -> None:
    form = sample("""
        - id: note
          type: notice
          style: warning
          text: {fa: "**مهم** <script>alert(1)</script> [x](javascript:alert(1))", en: "**Important**"}
    """).cls()
    html = str(form["note"]())
    assert html.startswith('<div class="notice notice-warning" data-field="note" data-type="notice" id="note" '
                           'role="note"><p><strong>مهم</strong> &lt;script&gt;')
    assert "<script>" not in html
    assert "href" not in html
    assert form.validate() is True


def test_display_of_every_type(fa: Flask, tmp_path: Path) -> None:
    spec = load_service(tmp_path, """
        - {id: n, type: number, label: {fa: n, en: N}, integer: false}
        - {id: d, type: date, label: {fa: d, en: D}}
        - {id: c, type: country, label: {fa: c, en: C}}
        - {id: y, type: yesno, label: {fa: y, en: Y}}
        - {id: k, type: national_code, label: {fa: k, en: K}}
        - {id: p, type: phone, label: {fa: p, en: P}}
        - {id: f, type: file, label: {fa: f, en: F}, max_files: 3}
        - id: m
          type: multichoice
          label: {fa: m, en: M}
          options: [{value: a, label: {fa: الف, en: A}}, {value: b, label: {fa: ب, en: B}}]
    """).service("sample")
    values = {"n": 1.5, "d": "2025-03-21", "c": "DE", "y": True, "k": "0499370899", "p": "+989121234567",
              "f": ["x", "y"], "m": ["a", "b"]}
    shown = {lang: {f.id: field_type(f.type).display(f, values[f.id], lang) for f in spec.steps[0].fields}
             for lang in ("fa", "en")}
    assert shown["fa"] == {"n": "۱٫۵", "d": "۱ فروردین ۱۴۰۴", "c": "آلمان", "y": "Yes", "k": "۰۴۹۹۳۷۰۸۹۹",
                           "p": "+98 912 123 4567", "f": "۲ files", "m": "الف، ب"}
    assert shown["en"] == {"n": "1.5", "d": "21 March 2025", "c": "Germany", "y": "Yes", "k": "0499370899",
                           "p": "+98 912 123 4567", "f": "2 files", "m": "A, B"}


def test_unknown_type_raises_and_registry_is_read_only() -> None:
    with pytest.raises(KeyError, match="unknown field type 'txt'"):
        field_type("txt")
    with pytest.raises(TypeError):
        FIELD_TYPES["txt"] = FIELD_TYPES["text"]  # type: ignore[index]


def test_validator_lists_are_never_shared(tmp_path: Path) -> None:
    spec = load_service(tmp_path, """
        - {id: a, type: text, label: {fa: a, en: A}, required: true}
        - {id: b, type: text, label: {fa: b, en: B}, required: true}
    """).service("sample")
    a, b = (field_type("text").unbound(f) for f in spec.steps[0].fields)
    assert a.kwargs["validators"] is not b.kwargs["validators"]
    assert [type(x).__name__ for x in a.kwargs["validators"]] == ["Required", "Length"]
