"""Numbered series (receipts, credit notes): gap-free per office and year, safe under concurrent writers."""

from __future__ import annotations

from core.db import database
from payments.models import NumberSequence


def next_number(prefix: str, office_code: str, year: int) -> str:
    """The next number of a series, e.g. 'R-DE-BERLIN-2026-000042', inside the caller's transaction."""
    key = f"{prefix}:{office_code}:{year}"
    with database.atomic():
        NumberSequence.insert(key=key, last=0).on_conflict_ignore().execute()
        NumberSequence.update(last=NumberSequence.last + 1).where(NumberSequence.key == key).execute()
        last = NumberSequence.get(NumberSequence.key == key).last
    return f"{prefix}-{office_code.upper()}-{year}-{last:06d}"
