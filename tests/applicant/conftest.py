"""Applicant tests run against the demo offices."""

from __future__ import annotations

import pytest

from cli import demo
from tests.helpers import register, sign_in


@pytest.fixture(autouse=True)
def demo_offices(app):
    """Load the demo offices (and the demo admin) into the test database."""
    with app.app_context():
        list(demo.load())


@pytest.fixture()
def applicant_client(client, app):
    """A signed-in, registered applicant living in Germany (test_requests.py defines the same one for itself)."""
    sign_in(client, app)
    register(client)
    return client
