"""The one show_if evaluator and what it hides."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from forms import dates
from forms.conditions import active_fields, evaluate, item_fields, visible_answers, visible_steps
from forms.registry import load_registry
from forms.spec import Condition
from tests.forms.conftest import service_yaml, write_schemas

TODAY = dt.date(2025, 3, 21)


def cond(data: dict) -> Condition:
    """A validated condition."""
    return Condition.model_validate(data)


@pytest.mark.parametrize(("data", "answers", "expected"), [
    ({"field": "status", "equals": "married"}, {"status": "married"}, True),
    ({"field": "status", "equals": "married"}, {"status": "single"}, False),
    ({"field": "status", "equals": "married"}, {}, False),
    ({"field": "purpose", "in": ["work", "study"]}, {"purpose": "study"}, True),
    ({"field": "purpose", "in": ["work", "study"]}, {"purpose": "tourism"}, False),
    ({"field": "children", "gt": 0}, {"children": 2}, True),
    ({"field": "children", "gt": 0}, {"children": 0}, False),
    ({"field": "children", "lte": 2}, {"children": 2}, True),
    ({"field": "has_spouse", "equals": True}, {"has_spouse": True}, True),
    ({"field": "has_spouse", "equals": True}, {"has_spouse": False}, False),
    ({"field": "has_spouse", "equals": False}, {"has_spouse": False}, True),
    ({"field": "n", "equals": 1}, {"n": True}, False),
    ({"field": "langs", "equals": "de"}, {"langs": ["fa", "de"]}, True),
    ({"field": "langs", "in": ["en", "it"]}, {"langs": ["fa", "de"]}, False),
    ({"field": "expiry", "lt": "today"}, {"expiry": "2025-03-20"}, True),
    ({"field": "expiry", "lt": "+6m"}, {"expiry": "2025-09-20"}, True),
    ({"field": "expiry", "lt": "+6m"}, {"expiry": "2025-09-21"}, False),
    ({"field": "expiry", "gte": "2025-01-01"}, {"expiry": "2025-01-01"}, True),
    ({"field": "arrived", "gt": "-30d"}, {"arrived": "2025-02-20"}, True),
    ({"field": "arrived", "gt": "-30d"}, {"arrived": "2025-02-19"}, False),
    ({"age_of": "birth", "lt": 18}, {"birth": "2007-03-22"}, True),
    ({"age_of": "birth", "lt": 18}, {"birth": "2007-03-21"}, False),
    ({"age_of": "birth", "equals": 18}, {"birth": "2007-03-21"}, True),
    ({"age_of": "birth", "lt": 18}, {}, False),
    ({"not": {"field": "x", "equals": "y"}}, {}, True),
    ({"not": {"field": "x", "equals": "y"}}, {"x": "y"}, False),
    ({"all": [{"field": "a", "equals": 1}, {"field": "b", "equals": 2}]}, {"a": 1, "b": 2}, True),
    ({"all": [{"field": "a", "equals": 1}, {"field": "b", "equals": 2}]}, {"a": 1}, False),
    ({"any": [{"field": "a", "equals": 1}, {"field": "b", "equals": 2}]}, {"b": 2}, True),
    ({"any": [{"field": "a", "equals": 1}, {"field": "b", "equals": 2}]}, {"a": ""}, False),
])
def test_evaluate(data: dict, answers: dict, expected: bool) -> None:
    assert evaluate(cond(data), answers, {}, TODAY) is expected


def test_profile_references() -> None:
    adult = cond({"age_of": "profile.birth_date", "gte": 18})
    assert evaluate(adult, {}, {"birth_date": "1990-01-01"}, TODAY)
    assert not evaluate(adult, {"birth_date": "1990-01-01"}, {}, TODAY)
    male = cond({"field": "profile.gender", "equals": "male"})
    assert evaluate(male, {}, {"gender": "male"}, TODAY)
    assert evaluate(None, {}, None)


def test_offsets_clamp_to_month_end() -> None:
    assert dates.resolve("-18y", dt.date(2024, 2, 29)) == dt.date(2006, 2, 28)
    assert dates.resolve("+1m", dt.date(2025, 1, 31)) == dt.date(2025, 2, 28)
    assert dates.resolve("-30d", TODAY) == dt.date(2025, 2, 19)
    assert dates.age(dt.date(2000, 2, 29), dt.date(2025, 2, 28)) == 24


CHAIN = service_yaml([
    ("first", """
        - {id: married, type: yesno, label: {fa: متأهل, en: Married}}
        - {id: spouse, type: text, label: {fa: همسر, en: Spouse}, show_if: {field: married, equals: true}}
        - {id: spouse_abroad, type: yesno, label: {fa: خارج, en: Abroad}, show_if: {field: spouse, equals: Ana}}
        - {id: not_spouse, type: text, label: {fa: ن, en: N}, show_if: {not: {field: spouse, equals: Ana}}}
    """),
    ("second", "- {id: note, type: text, label: {fa: یادداشت, en: Note}}\n"),
    ("third", "- {id: partner_note, type: text, label: {fa: ی, en: P}}\n"),
]).replace("  - id: second\n", "  - id: second\n    show_if: {field: spouse_abroad, equals: true}\n")


def test_hidden_answers_count_as_absent_down_the_chain(tmp_path: Path) -> None:
    spec = load_registry(write_schemas(tmp_path, {"sample": CHAIN})).service("sample")
    answers = {"married": False, "spouse": "Ana", "spouse_abroad": True, "not_spouse": "x", "note": "n",
               "partner_note": "p"}
    assert visible_answers(spec, answers) == {"married": False, "not_spouse": "x", "partner_note": "p"}
    assert [s.id for s in visible_steps(spec, answers)] == ["first", "third"]
    answers["married"] = True
    assert visible_answers(spec, answers) == {"married": True, "spouse": "Ana", "spouse_abroad": True, "note": "n",
                                              "partner_note": "p"}
    assert [s.id for s in visible_steps(spec, answers)] == ["first", "second", "third"]
    assert [f.id for f in active_fields(spec.steps[0], {"married": False, "spouse": "Ana"})] == [
        "married", "not_spouse"]


GROUP = """
- {id: family_name, type: text, label: {fa: ف, en: F}}
- id: children
  type: group
  label: {fa: فرزندان, en: Children}
  fields:
    - {id: name, type: text, label: {fa: نام, en: Name}}
    - {id: at_school, type: yesno, label: {fa: مدرسه, en: School}}
    - {id: school, type: text, label: {fa: مدرسه, en: School}, show_if: {field: at_school, equals: true}}
    - {id: same_name, type: yesno, label: {fa: ه, en: S}, show_if: {field: family_name, equals: Rad}}
"""


def test_group_siblings_and_outer_fields(tmp_path: Path) -> None:
    spec = load_registry(write_schemas(tmp_path, {"sample": service_yaml(GROUP)})).service("sample")
    group = spec.field("children")
    item = {"name": "Sara", "at_school": False, "school": "X", "same_name": True}
    assert [f.id for f in item_fields(group, item, {"family_name": "Rad"})] == ["name", "at_school", "same_name"]
    answers = {"family_name": "Other", "children": [item, {"name": "Ali", "at_school": True, "school": "Y"}]}
    assert visible_answers(spec, answers)["children"] == [
        {"name": "Sara", "at_school": False}, {"name": "Ali", "at_school": True, "school": "Y"}]
