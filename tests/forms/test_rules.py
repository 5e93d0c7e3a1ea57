"""The rules of consular work in the checker: eligibility rules, declarations, age at a date, comparisons."""

from __future__ import annotations

from pathlib import Path

from werkzeug.datastructures import MultiDict

from forms.converter import step_form_class
from forms.fields import display_value
from forms.registry import load_registry
from forms.spec import SPEC_TYPES
from forms.types import field_type
from tests.forms.conftest import errors_of, service_yaml, write_schemas

F = "schemas/services/sample.yaml"

RULES = """\
id: sample
title: {fa: نمونه, en: Sample}
category: travel
steps:
  - id: about
    title: {fa: دربارهٔ شما, en: About you}
    eligibility:
      - require: {age_of: birth_date, gte: 25}
        message: {fa: کمتر از ۲۵ سال, en: Under 25}
      - require: {field: nmae, equals: x}
        message: {fa: نام, en: Name}
    fields:
      - {id: birth_date, type: date, label: {fa: تاریخ تولد, en: Date of birth}}
      - {id: name, type: text, label: {fa: نام, en: Name}}
      - {id: note, type: text, label: {fa: یادداشت, en: Note}, staff_only: true}
eligibility:
  - require: {field: later, equals: x}
    message: {fa: بعدی, en: Later}
  - require: {field: note, equals: x}
    message: {fa: یادداشت, en: Note}
"""


def test_eligibility_rules_are_checked_like_show_if(tmp_path: Path) -> None:
    assert errors_of(write_schemas(tmp_path, {"sample": RULES})) == [
        f"{F}:10:26: eligibility rule 2 of step 'about' refers to unknown field 'nmae'; did you mean 'name'?",
        f"{F}:17:22: eligibility rule 1 of the service refers to unknown field 'later'",
        f"{F}:19:22: eligibility rule 2 of the service uses the staff-only field 'note', which applicants never "
        "fill in",
    ]


def test_a_rule_needs_its_message(tmp_path: Path) -> None:
    text = RULES.replace("        message: {fa: نام, en: Name}\n", "")
    errors = errors_of(write_schemas(tmp_path, {"sample": text}))
    assert errors[0] == f"{F}:10:9: missing key 'message'"


def test_valid_rules_load(tmp_path: Path) -> None:
    text = RULES.replace("nmae", "name").split("eligibility:\n  - require: {field: later")[0]
    spec = load_registry(write_schemas(tmp_path, {"sample": text})).services["sample"]
    assert [rule.message.en for rule in spec.step("about").eligibility] == ["Under 25", "Name"]


DECLARATION = """
    - id: truth
      type: declaration
      label: {fa: اقرار می‌کنم., en: I declare.}
      required: false
    - id: staff_truth
      type: declaration
      label: {fa: اقرار می‌کنم., en: I declare.}
      staff_only: true
    - {id: test, type: text, label: {fa: آزمون, en: Test}, show_if: {field: truth, equals: x}}
    - id: people
      type: group
      label: {fa: افراد, en: People}
      fields:
        - {id: oath, type: declaration, label: {fa: اقرار, en: Oath}}
"""


def test_a_declaration_is_not_a_group_item(tmp_path: Path) -> None:
    errors = errors_of(write_schemas(tmp_path, {"sample": service_yaml(DECLARATION)}))
    assert errors == [f"{F}:21:30: a group cannot contain a 'declaration' field"]


def test_a_declaration_is_always_the_applicants_and_always_ticked(tmp_path: Path) -> None:
    fields = DECLARATION.split("    - id: people")[0]
    assert errors_of(write_schemas(tmp_path, {"sample": service_yaml(fields)})) == [
        f"{F}:11:19: a declaration must always be ticked; remove 'required: false'",
        f"{F}:15:21: a declaration is made by the applicant; it cannot be staff_only",
        f"{F}:16:79: condition on 'truth': a declaration field cannot be tested in a condition",
    ]


AGE_AT = """
    - {id: birth_date, type: date, label: {fa: تولد, en: Birth}}
    - {id: city, type: text, label: {fa: شهر, en: City}}
    - {id: a, type: text, label: {fa: الف, en: A}, show_if: {age_of: birth_date, gte: 18, at: marriage_date}}
    - {id: b, type: text, label: {fa: ب, en: B}, show_if: {age_of: birth_date, gte: 18, at: city}}
    - {id: c, type: text, label: {fa: پ, en: C}, show_if: {field: city, equals: x, at: 2020-01-01}}
    - {id: d, type: text, label: {fa: ت, en: D}, show_if: {age_of: birth_date, gte: 18, at: 2020-13-01}}
    - {id: marriage_date, type: date, label: {fa: ازدواج, en: Marriage}}
"""


def test_age_at_names_an_earlier_date_field(tmp_path: Path) -> None:
    fields = AGE_AT.replace(", at: 2020-01-01", "").replace("2020-13-01", "2020-12-01")
    assert errors_of(write_schemas(tmp_path, {"sample": service_yaml(fields)})) == [
        f"{F}:10:97: show_if of field 'a' refers to 'marriage_date', which comes later; it may only use earlier "
        "fields",
        f"{F}:11:95: 'at' needs a date field, not 'city', a text field",
    ]


def test_at_goes_with_age_of_and_a_real_date(tmp_path: Path) -> None:
    assert errors_of(write_schemas(tmp_path, {"sample": service_yaml(AGE_AT.replace("2020-13-01", "2020-12-01"))})) \
        == [f"{F}:12:61: 'at' goes with 'age_of' (the age on that date)"]
    assert errors_of(write_schemas(tmp_path, {"sample": service_yaml(AGE_AT.replace(", at: 2020-01-01", ""))})) == [
        f"{F}:13:95: '2020-13-01' is not a date that exists (month must be in 1..12)"]


COMPARE = """
    - {id: marriage_date, type: date, label: {fa: ازدواج, en: Marriage}}
    - {id: children, type: number, label: {fa: فرزندان, en: Children}}
    - {id: city, type: text, label: {fa: شهر, en: City}}
    - {id: divorce_date, type: date, label: {fa: طلاق, en: Divorce}, min: {field: marriage_date}, max: {field: children}}
    - {id: count, type: number, label: {fa: شمار, en: Count}, min: {field: children}, max: {field: later}}
    - {id: a, type: text, label: {fa: الف, en: A}, show_if: {field: divorce_date, gte: {field: marriage_date}}}
    - {id: b, type: text, label: {fa: ب, en: B}, show_if: {field: divorce_date, gte: {field: children}}}
    - {id: c, type: text, label: {fa: پ, en: C}, show_if: {field: city, equals: {field: a}}}
    - {id: later, type: number, label: {fa: بعد, en: Later}}
"""  # noqa: E501


def test_comparisons_between_answers_name_an_earlier_field_of_the_same_type(tmp_path: Path) -> None:
    assert errors_of(write_schemas(tmp_path, {"sample": service_yaml(COMPARE)})) == [
        f"{F}:11:114: cannot compare 'divorce_date' (a date field) with 'children' (a number field)",
        f"{F}:12:102: 'max' of field 'count' refers to 'later', which comes later; it may only use earlier fields",
        f"{F}:14:96: cannot compare 'divorce_date' (a date field) with 'children' (a number field)",
        f"{F}:15:83: condition on 'city': another answer can be compared only with a number or date field, not a "
        "text field",
    ]


def test_another_answer_is_named_as_a_field(tmp_path: Path) -> None:
    fields = COMPARE.replace("gte: {field: children}", "gte: {fields: children}")
    errors = errors_of(write_schemas(tmp_path, {"sample": service_yaml(fields)}))
    assert errors == [f"{F}:14:88: another answer is named as {{field: <field id>}}, got a mapping"]


def test_a_declaration_shows_the_text_declared_when_the_wording_changed(forms_app) -> None:
    spec = SPEC_TYPES["declaration"].model_validate(
        {"id": "truth", "type": "declaration", "label": {"fa": "اقرار می‌کنم.", "en": "I declare."}})
    kind = field_type("declaration")
    with forms_app.test_request_context("/?lang=en"):
        stored = kind.to_json(spec, True)
        assert stored == {"fa": "اقرار می‌کنم.", "en": "I declare."} and kind.to_json(spec, False) is None
        assert display_value(spec, stored, "en") == "Declared"
        assert display_value(spec, {"fa": "متن پیشین", "en": "The earlier wording."}, "en") == \
            "Declared: The earlier wording."


def test_the_new_keys_survive_a_snapshot(tmp_path: Path) -> None:
    fields = AGE_AT.replace(", at: 2020-01-01", "").replace("2020-13-01", "2020-12-01").replace(
        "at: marriage_date", "at: birth_date").replace("at: city", "at: birth_date")
    fields += "    - {id: later, type: date, label: {fa: بعد, en: Later}, min: {field: marriage_date}}\n"
    spec = load_registry(write_schemas(tmp_path, {"sample": service_yaml(fields)})).services["sample"]
    again = type(spec).model_validate(spec.snapshot())
    assert again.version_key == spec.version_key
    assert again.field("later").min == {"field": "marriage_date"} and again.field("d").show_if.at == "2020-12-01"


HIDDEN_BOUND = """
    - {id: married, type: yesno, label: {fa: متأهل, en: Married}}
    - {id: marriage_date, type: date, label: {fa: ازدواج, en: Marriage}, show_if: {field: married, equals: true}}
    - {id: divorce_date, type: date, label: {fa: طلاق, en: Divorce}, min: {field: marriage_date}}
"""


def test_a_bound_naming_a_hidden_answer_is_not_applied(forms_app, tmp_path: Path) -> None:
    spec = load_registry(write_schemas(tmp_path, {"sample": service_yaml(HIDDEN_BOUND)})).services["sample"]
    cls = step_form_class(spec, "main")
    typed = {"marriage_date": "2020-05-01", "divorce_date": "2019-01-01"}
    for married, valid in (("no", True), ("yes", False)):
        with forms_app.test_request_context("/?lang=en", method="POST", data=MultiDict({**typed, "married": married})):
            form = cls()
            assert form.validate() is valid
    assert form.errors == {"divorce_date": ["Enter a date on or after 1 May 2020 (Marriage)."]}


def test_a_step_rule_counts_a_hidden_answer_of_its_page_as_absent(forms_app, tmp_path: Path) -> None:
    text = service_yaml(HIDDEN_BOUND).replace(
        "    fields:\n", "    eligibility:\n      - require: {not: {field: marriage_date, gte: '2020-01-01'}}\n"
        "        message: {fa: پس از ۲۰۲۰, en: Married in 2020 or later}\n    fields:\n", 1)
    spec = load_registry(write_schemas(tmp_path, {"sample": text})).services["sample"]
    cls = step_form_class(spec, "main")
    for married, errors in (("no", []), ("yes", ["Married in 2020 or later"])):
        data = MultiDict({"married": married, "marriage_date": "2020-05-01", "divorce_date": "2021-01-01"})
        with forms_app.test_request_context("/?lang=en", method="POST", data=data):
            form = cls()
            assert form.validate() is not errors
            assert [str(message) for message in form.form_errors] == errors
