"""Property tests of the back-office forms: hostile posts and queries never give a 500 or change another office."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.models import AuditLog, Office, ServiceRequest
from tests.admin.conftest import make_request
from tests.security.test_fuzz_forms import FUZZ, VALUES


@pytest.fixture()
def setting(app, world, staff_client):
    own = make_request(app, world["london"], world["applicant"])
    other = make_request(app, world["berlin"], world["applicant"])
    with app.app_context():
        before = {r.id: (r.status, r.updated_at, r.assigned_to_id) for r in ServiceRequest.select()}
    return {"officer": staff_client("london_officer"), "admin": staff_client("admin"), "own": own, "other": other,
            "before": before}


def unchanged_other(app, setting) -> None:
    with app.app_context():
        row = ServiceRequest.get_by_id(setting["other"])
        assert (row.status, row.updated_at, row.assigned_to_id) == setting["before"][setting["other"]]


IDS = st.one_of(VALUES, st.sampled_from(["1", "2", "0", "-1", "99999999999999999999999", "1.0", "0x1", "١"]))


@FUZZ
@given(path=st.sampled_from(["transition/", "staff-fields/", "assign/"]), id_=IDS, data=st.dictionaries(
    st.sampled_from(["to_status", "note", "public_note", "staff_id", "assigned_to", "action", "x"]), VALUES,
    max_size=4))
def test_hostile_request_page_posts(app, setting, path, id_, data):
    for base in ("/admin/requests/passport/", "/admin/queue/"):
        response = setting["officer"].post(f"{base}{path}?id={id_}", data=data)
        assert response.status_code < 500, (path, id_, data, response.status_code)
    unchanged_other(app, setting)


@FUZZ
@given(search=VALUES, page=IDS, sort=IDS, flt=VALUES)
def test_hostile_list_queries(app, setting, search, page, sort, flt):
    for base in ("/admin/queue/", "/admin/requests/passport/", "/admin/requests/passport/export/csv/"):
        response = setting["officer"].get(base, query_string={"search": search, "page": page, "sort": sort,
                                                              "flt0_0": flt, "flt1_1": flt})
        assert response.status_code < 500, (base, search, page, sort, flt, response.status_code)


@FUZZ
@given(code=VALUES)
def test_hostile_check_in_codes(app, setting, code):
    response = setting["officer"].post("/admin/appointments/check-in/", data={"code": code})
    assert response.status_code < 500
    unchanged_other(app, setting)


@FUZZ
@given(data=st.dictionaries(st.sampled_from(["code", "name_fa", "name_en", "city_fa", "city_en", "country",
                                             "timezone", "email", "currency"]), VALUES, min_size=1, max_size=9))
def test_hostile_office_forms_store_nothing_invalid(app, setting, data):
    response = setting["admin"].post("/admin/offices/new/", data=data)
    assert response.status_code < 500, (data, response.status_code)
    with app.app_context():
        for office in Office.select():
            assert office.code and "\x00" not in office.code and len(office.code) <= 64
    assert AuditLog.select  # the audit table stays readable


@pytest.mark.parametrize("base", ["/admin/queue/", "/admin/requests/passport/"])
def test_every_sortable_column_sorts_both_ways(app, setting, base):
    """Sorting by a column listed by name answered 500 (Flask-Admin keeps the name, not the field)."""
    for index in range(6):
        for desc in ("0", "1"):
            response = setting["officer"].get(base, query_string={"sort": str(index), "desc": desc})
            assert response.status_code == 200, (index, desc, response.status_code)
