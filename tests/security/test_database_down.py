"""Database down: every page answers 503 "try again shortly" in the reader's language, with Retry-After; then heals."""

from __future__ import annotations

import re

import pytest
from werkzeug.routing import Rule

from core import db
from tests.helpers import register, sign_in

UNREACHABLE = "postgresql://postgres@127.0.0.1:1/nothing"
NO_DATABASE = {"static", "main.set_language", "admin.static", "main.healthz"}  # no database, or machine-read
SAMPLE = {"int": "1", "default": "ABCDEFGHJKM", "path": "x"}


def urls(app) -> list[tuple[str, str]]:
    """Every route of the app with sample arguments, GET where it allows it, else POST."""
    found = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in NO_DATABASE or rule.endpoint.endswith(".static"):
            continue
        path = _fill(rule)
        method = "GET" if "GET" in rule.methods else "POST"
        found.append((method, path))
    return sorted(set(found))


def _fill(rule: Rule) -> str:
    def value(match: re.Match) -> str:
        converter = (match.group(1) or "default").split("(")[0]
        return SAMPLE.get(converter, "x")
    return re.sub(r"<(?:([a-z]+(?:\([^)]*\))?):)?[a-z_]+>", value, rule.rule)


def outage(app) -> None:
    """Point the running app at a database server that refuses connections (as when it is down)."""
    db.database.initialize(db.make_database(UNREACHABLE))


def heal(app) -> None:
    db.database.initialize(db.make_database(app.config["DATABASE_URL"], app.config["DATABASE_MAX_CONNECTIONS"]))


def check_all(app, client, language: str, expected: str, strict: bool) -> list[str]:
    """Request every URL; return what answered otherwise than a 503 page in ``language`` with Retry-After.

    Not ``strict`` (a visitor without a session), a page that needs no database may answer as usual
    (the home page, a redirect to sign in); a 500 never.
    """
    wrong = []
    for method, path in urls(app):
        response = client.open(path, method=method)
        html = response.get_data(as_text=True)
        allowed = (302, 303) if strict else (200, 302, 303, 400, 404)  # strict: redirects of flows not begun
        if response.status_code in allowed and "Traceback" not in html:
            continue
        if response.status_code != 503 or response.headers.get("Retry-After") != "30" \
                or expected not in html or f'lang="{language}"' not in html or "Traceback" in html:
            wrong.append(f"{method} {path}: {response.status_code} {response.headers.get('Retry-After')}")
    return wrong


TRY_AGAIN = {"en": "Please try again shortly", "fa": "لطفاً کمی بعد دوباره تلاش کنید"}


@pytest.mark.parametrize("language", ["fa", "en"])
def test_every_page_answers_503_try_again_shortly_to_a_visitor(app, client, language):
    client.get(f"/lang/{language}")
    outage(app)
    try:
        wrong = check_all(app, client, language, TRY_AGAIN[language], strict=False)
        assert wrong == [], "\n".join(wrong)
        response = client.post("/sign-in", data={"national_code": "0499370899", "email": "a@example.com"})
        assert response.status_code == 503 and TRY_AGAIN[language] in response.get_data(as_text=True)
    finally:
        heal(app)


def test_every_page_answers_503_to_a_signed_in_applicant_then_works_again_without_a_restart(app, client):
    client.get("/lang/en")
    sign_in(client, app)
    register(client)
    assert client.get("/requests").status_code == 200
    outage(app)
    try:
        wrong = check_all(app, client, "en", TRY_AGAIN["en"], strict=True)
        assert wrong == [], "\n".join(wrong)
        for path in ("/", "/requests", "/account", "/profile", "/services", "/register/", "/dashboard"):
            response = client.get(path)
            assert response.status_code == 503 and response.headers["Retry-After"] == "30", path
            assert TRY_AGAIN["en"] in response.get_data(as_text=True), path
    finally:
        heal(app)
    assert client.get("/requests").status_code == 200
    assert client.get("/account").status_code == 200
