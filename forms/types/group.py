"""`group`: repeated items of inner fields, stored as a list of objects."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, model_validator
from wtforms import Form, FormField

from forms import validators as v
from forms.specbase import (
    InputBase,
    NonNegativeInt,
    PositiveInt,
    Text,
    _check_range,
)
from forms.text import LocalText, lazy
from forms.types import field_type, register, spec_union
from forms.types.base import FieldType, localize_digits
from forms.wtf import GroupField as GroupInput

InnerFieldSpec = spec_union(inner=True)


class GroupField(InputBase):
    """A repeated set of inner fields (list of objects)."""

    type: Literal["group"]
    fields: Annotated[list[InnerFieldSpec], Field(min_length=1)]
    min_items: NonNegativeInt = 0
    max_items: PositiveInt = 10
    item_label: Text | None = None

    @model_validator(mode="after")
    def _consistent(self) -> GroupField:
        """Check the item range."""
        _check_range(self.min_items, self.max_items, "min_items", "max_items")
        return self

    @property
    def input_fields(self) -> list[Any]:
        """Inner fields in order."""
        return list(self.fields)


class ItemForm(Form):
    """Base of a group item's form (no CSRF token of its own)."""


@register
class GroupType(FieldType):
    """`group`: repeated items of inner fields; stored as a list of objects (`required`: at least one item)."""

    name = "group"
    spec_model = GroupField
    layout = "group"
    in_groups = False
    testable = False
    field_class = GroupInput

    def cross_check(self, spec: Any, checker: Any, path: tuple, scope: Any) -> None:
        """The inner fields, each in the scope of its earlier siblings."""
        checker.check_group(spec, path, scope)

    def unbound(self, spec: Any) -> Any:
        """A GroupField of FormField(item form)."""
        inner = item_form_class(spec)
        return GroupInput(FormField(inner), label=lazy(spec.label), description=lazy(spec.help) or "",
                          validators=[v.ItemCount(max(spec.min_items, int(spec.required)), spec.max_items,
                                                  group=True)],
                          render_kw=self.render_kw(spec), min_items=spec.min_items, max_items=spec.max_items,
                          item_label=LocalText(spec.item_label) if spec.item_label else None)

    def to_json(self, spec: Any, data: Any) -> Any:
        """Non-empty items with their answers."""
        items = []
        for item in data or []:
            answers = {}
            for inner in spec.fields:
                if inner.stores:
                    value = field_type(inner.type).to_json(inner, (item or {}).get(inner.id))
                    if value is not None:
                        answers[inner.id] = value
            if answers:
                items.append(answers)
        return items or None

    def from_json(self, spec: Any, value: Any) -> Any:
        """Items as form data."""
        return [{inner.id: field_type(inner.type).from_json(inner, item.get(inner.id))
                 for inner in spec.fields if inner.stores and inner.id in item} for item in value or []]

    def display(self, spec: Any, value: Any, locale: str) -> str:
        """One line per item: label: value · label: value."""
        lines = []
        for number, item in enumerate(value or [], start=1):
            parts = [f"{inner.label.get(locale)}: {field_type(inner.type).display(inner, item[inner.id], locale)}"
                     for inner in spec.fields if inner.stores and inner.id in item]
            title = spec.item_label.get(locale) if spec.item_label else ""
            prefix = localize_digits(f"{title} {number}".strip(), locale)
            lines.append(f"{prefix}. " + " · ".join(parts))
        return "\n".join(lines)


def item_form_class(spec: Any) -> type:
    """The form class of one item of group ``spec``."""
    attrs = {inner.id: field_type(inner.type).unbound(inner) for inner in spec.fields}
    return type(f"{spec.id.title().replace('_', '')}ItemForm", (ItemForm,), attrs)
