"""The one `show_if` evaluator, used by the wizard, review pages, admin and emails."""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from forms import dates
from forms.spec import Condition, FieldSpec, Rule, Step, Wizard
from forms.specbase import other_field

_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "equals": operator.eq, "gt": operator.gt, "gte": operator.ge, "lt": operator.lt, "lte": operator.le,
}


def _absent(value: Any) -> bool:
    """Whether an answer counts as not given."""
    return value is None or value == "" or value == []


def _is_number(value: Any) -> bool:
    """A real number, not a bool."""
    return isinstance(value, int | float) and not isinstance(value, bool)


def _compare(op: str, value: Any, operand: Any, today: dt.date) -> bool:
    """Compare one answer with one operand (numbers with numbers, dates with date references)."""
    if _is_number(value) and _is_number(operand):
        return _COMPARE[op](value, operand)
    if isinstance(value, str) and isinstance(operand, str) and dates.is_date_ref(operand):
        day = dates.parse_iso(value)
        if day is not None:
            return _COMPARE[op](day, dates.resolve(operand, today))
    if op != "equals":
        return False
    if isinstance(value, bool) or isinstance(operand, bool):
        return value is operand
    return value == operand


def _test(cond: Condition, value: Any, today: dt.date, operand: Any = None) -> bool:
    """Apply the condition's operator to a present answer (``operand``: another answer instead of the written one)."""
    op = cond.operator
    operand = cond.operand if operand is None else operand
    if op == "in":
        return any(_test_one("equals", value, item, today) for item in operand)
    return _test_one(op, value, operand, today)


def _test_one(op: str, value: Any, operand: Any, today: dt.date) -> bool:
    """Lists (multichoice) match when any item matches."""
    if isinstance(value, list):
        return any(_compare(op, item, operand, today) for item in value)
    return _compare(op, value, operand, today)


def lookup(ref: str, answers: Mapping[str, Any], profile: Mapping[str, Any] | None) -> Any:
    """The answer a reference names: `profile.<id>` from the profile, else from the answers."""
    if ref.startswith("profile."):
        return (profile or {}).get(ref.removeprefix("profile."))
    return answers.get(ref)


def evaluate(cond: Condition | None, answers: Mapping[str, Any], profile: Mapping[str, Any] | None = None,
             today: dt.date | None = None) -> bool:
    """Whether ``cond`` holds for the (visible) answers; absent answers make comparisons false."""
    if cond is None:
        return True
    today = today or dt.date.today()
    subject = cond.subject
    if subject == "not":
        return not evaluate(cond.not_, answers, profile, today)
    if subject == "all":
        return all(evaluate(c, answers, profile, today) for c in cond.all or [])
    if subject == "any":
        return any(evaluate(c, answers, profile, today) for c in cond.any or [])
    value = lookup(cond.ref or "", answers, profile)
    if _absent(value):
        return False
    if subject == "age_of":
        birth = dates.parse_iso(value) if isinstance(value, str) else None
        on = age_date(cond, answers, profile, today)
        if birth is None or on is None:
            return False
        return _test(cond, dates.age(birth, on), today)
    other = other_field(cond.operand)
    if other is None:
        return _test(cond, value, today)
    operand = lookup(other, answers, profile)
    return False if _absent(operand) or isinstance(operand, list) else _test(cond, value, today, operand)


def age_date(cond: Condition, answers: Mapping[str, Any], profile: Mapping[str, Any] | None,
             today: dt.date) -> dt.date | None:
    """The day an `age_of` counts the age on: its `at` date or field's answer (None: not given), else today."""
    if cond.at is None:
        return today
    if cond.at_field is None:
        return dates.resolve(cond.at, today)
    value = lookup(cond.at_field, answers, profile)
    return dates.parse_iso(value) if isinstance(value, str) else None


def _walk_fields(fields: Iterable[FieldSpec], context: dict[str, Any], values: Mapping[str, Any],
                 profile: Mapping[str, Any] | None, today: dt.date) -> list[FieldSpec]:
    """Visible fields in order; ``context`` gains visible answers and loses hidden ones as it goes."""
    visible = []
    for spec in fields:
        if evaluate(spec.show_if, context, profile, today):
            visible.append(spec)
            if spec.id in values:
                context[spec.id] = values[spec.id]
        else:
            context.pop(spec.id, None)
    return visible


def shown_fields(fields: Iterable[FieldSpec], answers: Mapping[str, Any], profile: Mapping[str, Any] | None = None,
                 today: dt.date | None = None) -> list[FieldSpec]:
    """Those of ``fields`` whose show_if holds, in order; a hidden field's answer counts as absent."""
    return _walk_fields(fields, dict(answers), answers, profile, today or dt.date.today())


def active_fields(step: Step | Any, answers: Mapping[str, Any], profile: Mapping[str, Any] | None = None,
                  today: dt.date | None = None) -> list[FieldSpec]:
    """Fields of ``step`` (or of a group) whose show_if holds; a hidden field's answer counts as absent."""
    return shown_fields(step.fields, answers, profile, today)


def item_fields(group: Any, item: Mapping[str, Any], answers: Mapping[str, Any],
                profile: Mapping[str, Any] | None = None, today: dt.date | None = None) -> list[FieldSpec]:
    """Visible inner fields of one group item: earlier siblings first, then the other answers."""
    return _walk_fields(group.fields, dict(answers), item, profile, today or dt.date.today())


@dataclass
class Visibility:
    """What is shown for a set of answers: steps, fields per step and the answers that count."""

    steps: list[Step] = field(default_factory=list)
    fields: dict[str, list[FieldSpec]] = field(default_factory=dict)
    answers: dict[str, Any] = field(default_factory=dict)


def walk(spec: Wizard, answers: Mapping[str, Any], profile: Mapping[str, Any] | None = None,
         today: dt.date | None = None) -> Visibility:
    """Evaluate every step and field condition in order, dropping answers of hidden fields and items."""
    today = today or dt.date.today()
    result = Visibility()
    context: dict[str, Any] = {}
    for step in spec.steps:
        if not evaluate(step.show_if, context, profile, today):
            continue
        result.steps.append(step)
        shown = _walk_fields(step.fields, context, answers, profile, today)
        result.fields[step.id] = shown
        for spec_field in shown:
            if spec_field.stores and not _absent(answers.get(spec_field.id)):
                value = answers[spec_field.id]
                if spec_field.type == "group":
                    value = [_prune_item(spec_field, item, context, profile, today) for item in value or []]
                result.answers[spec_field.id] = context[spec_field.id] = value
    return result


def _prune_item(group: Any, item: Mapping[str, Any], context: Mapping[str, Any],
                profile: Mapping[str, Any] | None, today: dt.date) -> dict[str, Any]:
    """One group item with the answers of its hidden inner fields dropped."""
    shown = item_fields(group, item, context, profile, today)
    return {spec.id: item[spec.id] for spec in shown if spec.id in item}


def visible_steps(spec: Wizard, answers: Mapping[str, Any], profile: Mapping[str, Any] | None = None,
                  today: dt.date | None = None) -> list[Step]:
    """Steps whose show_if holds, in order."""
    return walk(spec, answers, profile, today).steps


def visible_answers(spec: Wizard, answers: Mapping[str, Any], profile: Mapping[str, Any] | None = None,
                    today: dt.date | None = None) -> dict[str, Any]:
    """The answers that count: those of visible fields of visible steps (hidden group inner answers dropped)."""
    return walk(spec, answers, profile, today).answers


def failing_rules(rules: Iterable[Rule] | None, answers: Mapping[str, Any], profile: Mapping[str, Any] | None = None,
                  today: dt.date | None = None) -> list[Rule]:
    """The eligibility rules whose condition does not hold for ``answers`` (a missing answer fails a rule)."""
    return [rule for rule in rules or [] if not evaluate(rule.require, answers, profile, today)]
