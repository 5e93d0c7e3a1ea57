"""Database: the peewee proxy, URL-configured connections, per-request connection handling."""

from __future__ import annotations

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


def init_app(app: Flask) -> None:
    """Bind the database from the app's config and close the connection after each request."""
    database.initialize(make_database(app.config["DATABASE_URL"], app.config["DATABASE_MAX_CONNECTIONS"]))

    @app.teardown_appcontext
    def close_connection(exc: BaseException | None) -> None:
        if not database.is_closed():
            database.close()
