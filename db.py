"""Database: the peewee proxy, URL-configured connections, per-request connection handling."""

from __future__ import annotations

import os
from pathlib import Path

import peewee
from flask import Flask
from playhouse import db_url

database = peewee.DatabaseProxy()

SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "busy_timeout": 10_000,
    "synchronous": "normal",
}


def make_database(url: str, max_connections: int = 20) -> peewee.Database:
    """Open a database from a URL: SQLite with WAL and IMMEDIATE writes, PostgreSQL pooled."""
    if url.startswith("sqlite:///"):
        path = url[len("sqlite:///"):]
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        return peewee.SqliteDatabase(path, pragmas=SQLITE_PRAGMAS, lock_type="IMMEDIATE", timeout=10)
    scheme, _sep, rest = url.partition("://")
    if scheme in {"postgres", "postgresql"}:
        url = f"postgresql+pool://{rest}"
        return db_url.connect(url, max_connections=max_connections, stale_timeout=300, timeout=10)
    return db_url.connect(url)


def is_sqlite() -> bool:
    """Return whether the bound database is SQLite."""
    return isinstance(database.obj, peewee.SqliteDatabase)


def release_connection(exc: BaseException | None = None) -> None:
    """End a request's use of the database: SQLite keeps its connection, PostgreSQL returns it to the pool.

    SQLite: opening a connection costs more than most queries (the WAL and shared-memory files are
    re-created when the last connection closes, the schema is parsed again, the pragmas re-run), so each
    worker thread keeps one (peewee's connection state is per thread); a transaction a request left open
    is rolled back so the next request starts clean. PostgreSQL: the pool hands out live connections and
    drops broken ones when they come back, which is how a database restart is survived without a restart
    of the app.
    """
    if database.is_closed():
        return
    if is_sqlite():
        connection = database.connection()
        if connection.in_transaction:
            connection.rollback()
        return
    database.close()


def discard_connection() -> None:
    """Close this thread's connection after a database error, so the next request opens a fresh one."""
    try:
        if not database.is_closed():
            database.close()
    except peewee.PeeweeException:
        database.obj._state.reset()


def forget_inherited_connections() -> None:
    """In a forked worker, drop the parent's connections (never share one across processes; --preload)."""
    target = database.obj
    if target is None:
        return
    target._state.reset()
    if hasattr(target, "_connections"):
        target._connections, target._in_use = [], {}


os.register_at_fork(after_in_child=forget_inherited_connections)


def init_app(app: Flask) -> None:
    """Bind the database from the app's config and release the connection after each request."""
    database.initialize(make_database(app.config["DATABASE_URL"], app.config["DATABASE_MAX_CONNECTIONS"]))
    app.teardown_appcontext(release_connection)
