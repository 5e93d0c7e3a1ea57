"""Shared fixtures: an app on a clean database (SQLite per test, or PostgreSQL from DATABASE_URL)."""

from __future__ import annotations

import dataclasses
import os
import shutil
from pathlib import Path

import pytest
from flask import Flask

import forms.registry
import storage
from app import create_app
from core import migrations
from core.db import database, make_database
from core.migrations import ALL_MODELS
from core.models import SchemaVersion
from storage.backends import make_storage

PG_URL = os.environ.get("DATABASE_URL", "")
USE_PG = PG_URL.startswith(("postgres://", "postgresql://"))


def pytest_report_header(config: pytest.Config) -> str:
    """Say which database the run uses, so a run never silently skips one."""
    return f"mikhak database: {'PostgreSQL ' + PG_URL if USE_PG else 'SQLite (temporary file per test)'}"


def _reset_postgres() -> None:
    """Empty every table of the test PostgreSQL database (creating them on first use); ids start again at 1.

    DELETE, children first, then the sequences: about 50 times faster than TRUNCATE on these small tables
    (TRUNCATE rewrites every table's files: 0.6 s a test here).
    """
    if database.table_exists(SchemaVersion._meta.table_name):
        tables = [m._meta.table_name for m in reversed(ALL_MODELS) if m is not SchemaVersion]
        with database.atomic():
            database.execute_sql("SET LOCAL session_replication_role = replica")  # past audit_log's triggers
            for table in tables:
                database.execute_sql(f'DELETE FROM "{table}"')  # noqa: S608  # nosec B608 (names from the models)
            database.execute_sql(
                "SELECT setval(s, 1, false) FROM (SELECT pg_get_serial_sequence(t, 'id') AS s "
                "FROM unnest(%s::text[]) AS t) AS q WHERE s IS NOT NULL", (tables,))
    migrations.upgrade()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str | None:
    """Return the PostgreSQL URL under test (emptied once per run), refusing databases not named for tests."""
    if not USE_PG:
        return None
    if "test" not in PG_URL.rsplit("/", 1)[-1]:
        pytest.exit(f"refusing to run tests against {PG_URL}: the database name must contain 'test'")
    import psycopg2

    connection = psycopg2.connect(PG_URL)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    connection.close()
    return PG_URL


@pytest.fixture()
def test_config(tmp_path: Path, database_url: str | None) -> dict:
    """Return the configuration of a test app; tests may extend it before the app is built."""
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "DATABASE_URL": database_url or f"sqlite:///{tmp_path / 'test.db'}",
        "UPLOAD_DIR": str(tmp_path / "uploads"),
        "MAIL_BACKEND": "file",
        "MAIL_FILE_DIR": str(tmp_path / "mail"),
        "SIGNING_KEY_DIR": str(tmp_path / "signing"),
        "WTF_CSRF_ENABLED": False,
    }


# Per-test settings a shared app is re-pointed to; any other difference in the configuration builds another app.
PER_TEST_KEYS = ("DATABASE_URL", "UPLOAD_DIR", "MAIL_FILE_DIR", "SIGNING_KEY_DIR", "CLOCK")
_SHARED: dict[str, tuple[Flask, dict, dict]] = {}  # configuration → (app, its config, its extensions) as built


def _build_key(config: dict) -> str:
    """What an app is built from: the configuration without its per-test paths and clock."""
    return repr(sorted((key, value) for key, value in config.items() if key not in PER_TEST_KEYS))


def _fresh_database(application: Flask, config: dict, template: Path) -> None:
    """Bind the shared app to this test's database: a copy of the upgraded template (SQLite) or emptied tables."""
    url = config["DATABASE_URL"]
    if not USE_PG:
        target = Path(url[len("sqlite:///"):])
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(template, target)
    database.initialize(make_database(url, application.config["DATABASE_MAX_CONNECTIONS"]))
    if USE_PG:
        with application.app_context():
            _reset_postgres()
            database.close()


def _shared_app(config: dict, template_dir: Path) -> Flask:
    """An app built once per session for this configuration, re-pointed to this test's paths, clock and database.

    create_app costs about a second (schemas, 800 URL rules of the back office); the tests that change the app
    itself (routes, the registry's files) ask for ``@pytest.mark.fresh_app``.
    """
    key = _build_key(config)
    if key not in _SHARED:
        application = create_app(config)
        template = template_dir / f"template-{len(_SHARED)}.db"
        if not USE_PG:
            database.initialize(make_database(f"sqlite:///{template}"))
        with application.app_context():
            migrations.upgrade() if not USE_PG else _reset_postgres()
            database.close()
        application.config["MIKHAK_TEST_TEMPLATE"] = str(template)
        _SHARED[key] = (application, dict(application.config), dict(application.extensions))
    application, built_config, built_extensions = _SHARED[key]
    application.config.clear()
    application.config.update(built_config)
    application.config.update({k: config[k] for k in PER_TEST_KEYS if k in config})
    if "CLOCK" not in config:
        application.config.pop("CLOCK", None)
    application.extensions.clear()
    application.extensions.update(built_extensions)
    registry = built_extensions[forms.registry.EXTENSION]
    application.extensions[forms.registry.EXTENSION] = dataclasses.replace(  # tests may add services to it
        registry, services=dict(registry.services), categories=dict(registry.categories))
    application.extensions[storage.EXTENSION_KEY] = make_storage(application.config)
    Path(application.config["UPLOAD_DIR"]).mkdir(parents=True, exist_ok=True, mode=0o700)
    _fresh_database(application, config, Path(application.config["MIKHAK_TEST_TEMPLATE"]))
    return application


@pytest.fixture(scope="session")
def _templates(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the shared apps' upgraded template databases live."""
    return tmp_path_factory.mktemp("templates")


@pytest.fixture()
def app(test_config: dict, request: pytest.FixtureRequest, _templates: Path):
    """An app on a clean, upgraded database (shared by the tests of one configuration unless marked fresh_app)."""
    if request.node.get_closest_marker("fresh_app"):
        application = create_app(test_config)
        with application.app_context():
            if USE_PG:
                _reset_postgres()
            else:
                migrations.upgrade()
            database.close()
    else:
        application = _shared_app(test_config, _templates)
    yield application
    if not database.is_closed():
        database.close()
    database.obj.close_all() if hasattr(database.obj, "close_all") else None


@pytest.fixture()
def client(app):
    """A test client of the app."""
    return app.test_client()


@pytest.fixture()
def runner(app):
    """A CLI runner of the app."""
    return app.test_cli_runner()
