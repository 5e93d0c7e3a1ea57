"""What every field type has: the FieldType base class (forms/types/<type>.py subclass it)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, ClassVar

from forms import validators as v
from forms.specbase import describe
from forms.text import language_of, lazy
from forms.wtf import ReaderStringField
from i18n.persian import normalize_text, reader_digits, to_persian_digits


def localize_digits(text: str, locale: str) -> str:
    """Persian digits for Persian readers."""
    return to_persian_digits(text) if language_of(locale) == "fa" else text


class FieldType:
    """One field type: its spec model, WTForms field, storage, display, staff search and filters, conditions
    and browser encoding. Subclasses live one per module in forms/types/ and are registered with `register`."""

    name: ClassVar[str] = ""
    spec_model: ClassVar[type] = object  # the pydantic model of its YAML keys (`type: <name>`)
    field_class: ClassVar[type] = ReaderStringField  # the stored value redisplayed in the reader's digits
    in_groups: ClassVar[bool] = True  # may be an inner field of a group
    layout: ClassVar[str] = "text"  # how _forms.html lays it out: text, choices, checks, date, group, file, notice
    direction: ClassVar[str | None] = None  # "ltr" (codes, numbers) or "auto" (free text) for inputs and display
    searchable: ClassVar[bool] = False  # may be a `staff.search` field (text matched in the answer index)
    staff_filter: ClassVar[str | None] = None  # kind of `staff.filters` filter (admin/filters.py), None: not allowed
    testable: ClassVar[bool] = True  # conditions may test it
    ages: ClassVar[bool] = False  # `age_of` may read it (dates)
    holds_documents: ClassVar[bool] = False  # its answer is a list of uploaded document ids
    ordered: ClassVar[bool] = False  # gt/gte/lt/lte can hold (numbers, dates)
    browser_number: ClassVar[bool] = False  # the browser compares its submitted values as numbers

    def unbound(self, spec: Any) -> Any:
        """The unbound WTForms field for ``spec`` (label and help chosen in the reader's language)."""
        kwargs: dict[str, Any] = {
            "label": lazy(getattr(spec, "label", None)),
            "description": lazy(spec.help) or "",
            "validators": self.validators(spec),
            "filters": self.filters(spec),
            "render_kw": self.render_kw(spec),
            **self.kwargs(spec),
        }
        default = self.default(spec)
        if default is not None:
            kwargs["default"] = default
        return self.class_for(spec)(**kwargs)

    def class_for(self, spec: Any) -> type:
        """The WTForms field class."""
        return self.field_class

    def kwargs(self, spec: Any) -> dict[str, Any]:
        """Extra keyword arguments of the WTForms field."""
        return {}

    def validators(self, spec: Any) -> list:
        """A new validator list: required/optional first, then the type's own checks."""
        return [v.Required() if spec.required else v.Optional(), *self.type_validators(spec)]

    def type_validators(self, spec: Any) -> list:
        """The type's own validators, in order."""
        return []

    def filters(self, spec: Any) -> list:
        """Input filters (Persian digits and letters normalized)."""
        return [normalize_text]

    def render_kw(self, spec: Any) -> dict[str, Any]:
        """HTML attributes for the front end: field id, type, show_if; no HTML `required`, which would block
        submitting a form whose required field is hidden or sits in a blank group item (the server checks)."""
        kw: dict[str, Any] = {"data-field": spec.id, "data-type": spec.type, "required": False}
        if spec.show_if is not None:
            kw["data-show-if"] = json.dumps(spec.show_if.as_json(), ensure_ascii=False, separators=(",", ":"))
        if getattr(spec, "required", False):
            kw["aria-required"] = "true"
        if self.direction:  # "auto": a Latin name or an English address aligns left as typed on a Persian page
            kw["dir"] = self.direction
        return kw

    def default(self, spec: Any) -> Any:
        """The initial form data from the schema's `default`."""
        value = getattr(spec, "default", None)
        return None if value is None else self.from_json(spec, value)

    def to_json(self, spec: Any, data: Any) -> Any:
        """The stored answer for form data (None: no answer)."""
        if isinstance(data, str):
            data = data.strip()
        return None if v.is_empty(data) else data

    def from_json(self, spec: Any, value: Any) -> Any:
        """The form data for a stored answer."""
        return value

    def display(self, spec: Any, value: Any, locale: str) -> str:
        """The answer as text for readers of ``locale``, in their digits unless it is Latin-script text."""
        return "" if value is None else reader_digits(str(value), language_of(locale))

    def browser_value(self, spec: Any, operand: Any, today: dt.date) -> str | None:
        """A condition operand as the string this field submits when its answer equals it (None: never)."""
        return operand if isinstance(operand, str) else None

    def operand_problem(self, spec: Any, value: Any) -> str | None:
        """What is wrong with testing this field's answer for equality with ``value`` (None: nothing)."""
        return None if isinstance(value, str) else f"a {self.name} field is compared with a text, not {describe(value)}"

    def cross_check(self, spec: Any, checker: Any, path: tuple, scope: Any) -> None:
        """Cross-reference rules of this type's own keys, reported through ``checker.add`` (forms/checks.py)."""

    def comparison_problem(self, spec: Any, value: Any) -> str | None:
        """What is wrong with gt/gte/lt/lte against ``value``; only asked of `ordered` types."""
        return None

    def layout_of(self, field: Any) -> str:
        """How a bound field of this type is laid out (see `layout`)."""
        return self.layout

    def submitted(self, spec: Any, value: Any) -> str | list[str]:
        """What the browser reads from this field's inputs when they hold the stored answer ``value``."""
        return str(value)
