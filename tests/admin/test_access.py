"""Who may open the back office, and office scoping on every path (lists, details, edit, delete,
bulk actions, export, ajax look-ups, documents, transitions)."""

from __future__ import annotations

import json

import pytest

from admin import get_admin
from admin.base import StaffModelView
from admin.filters import AssignedFilter
from auth import sessions
from core.models import Applicant, AuditLog, RequestEvent, ServiceRequest
from tests.admin.conftest import make_document, make_request, page


def denials(app) -> list[AuditLog]:
    with app.app_context():
        return list(AuditLog.select().where(AuditLog.action == "access.denied"))


def test_visitors_are_sent_to_the_staff_sign_in(client, world):
    response = client.get("/admin/queue/?page=1")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/admin/sign-in?next=")


def test_an_applicant_session_never_opens_the_back_office(app, world):
    client = app.test_client()
    with app.test_request_context():
        applicant = Applicant.get_by_id(world["applicant"])
        sessions.start("applicant", applicant)
        from flask import session

        cookie_session = dict(session)
    with client.session_transaction() as browser_session:
        browser_session.update(cookie_session)
    assert client.get("/account").status_code == 200
    for url in ("/admin/", "/admin/queue/", "/admin/requests/passport/", "/admin/audit/"):
        assert client.get(url).status_code == 403, url
    client.get("/lang/en")
    refused = client.get("/admin/").get_data(as_text=True)  # says what happened and what to do, in plain words
    assert "This page is for consular staff" in refused and "Nothing has happened to your account" in refused
    assert "could not be processed" not in refused and 'href="/admin/sign-in"' in refused
    assert any(row.details.get("reason") == "wrong_session_kind" for row in denials(app))


def test_a_staff_session_does_not_open_applicant_pages(staff_client):
    assert staff_client("berlin_officer").get("/account").status_code == 403


@pytest.mark.parametrize("url", ["/admin/staff/", "/admin/audit/", "/admin/services/",
                                 "/admin/services/preview/service/passport/", "/admin/offices/new/"])
def test_officers_cannot_open_admin_pages(staff_client, url):
    assert staff_client("london_officer").get(url).status_code == 403


def test_officers_see_only_their_office_in_lists_and_exports(app, world, staff_client):
    berlin = make_request(app, world["berlin"], world["applicant"])
    london = make_request(app, world["london"], world["applicant"])
    with app.app_context():
        berlin_code, london_code = (ServiceRequest.get_by_id(i).tracking_code for i in (berlin, london))
    client = staff_client("london_officer")
    for url in ("/admin/queue/", "/admin/requests/passport/"):
        assert berlin_code not in page(client.get(url))
    assert f"details/?id={berlin}" not in page(client.get(f"/admin/queue/?search={berlin_code}"))
    assert f"details/?id={berlin}" in page(staff_client("admin").get(f"/admin/queue/?search={berlin_code}"))
    assert london_code in page(client.get("/admin/requests/passport/"))
    exported = page(client.get("/admin/requests/passport/export/csv/"))
    assert london_code in exported and berlin_code not in exported
    assert berlin_code in page(staff_client("admin").get("/admin/queue/"))


@pytest.mark.parametrize("path", ["details/?id={id}", "document/?id={id}&doc={doc}"])
def test_another_office_s_request_answers_404_on_every_get(app, world, staff_client, path):
    berlin = make_request(app, world["berlin"], world["applicant"])
    doc = make_document(app, berlin)
    client = staff_client("london_officer")
    for base in ("/admin/requests/passport/", "/admin/queue/"):
        assert client.get(base + path.format(id=berlin, doc=doc)).status_code == 404
    assert any(row.details.get("reason") == "out_of_scope" for row in denials(app))
    assert staff_client("berlin_officer").get("/admin/requests/passport/" + path.format(id=berlin, doc=doc)
                                              ).status_code == 200


def test_numbers_too_large_for_the_database_answer_404_not_500(app, world, staff_client):
    berlin = make_request(app, world["berlin"], world["applicant"])
    client = staff_client("berlin_officer")
    huge = "9" * 30  # beyond 64 bits: sqlite3 raises OverflowError when it is bound
    base = "/admin/requests/passport/"
    for url in (f"{base}details/?id={huge}", f"{base}document/?id={berlin}&doc={huge}", f"/admin/queue/?page={huge}"):
        assert client.get(url).status_code == 404, url
    assert client.post(f"{base}transition/?id={huge}", data={"to_status": "in_review"}).status_code == 404
    assert client.post(f"{base}action/", data={"action": "to_in_review", "rowid": [huge]}).status_code == 404
    with app.app_context():
        assert ServiceRequest.get_by_id(berlin).status == "submitted"


def test_the_assigned_filter_refuses_digits_that_are_not_ascii(app, world, staff_client):
    queue = next(view for view in get_admin(app)._views if view.endpoint == "admin_queue")
    key = next(key for key, (_index, flt) in queue._filter_args.items() if isinstance(flt, AssignedFilter))
    client = staff_client("admin")
    for value in ("²", "٣"):  # both are str.isdigit(); int("²") fails
        assert client.get(f"/admin/queue/?flt0_{key}={value}").status_code == 200, value


def test_another_office_s_request_cannot_be_changed_by_any_post(app, world, staff_client):
    berlin = make_request(app, world["berlin"], world["applicant"])
    client = staff_client("london_officer")
    base = "/admin/requests/passport/"
    assert client.post(f"{base}transition/?id={berlin}", data={"to_status": "in_review"}).status_code == 404
    assert client.post(f"{base}assign/?id={berlin}", data={"staff": str(world["london_officer"])}).status_code == 404
    assert client.post(f"{base}staff-fields/?id={berlin}", data={}).status_code == 404
    assert client.post(f"{base}action/", data={"action": "to_in_review", "rowid": [str(berlin)]}).status_code == 404
    assert client.post(f"{base}action/", data={"action": "assign_me", "rowid": [str(berlin)]}).status_code == 404
    assert client.get(f"{base}edit/?id={berlin}").status_code == 403
    assert client.post(f"{base}delete/", data={"id": str(berlin)}).status_code == 403
    with app.app_context():
        row = ServiceRequest.get_by_id(berlin)
        assert row.status == "submitted" and row.assigned_to_id is None
        assert RequestEvent.select().where(RequestEvent.request == berlin).count() == 1


def test_a_bulk_action_mixing_offices_changes_nothing(app, world, staff_client):
    berlin = make_request(app, world["berlin"], world["applicant"])
    own = make_request(app, world["london"], world["applicant"])
    client = staff_client("london_officer")
    response = client.post("/admin/queue/action/", data={"action": "to_in_review", "rowid": [str(own), str(berlin)]})
    assert response.status_code == 404
    with app.app_context():
        assert {r.status for r in ServiceRequest.select()} == {"submitted"}


class ProbeEventView(StaffModelView):
    """A view as another engineer would add one: officers may edit and delete, with an ajax look-up."""

    create_roles = edit_roles = delete_roles = ("admin", "officer")
    form_columns = ["request", "public_note"]
    form_ajax_refs = {"request": {"fields": ["tracking_code"]}}


@pytest.fixture()
def probe(app, world):
    from admin import get_admin

    with app.app_context():
        get_admin(app).add_view(ProbeEventView(RequestEvent, name="Probe", endpoint="probe", url="probe"))
    berlin = make_request(app, world["berlin"], world["applicant"])
    london = make_request(app, world["london"], world["applicant"])
    with app.app_context():
        events = {key: RequestEvent.get(RequestEvent.request == rid).id
                  for key, rid in (("berlin", berlin), ("london", london))}
    return events, {"berlin": berlin, "london": london}


@pytest.mark.fresh_app  # adds a view to the back office
def test_the_base_view_scopes_get_one_action_delete_and_ajax(app, staff_client, probe):
    events, requests = probe
    client = staff_client("london_officer")
    listing = page(client.get("/admin/probe/"))
    assert f"/admin/probe/edit/?id={events['london']}" in listing
    assert f"id={events['berlin']}" not in listing
    assert client.get(f"/admin/probe/details/?id={events['berlin']}").status_code == 404
    assert client.get(f"/admin/probe/edit/?id={events['berlin']}").status_code == 404
    assert client.post(f"/admin/probe/edit/?id={events['berlin']}", data={"public_note": "x"}).status_code == 404
    assert client.post("/admin/probe/delete/", data={"id": str(events["berlin"])}).status_code == 404
    assert client.post("/admin/probe/action/", data={"action": "delete", "rowid": [str(events["berlin"])]}
                       ).status_code == 404
    assert client.get("/admin/probe/details/?id=abc").status_code == 404
    found = json.loads(page(client.get("/admin/probe/ajax/lookup/?name=request&query=TST")))
    assert [pk for pk, _label in found] == [requests["london"]]
    everything = json.loads(page(staff_client("admin").get("/admin/probe/ajax/lookup/?name=request&query=TST")))
    assert sorted(pk for pk, _label in everything) == sorted(requests.values())
    with app.app_context():
        assert RequestEvent.select().where(RequestEvent.id == events["berlin"]).exists()
    assert client.post("/admin/probe/action/", data={"action": "delete", "rowid": [str(events["london"])]}
                       ).status_code == 302
    with app.app_context():
        assert not RequestEvent.select().where(RequestEvent.id == events["london"]).exists()
        assert AuditLog.select().where(AuditLog.action == "admin.delete").count() == 1


def test_an_officer_view_of_a_model_without_office_scope_fails_at_start_up():
    from core.models import MailMessage

    with pytest.raises(TypeError, match="no office scope"):
        StaffModelView(MailMessage, name="Outbox", endpoint="outbox")
