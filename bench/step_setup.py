"""Bench set-up: a fresh Mikhak database with a registered applicant whose passport draft has an office."""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

USER_AGENT = "mikhak-bench/1"
SECRET_KEY = "bench-secret-key-" + "x" * 32
STEP_PATH = "/services/passport/request/step/request"
STEP_POST = {"request_type": "first_issue", "action": "next"}


def bench_environment(instance: Path, database_url: str) -> dict[str, str]:
    """Return the environment both apps run with (same secret, so one session cookie works for both)."""
    return {"MIKHAK_INSTANCE": str(instance), "DATABASE_URL": database_url, "SECRET_KEY": SECRET_KEY,
            "MAIL_BACKEND": "file", "MAIL_FILE_DIR": str(instance / "mail"), "UPLOAD_DIR": str(instance / "uploads"),
            "SESSION_IDLE_MINUTES": "600", "BENCH_STEP_PATH": STEP_PATH}


def prepare(instance: Path, database_url: str) -> str:
    """Create the database, the demo offices and a signed-in registered applicant; return the session cookie."""
    import os

    os.environ.update(bench_environment(instance, database_url))
    from app import create_app
    from cli import demo
    from core import migrations
    from core.db import database
    from tests.helpers import register, sign_in

    if database_url.startswith("postgres"):
        import psycopg2

        connection = psycopg2.connect(database_url)
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
        connection.close()
    app = create_app({"WTF_CSRF_ENABLED": False})
    with app.app_context():
        migrations.upgrade()
        list(demo.load())
        database.close()
    client = app.test_client()
    client.environ_base.update(HTTP_USER_AGENT=USER_AGENT, REMOTE_ADDR="127.0.0.1")
    sign_in(client, app)
    register(client)
    response = client.post("/services/passport/apply", data={"office": "de-berlin"})
    assert response.status_code == 302, response.get_data(as_text=True)[-2000:]
    response = client.get(STEP_PATH)
    assert response.status_code == 200 and 'name="request_type"' in response.get_data(as_text=True)
    cookie = client.get_cookie("session")
    return f"session={cookie.value}"


def csrf_cookie_and_token(base: str, cookie: str) -> tuple[str, str]:
    """GET the step once through the server: return the session cookie now holding a CSRF secret, and the token."""
    import urllib.request

    request = urllib.request.Request(base + STEP_PATH,  # noqa: S310 (loopback)
                                     headers={"Cookie": cookie, "User-Agent": USER_AGENT})
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310  # nosec B310 (http, loopback)
        page = response.read().decode()
        set_cookie = response.headers.get("Set-Cookie", "")
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    if token is None:
        token = re.search(r'id="csrf_token" name="csrf_token" type="hidden" value="([^"]+)"', page)
    match = re.match(r"(session=[^;]+)", set_cookie)
    return (match.group(1) if match else cookie), token.group(1)
