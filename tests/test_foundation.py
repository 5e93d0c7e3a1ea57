"""The foundation: factory, configuration, database set-up, health check, home page."""

from __future__ import annotations

import peewee
import pytest

from app import create_app
from core import audit, migrations
from core.config import DEV_SECRET_KEY
from core.db import database, is_sqlite
from core.models import AuditLog, ClosedDay, Office, RequestEvent, SchemaVersion, ServiceRequest
from tests.helpers import passport_requests


def test_home_page_names_the_product_in_persian_by_default(client):
    response = client.get("/")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<html lang="fa" dir="rtl">' in page
    assert "میخک" in page
    assert "ورود به سامانه" in page


def test_language_switch_returns_to_the_same_page(client):
    response = client.get("/lang/en?next=/healthz")
    assert response.status_code == 302
    assert response.headers["Location"] == "/healthz"
    page = client.get("/").get_data(as_text=True)
    assert '<html lang="en" dir="ltr">' in page
    assert "Mikhak" in page and "Sign in" in page


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example", "/\\evil.example", "javascript:alert(1)",
               "/\t/evil.example", "/x\r\nSet-Cookie: a=b"])
def test_language_switch_never_redirects_off_site(client, target):
    response = client.get("/lang/en", query_string={"next": target})
    assert response.headers["Location"] == "/"


def test_a_nul_in_the_return_address_is_a_bad_request_not_a_redirect(client):
    response = client.get("/lang/en", query_string={"next": "/x\x00"})
    assert response.status_code == 400 and "Location" not in response.headers


def test_healthz_reports_database_up(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "up"}


def test_healthz_answers_503_when_the_database_is_unreachable(test_config):
    test_config["DATABASE_URL"] = "postgresql://postgres@127.0.0.1:1/nothing"
    response = create_app(test_config).test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["database"] == "down"


def test_pages_answer_503_page_not_stack_trace_when_database_down(test_config, tmp_path):
    test_config["DATABASE_URL"] = "postgresql://postgres@127.0.0.1:1/nothing"
    app = create_app(test_config)

    @app.get("/needs-db")
    def needs_db():
        return str(Office.select().count())

    response = app.test_client().get("/needs-db")
    assert response.status_code == 503
    assert "Traceback" not in response.get_data(as_text=True)


def test_security_headers_on_every_page(client):
    headers = client.get("/").headers
    assert "object-src 'none'" in headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"


def test_unknown_page_is_a_localized_404(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "صفحه پیدا نشد" in response.get_data(as_text=True)


def test_production_refuses_development_secret_key(test_config):
    test_config.update(MIKHAK_ENV="production", SECRET_KEY=DEV_SECRET_KEY, MAIL_BACKEND="smtp")
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(test_config)


def test_production_sets_secure_cookies_and_hsts(test_config):
    test_config.update(MIKHAK_ENV="production", SECRET_KEY="x" * 40, MAIL_BACKEND="smtp")
    app = create_app(test_config)
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert "max-age=31536000" in app.test_client().get("/healthz").headers["Strict-Transport-Security"]


def test_environment_overrides_configuration(monkeypatch, tmp_path):
    monkeypatch.setenv("MAIL_PORT", "2525")
    monkeypatch.setenv("MAIL_USE_TLS", "true")
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}"})
    assert app.config["MAIL_PORT"] == 2525
    assert app.config["MAIL_USE_TLS"] is True


def test_db_upgrade_twice_is_a_no_op(app, runner):
    first = runner.invoke(args=["db", "upgrade"])
    second = runner.invoke(args=["db", "upgrade"])
    assert "nothing to do" in first.output and "nothing to do" in second.output
    with app.app_context():
        assert SchemaVersion.select().count() == 1
        assert migrations.current_version() == migrations.LATEST


def test_sqlite_runs_with_wal_foreign_keys_and_busy_timeout(tmp_path):
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'p.db'}"})
    with app.app_context():
        pragma = {name: database.execute_sql(f"PRAGMA {name}").fetchone()[0]
                  for name in ("journal_mode", "foreign_keys", "busy_timeout")}
    assert pragma["journal_mode"] == "wal"
    assert pragma["foreign_keys"] == 1
    assert pragma["busy_timeout"] >= 5000


def test_demo_load_creates_offices_and_admin_once(app, runner):
    first = runner.invoke(args=["demo", "load"])
    second = runner.invoke(args=["demo", "load"])
    assert "admin@mikhak.example" in first.output and "password" in first.output
    assert first.exit_code == 0 and second.exit_code == 0
    assert "closed days from" in first.output and " 0 added" in second.output
    with app.app_context():
        assert Office.select().count() == 5
        assert ClosedDay.select().where(ClosedDay.scope == "iran").exists()


UNDO_OPEN_FLAG = ("DROP INDEX service_request_is_open_submitted_at",
                  "DROP INDEX service_request_office_id_is_open_submitted_at",
                  "DROP INDEX service_request_is_open_service_id_status_office_id_due_at",
                  "DROP INDEX service_request_closed_at_service_id_status_office_id",
                  "ALTER TABLE service_request DROP COLUMN is_open",
                  "ALTER TABLE service_request DROP COLUMN closed_at")
UNDO_SYSTEM_NOTE = ("ALTER TABLE request_event DROP COLUMN system_note",)
UNDO_WORKFLOW_TWO = ("DROP INDEX service_request_service_id_status_status_since",
                     "DROP INDEX service_request_is_open_due_at",
                     *(f"ALTER TABLE service_request DROP COLUMN {c}" for c in ("status_since", "reminded_at",
                                                                                "escalated_at")),
                     "ALTER TABLE staff DROP COLUMN work_roles", "ALTER TABLE document DROP COLUMN viewed_at")
UNDO_ISSUED_DOCUMENTS = ("DROP TABLE issued_document_file", "DROP TABLE issued_document")
UNDO_PAYMENTS = ("ALTER TABLE office DROP COLUMN currency", "ALTER TABLE office DROP COLUMN payment_methods",
                 "ALTER TABLE office DROP COLUMN bank_details",
                 *(f"DROP TABLE {table}" for table in ("number_sequence", "provider_event", "refund", "payment",
                                                        "waiver_decision", "request_fee")))


def test_a_version_1_database_is_upgraded_step_by_step(tmp_path):
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'old.db'}"})
    assert app.test_cli_runner().invoke(args=["db", "upgrade"]).exit_code == 0
    with app.app_context():
        for statement in (  # back to what version 1 created
                "ALTER TABLE mail_message DROP COLUMN sensitive",
                "DROP TRIGGER audit_log_no_update", "DROP TRIGGER audit_log_no_delete",
                "DROP INDEX service_request_service_id_submitted_at", "DROP INDEX service_request_submitted_at",
                "DROP INDEX request_answer_index_service_id_key_value_request_id",
                *UNDO_WORKFLOW_TWO, *UNDO_OPEN_FLAG, *UNDO_SYSTEM_NOTE, *UNDO_PAYMENTS, *UNDO_ISSUED_DOCUMENTS,
                "CREATE INDEX request_answer_index_service_id_key_value "
                "ON request_answer_index (service_id, key, value)"):
            database.execute_sql(statement)
        SchemaVersion.delete().execute()
        SchemaVersion.create(version=1)
    result = app.test_cli_runner().invoke(args=["db", "upgrade"])
    assert f"upgraded from schema version 1 to {migrations.LATEST}" in result.output, result.output
    with app.app_context():
        assert migrations.current_version() == migrations.LATEST
        assert database.table_exists("issued_document")
        assert "sensitive" in {column.name for column in database.get_columns("mail_message")}
        assert "service_request_submitted_at" in {index.name for index in database.get_indexes("service_request")}
        triggers = database.execute_sql("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall()
        assert {name for (name,) in triggers} == {"audit_log_no_update", "audit_log_no_delete"}


def test_upgrading_to_version_6_marks_each_request_open_or_closed_by_its_own_workflow(tmp_path):
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'v5.db'}"})
    assert app.test_cli_runner().invoke(args=["db", "upgrade"]).exit_code == 0
    with app.app_context():
        made = passport_requests({status: {} for status in ("in_review", "completed", "withdrawn",
                                                             "no_longer_a_status")})
        for statement in (*UNDO_WORKFLOW_TWO, *UNDO_OPEN_FLAG, *UNDO_SYSTEM_NOTE, *UNDO_PAYMENTS):
            database.execute_sql(statement)
        SchemaVersion.update(version=5).execute()
    result = app.test_cli_runner().invoke(args=["db", "upgrade"])
    assert f"upgraded from schema version 5 to {migrations.LATEST}" in result.output, result.output
    with app.app_context():
        flags = {status: ServiceRequest.get_by_id(rid).is_open for status, rid in made.items()}
        closed_at = {status: ServiceRequest.get_by_id(rid).closed_at for status, rid in made.items()}
        updated = {status: ServiceRequest.get_by_id(rid).updated_at for status, rid in made.items()}
    assert flags == {"in_review": True, "completed": False, "withdrawn": False, "no_longer_a_status": True}
    assert closed_at == {"in_review": None, "completed": updated["completed"], "withdrawn": updated["withdrawn"],
                         "no_longer_a_status": None}


def test_upgrading_to_version_7_keeps_the_timeline_as_written(tmp_path):
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'v6.db'}"})
    assert app.test_cli_runner().invoke(args=["db", "upgrade"]).exit_code == 0
    with app.app_context():
        request = ServiceRequest.get_by_id(passport_requests({"in_review": {}})["in_review"])
        for statement in (*UNDO_WORKFLOW_TWO, *UNDO_SYSTEM_NOTE, *UNDO_PAYMENTS):
            database.execute_sql(statement)
        database.execute_sql("INSERT INTO request_event (request_id, kind, from_status, to_status, public_note, "
                             "internal_note, actor_type, created_at) VALUES (?, 'amended', '', '', ?, '', "
                             "'applicant', '2026-01-01 10:00:00')", (request.id, "متقاضی تغییرات را ارسال کرد."))
        SchemaVersion.update(version=6).execute()
    result = app.test_cli_runner().invoke(args=["db", "upgrade"])
    assert f"upgraded from schema version 6 to {migrations.LATEST}" in result.output, result.output
    with app.app_context():
        event = RequestEvent.get()
    assert (event.public_note, event.system_note) == ("متقاضی تغییرات را ارسال کرد.", None)


def test_upgrading_to_version_9_gives_staff_the_officer_role_and_dates_each_status(tmp_path):
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'v7.db'}"})
    assert app.test_cli_runner().invoke(args=["db", "upgrade"]).exit_code == 0
    with app.app_context():
        request = ServiceRequest.get_by_id(passport_requests({"needs_info": {}})["needs_info"])
        for statement in (*UNDO_WORKFLOW_TWO, *UNDO_PAYMENTS):
            database.execute_sql(statement)
        database.execute_sql("INSERT INTO staff (email, name, password_hash, totp_secret, totp_confirmed, "
                             "totp_last_step, role, active, failed_sign_ins, created_at) VALUES "
                             "('old@mikhak.example', '', 'x', '', 0, 0, 'officer', 1, 0, '2026-01-01 10:00:00')")
        SchemaVersion.update(version=7).execute()
    result = app.test_cli_runner().invoke(args=["db", "upgrade"])
    assert f"upgraded from schema version 7 to {migrations.LATEST}" in result.output, result.output
    with app.app_context():
        from core.models import Staff

        assert Staff.get(Staff.email == "old@mikhak.example").work_roles == ["officer"]
        upgraded = ServiceRequest.get_by_id(request.id)
        assert upgraded.status_since == upgraded.updated_at and upgraded.reminded_at is None


def test_postgresql_knows_how_answer_columns_go_together(app):
    """On PostgreSQL the answer index has multi-column statistics (mcv + dependencies); SQLite has none to add."""
    with app.app_context():
        if is_sqlite():
            pytest.skip("PostgreSQL only: SQLite has no multi-column statistics (the CI's PostgreSQL run has it)")
        rows = database.execute_sql(
            "SELECT s.stxname, s.stxkind::text, array_agg(a.attname::text ORDER BY a.attname) "
            "FROM pg_statistic_ext s JOIN pg_attribute a ON a.attrelid = s.stxrelid AND a.attnum = ANY(s.stxkeys) "
            "WHERE s.stxrelid = 'request_answer_index'::regclass GROUP BY s.stxname, s.stxkind").fetchall()
    assert rows == [("request_answer_index_service_key_value", "{f,m}", ["key", "service_id", "value"])]


def test_the_database_refuses_to_change_or_delete_audit_rows(app):
    with app.app_context():
        row = audit.record("test.event", actor="system", object_type="test", object_id="1")
        for statement in (AuditLog.update(action="forged").where(AuditLog.id == row.id),
                          AuditLog.delete().where(AuditLog.id == row.id)):
            with pytest.raises(peewee.DatabaseError, match="append-only"), database.atomic():
                statement.execute()
        assert AuditLog.get_by_id(row.id).action == "test.event"
