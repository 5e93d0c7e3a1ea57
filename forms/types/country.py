"""`country`: an ISO 3166-1 alpha-2 country, named in the reader's language."""

from __future__ import annotations

from typing import Any, Literal

from wtforms import SelectField

from forms import validators as v
from forms.specbase import (
    Country,
    InputBase,
    describe,
)
from forms.text import language_of
from forms.types import register
from forms.types.base import FieldType
from forms.wtf import (
    country_choices,
    country_name,
    country_names,
)


class CountryField(InputBase):
    """A country (ISO alpha-2)."""

    type: Literal["country"]
    default: Country | None = None
    exclude: list[Country] = []


@register
class CountryType(FieldType):
    """`country`: a select of countries named in the reader's language."""

    name = "country"
    spec_model = CountryField
    staff_filter = "country"
    field_class = SelectField

    def cross_check(self, spec: Any, checker: Any, path: tuple, scope: Any) -> None:
        """The default is not excluded."""
        if spec.default is not None and spec.default in spec.exclude:
            checker.add((*path, "default"), f"default {spec.default!r} is in 'exclude'")

    def operand_problem(self, spec: Any, value: Any) -> str | None:
        """An alpha-2 code."""
        if not (isinstance(value, str) and len(value) == 2 and value.isupper()):
            return f"a country field is compared with an alpha-2 code like 'IR', not {describe(value)}"
        return None

    def kwargs(self, spec: Any) -> dict[str, Any]:
        """Choices computed per form, in the reader's language."""
        return {"choices": country_choices(tuple(spec.exclude)), "validate_choice": False}

    def filters(self, spec: Any) -> list:
        """Codes are not filtered."""
        return []

    def type_validators(self, spec: Any) -> list:
        """A listed country."""
        excluded = frozenset(spec.exclude)
        return [v.InChoices({code for code, _name in country_names("en")} - excluded)]

    def display(self, spec: Any, value: Any, locale: str) -> str:
        """The country's name in ``locale``."""
        return "" if not value else country_name(value, language_of(locale))
