"""Property: any service the checker accepts compiles to forms that render and validate without exceptions."""

from __future__ import annotations

import datetime as dt
import io
import os
import tempfile
from pathlib import Path
from typing import Any

import yaml
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import FileStorage, MultiDict

from forms.converter import display_answers, form_to_answers, step_form_class
from forms.registry import load_registry
from i18n.jalali import to_jalali
from i18n.persian import to_persian_digits
from tests.forms.conftest import write_schemas

INNER_TYPES = ["text", "textarea", "number", "email", "phone", "date", "choice", "multichoice", "country", "yesno",
               "national_code", "postal_code", "passport_number", "notice"]
TOP_TYPES = [*INNER_TYPES, "file", "group"]
PROFILE = {"first_name": "Sara", "gender": "male", "birth_date": "1990-01-01"}
MAGIC = {"png": b"\x89PNG\r\n\x1a\n" + b"\x00" * 32, "pdf": b"%PDF-1.4\n" + b"0" * 32,
         "jpeg": b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 32}


def text(n: int | str) -> dict:
    """A bilingual text."""
    return {"fa": f"متن {n}", "en": f"Text {n}"}


def options(draw: Any, low: int, high: int) -> list[dict]:
    """2..n options."""
    count = draw(st.integers(low, high))
    return [{"value": f"o{i}", "label": text(f"o{i}")} for i in range(count)]


def type_keys(draw: Any, kind: str, fid: str, scope: list[dict]) -> dict:
    """The type's own keys, valid by construction."""
    if kind in ("text", "textarea"):
        keys: dict = {"max_length": draw(st.integers(5, 60))}
        if draw(st.booleans()):
            keys["min_length"] = draw(st.integers(0, 3))
        if kind == "text" and draw(st.booleans()):
            keys.update(pattern="[a-zA-Z ]+", pattern_message=text("pattern"))
        return keys
    if kind == "number":
        low = draw(st.integers(-10, 10))
        keys = {"integer": draw(st.booleans())}
        if draw(st.booleans()):
            keys.update(min=low, max=low + draw(st.integers(0, 100)))
        return keys
    if kind == "phone":
        return {"region": draw(st.sampled_from(["DE", "IR", "GB"]))} if draw(st.booleans()) else {}
    if kind == "date":
        return {"min": draw(st.sampled_from(["1900-01-01", "-100y"])), "max": draw(st.sampled_from(["today", "+1y"]))}
    if kind == "choice":
        keys = {"options": options(draw, 2, 7)}
        if draw(st.booleans()):
            keys["widget"] = draw(st.sampled_from(["radio", "select"]))
        return keys
    if kind == "multichoice":
        keys = {"options": options(draw, 2, 5), "min_items": draw(st.integers(0, 1))}
        if draw(st.booleans()):
            keys["max_items"] = draw(st.integers(max(keys["min_items"], 1), 3))
        return keys
    if kind == "country":
        return {"exclude": draw(st.lists(st.sampled_from(["IR", "US"]), unique=True)), "default": "DE"}
    if kind == "postal_code":
        countries = [f["id"] for f in scope if f["type"] == "country"]
        return {"country_field": draw(st.sampled_from(countries))} if countries and draw(st.booleans()) else {}
    if kind == "file":
        return {"accept": draw(st.lists(st.sampled_from(["jpeg", "png", "pdf"]), min_size=1, unique=True)),
                "max_size_mb": draw(st.sampled_from([1, 2.5, 20])), "max_files": draw(st.integers(1, 3))}
    if kind == "notice":
        return {"text": {"fa": "**توجه** کنید", "en": "Please **note**"}, "style": draw(st.sampled_from(["info",
                                                                                                        "warning"]))}
    return {}


def leaf(draw: Any, target: dict) -> dict:
    """A comparison on ``target`` whose value fits its type."""
    kind, ref = target["type"], target["id"]
    if kind in ("choice", "multichoice"):
        values = [o["value"] for o in target["options"]]
        if draw(st.booleans()):
            return {"field": ref, "in": draw(st.lists(st.sampled_from(values), min_size=1, unique=True))}
        return {"field": ref, "equals": draw(st.sampled_from(values))}
    if kind == "yesno":
        return {"field": ref, "equals": draw(st.booleans())}
    if kind == "number":
        return {"field": ref, draw(st.sampled_from(["gt", "gte", "lt", "lte", "equals"])): draw(st.integers(-5, 50))}
    if kind == "date":
        if draw(st.booleans()):
            return {"age_of": ref, draw(st.sampled_from(["lt", "gte"])): 18}
        operand = draw(st.sampled_from(["today", "-18y", "2000-01-01"]))
        return {"field": ref, draw(st.sampled_from(["lt", "gt"])): operand}
    if kind == "country":
        return {"field": ref, "equals": "DE"}
    return {"field": ref, "equals": "x"}


def condition(draw: Any, scope: list[dict], allow_profile: bool = True) -> dict | None:
    """Maybe a condition over earlier applicant fields (or the profile), sometimes nested."""
    targets = [f for f in scope if f["type"] not in ("file", "group", "notice") and not f.get("staff_only")]
    choices = ["none"] + (["field"] if targets else []) + (["profile"] if allow_profile else [])
    pick = draw(st.sampled_from(choices))
    if pick == "none":
        return None
    if pick == "profile":
        found: dict = draw(st.sampled_from([{"field": "profile.gender", "equals": "male"},
                                            {"age_of": "profile.birth_date", "gte": 18}]))
    else:
        found = leaf(draw, draw(st.sampled_from(targets)))
    wrap = draw(st.sampled_from(["plain", "not", "all", "any"]))
    if wrap == "not":
        return {"not": found}
    if wrap in ("all", "any"):
        return {wrap: [found, {"not": found}]}
    return found


def field(draw: Any, fid: str, kinds: list[str], scope: list[dict], counter: list[int]) -> dict:
    """One field (a group has inner fields with sibling conditions)."""
    kind = draw(st.sampled_from(kinds))
    spec: dict = {"id": fid, "type": kind, **type_keys(draw, kind, fid, scope)}
    if kind != "notice":
        spec.update(label=text(fid), required=draw(st.booleans()))
        if draw(st.integers(0, 4)) == 0:
            spec["help"] = text(f"help {fid}")
    if kind == "text" and "pattern" not in spec and scope is not None and draw(st.integers(0, 4)) == 0:
        spec["prefill"] = "first_name"
    cond = condition(draw, scope)
    if cond is not None:
        spec["show_if"] = cond
    if kind == "group":
        inner_scope = list(scope)
        inner = []
        for i in range(draw(st.integers(1, 3))):
            counter[0] += 1
            child = field(draw, f"g{i}", INNER_TYPES[:-1] if i == 0 else INNER_TYPES, inner_scope, counter)
            child.pop("prefill", None)
            child.pop("staff_only", None)
            inner.append(child)
            inner_scope.append(child)
        low = draw(st.integers(0, 1))
        spec.update(fields=inner, min_items=low, max_items=draw(st.integers(max(low, 1), 3)), item_label=text("item"))
    if kind != "notice" and draw(st.integers(0, 6)) == 0:
        spec["staff_only"] = True
    return spec


@st.composite
def services(draw: Any) -> dict:
    """A random small valid service: steps, fields of every type, conditions."""
    scope: list[dict] = []
    steps = []
    counter = [0]
    for s in range(draw(st.integers(1, 3))):
        step: dict = {"id": f"s{s}", "title": text(f"step {s}"), "fields": []}
        if s and draw(st.booleans()):
            cond = condition(draw, list(scope))
            if cond is not None:
                step["show_if"] = cond
        step_scope = list(scope)
        for _ in range(draw(st.integers(1, 4))):
            fid = f"f{len(step_scope)}"
            spec = field(draw, fid, TOP_TYPES, step_scope, counter)
            step["fields"].append(spec)
            step_scope.append(spec)
        scope = step_scope
        steps.append(step)
    return {"id": "generated", "title": text("service"), "category": "travel", "steps": steps}


def post_value(spec: dict, name: str, lang: str) -> list[tuple[str, Any]]:
    """Form data making ``spec`` valid (Persian digits in Persian)."""
    kind = spec["type"]
    digits = to_persian_digits if lang == "fa" else str
    if kind in ("text", "textarea"):
        return [(name, "abcd" if "pattern" in spec else "كتاب")]
    if kind == "number":
        return [(name, digits(spec.get("min", 3)))]
    if kind == "date":
        if lang == "fa":
            year, month, day = to_jalali(dt.date(2000, 1, 1))
            return [(f"{name}-day", digits(day)), (f"{name}-month", str(month)), (f"{name}-year", digits(year)),
                    (f"{name}-calendar", "jalali")]
        return [(f"{name}-day", "1"), (f"{name}-month", "1"), (f"{name}-year", "2000"),
                (f"{name}-calendar", "gregorian")]
    if kind == "choice":
        return [(name, spec["options"][0]["value"])]
    if kind == "multichoice":
        return [(name, o["value"]) for o in spec["options"][: max(spec.get("min_items", 0), 1)]]
    if kind == "file":
        kind_ = spec["accept"][0]
        return [(name, FileStorage(io.BytesIO(MAGIC[kind_]), filename=f"x.{kind_}"))]
    if kind == "group":
        pairs = []
        for index in range(max(spec["min_items"], 1)):
            for inner in spec["fields"]:
                if inner["type"] != "notice":
                    pairs.extend(post_value(inner, f"{name}-{index}-{inner['id']}", lang))
        return pairs
    fixed = {"email": "ali@example.com", "phone": "+49 30 1234567", "country": "DE", "yesno": "yes",
             "national_code": digits("0499370899"), "postal_code": "1234567890", "passport_number": "x1234567"}
    return [(name, fixed[kind])] if kind in fixed else []


def check_service(app: Flask, data: dict) -> None:
    """Load, compile, render and validate every step of ``data`` in both languages."""
    with tempfile.TemporaryDirectory() as tmp:
        schema_dir = write_schemas(Path(tmp), {"generated": yaml.safe_dump(data, allow_unicode=True)})
        spec = load_registry(schema_dir).service("generated")
    for lang in ("fa", "en"):
        answers: dict = {}
        for step in spec.steps:
            cls = step_form_class(spec, step.id)
            with app.test_request_context(f"/?lang={lang}", method="POST", data={}):
                empty = cls(answers=answers, profile=PROFILE)
                for bound in empty:
                    str(bound())
                    str(bound.label)
                empty.validate()
            raw = next(s for s in data["steps"] if s["id"] == step.id)
            pairs = [pair for f in raw["fields"] if not f.get("staff_only") for pair in post_value(f, f["id"], lang)]
            with app.test_request_context(f"/?lang={lang}", method="POST", data=MultiDict(pairs)):
                form = cls(answers=answers, profile=PROFILE)
                assert form.validate(), (form.errors, yaml.safe_dump(raw, allow_unicode=True))
                for bound in form:
                    str(bound())
                answers.update(form_to_answers(form, store_file=lambda fid, upload: f"doc-{fid}"))
        display_answers(spec, answers, lang, profile=PROFILE, include_staff=True)


EXAMPLES = int(os.environ.get("MIKHAK_HYPOTHESIS_EXAMPLES", "60"))


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[
    HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture])
@given(services())
def test_accepted_services_compile_render_and_validate(forms_app: Flask, data: dict) -> None:
    check_service(forms_app, data)
