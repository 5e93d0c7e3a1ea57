"""Applicant tests run against the demo offices."""

from __future__ import annotations

import pytest

import demo


@pytest.fixture(autouse=True)
def demo_offices(app):
    """Load the demo offices (and the demo admin) into the test database."""
    with app.app_context():
        list(demo.load())
