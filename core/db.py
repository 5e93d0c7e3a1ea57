"""Database: the peewee proxy, URL-configured connections, per-request connection handling."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

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


class Prepared:
    """A SELECT whose SQL peewee builds once per kind of database, then run with new values (hot paths only).

    ``build(**markers)`` returns the query with each variable part given as its marker value (a string or
    integer that cannot occur otherwise); ``rows(**values)`` runs the compiled SQL with the markers'
    parameters replaced by ``values``. Building SQL costs more than running these indexed look-ups.
    """

    def __init__(self, build: Callable[..., peewee.SelectBase], **markers: Any) -> None:
        self.build, self.markers = build, markers
        self._compiled: dict[type, tuple] = {}

    def rows(self, **values: Any) -> list:
        """Run the query with ``values`` for its markers and return its rows (models, as peewee gives them)."""
        kind = type(database.obj)
        compiled = self._compiled.get(kind)
        if compiled is None:
            query = self.build(**self.markers)
            sql, params = query.sql()
            slots = [(index, name) for index, param in enumerate(params)
                     for name, marker in self.markers.items() if type(param) is type(marker) and param == marker]
            if sorted(name for _index, name in slots) != sorted(self.markers):
                raise ValueError(f"each marker must appear exactly once in {sql!r}")
            compiled = self._compiled[kind] = (query, sql, params, slots)
        query, sql, params, slots = compiled
        actual = list(params)
        for index, name in slots:
            actual[index] = values[name]
        return list(query._get_cursor_wrapper(database.execute_sql(sql, actual)))
