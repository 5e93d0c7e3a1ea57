"""The back-office fixtures (offices, staff, signed-in clients), shared with tests/admin."""

from tests.admin.conftest import client, clock, staff_client, test_config, world  # noqa: F401
