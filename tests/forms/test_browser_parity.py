"""Parity: every show_if gives the same answer in forms/conditions.py and in static/js/wizard.js (under node)."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import random
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from forms import browser, conditions, dates
from forms.checks import operand_problem
from forms.fields import field_type
from forms.registry import load_registry
from forms.spec import SPEC_TYPES, Condition, FieldSpec
from forms.specbase import other_field

ROOT = Path(__file__).resolve().parents[2]
HARNESS = ROOT / "tests" / "js" / "conditions_harness.js"
DAYS = (dt.date(2026, 12, 3), dt.date(2028, 2, 29), dt.date(2027, 3, 1))
PROFILE = {"first_name": "Sara", "gender": "female", "marital_status": "married", "birth_date": "1990-05-17",
           "residence_country": "DE"}

pytestmark = pytest.mark.skipif(shutil.which("node") is None, reason="node is needed to run wizard.js")


class Node:
    """One node process evaluating conditions with wizard.js, a JSON line per question."""

    def __init__(self) -> None:
        self.process = subprocess.Popen(["node", str(HARNESS)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        text=True, encoding="utf-8")

    def evaluate(self, cond: dict, values: dict[str, Any]) -> Any:
        """wizard.js's answer for an encoded condition and the submitted values."""
        assert self.process.stdin and self.process.stdout
        self.process.stdin.write(json.dumps({"cond": cond, "values": values}, ensure_ascii=False) + "\n")
        self.process.stdin.flush()
        return json.loads(self.process.stdout.readline())

    def fields_of(self, cond: dict) -> list[str]:
        """The input names wizard.js says an encoded condition reads."""
        assert self.process.stdin and self.process.stdout
        self.process.stdin.write(json.dumps({"fieldsOf": cond}) + "\n")
        self.process.stdin.flush()
        return json.loads(self.process.stdout.readline())

    def close(self) -> None:
        """End the process."""
        assert self.process.stdin and self.process.stdout
        self.process.stdin.close()
        self.process.wait(timeout=10)
        self.process.stdout.close()


@pytest.fixture(scope="module")
def node() -> Iterator[Node]:
    """The node harness."""
    harness = Node()
    yield harness
    harness.close()


def leaves(cond: Condition) -> Iterator[Condition]:
    """The comparisons inside a condition."""
    if cond.ref is not None:
        yield cond
    for child in cond.children():
        yield from leaves(child)


def candidates(spec: FieldSpec, tests: list[Condition], today: dt.date) -> list[Any]:
    """Stored answers worth trying for ``spec``: on, around and off every operand it is compared with."""
    found: list[Any] = [None]
    kind = spec.type
    if kind == "yesno":
        return [None, True, False]
    if kind in ("choice", "multichoice"):
        values = list(spec.values)  # type: ignore[union-attr]
        if kind == "choice":
            return [None, *values]
        return [None, *[[v] for v in values], values[:2], values]
    for cond in tests:
        operands = cond.operand if cond.operator == "in" else [cond.operand]
        if cond.ref != spec.id or other_field(cond.operand) is not None:  # read as another answer or an `at` day
            found += SHARED[kind](today) if kind in SHARED else []
            continue
        for operand in operands:
            if cond.subject == "age_of":
                for years in {int(operand), int(operand) + 1}:
                    born = dt.date(today.year - years, today.month, 28 if today.day == 29 else today.day)
                    if today.month == 2 and today.day == 29:
                        found += [f"{today.year - years}-02-28", f"{today.year - years}-03-01"]
                    found += [(born + dt.timedelta(days=d)).isoformat() for d in (-1, 0, 1)]
            elif kind == "date" and dates.is_date_ref(operand):
                day = dates.resolve(operand, today)
                found += [(day + dt.timedelta(days=d)).isoformat() for d in (-1, 0, 1)]
            elif kind == "number" and isinstance(operand, int | float):
                found += [operand - 1, operand, operand + 1, operand + 0.5] if not getattr(spec, "integer", True) \
                    else [int(operand) - 1, int(operand), int(operand) + 1]
            elif isinstance(operand, str):
                found += [operand, operand + "x"]
    if kind == "country":
        found += ["DE", "IR"]
    return [json.loads(text) for text in dict.fromkeys(json.dumps(value) for value in found)]


def submitted(spec: FieldSpec, value: Any, persian: bool = False) -> Any:
    """What the browser reads from the field holding ``value`` (None: empty)."""
    if value is None:
        return None
    shown = field_type(spec.type).submitted(spec, value)
    if persian and spec.type == "number" and isinstance(shown, str):
        return shown.translate(str.maketrans("0123456789.", "۰۱۲۳۴۵۶۷۸۹٫"))
    return shown


def check(node: Node, cond: Condition, page: dict[str, FieldSpec], answers: dict[str, Any], today: dt.date,
          persian: bool = False) -> None:
    """Assert conditions.py and wizard.js agree on one set of answers."""
    expected = conditions.evaluate(cond, answers, PROFILE, today)
    names = browser.page_names(page.values())
    encoded = browser.encode(cond, names, answers, PROFILE, today)
    values = {spec.id: submitted(spec, answers.get(spec.id), persian) for spec in page.values()}
    got = node.evaluate(encoded, values)
    assert got is expected, (cond.as_json(), answers, encoded, values, today)


# Values for fields read against each other (`{field: other}`, `at`): close together, and ages around 18.
SHARED = {
    "date": lambda today: [(today + dt.timedelta(days=d)).isoformat() for d in (-1, 0, 1)]
    + [dates.add_months(today, -18 * 12).isoformat(), dates.add_months(today, -18 * 12 + 1).isoformat()],
    "number": lambda today: [0, 1, 2],
}


def run_all(node: Node, cond: Condition, page: dict[str, FieldSpec], rng: random.Random, limit: int = 60) -> int:
    """Check ``cond`` over combinations of candidate answers of the fields it reads, on every test day."""
    count = 0
    for today in DAYS:
        tested: dict[str, list[Condition]] = {}
        for part in leaves(cond):
            for ref in (part.ref, part.at_field, other_field(part.operand)):
                if ref in page:
                    tested.setdefault(ref, []).append(part)
        pools = [candidates(page[ref], parts, today) for ref, parts in tested.items()]
        combos = list(itertools.product(*pools))
        rng.shuffle(combos)
        for combo in combos[:limit]:
            answers = {ref: value for ref, value in zip(tested, combo, strict=True) if value is not None}
            check(node, cond, page, answers, today, persian=bool(count % 2))
            count += 1
    return count


def shipped_conditions() -> Iterator[tuple[str, Condition, dict[str, FieldSpec]]]:
    """Every field show_if of the shipped schemas, with the fields on its page (a group item's siblings too)."""
    registry = load_registry(ROOT / "schemas")
    for spec in [registry.registration, *registry.services.values()]:
        for step in spec.steps:
            page = {f.id: f for f in step.fields if not f.staff_only}
            for k, rule in enumerate(step.eligibility or []):
                yield f"{spec.id}.{step.id}.eligibility.{k}", rule.require, page
            for top in step.fields:
                if top.show_if is not None:
                    yield f"{spec.id}.{top.id}", top.show_if, page
                for inner in getattr(top, "fields", None) or []:
                    if inner.show_if is not None:
                        yield f"{spec.id}.{top.id}.{inner.id}", inner.show_if, {**page, **{
                            f.id: f for f in top.fields}}


def test_every_shipped_condition_agrees(node: Node) -> None:
    rng = random.Random(13)
    found = list(shipped_conditions())
    assert len(found) > 40
    checked = sum(run_all(node, cond, page, rng) for _name, cond, page in found)
    assert checked > 1000


def test_yes_no_conditions_read_the_radio_values(node: Node) -> None:
    registry = load_registry(ROOT / "schemas")
    step = registry.services["power_of_attorney"].step("principals")
    page = {f.id: f for f in step.fields}
    group = page["co_principals"]
    encoded = browser.encode(group.show_if, browser.page_names(page.values()), {}, PROFILE, DAYS[0])
    assert encoded == {"field": "has_co_principals", "equals": "yes"}
    assert node.evaluate(encoded, {"has_co_principals": "yes"}) is True
    assert node.evaluate(encoded, {"has_co_principals": "no"}) is False
    assert node.evaluate(encoded, {"has_co_principals": None}) is False


# Generated conditions: every testable type, every operator, nested not/all/any, age_of, the profile.
TESTABLE = ["text", "textarea", "number", "email", "phone", "date", "choice", "multichoice", "country", "yesno",
            "national_code", "postal_code", "passport_number"]
OPTIONS = [{"value": f"o{i}", "label": {"fa": f"گزینه {i}", "en": f"Option {i}"}} for i in range(4)]


def make_field(kind: str, index: int, integer: bool) -> FieldSpec:
    """A field of ``kind`` called f<index>."""
    data: dict[str, Any] = {"id": f"f{index}", "type": kind, "label": {"fa": "برچسب", "en": "Label"}}
    if kind in ("choice", "multichoice"):
        data["options"] = OPTIONS
    if kind == "number":
        data["integer"] = integer
    return SPEC_TYPES[kind].model_validate(data)  # type: ignore[return-value]


@st.composite
def operands(draw: Any, spec: FieldSpec) -> Any:
    """An operand the checker accepts for ``spec`` (or, sometimes, one it would reject)."""
    kind = spec.type
    if kind == "yesno":
        return draw(st.booleans())
    if kind in ("choice", "multichoice"):
        return draw(st.sampled_from([o["value"] for o in OPTIONS]))
    if kind == "number":
        return draw(st.one_of(st.integers(-20, 20), st.sampled_from([2.5, -0.5, 1e3])))
    if kind == "date":
        return draw(st.sampled_from(["today", "-18y", "+6m", "-30d", "2000-02-29", "2026-12-03", "+1y", "-1d"]))
    if kind == "country":
        return draw(st.sampled_from(["DE", "IR", "FR"]))
    return draw(st.text(alphabet="abcxyz01 ", min_size=1, max_size=4))


@st.composite
def leaf_conditions(draw: Any, page: list[FieldSpec]) -> dict:
    """One comparison on a field of the page (or the profile), valid for its type."""
    if draw(st.integers(0, 9)) == 0:
        return draw(st.sampled_from([{"field": "profile.gender", "equals": "female"},
                                     {"age_of": "profile.birth_date", "gte": 18}]))
    spec = draw(st.sampled_from(page))
    same = [other.id for other in page if other.type == spec.type and other.id != spec.id]
    if spec.type == "date" and draw(st.booleans()):
        op = draw(st.sampled_from(["equals", "gt", "gte", "lt", "lte"]))
        leaf = {"age_of": spec.id, op: draw(st.sampled_from([0, 1, 17, 18, 18.5, 65, 200]))}
        at = draw(st.sampled_from([None, "2020-02-29", "-1y", *same]))
        return leaf if at is None else {**leaf, "at": at}
    if spec.type in ("date", "number") and same and draw(st.booleans()):
        op = draw(st.sampled_from(["equals", "gt", "gte", "lt", "lte"]))
        return {"field": spec.id, op: {"field": draw(st.sampled_from(same))}}
    ops = ["equals", "in"] + (["gt", "gte", "lt", "lte"] if spec.type in ("number", "date") else [])
    op = draw(st.sampled_from(ops))
    if op == "in":
        return {"field": spec.id, "in": draw(st.lists(operands(spec), min_size=1, max_size=3))}
    return {"field": spec.id, op: draw(operands(spec))}


def nested(page: list[FieldSpec]) -> st.SearchStrategy[dict]:
    """Leaves, sometimes under not/all/any."""
    return st.recursive(leaf_conditions(page), lambda inner: st.one_of(
        inner.map(lambda c: {"not": c}),
        st.lists(inner, min_size=1, max_size=3).map(lambda cs: {"all": cs}),
        st.lists(inner, min_size=1, max_size=3).map(lambda cs: {"any": cs})), max_leaves=4)


@st.composite
def cases(draw: Any) -> tuple[Condition, dict[str, FieldSpec], int]:
    """A page of fields and a condition over it, valid for the checker."""
    kinds = draw(st.lists(st.sampled_from(TESTABLE), min_size=1, max_size=4))
    page = [make_field(kind, i, draw(st.booleans())) for i, kind in enumerate(kinds)]
    cond = Condition.model_validate(draw(nested(page)))
    by_id = {spec.id: spec for spec in page}
    for part in leaves(cond):
        if part.ref in by_id:
            assume(operand_problem(part, by_id[part.ref]) is None)
    return cond, by_id, draw(st.integers(0, 2**16))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(cases())
def test_generated_conditions_agree(node: Node, case: tuple[Condition, dict[str, FieldSpec], int]) -> None:
    cond, page, seed = case
    run_all(node, cond, page, random.Random(seed), limit=20)


# Age at a date: `at` a fixed date, a field of another step (known now) or a field of the same page.
BIRTH = make_field("date", 0, True)
ON = SPEC_TYPES["date"].model_validate({"id": "on", "type": "date", "label": {"fa": "روز", "en": "Day"}})


def test_age_at_a_date_is_counted_on_that_date_by_the_server() -> None:
    answers = {"f0": "2000-02-29", "on": "2018-02-28"}
    assert conditions.evaluate(Condition.model_validate({"age_of": "f0", "gte": 18, "at": "on"}), answers) is False
    answers["on"] = "2018-03-01"
    assert conditions.evaluate(Condition.model_validate({"age_of": "f0", "gte": 18, "at": "on"}), answers) is True
    assert conditions.evaluate(Condition.model_validate({"age_of": "f0", "lt": 18, "at": "2018-02-28"}), answers)
    without_day = {"f0": "2000-02-29"}
    assert not conditions.evaluate(Condition.model_validate({"age_of": "f0", "lt": 18, "at": "on"}), without_day)


@pytest.mark.parametrize("op", ["equals", "gt", "gte", "lt", "lte"])
@pytest.mark.parametrize("where", ["page", "other_step", "fixed"])
def test_age_at_a_date_agrees(node: Node, op: str, where: str) -> None:
    at = "2018-03-01" if where == "fixed" else "on"
    cond = Condition.model_validate({"age_of": "f0", op: 18, "at": at})
    page = {"f0": BIRTH, **({"on": ON} if where == "page" else {})}
    births = ["2000-02-29", "2000-02-28", "2000-03-01", "1999-12-31", "2001-01-01", None]
    days = ["2018-02-28", "2018-03-01", "2019-02-28", "2017-12-31", None]
    for birth, day in itertools.product(births, days):
        answers = {key: value for key, value in (("f0", birth), ("on", day)) if value is not None}
        check(node, cond, page, answers, DAYS[0])


# Comparisons between answers: `{field: other}` as the operand, the other on the page or on another step.
@pytest.mark.parametrize("op", ["equals", "gt", "gte", "lt", "lte"])
@pytest.mark.parametrize("kind", ["date", "number"])
@pytest.mark.parametrize("where", ["page", "other_step"])
def test_comparisons_between_answers_agree(node: Node, op: str, kind: str, where: str) -> None:
    first, second = make_field(kind, 0, False), make_field(kind, 1, False)
    cond = Condition.model_validate({"field": "f0", op: {"field": "f1"}})
    page = {"f0": first, **({"f1": second} if where == "page" else {})}
    values = ["2020-01-31", "2020-02-01", "2019-12-31", None] if kind == "date" else [3, 4, 4.5, -1, None]
    for a, b in itertools.product(values, values):
        answers = {key: value for key, value in (("f0", a), ("f1", b)) if value is not None}
        check(node, cond, page, answers, DAYS[0])
        check(node, cond, page, answers, DAYS[0], persian=True)
    assert conditions.evaluate(cond, {"f0": values[1], "f1": values[0]}) is (op in ("gt", "gte"))


def test_a_rule_waits_for_every_answer_it_reads(node: Node) -> None:
    page = {"f0": BIRTH, "on": ON, "f1": make_field("number", 1, True), "f2": make_field("number", 2, True)}
    cond = Condition.model_validate({"all": [{"age_of": "f0", "gte": 18, "at": "on"},
                                             {"not": {"field": "f1", "lte": {"field": "f2"}}},
                                             {"field": "profile.gender", "equals": "female"}]})
    encoded = browser.encode(cond, browser.page_names(page.values()), {}, PROFILE, DAYS[0])
    assert node.fields_of(encoded) == ["f0", "on", "f1", "f2"]
