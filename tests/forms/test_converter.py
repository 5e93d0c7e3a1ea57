"""Golden tests: inline YAML → generated form classes, their fields, validators, choices and conditions."""

from __future__ import annotations

import json
from pathlib import Path

from flask import Flask
from werkzeug.datastructures import MultiDict
from wtforms import RadioField, SelectField, SelectMultipleField

from forms.converter import (
    answers_to_form_data,
    display_answers,
    fields_form_class,
    form_to_answers,
    staff_form_class,
    step_form_class,
)
from forms.registry import load_registry
from forms.wtf import (
    DatePartsField,
    GroupField,
    NoticeField,
    NumberInputField,
    ReaderStringField,
    ReaderTextAreaField,
    UploadField,
)
from tests.forms.conftest import service_yaml, write_schemas

PASSPORT = service_yaml([
    ("request", """
        - id: intro
          type: notice
          text: {fa: "گذرنامهٔ **عادی**", en: "Ordinary **passports** only"}
        - id: request_type
          type: choice
          label: {fa: نوع درخواست, en: Type of request}
          help: {fa: یکی را انتخاب کنید, en: Choose one}
          required: true
          options:
            - {value: first, label: {fa: نخستین, en: First passport}}
            - {value: renewal, label: {fa: تمدید, en: Renewal}}
        - id: old_number
          type: passport_number
          label: {fa: شمارهٔ قبلی, en: Old number}
          required: true
          show_if: {field: request_type, equals: renewal}
        - id: surname
          type: text
          label: {fa: نام خانوادگی, en: Surname}
          prefill: last_name
          max_length: 40
        - id: birth_country
          type: country
          label: {fa: کشور تولد, en: Country of birth}
          default: IR
        - id: height
          type: number
          label: {fa: قد, en: Height}
          min: 50
          max: 250
        - id: issued
          type: date
          label: {fa: تاریخ صدور, en: Issued on}
          max: today
        - id: notes
          type: textarea
          label: {fa: توضیحات, en: Notes}
        - id: staff_note
          type: textarea
          label: {fa: یادداشت کارمند, en: Staff note}
          staff_only: true
    """),
    ("extra", """
        - id: colour
          type: choice
          label: {fa: رنگ, en: Colour}
          options:
            - {value: c1, label: {fa: ۱, en: One}}
            - {value: c2, label: {fa: ۲, en: Two}}
            - {value: c3, label: {fa: ۳, en: Three}}
            - {value: c4, label: {fa: ۴, en: Four}}
            - {value: c5, label: {fa: ۵, en: Five}}
            - {value: c6, label: {fa: ۶, en: Six}}
        - id: langs
          type: multichoice
          label: {fa: زبان‌ها, en: Languages}
          options: [{value: fa, label: {fa: فارسی, en: Persian}}, {value: en, label: {fa: انگلیسی, en: English}}]
        - {id: photo, type: file, label: {fa: عکس, en: Photo}, accept: [jpeg]}
        - id: children
          type: group
          label: {fa: فرزندان, en: Children}
          item_label: {fa: فرزند, en: Child}
          max_items: 3
          fields:
            - {id: name, type: text, label: {fa: نام, en: Name}, required: true}
            - {id: at_school, type: yesno, label: {fa: مدرسه می‌رود؟, en: At school?}}
            - {id: school, type: text, label: {fa: مدرسه, en: School}, required: true,
               show_if: {field: at_school, equals: true}}
        - {id: verified, type: yesno, label: {fa: تأیید, en: Verified}, staff_only: true}
    """),
])


def _spec(tmp_path: Path, text: str = PASSPORT):
    """The sample service."""
    return load_registry(write_schemas(tmp_path, {"sample": text})).service("sample")


def test_step_form_fields_types_and_order(fa: Flask, tmp_path: Path) -> None:
    spec = _spec(tmp_path)
    form = step_form_class(spec, "request")()
    assert [(f.name, type(f)) for f in form if f.name != "csrf_token"] == [
        ("intro", NoticeField), ("request_type", RadioField), ("old_number", ReaderStringField),
        ("surname", ReaderStringField), ("birth_country", SelectField), ("height", NumberInputField),
        ("issued", DatePartsField), ("notes", ReaderTextAreaField),
    ]
    extra = step_form_class(spec, "extra")()
    assert [(f.name, type(f)) for f in extra] == [
        ("colour", SelectField), ("langs", SelectMultipleField), ("photo", UploadField), ("children", GroupField)]


def test_validators_in_fixed_order(tmp_path: Path) -> None:
    cls = step_form_class(_spec(tmp_path), "request")
    names = {name: [type(v).__name__ for v in getattr(cls, name).kwargs["validators"]]
             for name in ("request_type", "old_number", "surname", "height", "issued", "notes")}
    assert names == {
        "request_type": ["Required", "InChoices"],
        "old_number": ["Required", "PassportNumber"],
        "surname": ["Optional", "Length"],
        "height": ["Optional", "NumberRange"],
        "issued": ["Optional", "DateRange"],
        "notes": ["Optional", "Length"],
    }
    assert cls.surname.kwargs["validators"][1].high == 40
    assert cls.notes.kwargs["validators"][1].high == 2000


def test_one_class_serves_both_languages(forms_app: Flask, tmp_path: Path) -> None:
    cls = step_form_class(_spec(tmp_path), "request")
    with forms_app.test_request_context("/?lang=fa"):
        form = cls()
        assert str(form.request_type.label.text) == "نوع درخواست"
        assert str(form.request_type.description) == "یکی را انتخاب کنید"
        assert [str(c.label) for c in form.request_type.choices] == ["نخستین", "تمدید"]
        assert "گذرنامهٔ <strong>عادی</strong>" in str(form.intro())
    with forms_app.test_request_context("/?lang=en"):
        form = cls()
        assert str(form.request_type.label) == '<label>Type of request</label>'
        assert [str(c.label) for c in form.request_type.choices] == ["First passport", "Renewal"]
        assert "Ordinary <strong>passports</strong> only" in str(form.intro())
        assert form.birth_country.data == "IR"
        assert next(c for c in form.birth_country.choices if c.value == "IR").label == "Iran"


def test_show_if_data_attributes(fa: Flask, tmp_path: Path) -> None:
    form = step_form_class(_spec(tmp_path), "request")()
    html = str(form.old_number())
    assert 'data-show-if="{&#34;field&#34;:&#34;request_type&#34;,&#34;equals&#34;:&#34;renewal&#34;}"' in html
    assert form.old_number.render_kw["data-show-if"] == json.dumps(
        {"field": "request_type", "equals": "renewal"}, separators=(",", ":"))
    assert 'aria-required="true"' in html and " required" not in html
    assert 'data-field="old_number"' in html and 'dir="ltr"' in html


def test_free_text_follows_what_is_typed_and_codes_stay_left_to_right(fa: Flask, tmp_path: Path) -> None:
    form = step_form_class(_spec(tmp_path), "request")()
    assert 'dir="auto"' in str(form.surname()) and 'dir="auto"' in str(form.notes())
    assert 'dir="ltr"' in str(form.old_number()) and 'dir="ltr"' in str(form.height())
    assert "dir=" not in str(form.birth_country())


def test_select_for_many_options_and_checkboxes(fa: Flask, tmp_path: Path) -> None:
    form = step_form_class(_spec(tmp_path), "extra")()
    assert [c.value for c in form.colour.choices] == ["", "c1", "c2", "c3", "c4", "c5", "c6"]
    assert str(form.colour()).startswith("<select")
    assert str(form.langs()).count('type="checkbox"') == 2
    assert 'accept="image/jpeg"' in str(form.photo())


def test_staff_only_fields_only_in_the_staff_form(fa: Flask, tmp_path: Path) -> None:
    spec = _spec(tmp_path)
    assert "staff_note" not in step_form_class(spec, "request")()._fields
    staff = staff_form_class(spec)()
    assert [f.name for f in staff if f.name != "csrf_token"] == ["staff_note", "verified"]


def test_classes_are_cached_per_version(tmp_path: Path) -> None:
    spec = _spec(tmp_path)
    assert step_form_class(spec, "request") is step_form_class(spec, "request")
    assert staff_form_class(spec) is staff_form_class(spec)
    changed = _spec(tmp_path / "v2", PASSPORT.replace("max_length: 40", "max_length: 41"))
    assert changed.version_key != spec.version_key
    assert step_form_class(changed, "request") is not step_form_class(spec, "request")


def test_hidden_required_field_is_not_validated_and_dropped(forms_app: Flask, tmp_path: Path) -> None:
    cls = step_form_class(_spec(tmp_path), "request")
    data = {"request_type": "first", "old_number": "!!", "surname": " كريمي "}
    with forms_app.test_request_context("/", method="POST", data=data):
        form = cls()
        assert form.validate(), form.errors
        assert form_to_answers(form) == {"request_type": "first", "surname": "کریمی", "birth_country": "IR"}
    data["request_type"] = "renewal"
    with forms_app.test_request_context("/?lang=en", method="POST", data=data):
        form = cls()
        assert not form.validate()
        assert [str(e) for e in form.old_number.errors] == ["Enter the passport number: 6 to 9 letters and digits."]


def test_group_items_blank_ignored_and_sibling_condition(forms_app: Flask, tmp_path: Path) -> None:
    cls = step_form_class(_spec(tmp_path), "extra")
    data = MultiDict({"children-0-name": "Sara", "children-0-at_school": "no", "children-0-school": "dropped",
                      "children-1-name": "", "children-2-name": "Ali", "children-2-at_school": "yes",
                      "children-2-school": "Alborz"})
    with forms_app.test_request_context("/?lang=en", method="POST", data=data):
        form = cls()
        assert form.validate(), form.errors
        assert form_to_answers(form) == {"children": [
            {"name": "Sara", "at_school": False}, {"name": "Ali", "at_school": True, "school": "Alborz"}]}
    data["children-2-school"] = ""
    with forms_app.test_request_context("/?lang=en", method="POST", data=data):
        form = cls()
        assert not form.validate()
        assert [str(e) for e in form.children.entries[2].form.school.errors] == ["This field is required."]
        assert form.children.entries[0].form.school.errors == []


def test_group_item_count(forms_app: Flask, tmp_path: Path) -> None:
    cls = step_form_class(_spec(tmp_path), "extra")
    data = MultiDict({f"children-{i}-name": f"child{i}" for i in range(4)})
    with forms_app.test_request_context("/?lang=en", method="POST", data=data):
        form = cls()
        assert not form.validate()
        assert [str(e) for e in form.children.errors] == ["Add at most 3 items."]


def test_group_renders_one_blank_item(fa: Flask, tmp_path: Path) -> None:
    form = step_form_class(_spec(tmp_path), "extra")()
    assert len(form.children.entries) == 1
    assert 'name="children-0-name"' in str(form.children())
    assert "csrf_token" not in form.children.entries[0].form._fields


def test_answers_round_trip_through_form_data(forms_app: Flask, tmp_path: Path) -> None:
    spec = _spec(tmp_path)
    answers = {"request_type": "renewal", "old_number": "X1234567", "surname": "Rad", "birth_country": "DE",
               "height": 180, "issued": "2020-02-29", "notes": "line 1\nline 2"}
    extra = {"colour": "c6", "langs": ["fa", "en"], "photo": ["doc-1"],
             "children": [{"name": "Sara", "at_school": True, "school": "X"}]}
    for step_id, stored in (("request", answers), ("extra", extra)):
        cls = step_form_class(spec, step_id)
        with forms_app.test_request_context("/"):
            form = cls(data=answers_to_form_data(spec.step(step_id), stored))
            assert form.validate(), form.errors
            assert form_to_answers(form) == stored


def test_prefill_from_profile(tmp_path: Path) -> None:
    step = _spec(tmp_path).step("request")
    assert answers_to_form_data(step, {}, profile={"last_name": "Rad"})["surname"] == "Rad"
    assert answers_to_form_data(step, {"surname": "Own"}, profile={"last_name": "Rad"})["surname"] == "Own"


def test_display_answers(fa: Flask, tmp_path: Path) -> None:
    spec = _spec(tmp_path)
    answers = {"request_type": "first", "old_number": "X1234567", "issued": "2025-03-21", "staff_note": "ok",
               "children": [{"name": "Sara", "at_school": False}], "verified": True}
    assert display_answers(spec, answers, "fa") == [
        ("request", [("نوع درخواست", "نخستین"), ("تاریخ صدور", "۱ فروردین ۱۴۰۴")]),
        ("extra", [("فرزندان", "فرزند ۱. نام: Sara · مدرسه می‌رود؟: No")]),
    ]
    assert display_answers(spec, answers, "en", include_staff=True) == [
        ("request", [("Type of request", "First passport"), ("Issued on", "21 March 2025"),
                     ("Staff note", "ok")]),
        ("extra", [("Children", "Child 1. Name: Sara · At school?: No"), ("Verified", "Yes")]),
    ]


def test_required_group_needs_one_filled_item(forms_app: Flask, tmp_path: Path) -> None:
    text = PASSPORT.replace("        max_items: 3\n", "        max_items: 3\n        required: true\n")
    assert text != PASSPORT
    spec = _spec(tmp_path, text)
    cls = step_form_class(spec, "extra")
    with forms_app.test_request_context("/?lang=en", method="POST", data={"children-0-name": ""}):
        form = cls()
        assert not form.validate()
        assert [str(e) for e in form.children.errors] == ["Add at least 1 items."]


def test_fields_form_for_amendments_uses_the_other_answers(forms_app: Flask, tmp_path: Path) -> None:
    spec = _spec(tmp_path)
    cls = fields_form_class(spec, ("old_number", "staff_note", "langs"))
    assert cls is fields_form_class(spec, ("old_number", "staff_note", "langs"))
    with forms_app.test_request_context("/?lang=en", method="POST", data={"langs": "fa"}):
        form = cls(answers={"request_type": "first"})
        assert [f.name for f in form if f.name != "csrf_token"] == ["old_number", "langs"]
        assert form.validate(), form.errors
        assert form_to_answers(form) == {"langs": ["fa"]}
        renewal = cls(answers={"request_type": "renewal"})
        assert not renewal.validate()
        assert [str(e) for e in renewal.old_number.errors] == ["This field is required."]
