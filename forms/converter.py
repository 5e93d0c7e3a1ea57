"""The one converter: step spec → WTForms form class (cached per version), answers ↔ form data, display rows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from typing import Any, ClassVar

from flask_wtf import FlaskForm
from werkzeug.datastructures import FileStorage

from forms import browser, conditions
from forms.errors import gc_paused
from forms.fields import display_value, field_type
from forms.spec import FieldSpec, Step, Wizard
from forms.text import LocalText
from forms.wtf import GroupField, UploadField

StoreFile = Callable[[str, FileStorage], str]
_CLASSES: dict[tuple, type] = {}


class StepFormMixin:
    """Behaviour shared by generated forms: context answers, condition-aware validation, answers out."""

    spec: ClassVar[Wizard]
    step: ClassVar[Step | None]
    field_specs: ClassVar[tuple[FieldSpec, ...]]

    def __init__(self, *args: Any, answers: Mapping[str, Any] | None = None,
                 profile: Mapping[str, Any] | None = None, today: dt.date | None = None, **kwargs: Any) -> None:
        self.answers = dict(answers or {})
        self.profile = dict(profile or {})
        self.today = today
        self._context: dict[str, Any] | None = None
        self._others: dict[str, Any] | None = None
        super().__init__(*args, **kwargs)

    def current_answers(self) -> dict[str, Any]:
        """This form's answers as stored JSON (uploads not yet stored are left out)."""
        found = {}
        for spec in self.field_specs:
            if spec.stores:
                value = field_type(spec.type).to_json(spec, self._fields[spec.id].data)
                if value is not None:
                    found[spec.id] = value
        return found

    def context_answers(self) -> dict[str, Any]:
        """Answers conditions see: other steps' visible answers overlaid with this form's current ones."""
        if self._context is not None:
            return self._context
        if self._others is None:  # the walk over the whole wizard: other steps' answers do not change on a form
            own = {spec.id for spec in self.field_specs}
            others = {key: value for key, value in self.answers.items() if key not in own}
            self._others = conditions.visible_answers(self.spec, others, self.profile, self.today)
        return {**self._others, **self.current_answers()}

    def hidden_fields(self) -> set[str]:
        """Ids of this form's fields hidden by their show_if."""
        shown = {spec.id for spec in conditions.shown_fields(self.field_specs, self.context_answers(), self.profile,
                                                             self.today)}
        return {spec.id for spec in self.field_specs if spec.id not in shown}

    def hidden_item_fields(self, group_id: str, item_form: Any) -> set[str]:
        """Ids of a group item's inner fields hidden by their show_if."""
        group = next(spec for spec in self.field_specs if spec.id == group_id)
        item = {inner.id: field_type(inner.type).to_json(inner, item_form[inner.id].data)
                for inner in group.fields if inner.stores}
        item = {key: value for key, value in item.items() if value is not None}
        shown = conditions.item_fields(group, item, self.context_answers(), self.profile, self.today)
        return {inner.id for inner in group.fields} - {inner.id for inner in shown}

    def browser_conditions(self) -> dict[str, str]:
        """Input name → show_if as the browser evaluates it (forms/browser.py), group items' fields included."""
        today = self.today or dt.date.today()
        context = self.context_answers()
        names = browser.page_names(self.field_specs)
        found = {}
        for spec in self.field_specs:
            if spec.show_if is not None:
                found[spec.id] = browser.dumps(browser.encode(spec.show_if, names, context, self.profile, today))
            if spec.type != "group" or spec.id not in self._fields:
                continue
            for entry in self._fields[spec.id].entries:
                inner_names = {**names, **browser.page_names(spec.fields, f"{entry.name}-")}
                for inner in spec.fields:
                    if inner.show_if is not None:
                        found[f"{entry.name}-{inner.id}"] = browser.dumps(
                            browser.encode(inner.show_if, inner_names, context, self.profile, today))
        return found

    def validate(self, extra_validators: Mapping[str, Any] | None = None) -> bool:
        """Validate the fields that are shown; hidden fields are skipped and keep no errors."""
        self._context = None
        self._context = self.context_answers()
        try:
            hidden = self.hidden_fields()
            extra = extra_validators or {}
            success = True
            for name, bound in self._fields.items():  # type: ignore[attr-defined]
                if name in hidden:
                    bound.errors = []
                    continue
                if not bound.validate(self, extra.get(name, ())):
                    success = False
            self.form_errors = [LocalText(rule.message) for rule in self.failing_rules()] if success else []
            return success and not self.form_errors
        finally:
            self._context = None

    def failing_rules(self) -> list[Any]:
        """The step's eligibility rules that fail for this form's answers (with the other steps' ones); for an
        amendment (``whole_request``), every rule of the request's visible steps and of the service."""
        if not getattr(self, "whole_request", False):
            rules = self.step.eligibility if self.step is not None else None
            if not rules:
                return []
            hidden = self.hidden_fields()  # a hidden answer counts as absent, as in show_if
            answers = {key: value for key, value in self.context_answers().items() if key not in hidden}
            return conditions.failing_rules(rules, answers, self.profile, self.today)
        seen = conditions.walk(self.spec, {**self.answers, **self.current_answers()}, self.profile, self.today)
        rules = [rule for step in seen.steps for rule in step.eligibility or []]
        rules += getattr(self.spec, "eligibility", None) or []
        return conditions.failing_rules(rules, seen.answers, self.profile, self.today)

    def browser_rules(self) -> list[tuple[Any, str]]:
        """(message, rule as the browser evaluates it) for each of the step's eligibility rules."""
        if self.step is None or not self.step.eligibility:
            return []
        today = self.today or dt.date.today()
        names = browser.page_names(self.field_specs)
        context = self.context_answers()
        return [(LocalText(rule.message), browser.dumps(browser.encode(rule.require, names, context, self.profile,
                                                                       today)))
                for rule in self.step.eligibility]


def _class_name(*parts: str) -> str:
    """CamelCase class name from ids."""
    return "".join(part.replace("_", " ").title().replace(" ", "") for part in parts) + "Form"


def _build(spec: Wizard, step: Step | None, field_specs: tuple[FieldSpec, ...], base: type, name: str) -> type:
    """Assemble a form class from field specs."""
    attrs: dict[str, Any] = {f.id: field_type(f.type).unbound(f) for f in field_specs}
    attrs.update(spec=spec, step=step, field_specs=field_specs)
    return type(name, (StepFormMixin, base), attrs)


def step_form_class(spec: Wizard, step_id: str, base: type = FlaskForm) -> type:
    """The applicant form class of one step (staff-only fields left out), built once per version and step."""
    key = (spec.version_key, spec.kind, step_id, base, "applicant")
    cls = _CLASSES.get(key)
    if cls is None:
        step = spec.step(step_id)
        specs = tuple(f for f in step.fields if not f.staff_only)
        cls = _CLASSES[key] = _build(spec, step, specs, base, _class_name(spec.id, step_id))
    return cls


def staff_form_class(spec: Wizard, base: type = FlaskForm) -> type:
    """The form of the staff-only fields of all steps, for the back office, built once per version."""
    key = (spec.version_key, spec.kind, None, base, "staff")
    cls = _CLASSES.get(key)
    if cls is None:
        specs = tuple(f for _step, f in spec.iter_fields() if f.staff_only)
        cls = _CLASSES[key] = _build(spec, None, specs, base, _class_name(spec.id, "staff"))
    return cls


def compile_forms(specs: Iterable[Wizard], base: type = FlaskForm) -> int:
    """Build (and cache) every applicant step form and staff form of ``specs``; return how many."""
    count = 0
    with gc_paused():
        for spec in specs:
            for step in spec.steps:
                step_form_class(spec, step.id, base)
                count += 1
            staff_form_class(spec, base)
            count += 1
    return count


def form_to_answers(form: Any, step: Step | None = None, store_file: StoreFile | None = None) -> dict[str, Any]:
    """The answers of a validated form as JSON, hidden fields dropped; uploads go through ``store_file``."""
    field_specs = form.field_specs if step is None else tuple(f for f in step.fields if f.id in form._fields)
    hidden = form.hidden_fields()
    answers: dict[str, Any] = {}
    for spec in field_specs:
        if not spec.stores or spec.id in hidden:
            continue
        bound = form[spec.id]
        if isinstance(bound, UploadField):
            value = _file_ids(spec.id, bound, store_file)
        elif isinstance(bound, GroupField):
            value = _group_answers(form, spec, bound)
        else:
            value = field_type(spec.type).to_json(spec, bound.data)
        if value is not None:
            answers[spec.id] = value
    return answers


def _file_ids(field_id: str, bound: UploadField, store_file: StoreFile | None) -> list[str] | None:
    """Ids of new uploads (stored through ``store_file``), else the ids held before."""
    uploads = bound.uploads()
    if not uploads:
        return bound.stored_ids() or None
    if store_file is None:
        raise ValueError(f"field {field_id!r} has uploads: pass store_file to form_to_answers")
    return [store_file(field_id, upload) for upload in uploads]


def _group_answers(form: Any, spec: Any, bound: GroupField) -> list[dict[str, Any]] | None:
    """Filled items, each without the answers of its hidden inner fields."""
    items = []
    for entry in bound.filled_entries():
        hidden = form.hidden_item_fields(spec.id, entry.form)
        item = {}
        for inner in spec.fields:
            if inner.stores and inner.id not in hidden:
                value = field_type(inner.type).to_json(inner, entry.form[inner.id].data)
                if value is not None:
                    item[inner.id] = value
        if item:
            items.append(item)
    return items or None


def answers_to_form_data(step: Step, answers: Mapping[str, Any],
                         profile: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Form data for ``cls(data=...)`` from stored answers; fields without an answer take their prefill."""
    return fields_form_data(step.fields, answers, profile)


def fields_form_data(field_specs: Iterable[FieldSpec], answers: Mapping[str, Any],
                     profile: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Form data of the given fields from stored answers (e.g. for a form of ``fields_form_class``)."""
    data: dict[str, Any] = {}
    for spec in field_specs:
        if not spec.stores:
            continue
        value = answers.get(spec.id)
        prefill = getattr(spec, "prefill", None)
        if value is None and prefill and profile:
            value = profile.get(prefill)
        if value is not None:
            data[spec.id] = field_type(spec.type).from_json(spec, value)
    return data


def display_answers(spec: Wizard, answers: Mapping[str, Any], locale: str,
                    profile: Mapping[str, Any] | None = None, include_staff: bool = False,
                    today: dt.date | None = None) -> list[tuple[str, list[tuple[str, str]]]]:
    """(step title, [(label, shown value)]) for the answers that count, in order, for review pages and emails."""
    seen = conditions.walk(spec, answers, profile, today)
    rows: list[tuple[str, list[tuple[str, str]]]] = []
    for step in seen.steps:
        items = []
        for field_spec in seen.fields[step.id]:
            if not field_spec.stores or (field_spec.staff_only and not include_staff):
                continue
            value = seen.answers.get(field_spec.id)
            if value is None:
                continue
            shown = display_value(field_spec, value, locale)
            items.append((field_spec.label.get(locale), shown))
        if items:
            rows.append((step.title.get(locale), items))
    return rows


def fields_form_class(spec: Wizard, field_ids: tuple[str, ...], base: type = FlaskForm) -> type:
    """A form of the named top-level fields only (e.g. those staff asked the applicant to amend)."""
    key = (spec.version_key, spec.kind, field_ids, base, "subset")
    cls = _CLASSES.get(key)
    if cls is None:
        specs = tuple(f for _step, f in spec.iter_fields() if f.id in field_ids and not f.staff_only)
        cls = _CLASSES[key] = _build(spec, None, specs, base, _class_name(spec.id, "amend"))
        cls.whole_request = True  # the amended request must still meet every eligibility rule
    return cls
