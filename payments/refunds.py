"""Refunds of confirmed payments (full or partial) by admins, with a reason, audited, with a numbered credit note."""

from __future__ import annotations

from core import audit
from core.db import database
from core.models import Staff, utcnow
from payments.counter import PaymentRefused
from payments.ledger import local_day
from payments.models import Payment, Refund
from payments.numbers import next_number
from payments.provider import Provider, current_provider


def refundable_minor(payment: Payment) -> int:
    """What is left to refund of a payment."""
    return payment.amount_minor - sum(r.amount_minor for r in payment.refunds)


def refund(payment: Payment, staff: Staff, *, amount_minor: int, reason: str,
           provider: Provider | None = None) -> Refund:
    """Refund part or all of a confirmed payment (through the provider for online ones) and e-mail a credit note."""
    from payments.receipts import email_receipt

    reason = reason.strip()[:1000]
    if not staff.is_admin:
        raise PaymentRefused("admins only")
    if payment.status != "confirmed":
        raise PaymentRefused("not confirmed")
    if not reason:
        raise PaymentRefused("reason")
    if not 0 < amount_minor <= refundable_minor(payment):
        raise PaymentRefused("amount")
    provider_ref = ""
    if payment.method == "online_card" and payment.provider_payment:
        provider_ref = (provider or current_provider()).refund(payment.provider_payment, amount_minor)
    with database.atomic():
        now = utcnow()
        day = local_day(now, payment.office)
        row = Refund.create(payment=payment, amount_minor=amount_minor, currency=payment.currency, reason=reason,
                            staff=staff, at=now, day=day, provider_ref=provider_ref,
                            credit_note_number=next_number("CN", payment.office.code, day.year))
        audit.record("payment.refund", actor=staff, object_type="payment", object_id=payment.id,
                     office_id=payment.office_id, tracking_code=payment.request.tracking_code, amount=amount_minor,
                     currency=payment.currency, reason=reason, credit_note=row.credit_note_number)
        email_receipt(payment, row)
    return row
