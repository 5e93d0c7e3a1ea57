"""Offices, staff accounts, the append-only audit log, the dashboard, the services view, the `staff` CLI,
and a new YAML service appearing in the back office without code."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pyotp
import pytest

from app import create_app
from core.config import ROOT
from core.models import AuditLog, Office, ServiceRequest, Staff, UserSession
from tests.admin.conftest import PASSWORD, make_request, page, sign_in_staff


def test_the_audit_log_is_read_only_for_everyone(app, world, staff_client):
    client = staff_client("admin")
    with app.app_context():
        row_id = AuditLog.select().order_by(AuditLog.id.desc()).first().id
        before = AuditLog.select().count()
    listing = page(client.get("/admin/audit/"))
    assert "staff.sign_in" in listing
    assert "/admin/audit/edit/" not in listing and "/admin/audit/new/" not in listing
    assert 'data-action="delete"' not in listing
    assert client.get(f"/admin/audit/details/?id={row_id}").status_code == 200
    assert client.get(f"/admin/audit/edit/?id={row_id}").status_code == 403
    assert client.post(f"/admin/audit/edit/?id={row_id}", data={"action": "forged"}).status_code == 403
    assert client.get("/admin/audit/new/").status_code == 403
    assert client.post("/admin/audit/delete/", data={"id": str(row_id)}).status_code == 403
    assert client.post("/admin/audit/action/", data={"action": "delete", "rowid": [str(row_id)]}).status_code == 302
    assert client.post("/admin/audit/ajax/update/", data={"list_form_pk": str(row_id), "action": "x"}
                       ).status_code == 403
    with app.app_context():
        assert AuditLog.select().count() >= before
        assert AuditLog.get_by_id(row_id).action != "forged"
    assert staff_client("berlin_officer").get("/admin/audit/").status_code == 403


def test_the_audit_log_filters_by_action(app, world, staff_client):
    client = staff_client("admin")
    filtered = page(client.get("/admin/audit/?flt0_0=staff.sign_in"))
    assert "staff.sign_in" in filtered


def test_admins_create_staff_with_a_password_and_role_changes_end_sessions(app, world, staff_client, clock):
    client = staff_client("admin")
    response = client.post("/admin/staff/new/", data={
        "email": "New.Officer@mikhak.example", "name": "New", "role": "officer", "office": str(world["berlin"]),
        "active": "y", "new_password": "short"})
    with app.app_context():
        assert not Staff.select().where(Staff.email == "new.officer@mikhak.example").exists()
    response = client.post("/admin/staff/new/", data={
        "email": "New.Officer@mikhak.example", "name": "New", "role": "officer", "office": str(world["berlin"]),
        "active": "y", "new_password": "a long enough password"})
    assert response.status_code == 302
    with app.app_context():
        created = Staff.get(Staff.email == "new.officer@mikhak.example")
        assert created.role == "officer" and not created.totp_confirmed
    officer = staff_client("london_officer")
    client.post(f"/admin/staff/edit/?id={world['london_officer']}", data={
        "email": "london@mikhak.example", "name": "London", "role": "admin", "active": "y"})
    with app.app_context():
        assert Staff.get_by_id(world["london_officer"]).role == "admin"
        assert UserSession.select().where((UserSession.user_id == world["london_officer"])
                                          & UserSession.revoked_at.is_null()).count() == 0
    assert officer.get("/admin/").status_code == 302
    with app.app_context():
        assert AuditLog.select().where(AuditLog.action == "admin.create").count() == 1


def test_officers_see_their_own_office_only_and_cannot_edit_it(app, world, staff_client):
    client = staff_client("london_officer")
    listing = page(client.get("/admin/offices/"))
    assert "gb-london" in listing and "de-berlin" not in listing
    assert client.get(f"/admin/offices/details/?id={world['berlin']}").status_code == 404
    assert client.get(f"/admin/offices/edit/?id={world['london']}").status_code == 403
    admin = staff_client("admin")
    response = admin.post(f"/admin/offices/edit/?id={world['london']}", data={
        "code": "gb-london", "name_fa": "لندن", "name_en": "London", "country": "gb", "timezone": "Europe/London",
        "serves_countries": '["GB", "ie"]', "opening_hours": "mon: 09:00-13:00, 14:00-16:00\nSAT: ۱۰:۰۰-۱۲:۰۰",
        "slot_minutes": "20", "slot_capacity": "2",
        "active": "y"})
    assert response.status_code == 302, page(response)[-1500:]
    with app.app_context():
        assert Office.get_by_id(world["london"]).serves_countries == ["GB", "IE"]
        assert Office.get_by_id(world["london"]).opening_hours == {
            "mon": [["09:00", "13:00"], ["14:00", "16:00"]], "sat": [["10:00", "12:00"]]}
    form = page(admin.get(f"/admin/offices/edit/?id={world['london']}"))
    assert "mon: 09:00-13:00, 14:00-16:00\nsat: 10:00-12:00" in form


@pytest.mark.parametrize(("text", "message"), [
    ("monday 09:00-13:00", "Line 1: start with a weekday"),
    ("mon: 09:00-13:00\ntue: 13:00-09:00", "Line 2: write each period as 09:00-13:00"),
    ("mon: 9-13", "Line 1: write each period"),
])
def test_wrong_opening_hours_name_the_line_and_keep_the_text(app, world, staff_client, text, message):
    response = staff_client("admin").post(f"/admin/offices/edit/?id={world['london']}", data={
        "code": "gb-london", "name_fa": "لندن", "name_en": "London", "country": "GB", "timezone": "Europe/London",
        "serves_countries": '["GB"]', "opening_hours": text, "slot_minutes": "20", "slot_capacity": "2"})
    html = page(response)
    assert response.status_code == 200 and message in html
    assert text.split("\n")[0] in html


def test_an_office_with_requests_cannot_be_deleted(app, world, staff_client):
    make_request(app, world["berlin"], world["applicant"])
    admin = staff_client("admin")
    admin.post("/admin/offices/delete/", data={"id": str(world["berlin"])})
    with app.app_context():
        assert Office.select().where(Office.id == world["berlin"]).exists()
        assert ServiceRequest.select().count() == 1


def test_dashboard_counts_open_overdue_and_recently_closed_requests(app, world, staff_client, clock):
    import datetime as dt
    import re

    make_request(app, world["berlin"], world["applicant"])
    make_request(app, world["berlin"], world["applicant"], submitted=clock() - dt.timedelta(days=60))  # overdue
    make_request(app, world["london"], world["applicant"], status="completed", submitted=clock() - dt.timedelta(days=3))
    make_request(app, world["london"], world["applicant"], status="rejected",
                 submitted=clock() - dt.timedelta(days=400))  # closed long ago: not counted
    html = page(staff_client("admin").get("/admin/"))
    cards = [int(n) for n in re.findall(r'<p class="big-number[^"]*">(\d+)</p>', html)]
    assert cards == [2, 1, 1]  # open, overdue, closed in the last 30 days
    assert "Closed in the last 30 days" in html
    rows = {name: [int(n) for n in re.findall(r"<td>(?:<span[^>]*>)?(\d+)", row)]
            for name, row in re.findall(r'<tr><th scope="row">([^<]+)</th>(.*?)</tr>', html, re.S)}
    assert rows["Berlin"] == [2, 1, 0] and rows["London"] == [0, 0, 1]
    berlin_only = page(staff_client("berlin_officer").get("/admin/"))
    assert "London" not in berlin_only.split("Requests per office")[1]
    assert [int(n) for n in re.findall(r'<p class="big-number[^"]*">(\d+)</p>', berlin_only)] == [2, 1, 0]


def test_dashboard_numbers_are_in_persian_digits_for_persian_readers(app, world, staff_client):
    make_request(app, world["berlin"], world["applicant"])
    client = staff_client("berlin_officer")
    assert "<td>0</td>" in page(client.get("/admin/"))  # first compiled for an English reader
    client.get("/lang/fa")
    html = page(client.get("/admin/"))
    assert "<td>۰</td>" in html and "<td>۱</td>" in html  # the constant 0 was folded to "0" for everyone
    assert "<td>0</td>" not in html and "<td>1</td>" not in html


def test_services_view_lists_versions_and_previews_the_wizard(app, world, staff_client):
    client = staff_client("admin")
    html = page(client.get("/admin/services/"))
    with app.app_context():
        from forms.registry import current_registry

        key = current_registry().services["passport"].version_key
    assert key in html and "The schema files on disk have no errors." in html
    preview = page(client.get("/admin/services/preview/service/passport/?step=request"))
    assert "Nothing typed here is saved" in preview and "What do you need?" in preview
    assert 'type="submit"' not in preview.split("<main")[1]
    assert client.get("/admin/services/preview/service/nope/").status_code == 404
    assert client.get("/admin/services/preview/registration/registration/").status_code == 200


NEW_SERVICE = """\
id: consular_card
version: 3
category: certificates
title: {fa: کارت کنسولی, en: Consular registration card}
processing_days: 10
staff:
  columns: [card_colour]
  filters: [card_colour, urgent]
  search: [nickname]
steps:
  - id: card
    title: {fa: کارت, en: Card}
    fields:
      - id: card_colour
        type: choice
        label: {fa: رنگ کارت, en: Card colour}
        options:
          - {value: green, label: {fa: سبز, en: Green}}
          - {value: blue, label: {fa: آبی, en: Blue}}
      - {id: urgent, type: yesno, label: {fa: فوری, en: Urgent service}}
      - {id: nickname, type: text, label: {fa: نام مستعار, en: Nickname}}
"""


def test_a_new_yaml_service_appears_in_the_back_office_without_code(app, world, test_config, tmp_path, clock):
    schemas = tmp_path / "schemas"
    shutil.copytree(Path(ROOT) / "schemas", schemas)
    (schemas / "services" / "consular_card.yaml").write_text(textwrap.dedent(NEW_SERVICE), encoding="utf-8")
    fresh = create_app({**test_config, "SCHEMA_DIR": str(schemas)})
    client = fresh.test_client()
    assert sign_in_staff(client, clock, "admin@mikhak.example").status_code == 303
    client.get("/lang/en")
    dashboard = page(client.get("/admin/"))
    assert "Consular registration card" in dashboard and "/admin/requests/consular_card/" in dashboard
    listing = page(client.get("/admin/requests/consular_card/"))
    for label in ("Card colour", "Urgent service", "Green"):
        assert label in listing
    services = page(client.get("/admin/services/"))
    assert "consular_card" in services


@pytest.fixture()
def runner_env(app, world):
    return app.test_cli_runner()


def test_cli_creates_staff_and_prints_an_initial_password_once(app, runner_env):
    result = runner_env.invoke(args=["staff", "create", "--email", "Officer@Mikhak.example", "--office", "de-berlin",
                                     "--role", "officer", "--name", "Officer"])
    assert result.exit_code == 0, result.output
    password = result.output.split("initial password (shown once): ")[1].split()[0]
    with app.app_context():
        staff = Staff.get(Staff.email == "officer@mikhak.example")
        assert staff.office.code == "de-berlin" and password not in staff.password_hash
        assert AuditLog.select().where(AuditLog.action == "staff.created").exists()
    client = app.test_client()
    assert client.post("/admin/sign-in", data={"email": "officer@mikhak.example", "password": password}
                       ).headers["Location"] == "/admin/enrol"
    assert runner_env.invoke(args=["staff", "create", "--email", "x@mikhak.example", "--role", "officer"]).exit_code
    assert runner_env.invoke(args=["staff", "create", "--email", "y@mikhak.example", "--office", "nope"]).exit_code


def test_cli_totp_prints_the_current_code_only_in_development(app, runner_env, clock):
    result = runner_env.invoke(args=["staff", "totp", "berlin@mikhak.example"])
    assert result.exit_code == 0
    with app.app_context():
        secret = Staff.get(Staff.email == "berlin@mikhak.example").totp_secret
    import datetime as dt

    assert result.output.strip() == pyotp.TOTP(secret).at(int(clock().replace(tzinfo=dt.UTC).timestamp()))
    app.config["MIKHAK_ENV"] = "production"
    refused = runner_env.invoke(args=["staff", "totp", "berlin@mikhak.example"])
    assert refused.exit_code != 0 and "only in development" in refused.output


def test_cli_password_resets_unlocks_and_ends_sessions(app, runner_env, clock, world):
    client = app.test_client()
    sign_in_staff(client, clock, "berlin@mikhak.example")
    with app.app_context():
        Staff.update(failed_sign_ins=3).where(Staff.id == world["berlin_officer"]).execute()
    result = runner_env.invoke(args=["staff", "password", "berlin@mikhak.example"])
    assert result.exit_code == 0
    new = result.output.split("new password (shown once): ")[1].split()[0]
    assert client.get("/admin/").status_code == 302
    clock.advance(seconds=30)
    assert sign_in_staff(app.test_client(), clock, "berlin@mikhak.example", password=new).status_code == 303
    assert app.test_client().post("/admin/sign-in", data={"email": "berlin@mikhak.example",
                                                          "password": PASSWORD}).status_code == 200
