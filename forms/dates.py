"""Date references of the schema language: ISO dates, `today`, and offsets like -18y, +6m, -30d."""

from __future__ import annotations

import calendar
import datetime as dt
import re

OFFSET = re.compile(r"([+-])([0-9]{1,4})([ymd])")
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def is_date_ref(text: object) -> bool:
    """Return whether ``text`` is an ISO date, ``today`` or an offset."""
    if not isinstance(text, str):
        return False
    if text == "today" or OFFSET.fullmatch(text):
        return True
    return parse_iso(text) is not None


def is_relative(ref: str) -> bool:
    """Return whether the reference moves with the current day."""
    return ref == "today" or OFFSET.fullmatch(ref) is not None


def parse_iso(text: str) -> dt.date | None:
    """Parse ``YYYY-MM-DD`` strictly, returning None when it is not a real date."""
    if not isinstance(text, str) or not ISO_DATE.fullmatch(text):
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def add_months(day: dt.date, months: int) -> dt.date:
    """Move ``day`` by whole months, keeping the day of month where it exists."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


def resolve(ref: str, today: dt.date | None = None) -> dt.date:
    """Turn a date reference into a date, relative ones against ``today``."""
    today = today or dt.date.today()
    if ref == "today":
        return today
    match = OFFSET.fullmatch(ref)
    if match:
        sign, number, unit = match.groups()
        amount = int(number) * (-1 if sign == "-" else 1)
        if unit == "d":
            return today + dt.timedelta(days=amount)
        return add_months(today, amount * 12 if unit == "y" else amount)
    day = parse_iso(ref)
    if day is None:
        raise ValueError(f"not a date reference: {ref!r}")
    return day


def age(birth: dt.date, today: dt.date | None = None) -> int:
    """Age in whole years on ``today``."""
    today = today or dt.date.today()
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))
