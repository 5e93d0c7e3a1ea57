"""Stripe Checkout through the official `stripe` SDK: hosted page, session look-up, signed webhooks, refunds."""

from __future__ import annotations

from typing import Any

import stripe

from payments.provider import Checkout, Outcome, ProviderError


class StripeProvider:
    """The Provider of payments.provider on Stripe (STRIPE_API_BASE points it at a test server in tests)."""

    name = "stripe"

    def __init__(self, *, api_key: str, webhook_secret: str, api_base: str = "") -> None:
        self.webhook_secret = webhook_secret
        bases = {"api": api_base.rstrip("/")} if api_base else None
        self.client = stripe.StripeClient(api_key or "sk_unset", base_addresses=bases, max_network_retries=2)

    def create_checkout(self, *, amount_minor: int, currency: str, description: str, reference: str,
                        success_url: str, cancel_url: str) -> Checkout:
        """A Checkout Session in payment mode for one line; the success URL carries the session id."""
        params = {
            "mode": "payment", "client_reference_id": reference, "metadata": {"payment": reference},
            "success_url": success_url + ("&" if "?" in success_url else "?") + "session_id={CHECKOUT_SESSION_ID}",
            "cancel_url": cancel_url,
            "line_items": [{"quantity": 1, "price_data": {
                "currency": currency.lower(), "unit_amount": amount_minor, "product_data": {"name": description}}}],
        }
        try:
            session = self.client.v1.checkout.sessions.create(params=params, options={"idempotency_key": reference})
        except stripe.StripeError as exc:
            raise ProviderError(str(exc)) from exc
        return Checkout(ref=session.id, url=session.url)

    def outcome(self, ref: str) -> Outcome:
        """Ask Stripe for the session's state (never trusting the browser)."""
        try:
            session = self.client.v1.checkout.sessions.retrieve(ref)
        except stripe.StripeError as exc:
            raise ProviderError(str(exc)) from exc
        return session_outcome(session)

    def parse_event(self, payload: bytes, signature: str) -> dict[str, Any]:
        """Verify the Stripe-Signature header and return the event; ValueError when it does not verify."""
        try:
            event = stripe.Webhook.construct_event(payload, signature, self.webhook_secret)
        except (stripe.SignatureVerificationError, ValueError) as exc:
            raise ValueError(str(exc)) from exc
        return event.to_dict()

    def refund(self, payment_ref: str, amount_minor: int) -> str:
        """Refund part or all of a paid PaymentIntent; return the refund's id."""
        try:
            refund = self.client.v1.refunds.create(params={"payment_intent": payment_ref, "amount": amount_minor})
        except stripe.StripeError as exc:
            raise ProviderError(str(exc)) from exc
        return refund.id


def session_outcome(session: Any) -> Outcome:
    """A Checkout Session (SDK object or event dict) as an Outcome."""
    get = session.get if isinstance(session, dict) else lambda key, default=None: getattr(session, key, default)
    paid = get("payment_status") == "paid"
    state = "paid" if paid else ("expired" if get("status") == "expired" else "open")
    intent = get("payment_intent") or ""
    return Outcome(ref=get("id"), state=state, amount_minor=int(get("amount_total") or 0),
                   currency=str(get("currency") or "").upper(), payment_ref=intent if isinstance(intent, str) else "")
