"""`multichoice`: any number of options (check boxes)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import StrictStr, model_validator
from pydantic_core import PydanticCustomError
from wtforms import SelectMultipleField
from wtforms.widgets import CheckboxInput, ListWidget

from forms import validators as v
from forms.specbase import (
    ChoiceBase,
    NonNegativeInt,
    PositiveInt,
    _check_range,
    describe,
)
from forms.text import language_of
from forms.types import register
from forms.types.choice import ChoiceType, _choices


class MultichoiceField(ChoiceBase):
    """Any number of options."""

    type: Literal["multichoice"]
    default: list[StrictStr] | None = None
    min_items: NonNegativeInt | None = None
    max_items: PositiveInt | None = None

    @model_validator(mode="after")
    def _consistent(self) -> MultichoiceField:
        """Check the item range and the default."""
        _check_range(self.min_items, self.max_items, "min_items", "max_items")
        if self.min_items is not None and self.min_items > len(self.options):
            raise PydanticCustomError("range", "'min_items' is greater than the number of options",
                                      {"at": "min_items"})
        for value in self.default or []:
            if value not in self.values:
                raise PydanticCustomError("default", "'default' {got} is not one of the options",
                                          {"got": describe(value), "at": "default"})
        return self


@register
class MultichoiceType(ChoiceType):
    """`multichoice`: check boxes."""

    name = "multichoice"
    spec_model = MultichoiceField
    layout = "checks"
    staff_filter = "options"

    def layout_of(self, field: Any) -> str:
        """Check boxes."""
        return "checks"

    def class_for(self, spec: Any) -> type:
        """Check boxes."""
        return SelectMultipleField

    def kwargs(self, spec: Any) -> dict[str, Any]:
        """Options rendered as a list of check boxes."""
        return {"choices": _choices(spec), "validate_choice": False, "widget": ListWidget(prefix_label=False),
                "option_widget": CheckboxInput()}

    def type_validators(self, spec: MultichoiceField) -> list:
        """Options, then how many."""
        return [v.InChoices(spec.values), v.ItemCount(spec.min_items, spec.max_items)]

    def to_json(self, spec: Any, data: Any) -> Any:
        """List of values in option order."""
        chosen = set(data or [])
        values = [value for value in spec.values if value in chosen]
        return values or None

    def from_json(self, spec: Any, value: Any) -> Any:
        """List of values."""
        return list(value or [])

    def submitted(self, spec: Any, value: Any) -> str | list[str]:
        """The ticked values."""
        return [str(item) for item in value or []]

    def display(self, spec: Any, value: Any, locale: str) -> str:
        """Labels joined."""
        separator = "، " if language_of(locale) == "fa" else ", "
        return separator.join(ChoiceType.display(self, spec, item, locale) for item in value or [])
