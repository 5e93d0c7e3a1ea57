"""Payments taken at the counter (cash or the card terminal), recorded by staff with the till's receipt number."""

from __future__ import annotations

from typing import Any

from core import audit
from core.db import database
from core.models import ServiceRequest, Staff, utcnow
from payments.confirm import confirm_payment
from payments.models import Payment


class PaymentRefused(Exception):
    """A payment action that cannot be done; the message is for the user."""


def record_counter_payment(request: ServiceRequest, staff: Staff, *, method: str, amount_minor: int, currency: str,
                           reference: str) -> Payment:
    """Record money taken at the counter as a confirmed payment with its receipt, audited."""
    if method not in ("counter_cash", "counter_card"):
        raise PaymentRefused("unknown method")
    if amount_minor <= 0:
        raise PaymentRefused("amount")
    with database.atomic():
        payment = Payment.create(request=request, office=request.office, method=method, amount_minor=amount_minor,
                                 currency=currency, counter_reference=reference.strip()[:60], staff=staff,
                                 created_at=utcnow())
        confirm_payment(payment, staff=staff)
        _audit("payment.counter", payment, staff, reference=payment.counter_reference)
    return payment


def _audit(action: str, payment: Payment, actor: Any, **details: Any) -> None:
    """One audit row about a payment."""
    audit.record(action, actor=actor, object_type="payment", object_id=payment.id, office_id=payment.office_id,
                 tracking_code=payment.request.tracking_code, method=payment.method, amount=payment.amount_minor,
                 currency=payment.currency, **details)
