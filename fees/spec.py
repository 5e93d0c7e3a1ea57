"""Typed model of a service's `fees:` table: dated schedules of items, surcharges and waivers per currency."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

import pycountry
from pydantic import Field, PlainSerializer, PlainValidator, StrictBool, model_validator
from pydantic_core import PydanticCustomError

from fees import money
from forms.specbase import Condition, Model, Slug, Text, describe


def _amounts(value: object) -> dict[str, int]:
    """Accept {CUR: amount, …}: ISO 4217 codes, amounts ≥ 0 with at most the currency's decimals; keep minor units."""
    if not isinstance(value, dict) or not value:
        raise PydanticCustomError("amounts", "expected amounts by currency, e.g. {{EUR: 60, MYR: 475}}, got {got}",
                                  {"got": describe(value)})
    found: dict[str, int] = {}
    for code, amount in value.items():
        if not (isinstance(code, str) and len(code) == 3 and code.isupper() and pycountry.currencies.get(alpha_3=code)):
            raise PydanticCustomError("currency_code", "{got} is not an ISO 4217 currency code",
                                      {"got": describe(code)})
        try:
            minor = money.to_minor(amount, code)
        except ValueError:
            raise PydanticCustomError(
                "amount", "{code} amount {got} is not a number with at most {n} decimal(s)",
                {"code": code, "got": describe(amount), "n": money.exponent(code)}) from None
        if minor < 0:
            raise PydanticCustomError("amount", "{code} amount must not be negative", {"code": code})
        found[code] = minor
    return found


def _dump_amounts(value: dict[str, int]) -> dict[str, str]:
    """Minor units back to decimal text, as written ("60.00"), for snapshots."""
    return {code: money.plain(minor, code) for code, minor in value.items()}


def _iso_date(value: object) -> dt.date:
    """Accept an ISO date (YYYY-MM-DD)."""
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value) if isinstance(value, str) and len(value) == 10 else _bad_date(value)
    except ValueError:
        return _bad_date(value)


def _bad_date(value: object) -> dt.date:
    raise PydanticCustomError("iso_date", "expected a date in quotes, \"YYYY-MM-DD\", got {got}",
                              {"got": describe(value)})


def _percent(value: object) -> Decimal:
    """Accept a percentage above 0 and at most 1000."""
    try:
        number = money.to_decimal(value)
    except ValueError:
        number = Decimal(-1)
    if not (0 < number <= 1000):
        raise PydanticCustomError("percent", "expected a percentage above 0, got {got}", {"got": describe(value)})
    return number


Amounts = Annotated[dict[str, int], PlainValidator(_amounts), PlainSerializer(_dump_amounts)]
IsoDate = Annotated[dt.date, PlainValidator(_iso_date), PlainSerializer(lambda d: d.isoformat())]
Percent = Annotated[Decimal, PlainValidator(_percent), PlainSerializer(lambda p: format(p, "f"))]


class FeeItem(Model):
    """A fee charged when its condition holds; with `per`, once for each item of a group answer."""

    id: Slug
    label: Text
    when: Condition | None = None
    per: Slug | None = None
    amount: Amounts


class Surcharge(Model):
    """An extra charged when its condition holds: a fixed amount or a percentage of the items."""

    id: Slug
    label: Text
    when: Condition | None = None
    amount: Amounts | None = None
    percent: Percent | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> Surcharge:
        """Require exactly one of amount and percent."""
        if (self.amount is None) == (self.percent is None):
            raise PydanticCustomError("surcharge", "a surcharge needs exactly one of 'amount' and 'percent'")
        return self


class Waiver(Model):
    """A reduction of the whole fee: claimed by the answers (`when`) or granted by staff; staff confirm it."""

    id: Slug
    label: Text
    when: Condition | None = None
    percent: Percent = Decimal(100)
    confirm: StrictBool = True

    @model_validator(mode="after")
    def _at_most_all(self) -> Waiver:
        """A waiver cannot take off more than the whole fee."""
        if self.percent > 100:
            raise PydanticCustomError("waiver", "a waiver takes off at most 100 percent")
        return self


class Schedule(Model):
    """The fees of one decree, in force from `from` to `to` (both days included; no `to`: until further notice)."""

    from_: IsoDate = Field(alias="from")
    to: IsoDate | None = None
    decree: Text | None = None
    items: Annotated[list[FeeItem], Field(min_length=1)]
    surcharges: list[Surcharge] = []
    waivers: list[Waiver] = []

    def in_force(self, day: dt.date) -> bool:
        """Whether this schedule applies to a request submitted on ``day``."""
        return self.from_ <= day and (self.to is None or day <= self.to)

    def currencies(self) -> set[str]:
        """Currencies every fixed amount of this schedule is given in."""
        amounts = [i.amount for i in self.items] + [s.amount for s in self.surcharges if s.amount]
        return set.intersection(*(set(a) for a in amounts)) if amounts else set()


class FeeTable(Model):
    """A service's fees: the schedules of successive decrees, and an optional note for applicants."""

    schedules: Annotated[list[Schedule], Field(min_length=1)]
    note: Text | None = None
    paid_before: list[Slug] = []  # statuses a request may enter only once its fee is paid or waived

    def schedule_on(self, day: dt.date) -> Schedule | None:
        """The schedule in force on ``day`` (the latest starting one if the checker was bypassed)."""
        found = [s for s in self.schedules if s.in_force(day)]
        return max(found, key=lambda s: s.from_) if found else None


def as_json(table: FeeTable) -> dict[str, Any]:
    """The table as plain JSON, as written in YAML."""
    return table.model_dump(mode="json", by_alias=True, exclude_none=True)
