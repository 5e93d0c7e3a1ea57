"""`national_code`: an Iranian national code (کد ملی) with its check digit."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import StrictStr

from forms import validators as v
from forms.specbase import (
    InputBase,
)
from forms.types import register
from forms.types.base import FieldType, localize_digits
from i18n.persian import normalize_national_code


class NationalCodeField(InputBase):
    """An Iranian national code (کد ملی)."""

    type: Literal["national_code"]
    default: StrictStr | None = None


@register
class NationalCodeType(FieldType):
    """`national_code`: ten digits with a valid check digit."""

    name = "national_code"
    spec_model = NationalCodeField
    direction = "ltr"
    searchable = True

    def render_kw(self, spec: Any) -> dict[str, Any]:
        """Numeric keyboard."""
        return {**super().render_kw(spec), "inputmode": "numeric", "maxlength": 14}

    def filters(self, spec: Any) -> list:
        """ASCII digits, no separators."""
        return [lambda value: None if value is None else normalize_national_code(value)]

    def type_validators(self, spec: Any) -> list:
        """Checksum."""
        return [v.NationalCode()]

    def display(self, spec: Any, value: Any, locale: str) -> str:
        """Persian digits in Persian."""
        return localize_digits(value or "", locale)
