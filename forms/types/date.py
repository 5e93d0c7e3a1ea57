"""`date`: a date typed in the reader's calendar, stored as ISO."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import model_validator

from forms import dates
from forms import validators as v
from forms.specbase import (
    DateRef,
    InputBase,
    _check_range,
    describe,
)
from forms.text import language_of
from forms.types import register
from forms.types.base import FieldType
from forms.wtf import (
    DatePartsField,
    as_date,
)
from i18n import jalali


class DateField(InputBase):
    """A date, typed in the reader's calendar, stored as ISO."""

    type: Literal["date"]
    default: DateRef | None = None
    min: DateRef | None = None
    max: DateRef | None = None

    @model_validator(mode="after")
    def _consistent(self) -> DateField:
        """Check min ≤ max when both are fixed dates or both move with today."""
        if self.min is not None and self.max is not None and \
                dates.is_relative(self.min) == dates.is_relative(self.max):
            reference = dates.parse_iso("2000-01-01")
            _check_range(dates.resolve(self.min, reference), dates.resolve(self.max, reference), "min", "max")
        return self


@register
class DateType(FieldType):
    """`date`: three inputs in the reader's calendar; stored as ISO."""

    name = "date"
    spec_model = DateField
    layout = "date"
    staff_filter = "date"
    field_class = DatePartsField
    ordered = True
    ages = True

    def operand_problem(self, spec: Any, value: Any) -> str | None:
        """A date reference."""
        return None if dates.is_date_ref(value) else f"a date field is compared with a date, not {describe(value)}"

    def comparison_problem(self, spec: Any, value: Any) -> str | None:
        """gt/gte/lt/lte with a date reference."""
        return None if isinstance(value, str) else f"compare a date field with a date, not {describe(value)}"

    def browser_value(self, spec: Any, operand: Any, today: dt.date) -> str | None:
        """A date reference resolved on ``today``, as ISO (the browser reads the day/month/year boxes as ISO)."""
        return dates.resolve(operand, today).isoformat() if dates.is_date_ref(operand) else None

    def filters(self, spec: Any) -> list:
        """Dates are parsed, not filtered."""
        return []

    def type_validators(self, spec: Any) -> list:
        """Range (resolved against today when validating)."""
        return [v.DateRange(spec.min, spec.max)]

    def default(self, spec: Any) -> Any:
        """A callable, so `today` and offsets are resolved per form."""
        ref = spec.default
        return None if ref is None else (lambda: dates.resolve(ref))

    def to_json(self, spec: Any, data: Any) -> Any:
        """ISO date."""
        day = as_date(data)
        return None if day is None else day.isoformat()

    def from_json(self, spec: Any, value: Any) -> Any:
        """A date (date references resolved)."""
        if isinstance(value, str) and dates.is_date_ref(value):
            return dates.resolve(value)
        return as_date(value)

    def display(self, spec: Any, value: Any, locale: str) -> str:
        """Jalali with Persian digits in Persian, Gregorian otherwise."""
        return jalali.format_date(as_date(value), language_of(locale))
