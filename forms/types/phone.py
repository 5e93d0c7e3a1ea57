"""`phone`: a phone number, stored as E.164."""

from __future__ import annotations

from typing import Annotated, Any, Literal

import phonenumbers
from pydantic import AfterValidator, StrictStr
from wtforms import StringField
from wtforms.widgets import TelInput

from forms import validators as v
from forms.specbase import (
    InputBase,
    _region,
)
from forms.types import register
from forms.types.base import FieldType


class PhoneField(InputBase):
    """A phone number, stored as E.164."""

    type: Literal["phone"]
    default: StrictStr | None = None
    region: Annotated[StrictStr, AfterValidator(_region)] | None = None


@register
class PhoneType(FieldType):
    """`phone`: stored as E.164."""

    name = "phone"
    spec_model = PhoneField
    direction = "ltr"
    searchable = True
    field_class = StringField  # an international number keeps its ASCII digits, as it is dialled

    def kwargs(self, spec: Any) -> dict[str, Any]:
        """Telephone input."""
        return {"widget": TelInput()}

    def type_validators(self, spec: Any) -> list:
        """Valid number."""
        return [v.Phone(spec.region)]

    def display(self, spec: Any, value: Any, locale: str) -> str:
        """International format."""
        if not value:
            return ""
        try:
            number = phonenumbers.parse(value, None)
        except phonenumbers.NumberParseException:
            return str(value)
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
