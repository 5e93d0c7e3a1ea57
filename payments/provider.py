"""The online payment provider interface, and the configured provider of the app."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from flask import current_app


@dataclass
class Checkout:
    """A hosted payment page the applicant is sent to."""

    ref: str  # the provider's id of it (a Checkout Session id)
    url: str


@dataclass
class Outcome:
    """What the provider says about a checkout: paid, still open, or over without payment."""

    ref: str
    state: str  # paid | open | expired
    amount_minor: int
    currency: str
    payment_ref: str = ""  # the provider's payment id (for refunds)


class ProviderError(Exception):
    """The provider could not be reached or refused the call."""


class Provider(Protocol):
    """What Mikhak needs from a card payment provider."""

    name: str

    def create_checkout(self, *, amount_minor: int, currency: str, description: str, reference: str,
                        success_url: str, cancel_url: str) -> Checkout: ...

    def outcome(self, ref: str) -> Outcome: ...

    def parse_event(self, payload: bytes, signature: str) -> dict[str, Any]: ...

    def refund(self, payment_ref: str, amount_minor: int) -> str: ...


def current_provider() -> Provider:
    """The provider the configuration names (PAYMENT_PROVIDER; only 'stripe' for now)."""
    from payments.stripe_provider import StripeProvider

    config = current_app.config
    if config["PAYMENT_PROVIDER"] != "stripe":
        raise ProviderError(f"unknown payment provider {config['PAYMENT_PROVIDER']!r}")
    return StripeProvider(api_key=config["STRIPE_SECRET_KEY"], webhook_secret=config["STRIPE_WEBHOOK_SECRET"],
                          api_base=config["STRIPE_API_BASE"])
