"""CSRF protection on every sign-in POST, with the real token check switched on."""

from __future__ import annotations

import re

import pytest

from core.models import MailMessage, OtpChallenge, UserSession
from tests.auth.conftest import VALID_CODES, code_from_mail

NC, EMAIL = VALID_CODES[0], "sara@example.com"


@pytest.fixture()
def test_config(test_config: dict) -> dict:
    test_config["WTF_CSRF_ENABLED"] = True
    return test_config


def token(html: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)


def test_posts_without_the_token_are_rejected(app, client):
    response = client.post("/sign-in", data={"national_code": NC, "email": EMAIL})
    assert response.status_code == 400
    assert "Traceback" not in response.get_data(as_text=True)
    with app.app_context():
        assert OtpChallenge.select().count() == 0 and MailMessage.select().count() == 0


def test_the_whole_sign_in_and_sign_out_with_tokens(app, client):
    html = client.get("/sign-in").get_data(as_text=True)
    response = client.post("/sign-in", data={"national_code": NC, "email": EMAIL, "csrf_token": token(html)})
    assert response.status_code == 303
    html = client.get("/sign-in/code").get_data(as_text=True)
    code = code_from_mail(app, EMAIL)
    assert client.post("/sign-in/code", data={"code": code}).status_code == 400
    assert client.post("/sign-in/resend").status_code == 400
    response = client.post("/sign-in/code", data={"code": code, "csrf_token": token(html)})
    assert response.status_code == 303
    assert client.get("/account").status_code == 200

    # Sign-out without the token is refused and changes nothing; with it, the session ends.
    assert client.post("/sign-out").status_code == 400
    assert client.get("/account").status_code == 200
    nav = client.get("/").get_data(as_text=True)
    nav_token = re.search(r'name="csrf_token" value="([^"]+)"', nav).group(1)
    assert client.post("/sign-out", data={"csrf_token": nav_token}).status_code == 303
    assert client.get("/account").status_code == 302
    with app.app_context():
        assert UserSession.get().revoked_at is not None
