"""Staff search by another office's tracking code: no row, no count, and the same work as for an unknown code."""

from __future__ import annotations

import logging
import re

import pytest

from casework import tracking
from core.models import ServiceRequest
from tests.admin.conftest import make_request, page

LISTS = ["/admin/queue/", "/admin/requests/passport/"]


def normalized(html: str, code: str) -> str:
    """The page with the searched code and per-response tokens replaced, to compare two searches."""
    for shown in {code, tracking.format_code(code)}:
        html = html.replace(shown, "«code»")
    html = re.sub(r'name="csrf_token"[^>]*value="[^"]*"', 'name="csrf_token"', html)
    return re.sub(r'value="[A-Za-z0-9._-]{40,}"', 'value="«token»"', html)


class Statements(logging.Handler):
    """The SQL peewee runs (without parameters), in order."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.sql: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        statement = record.msg[0] if isinstance(record.msg, tuple) else str(record.msg)
        self.sql.append(statement)


def run_sql(client, url: str) -> tuple[str, list[str]]:
    handler, logger = Statements(), logging.getLogger("peewee")
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        html = page(client.get(url))
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
    return html, handler.sql


@pytest.fixture()
def codes(app, world):
    berlin = make_request(app, world["berlin"], world["applicant"])
    make_request(app, world["london"], world["applicant"])
    with app.app_context():
        ServiceRequest.update(tracking_code=tracking.new_code()).where(ServiceRequest.id == berlin).execute()
        request = ServiceRequest.get_by_id(berlin)
        return {"foreign": request.tracking_code, "name": request.applicant_name,
                "national_code": request.national_code, "id": berlin, "unknown": tracking.new_code()}


@pytest.mark.parametrize("base", LISTS)
@pytest.mark.parametrize("typed", [str, tracking.format_code])
def test_another_office_s_code_renders_no_row_and_no_count(app, staff_client, codes, base, typed):
    client = staff_client("london_officer")
    client.get("/lang/en")
    html = page(client.get(f"{base}?search={typed(codes['foreign'])}"))
    assert f"id={codes['id']}" not in html
    assert codes["name"] not in html and codes["national_code"] not in html
    # The page is the one an unknown code gives, word for word, but for the echoed search.
    unknown = page(client.get(f"{base}?search={typed(codes['unknown'])}"))
    assert normalized(html, codes["foreign"]) == normalized(unknown, codes["unknown"])


@pytest.mark.parametrize("base", LISTS)
def test_another_office_s_code_costs_the_same_statements_as_an_unknown_code(app, staff_client, codes, base):
    """No timing difference, shown without timing: the same SQL, in the same order, for both searches."""
    client = staff_client("london_officer")
    client.get(f"{base}?search={codes['unknown']}")  # warm caches (schemas, staff names)
    _html, foreign = run_sql(client, f"{base}?search={codes['foreign']}")
    _html, unknown = run_sql(client, f"{base}?search={codes['unknown']}")
    assert foreign and foreign == unknown


def test_the_export_of_the_same_search_has_no_row(app, staff_client, codes):
    client = staff_client("london_officer")
    exported = page(client.get(f"/admin/requests/passport/export/csv/?search={codes['foreign']}"))
    assert codes["foreign"] not in exported and codes["name"] not in exported
    assert len(exported.strip().splitlines()) == 1  # the header only


def test_the_office_s_own_staff_and_admins_do_find_it(app, staff_client, codes):
    for who in ("berlin_officer", "admin"):
        html = page(staff_client(who).get(f"/admin/queue/?search={codes['foreign']}"))
        assert f"id={codes['id']}" in html, who
