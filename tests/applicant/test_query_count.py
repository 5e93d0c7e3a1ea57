"""How many SQL statements a signed-in applicant's wizard step costs (a behaviour, not a timing)."""

from __future__ import annotations

import logging

import pytest

from tests.helpers import register, sign_in

MAX_STEP_GET_QUERIES = 3


class Statements(logging.Handler):
    """Collect the SQL statements peewee logs while installed."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.sql: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        sql = record.msg[0] if isinstance(record.msg, tuple) else str(record.msg)
        self.sql.append(sql)


@pytest.fixture()
def statements():
    """Record every statement peewee sends from here on."""
    handler, logger = Statements(), logging.getLogger("peewee")
    old_level = logger.level
    logger.setLevel(logging.DEBUG)
    logger.addHandler(handler)
    yield handler
    logger.removeHandler(handler)
    logger.setLevel(old_level)


@pytest.fixture()
def passport_draft(client, app):
    """A registered applicant whose passport draft has its office chosen, signed in on ``client``."""
    sign_in(client, app)
    register(client)
    assert client.post("/services/passport/apply", data={"office": "de-berlin"}).status_code == 302
    assert client.get("/services/passport/request/step/request").status_code == 200  # draft opened once
    return client


@pytest.mark.parametrize("step_id", ["request", "applicant"])
def test_a_step_get_of_a_signed_in_applicant_costs_at_most_three_queries(passport_draft, statements, step_id):
    if step_id == "applicant":
        response = passport_draft.post("/services/passport/request/step/request",
                                       data={"request_type": "first_issue", "action": "next"})
        assert response.status_code == 302
        statements.sql.clear()
    response = passport_draft.get(f"/services/passport/request/step/{step_id}")
    assert response.status_code == 200
    assert 'name="request_type"' in response.get_data(as_text=True) or step_id != "request"
    assert len(statements.sql) <= MAX_STEP_GET_QUERIES, "\n".join(statements.sql)


def test_the_count_sees_every_statement(passport_draft, statements):
    """The counter itself: a page that reads the database shows up in it (so 0 queries cannot pass by accident)."""
    passport_draft.get("/services/passport/request/step/request")
    assert any("user_session" in sql for sql in statements.sql)
