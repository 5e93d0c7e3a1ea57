"""Money as integer minor units of an ISO 4217 currency: exponents, parsing, rounding and display.

Rules (docs/schemas.md, "Fees"): amounts are never floats. A YAML amount is read through its decimal
text (``60.5`` is ``Decimal("60.5")``) and refused when it has more decimals than the currency's minor
unit; everything is then kept in whole minor units (cents, sen). A percentage of an amount is rounded to
the nearest minor unit, halves away from zero (ROUND_HALF_UP). The number of decimals is CLDR's, as Babel
reports it (EUR, MYR, GBP: 2; JPY, IRR: 0; KWD: 3), which is also what card providers charge in.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from babel.numbers import format_currency, get_currency_precision

from i18n.persian import to_persian_digits


def exponent(currency: str) -> int:
    """Decimals of the currency's minor unit (2 for EUR and MYR, 0 for JPY, 3 for KWD)."""
    return get_currency_precision(currency)


def to_decimal(value: object) -> Decimal:
    """A YAML or typed amount as an exact Decimal (floats through their shortest text); ValueError if not a number."""
    if isinstance(value, bool):
        raise ValueError("not an amount")
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation as exc:
        raise ValueError("not an amount") from exc
    if not number.is_finite():
        raise ValueError("not an amount")
    return number


def to_minor(value: object, currency: str) -> int:
    """An amount in major units as whole minor units; ValueError when it has more decimals than the currency."""
    number = to_decimal(value)
    scaled = number.scaleb(exponent(currency))
    if scaled != scaled.to_integral_value():
        raise ValueError(f"{currency} has {exponent(currency)} decimal(s)")
    return int(scaled)


def to_major(minor: int, currency: str) -> Decimal:
    """Whole minor units as a Decimal in major units with the currency's decimals."""
    return Decimal(minor).scaleb(-exponent(currency))


def percent_of(minor: int, percent: Decimal | int) -> int:
    """``percent`` % of an amount in minor units, rounded to the nearest minor unit, halves away from zero."""
    return int((Decimal(minor) * Decimal(percent) / 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def plain(minor: int, currency: str) -> str:
    """The amount as plain text with a dot and the currency's decimals, for CSV files and providers ('60.50')."""
    return f"{to_major(minor, currency):.{exponent(currency)}f}"


def display(minor: int, currency: str, language: str) -> str:
    """The amount in the reader's locale, digits and the currency's format (Babel), e.g. '‎€ ۶۰٫۵۰' or '€60.50'."""
    amount = to_major(minor, currency)
    if language == "fa":
        return to_persian_digits(format_currency(amount, currency, locale="fa", numbering_system="default"))
    return format_currency(amount, currency, locale="en")


def percent_display(percent: object, language: str) -> str:
    """A percentage in the reader's digits ('+۵۰٪', '+50%')."""
    text = format(to_decimal(percent).normalize(), "f")
    return "+" + (to_persian_digits(text) + "٪" if language == "fa" else text + "%")
