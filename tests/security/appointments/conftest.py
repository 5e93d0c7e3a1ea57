"""The appointment fixtures (frozen clock, offices with calendars), shared with tests/appointments."""

from tests.appointments.conftest import clock, test_config  # noqa: F401
