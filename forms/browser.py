"""show_if for the browser: conditions translated into the form's own submitted values.

The server owns every type: the page receives each same-page condition with its operands already written
as the strings the form submits (`yes`/`no` for a yes/no field, ISO dates for date references resolved on
today's date, option values, numbers flagged `number`), `age_of` rewritten as a comparison of the birth date,
and every part that reads another step or the profile replaced by its result (`{"const": true}`). Two forms
read a second input of the page: `{"field": a, "gte": {"field": b}}` (a comparison between answers) and
`{"age": birth, "at": day, "gte": 18}` (an age on another date of the page).
static/js/wizard.js then only reads the inputs and compares strings (numbers as numbers).
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Iterable, Mapping
from typing import Any

from forms import conditions
from forms.fields import field_type
from forms.spec import COMPARISONS, Condition, FieldSpec
from forms.specbase import other_field

# A string every ISO date sorts after: "present, whatever the date".
ANY_DATE = "0000-00-00"
Names = Mapping[str, tuple[str, FieldSpec]]


def encode(cond: Condition, names: Names, context: Mapping[str, Any], profile: Mapping[str, Any] | None,
           today: dt.date) -> dict[str, Any]:
    """The browser form of ``cond``: ``names`` maps the field ids on the page to (input name, spec)."""
    subject = cond.subject
    if subject == "not":
        return {"not": encode(cond.not_, names, context, profile, today)}  # type: ignore[arg-type]
    if subject in ("all", "any"):
        return {subject: [encode(child, names, context, profile, today) for child in cond.children()]}
    ref = cond.ref or ""
    if ref.startswith("profile.") or ref not in names:
        return {"const": conditions.evaluate(cond, context, profile, today)}
    name, spec = names[ref]
    if subject == "age_of":
        return _age_of(cond, name, names, context, profile, today)
    return _leaf(cond, name, spec, names, context, profile, today)


def _age_of(cond: Condition, name: str, names: Names, context: Mapping[str, Any], profile: Mapping[str, Any] | None,
            today: dt.date) -> dict[str, Any]:
    """`age_of`: on a date known now, comparisons of the birth date; `at` a field of the page, both read there."""
    at = cond.at_field
    if at is not None and at in names and not at.startswith("profile."):
        return {"age": name, "at": names[at][0], cond.operator or "": cond.operand}
    on = conditions.age_date(cond, context, profile, today)
    return {"const": False} if on is None else _age(name, cond.operator or "", cond.operand, on)


def _leaf(cond: Condition, name: str, spec: FieldSpec, names: Names, context: Mapping[str, Any],
          profile: Mapping[str, Any] | None, today: dt.date) -> dict[str, Any]:
    """A comparison on a field of the page, its operand(s) written as submitted values."""
    kind = field_type(spec.type)
    op, operand = cond.operator or "", cond.operand
    if op in COMPARISONS and not kind.ordered:
        return {"const": False}
    other = other_field(operand)
    if other is not None and other in names:  # another field of the page: the browser reads both
        return {"field": name, op: {"field": names[other][0]}, **({"number": True} if kind.browser_number else {})}
    if other is not None:  # another step's answer (or the profile's): known now
        operand = conditions.lookup(other, context, profile)
        if operand is None or operand == "" or isinstance(operand, list):
            return {"const": False}
    items = operand if op == "in" else [operand]
    values = [kind.browser_value(spec, item, today) for item in items]
    values = [value for value in values if value is not None]
    if not values:
        return {"const": False}
    leaf: dict[str, Any] = {"field": name, op: values if op == "in" else values[0]}
    if kind.browser_number:
        leaf["number"] = True
    return leaf


def _born_by(years: int, today: dt.date) -> str | None:
    """The ISO text a birth date is at most when its age on ``today`` is at least ``years`` (None: no date is)."""
    year = today.year - years
    if year < 1:
        return None
    return ANY_DATE if year > 9999 else f"{year:04d}-{today.month:02d}-{today.day:02d}"


def _at_least(name: str, years: int, today: dt.date) -> dict[str, Any]:
    """Age ≥ years: born on or before the same day ``years`` years ago (a text order, so 29 February works)."""
    bound = _born_by(years, today)
    if bound is None:
        return {"const": False}
    return {"field": name, "gte": ANY_DATE} if bound == ANY_DATE else {"field": name, "lte": bound}


def _below(name: str, years: int, today: dt.date) -> dict[str, Any]:
    """Age < years, for a birth date that is given."""
    bound = _born_by(years, today)
    if bound is None:
        return {"field": name, "gte": ANY_DATE}
    return {"const": False} if bound == ANY_DATE else {"field": name, "gt": bound}


def _age(name: str, op: str, years: float, today: dt.date) -> dict[str, Any]:
    """`age_of` as comparisons of the birth date itself (an absent date stays false)."""
    if op == "gte":
        return _at_least(name, math.ceil(years), today)
    if op == "gt":
        return _at_least(name, math.floor(years) + 1, today)
    if op == "lt":
        return _below(name, math.ceil(years), today)
    if op == "lte":
        return _below(name, math.floor(years) + 1, today)
    if not float(years).is_integer():
        return {"const": False}
    return {"all": [_at_least(name, int(years), today), _below(name, int(years) + 1, today)]}


def dumps(encoded: dict[str, Any]) -> str:
    """Compact JSON for a data attribute."""
    return json.dumps(encoded, ensure_ascii=False, separators=(",", ":"))


def page_names(field_specs: Iterable[FieldSpec], prefix: str = "") -> dict[str, tuple[str, FieldSpec]]:
    """Field id → (input name, spec) for fields rendered on one page (``prefix``: a group item's)."""
    return {spec.id: (prefix + spec.id, spec) for spec in field_specs if spec.stores}
