"""Database connections: one SQLite connection per worker thread, PostgreSQL pooled, both surviving outages."""

from __future__ import annotations

import peewee
import pytest

from core.db import database, is_sqlite
from tests.conftest import USE_PG

pytestmark = pytest.mark.fresh_app  # these tests add routes to the app

@pytest.mark.skipif(USE_PG, reason="SQLite only: PostgreSQL connections come from a pool")
def test_sqlite_keeps_one_connection_per_thread_across_requests(app):
    seen = []

    @app.after_request
    def remember(response):
        seen.append(None if database.is_closed() else database.connection())
        return response

    client = app.test_client()
    client.get("/healthz")
    client.get("/healthz")
    assert seen[0] is not None and seen[0] is seen[1]
    with app.app_context():
        assert database.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1
        assert database.execute_sql("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert database.execute_sql("PRAGMA busy_timeout").fetchone()[0] >= 5000


@pytest.mark.skipif(USE_PG, reason="SQLite only")
def test_a_transaction_left_open_by_a_request_is_rolled_back(app):
    from core.models import Office

    @app.get("/leaves-a-transaction")
    def leaves_a_transaction():
        database.connection().execute("BEGIN")
        Office.create(code="xx-left", name_fa="x", name_en="x", country="XX")
        return "ok"

    app.test_client().get("/leaves-a-transaction")
    with app.app_context():
        assert not database.connection().in_transaction
        assert not Office.select().where(Office.code == "xx-left").exists()


def test_a_database_error_drops_the_connection_and_the_next_request_recovers(app):
    @app.get("/breaks")
    def breaks():
        database.connection()
        raise peewee.OperationalError("server closed the connection unexpectedly")

    client = app.test_client()
    assert client.get("/breaks").status_code == 503
    with app.app_context():
        assert database.is_closed()
    assert client.get("/healthz").status_code == 200


@pytest.mark.skipif(not USE_PG, reason="PostgreSQL only: a restart of the server is simulated by killing sessions")
def test_postgresql_sessions_killed_under_the_app_cost_at_most_one_503(app):
    import psycopg2

    client = app.test_client()
    assert client.get("/healthz").status_code == 200
    assert not is_sqlite()
    admin = psycopg2.connect(app.config["DATABASE_URL"])
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                       "WHERE datname = current_database() AND pid <> pg_backend_pid()")
    admin.close()
    statuses = [client.get("/healthz").status_code for _ in range(3)]
    assert statuses[-1] == 200 and statuses.count(503) <= 1, statuses


def test_the_load_test_exemption_from_per_address_limits_is_refused_in_production(test_config):
    from app import create_app

    test_config.update(MIKHAK_ENV="production", SECRET_KEY="x" * 40, MAIL_BACKEND="smtp",
                       RATELIMIT_EXEMPT_IPS=["127.0.0.1"])
    with pytest.raises(RuntimeError, match="RATELIMIT_EXEMPT_IPS"):
        create_app(test_config)
