"""`textarea`: several lines of text."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import StrictStr, model_validator

from forms import validators as v
from forms.specbase import (
    InputBase,
    NonNegativeInt,
    PositiveInt,
    _check_range,
)
from forms.types import register
from forms.types.base import FieldType
from forms.wtf import ReaderTextAreaField


class TextareaField(InputBase):
    """A multi-line text."""

    type: Literal["textarea"]
    default: StrictStr | None = None
    min_length: NonNegativeInt | None = None
    max_length: PositiveInt = 2000

    @model_validator(mode="after")
    def _consistent(self) -> TextareaField:
        """Check the length range."""
        _check_range(self.min_length, self.max_length, "min_length", "max_length")
        return self


@register
class TextareaType(FieldType):
    """`textarea`: several lines."""

    name = "textarea"
    spec_model = TextareaField
    direction = "auto"
    searchable = True
    field_class = ReaderTextAreaField

    def type_validators(self, spec: Any) -> list:
        """Length."""
        return [v.Length(spec.min_length, spec.max_length)]
