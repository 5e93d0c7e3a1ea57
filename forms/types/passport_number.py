"""`passport_number`: 6 to 9 letters and digits, upper-case."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import StrictStr

from forms import validators as v
from forms.specbase import (
    InputBase,
)
from forms.types import register
from forms.types.base import FieldType


class PassportNumberField(InputBase):
    """A passport number: 6 to 9 letters and digits."""

    type: Literal["passport_number"]
    default: StrictStr | None = None


@register
class PassportNumberType(FieldType):
    """`passport_number`: 6–9 letters and digits, upper-case."""

    name = "passport_number"
    spec_model = PassportNumberField
    direction = "ltr"
    searchable = True

    def type_validators(self, spec: Any) -> list:
        """Format."""
        return [v.PassportNumber()]
