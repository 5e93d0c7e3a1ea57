"""The rules of consular work in the checker: eligibility rules, declarations, age at a date, comparisons."""

from __future__ import annotations

from pathlib import Path

from forms.registry import load_registry
from tests.forms.conftest import errors_of, write_schemas

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
