"""Confirming a payment: the day it counts for, its receipt number, and the receipt e-mailed to the applicant."""

from __future__ import annotations

from typing import Any

from core.db import database
from core.models import utcnow
from payments.models import Payment
from payments.numbers import next_number


def confirm_payment(payment: Payment, *, staff: Any = None, amount_minor: int | None = None) -> bool:
    """Mark ``payment`` confirmed (once: False if it already was), number its receipt, queue the receipt e-mail."""
    from payments.ledger import local_day
    from payments.receipts import email_receipt

    with database.atomic():
        now = utcnow()
        changes: dict[Any, Any] = {Payment.status: "confirmed", Payment.confirmed_at: now,
                                   Payment.day: local_day(now, payment.office)}
        if amount_minor is not None:
            changes[Payment.amount_minor] = amount_minor
        if staff is not None and payment.staff_id is None:
            changes[Payment.staff] = staff
        claimed = (Payment.update(changes).where((Payment.id == payment.id) & (Payment.status != "confirmed"))
                   .execute())
        if not claimed:
            return False
        fresh = Payment.get_by_id(payment.id)
        fresh.receipt_number = next_number("R", fresh.office.code, fresh.day.year)
        fresh.save()
        payment.__data__.update(fresh.__data__)
        email_receipt(fresh)
    return True
