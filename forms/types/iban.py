"""`iban`: an international bank account number, checked by python-stdnum, stored compact, shown in groups of 4."""

from __future__ import annotations

from typing import Any, Literal

from flask_babel import lazy_gettext as _l
from pydantic import StrictStr
from stdnum import iban as stdnum_iban
from stdnum.exceptions import ValidationError as InvalidNumber
from wtforms.validators import ValidationError

from forms.specbase import Country, InputBase
from forms.types import register
from forms.types.base import FieldType
from i18n.persian import normalize_digits


class IbanField(InputBase):
    """An IBAN; `countries` limits the banks' countries (ISO alpha-2), empty: any."""

    type: Literal["iban"]
    default: StrictStr | None = None
    countries: list[Country] = []


def compact(text: str | None) -> str:
    """Persian/Arabic digits to ASCII, no spaces or dashes, upper-case."""
    return stdnum_iban.compact(normalize_digits(text or "")) if text else ""


class ValidIban:
    """A valid IBAN (checksum and national format) of an allowed country; the data becomes compact."""

    def __init__(self, countries: list[str]) -> None:
        self.countries = frozenset(countries)

    def __call__(self, form: Any, field: Any) -> None:
        try:
            field.data = stdnum_iban.validate(compact(field.data))
        except InvalidNumber:
            raise ValidationError(_l("Enter a valid IBAN, e.g. DE89 3704 0044 0532 0130 00.")) from None
        if self.countries and field.data[:2] not in self.countries:
            raise ValidationError(_l("This IBAN is of a country not accepted here: %(countries)s.",
                                     countries=", ".join(sorted(self.countries))))


@register
class IbanType(FieldType):
    """`iban`: typed with or without spaces, in any digits; searchable by staff; not for conditions."""

    name = "iban"
    spec_model = IbanField
    direction = "ltr"
    searchable = True
    testable = False  # conditions compare what is typed, and an account number decides nothing in a form

    def filters(self, spec: Any) -> list:
        """Digits only normalized here; the validator compacts."""
        return [lambda value: None if value is None else normalize_digits(value).strip()]

    def render_kw(self, spec: Any) -> dict[str, Any]:
        """No spell-checking or capitalising keyboards; room for the spaced form (34 characters + 8 spaces)."""
        return {**super().render_kw(spec), "autocomplete": "off", "spellcheck": "false",
                "autocapitalize": "characters", "maxlength": 42}

    def type_validators(self, spec: Any) -> list:
        """Checksum, national format, country."""
        return [ValidIban(spec.countries)]

    def display(self, spec: Any, value: Any, locale: str) -> str:
        """Groups of four, as printed on bank cards and statements."""
        return stdnum_iban.format(value) if value else ""
