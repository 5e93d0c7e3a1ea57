"""Payment fixtures: the appointment tests' clock, offices, applicants and requests, and the local fake Stripe."""

from __future__ import annotations

import pytest

from tests.admin.conftest import staff_client, world  # noqa: F401  (fixtures)
from tests.appointments.conftest import clock, ctx  # noqa: F401  (fixtures, used below too)
from tests.payments.fake_stripe import API_KEY, WEBHOOK_SECRET, FakeStripe


@pytest.fixture()
def stripe_server():
    """Fake Stripe on 127.0.0.1 (a free port), for the length of one test."""
    with FakeStripe() as server:
        yield server


@pytest.fixture()
def test_config(test_config: dict, clock, stripe_server) -> dict:  # noqa: F811
    """The app talks to the fake Stripe through the official SDK."""
    config = {**test_config, "CLOCK": clock}
    config.update(STRIPE_API_BASE=stripe_server.base, STRIPE_SECRET_KEY=API_KEY, STRIPE_WEBHOOK_SECRET=WEBHOOK_SECRET,
                  PUBLIC_URL="http://127.0.0.1:5000")
    return config
