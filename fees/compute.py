"""The fee of a request: the schedule in force on the day it is submitted, its items, surcharges and waivers.

Every item whose `when` holds is charged (an item without `when` always is); `per: <group>` charges it
once for each item of that group answer (none when the group is empty). Percent surcharges are taken of the
items' sum, each rounded to the minor unit. Waivers take a percentage of items plus surcharges; those with
`confirm: true` are *claimed* until staff confirm them (payments.ledger), the others apply at once. The
total never goes below zero.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from fees import money
from fees.spec import FeeTable, Schedule
from forms.conditions import evaluate


@dataclass
class Line:
    """One line of an itemized fee; waivers carry a negative amount."""

    id: str
    kind: str  # item | surcharge | waiver
    label: dict
    quantity: int
    unit_minor: int
    amount_minor: int
    confirm: bool = False  # a waiver staff must confirm before it counts


@dataclass
class Assessment:
    """The itemized fee of a request in one currency, by the schedule in force on ``day``."""

    currency: str
    day: str
    schedule_from: str
    decree: dict | None
    lines: list[Line] = field(default_factory=list)

    @property
    def subtotal_minor(self) -> int:
        """Items plus surcharges."""
        return sum(line.amount_minor for line in self.lines if line.kind != "waiver")

    def total_minor(self, confirmed: set[str] | frozenset[str] = frozenset()) -> int:
        """What is due: the subtotal less the waivers that apply (those needing confirmation only when confirmed)."""
        off = sum(-line.amount_minor for line in self.lines
                  if line.kind == "waiver" and (not line.confirm or line.id in confirmed))
        return max(0, self.subtotal_minor - off)

    def claims(self) -> list[Line]:
        """Waivers the answers claim that staff must confirm."""
        return [line for line in self.lines if line.kind == "waiver" and line.confirm]

    def as_json(self) -> dict[str, Any]:
        """Plain JSON, stored with the request."""
        return asdict(self)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Assessment:
        """Rebuild a stored assessment."""
        lines = [Line(**line) for line in data.get("lines", [])]
        return cls(currency=data["currency"], day=data["day"], schedule_from=data["schedule_from"],
                   decree=data.get("decree"), lines=lines)


class FeeUnavailable(Exception):
    """The service has fees, but none can be computed for this day or currency."""


def schedule_for(table: FeeTable | None, day: dt.date) -> Schedule | None:
    """The schedule of ``table`` in force on ``day``."""
    return table.schedule_on(day) if table is not None else None


def assess(table: FeeTable | None, answers: Mapping[str, Any], profile: Mapping[str, Any] | None, currency: str,
           day: dt.date) -> Assessment | None:
    """The fee for these answers on ``day`` in ``currency``; None for a service without fees.

    Raises FeeUnavailable when no schedule is in force that day or it has no amounts in ``currency``.
    """
    if table is None:
        return None
    schedule = schedule_for(table, day)
    if schedule is None:
        raise FeeUnavailable(f"no fee schedule in force on {day.isoformat()}")
    if currency not in schedule.currencies():
        raise FeeUnavailable(f"the fee schedule from {schedule.from_.isoformat()} has no amounts in {currency}")
    result = Assessment(currency=currency, day=day.isoformat(), schedule_from=schedule.from_.isoformat(),
                        decree=schedule.decree.model_dump() if schedule.decree else None)
    for item in schedule.items:
        if not evaluate(item.when, answers, profile, day):
            continue
        quantity = len(answers.get(item.per) or []) if item.per else 1
        if quantity:
            unit = item.amount[currency]
            result.lines.append(Line(item.id, "item", item.label.model_dump(), quantity, unit, unit * quantity))
    items_total = result.subtotal_minor
    for surcharge in schedule.surcharges:
        if evaluate(surcharge.when, answers, profile, day):
            amount = (surcharge.amount[currency] if surcharge.amount is not None
                      else money.percent_of(items_total, surcharge.percent))
            result.lines.append(Line(surcharge.id, "surcharge", surcharge.label.model_dump(), 1, amount, amount))
    subtotal = result.subtotal_minor
    for waiver in schedule.waivers:
        if waiver.when is not None and evaluate(waiver.when, answers, profile, day):
            off = money.percent_of(subtotal, waiver.percent)
            result.lines.append(Line(waiver.id, "waiver", waiver.label.model_dump(), 1, -off, -off, waiver.confirm))
    return result


def staff_waiver(table: FeeTable | None, assessment: Assessment, waiver_id: str) -> Line | None:
    """The line of a waiver staff grant (one without `when`, or claimed) in the request's schedule, or None."""
    if table is None:
        return None
    schedule = next((s for s in table.schedules if s.from_.isoformat() == assessment.schedule_from), None)
    waiver = next((w for w in schedule.waivers if w.id == waiver_id), None) if schedule else None
    if waiver is None:
        return None
    off = money.percent_of(assessment.subtotal_minor, waiver.percent)
    return Line(waiver.id, "waiver", waiver.label.model_dump(), 1, -off, -off, True)


def starting_amount(table: FeeTable | None, currency: str, day: dt.date) -> int | None:
    """The smallest single item of today's schedule in ``currency`` (the "from" of the service page)."""
    schedule = schedule_for(table, day)
    if schedule is None or currency not in schedule.currencies():
        return None
    return min(item.amount[currency] for item in schedule.items)
