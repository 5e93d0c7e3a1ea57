"""`text`: one line of text."""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import StrictStr, model_validator
from pydantic_core import PydanticCustomError

from forms import validators as v
from forms.specbase import (
    InputBase,
    NonNegativeInt,
    PositiveInt,
    Text,
    _check_range,
)
from forms.text import lazy
from forms.types import register
from forms.types.base import FieldType


class TextField(InputBase):
    """A one-line text."""

    type: Literal["text"]
    default: StrictStr | None = None
    min_length: NonNegativeInt | None = None
    max_length: PositiveInt = 200
    pattern: StrictStr | None = None
    pattern_message: Text | None = None

    @model_validator(mode="after")
    def _consistent(self) -> TextField:
        """Check the length range and that the pattern compiles."""
        _check_range(self.min_length, self.max_length, "min_length", "max_length")
        if self.pattern is not None:
            try:
                re.compile(self.pattern)
            except re.error as exc:
                raise PydanticCustomError("pattern", "'pattern' is not a valid regular expression: {err}",
                                          {"err": str(exc), "at": "pattern"}) from None
        return self


@register
class TextType(FieldType):
    """`text`: one line."""

    name = "text"
    spec_model = TextField
    direction = "auto"
    searchable = True

    def type_validators(self, spec: Any) -> list:
        """Length, then pattern."""
        chain: list = [v.Length(spec.min_length, spec.max_length)]
        if spec.pattern is not None:
            chain.append(v.Pattern(spec.pattern, lazy(spec.pattern_message)))
        return chain
