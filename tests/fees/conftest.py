"""Fee and payment fixtures: the appointment tests' clock, offices, applicants, requests and staff."""

from __future__ import annotations

from tests.appointments.conftest import clock, ctx, test_config  # noqa: F401  (fixtures)
