"""`number`: a number typed in any digits; whole unless `integer: false`."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import StrictBool, model_validator
from pydantic_core import PydanticCustomError

from forms import validators as v
from forms.specbase import (
    InputBase,
    Number,
    _check_range,
    describe,
)
from forms.text import language_of
from forms.types import register
from forms.types.base import FieldType
from forms.wtf import (
    NumberInputField,
)
from i18n.persian import to_persian_digits


class NumberField(InputBase):
    """A number, whole by default."""

    type: Literal["number"]
    default: Number | None = None
    min: Number | None = None
    max: Number | None = None
    integer: StrictBool = True

    @model_validator(mode="after")
    def _consistent(self) -> NumberField:
        """Check the range and the default."""
        _check_range(self.min, self.max, "min", "max")
        if self.integer and self.default is not None and self.default != int(self.default):
            raise PydanticCustomError("default", "'default' must be a whole number", {"at": "default"})
        return self


@register
class NumberType(FieldType):
    """`number`: digits in any script; whole unless `integer: false`."""

    name = "number"
    spec_model = NumberField
    direction = "ltr"
    staff_filter = "number"
    field_class = NumberInputField
    ordered = True
    browser_number = True

    def operand_problem(self, spec: Any, value: Any) -> str | None:
        """A number."""
        if isinstance(value, bool) or not isinstance(value, int | float):
            return f"a number field is compared with a number, not {describe(value)}"
        return None

    def comparison_problem(self, spec: Any, value: Any) -> str | None:
        """gt/gte/lt/lte with a number."""
        if isinstance(value, int | float):
            return None
        return f"compare a number field with a number, not {describe(value)}"

    def browser_value(self, spec: Any, operand: Any, today: dt.date) -> str | None:
        """Numbers as digits; anything else never equals a number."""
        return str(operand) if isinstance(operand, int | float) and not isinstance(operand, bool) else None

    def kwargs(self, spec: Any) -> dict[str, Any]:
        """Whole or decimal."""
        return {"integer": spec.integer}

    def filters(self, spec: Any) -> list:
        """Numbers are parsed, not filtered."""
        return []

    def render_kw(self, spec: Any) -> dict[str, Any]:
        """Numeric keyboard."""
        return {**super().render_kw(spec), "inputmode": "numeric" if spec.integer else "decimal"}

    def type_validators(self, spec: Any) -> list:
        """Range."""
        return [v.NumberRange(spec.min, spec.max)]

    def to_json(self, spec: Any, data: Any) -> Any:
        """int or float."""
        if data is None or isinstance(data, bool):
            return None
        return int(data) if spec.integer else data

    def display(self, spec: Any, value: Any, locale: str) -> str:
        """Persian digits (and decimal sign) in Persian."""
        if value is None:
            return ""
        text = str(int(value)) if float(value).is_integer() else str(value)
        if language_of(locale) == "fa":
            return to_persian_digits(text).replace(".", "٫")
        return text
