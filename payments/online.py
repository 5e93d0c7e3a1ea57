"""Online card payment: start a hosted checkout, learn the result from the provider (webhook, return, poll)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import peewee as pw

from core import audit
from core.db import database
from core.models import ServiceRequest, utcnow
from payments.confirm import confirm_payment
from payments.ledger import balance
from payments.models import Payment, ProviderEvent
from payments.provider import Outcome, Provider, ProviderError, current_provider
from payments.stripe_provider import session_outcome

PAID_EVENTS = ("checkout.session.completed", "checkout.session.async_payment_succeeded")
OVER_EVENTS = {"checkout.session.expired": "expired", "checkout.session.async_payment_failed": "failed"}


def start_checkout(request: ServiceRequest, *, success_url: str, cancel_url: str, description: str,
                   provider: Provider | None = None) -> str:
    """Create a pending online payment for what remains due and return the hosted page's URL."""
    provider = provider or current_provider()
    owed = balance(request)
    if owed.remaining_minor <= 0 or not owed.currency:
        raise ProviderError("nothing to pay")
    payment = Payment.create(request=request, office=request.office, method="online_card",
                             amount_minor=owed.remaining_minor, currency=owed.currency, provider=provider.name)
    checkout = provider.create_checkout(amount_minor=payment.amount_minor, currency=payment.currency,
                                        description=description, reference=f"payment-{payment.id}",
                                        success_url=success_url + f"?payment={payment.id}", cancel_url=cancel_url)
    payment.provider_ref = checkout.ref
    payment.save()
    audit.record("payment.online_started", object_type="payment", object_id=payment.id,
                 office_id=payment.office_id, tracking_code=request.tracking_code, amount=payment.amount_minor,
                 currency=payment.currency)
    return checkout.url


def apply_outcome(outcome: Outcome, actor: str = "payments:provider") -> Payment | None:
    """Bring our payment in line with what the provider says; repeating it changes nothing."""
    payment = Payment.get_or_none(Payment.provider_ref == outcome.ref)
    if payment is None or payment.status in ("confirmed", "rejected"):
        return payment
    if outcome.state == "paid":
        if outcome.payment_ref and not payment.provider_payment:
            Payment.update(provider_payment=outcome.payment_ref).where(Payment.id == payment.id).execute()
            payment.provider_payment = outcome.payment_ref
        if outcome.currency and outcome.currency != payment.currency:
            audit.record("payment.currency_mismatch", actor=actor, object_type="payment", object_id=payment.id,
                         office_id=payment.office_id, expected=payment.currency, got=outcome.currency)
            return payment
        if confirm_payment(payment, amount_minor=outcome.amount_minor or payment.amount_minor):
            audit.record("payment.online_paid", actor=actor, object_type="payment", object_id=payment.id,
                         office_id=payment.office_id, tracking_code=payment.request.tracking_code,
                         amount=payment.amount_minor, currency=payment.currency, receipt=payment.receipt_number)
    elif outcome.state == "expired" and payment.status == "pending":
        Payment.update(status="expired").where((Payment.id == payment.id) & (Payment.status == "pending")).execute()
        payment.status = "expired"
    return payment


def handle_event(event: dict[str, Any], provider_name: str = "stripe") -> str:
    """Process one verified webhook event once: 'duplicate' when its id was seen, else 'processed' or 'ignored'."""
    event_id = str(event.get("id", ""))[:120]
    with database.atomic():
        seen = ProviderEvent.select().where((ProviderEvent.provider == provider_name)
                                            & (ProviderEvent.event_id == event_id))
        if not event_id or seen.exists():
            return "duplicate"
        try:
            with database.atomic():
                ProviderEvent.create(provider=provider_name, event_id=event_id, type=str(event.get("type", ""))[:80])
        except pw.IntegrityError:
            return "duplicate"
        kind = event.get("type", "")
        session = (event.get("data") or {}).get("object") or {}
        if kind in PAID_EVENTS:
            apply_outcome(session_outcome(session), actor="payments:webhook")
            return "processed"
        if kind in OVER_EVENTS:
            payment = Payment.get_or_none(Payment.provider_ref == session.get("id"))
            if payment is not None and payment.status == "pending":
                payment.status = OVER_EVENTS[kind]
                payment.save()
            return "processed"
    return "ignored"


def poll_pending(older_than: dt.timedelta = dt.timedelta(minutes=10),
                 provider: Provider | None = None) -> list[Payment]:
    """Ask the provider about online payments still pending after ``older_than`` (their webhook never came)."""
    provider = provider or current_provider()
    cutoff = utcnow() - older_than
    changed = []
    query = Payment.select().where((Payment.method == "online_card") & (Payment.status == "pending")
                                   & (Payment.created_at <= cutoff) & Payment.provider_ref.is_null(False))
    for payment in query:
        try:
            outcome = provider.outcome(payment.provider_ref)
        except ProviderError:
            continue
        before = payment.status
        after = apply_outcome(outcome, actor="payments:poll")
        if after is not None and after.status != before:
            changed.append(after)
    return changed
