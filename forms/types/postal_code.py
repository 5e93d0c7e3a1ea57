"""`postal_code`: Iranian (10 digits) when the linked country is IR or absent, else free-form."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import StrictStr

from forms import validators as v
from forms.specbase import (
    InputBase,
    Slug,
)
from forms.types import register
from forms.types.base import FieldType, localize_digits
from forms.types.national_code import NationalCodeType
from i18n.persian import normalize_text


class PostalCodeField(InputBase):
    """A postal code: Iranian when the linked country is IR or absent."""

    type: Literal["postal_code"]
    default: StrictStr | None = None
    country_field: Slug | None = None


@register
class PostalCodeType(NationalCodeType):
    """`postal_code`: Iranian 10 digits, or free-form abroad."""

    name = "postal_code"
    spec_model = PostalCodeField
    direction = "ltr"
    searchable = True

    def cross_check(self, spec: Any, checker: Any, path: tuple, scope: Any) -> None:
        """`country_field` names an earlier country field."""
        if spec.country_field is None:
            return
        target = scope.find(spec.country_field)
        if target is None:
            checker.add((*path, "country_field"), checker.missing_message("country_field", spec.country_field, scope))
        elif target.type != "country":
            checker.add((*path, "country_field"),
                        f"country_field {spec.country_field!r} is a {target.type} field, not a country field")

    def render_kw(self, spec: Any) -> dict[str, Any]:
        """Which country field decides the format."""
        kw = FieldType.render_kw(self, spec)
        if spec.country_field:
            kw["data-country-field"] = spec.country_field
        return kw

    def filters(self, spec: Any) -> list:
        """Digits and letters normalized."""
        return [normalize_text]

    def type_validators(self, spec: Any) -> list:
        """Format by country."""
        return [v.PostalCode(spec.country_field)]

    def display(self, spec: Any, value: Any, locale: str) -> str:
        """Digits of Iranian codes in Persian."""
        return localize_digits(value, locale) if value and value.isdigit() else (value or "")
