"""Server-side sessions: re-issued at sign-in, revoked at sign-out, idle and absolute timeouts, `next`."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from flask import url_for
from flask_login import current_user

from auth import sessions
from auth.decorators import activated_required, applicant_home_url, applicant_required, registration_url
from core.models import Applicant, AuditLog, Staff, UserSession
from tests.auth.conftest import VALID_CODES, ask_code, code_from_mail, enter_code, page, sign_in

NC, EMAIL = VALID_CODES[0], "sara@example.com"


pytestmark = pytest.mark.fresh_app  # these tests add routes to the app

@pytest.fixture()
def app(app):
    """The app with a few pages guarded by the decorators, and a way to start a staff session."""

    @app.get("/t/applicant")
    @applicant_required
    def applicant_page():
        return f"applicant {current_user.national_code} staff={current_user.is_staff}"

    @app.get("/t/activated")
    @activated_required
    def activated_page():
        return "activated"

    @app.get("/t/applicant-again")
    def applicant_again():
        sessions.start("applicant", Applicant.get())
        return "again"

    @app.get("/t/staff-session")
    def staff_session():
        sessions.start("staff", Staff.get())
        return f"staff={current_user.is_staff} applicant={current_user.is_applicant}"

    return app


def cookie(client) -> str:
    return client.get_cookie("session").value


def signed_in(client) -> bool:
    return client.get("/account").status_code == 200


def session_data(app, client) -> dict:
    return app.session_interface.get_signing_serializer(app).loads(cookie(client))


def home(app) -> str:
    """Where a signed-in applicant starts: the dashboard when it exists, else the account page."""
    with app.test_request_context():
        return applicant_home_url()


def activate(app) -> None:
    with app.app_context():
        Applicant.update(activated_at=dt.datetime(2026, 1, 1)).execute()


def test_sign_in_reissues_the_session_and_stores_only_a_hash_of_the_token(app, client):
    client.get("/lang/en")
    ask_code(client, NC, EMAIL)
    before = cookie(client)
    assert "sign_in" in session_data(app, client)
    enter_code(client, code_from_mail(app, EMAIL))
    after = cookie(client)
    assert after != before
    data = session_data(app, client)
    assert "sign_in" not in data and data["lang"] == "en"
    token = data["_user_id"]
    with app.app_context():
        row = UserSession.get()
        assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
        assert token not in str(UserSession.select().dicts().get())
        assert row.kind == "applicant" and row.ip == "192.0.2.10"
    # The pre-sign-in cookie does not carry the signed-in session.
    client.set_cookie("session", before)
    assert not signed_in(client)


def test_session_cookie_flags(app, client):
    ask_code(client, NC, EMAIL)
    response = enter_code(client, code_from_mail(app, EMAIL))
    header = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("session="))
    assert "HttpOnly" in header and "SameSite=Lax" in header
    assert "remember_token" not in " ".join(response.headers.getlist("Set-Cookie"))


def test_production_cookies_are_secure(test_config):
    from core import config

    test_config.update(MIKHAK_ENV="production", SECRET_KEY="x" * 40, MAIL_BACKEND="smtp")
    settings = dict(test_config)
    config.finalize(settings)
    assert settings["SESSION_COOKIE_SECURE"] is True


def test_sign_out_revokes_the_session_and_the_old_cookie_stops_working(app, client):
    sign_in(app, client)
    assert signed_in(client)
    old = cookie(client)
    response = client.post("/sign-out")
    assert response.status_code == 303 and response.headers["Location"] == "/"
    assert not signed_in(client)
    with app.app_context():
        assert UserSession.get().revoked_at is not None
    client.set_cookie("session", old)  # a copy of the cookie taken before sign-out
    assert not signed_in(client)
    assert client.get("/account").headers["Location"].startswith("/sign-in")


def test_sign_out_is_post_only(app, client):
    sign_in(app, client)
    assert client.get("/sign-out").status_code == 405
    assert signed_in(client)


def test_idle_timeout(app, client, clock):
    sign_in(app, client)
    clock.advance(minutes=29)
    assert signed_in(client)
    clock.advance(minutes=29)  # 58 minutes after sign-in, but only 29 idle
    assert signed_in(client)
    clock.advance(minutes=30)
    assert not signed_in(client)
    with app.app_context():
        assert UserSession.get().revoked_at is not None
    clock.advance(seconds=1)
    assert not signed_in(client)


def test_idle_timeout_follows_the_config(app, client, clock):
    app.config["SESSION_IDLE_MINUTES"] = 5
    sign_in(app, client)
    clock.advance(minutes=5)
    assert not signed_in(client)


def test_absolute_timeout(app, client, clock):
    sign_in(app, client)
    for _ in range(35):  # active every 20 minutes: 11 h 40 min
        clock.advance(minutes=20)
        assert signed_in(client)
    clock.advance(minutes=19, seconds=59)
    assert signed_in(client)
    clock.advance(seconds=1)  # 12 hours after sign-in
    assert not signed_in(client)


def test_last_seen_is_written_at_most_once_a_minute(app, client, clock):
    sign_in(app, client)
    with app.app_context():
        start = UserSession.get().last_seen_at
    clock.advance(seconds=30)
    client.get("/account")
    with app.app_context():
        assert UserSession.get().last_seen_at == start
    clock.advance(seconds=30)
    client.get("/account")
    with app.app_context():
        assert UserSession.get().last_seen_at == start + dt.timedelta(minutes=1)


def test_signing_in_again_revokes_the_previous_session_row(app, client):
    sign_in(app, client)
    before = cookie(client)
    client.get("/t/applicant-again")
    assert cookie(client) != before and signed_in(client)
    with app.app_context():
        old, new = UserSession.select().order_by(UserSession.id)
        assert old.revoked_at is not None and new.revoked_at is None
    client.set_cookie("session", before)
    assert not signed_in(client)


def test_anonymous_visitor_is_sent_to_sign_in_with_next(client):
    response = client.get("/account?tab=1")
    assert response.status_code == 302
    assert response.headers["Location"] == "/sign-in?next=/account?tab%3D1"


def test_after_sign_in_an_unregistered_applicant_goes_to_registration(app, client):
    ask_code(client, NC, EMAIL, next="/t/activated")
    response = enter_code(client, code_from_mail(app, EMAIL))
    with app.test_request_context():
        expected = registration_url()
    assert response.headers["Location"] == expected
    assert client.get("/t/activated").headers["Location"] == expected
    assert client.get("/t/applicant").status_code == 200


def test_after_sign_in_a_registered_applicant_follows_next(app, client, clock):
    sign_in(app, client)
    client.post("/sign-out")
    activate(app)
    clock.advance(minutes=1)
    html = page(client.get("/sign-in?next=/t/activated"))
    assert 'name="next" type="hidden" value="/t/activated"' in html
    ask_code(client, NC, EMAIL, next="/t/activated")
    response = enter_code(client, code_from_mail(app, EMAIL))
    assert response.headers["Location"] == "/t/activated"
    assert client.get("/t/activated").get_data(as_text=True) == "activated"


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "/\\evil.example",
                                    "javascript:alert(1)", "http:/evil.example", "evil.example",
                                    "/\t/evil.example", "/x\r\nSet-Cookie: a=b", "/x\x00"])
def test_next_never_leaves_the_site(app, client, target):
    with app.app_context():
        Applicant.create(national_code=NC, email=EMAIL, activated_at=dt.datetime(2026, 1, 1))
    ask_code(client, NC, EMAIL, next=target)
    response = enter_code(client, code_from_mail(app, EMAIL))
    assert response.headers["Location"] == home(app)


def test_signed_in_visitor_on_the_sign_in_page_goes_on(app, client):
    sign_in(app, client)
    assert client.get("/sign-in").headers["Location"] == home(app)
    assert client.get("/sign-in?next=//evil.example").headers["Location"] == home(app)


def test_a_staff_session_is_a_different_kind_and_cannot_use_applicant_pages(app, client):
    with app.app_context():
        Staff.create(email="officer@mikhak.example", password_hash="x")
    assert client.get("/t/staff-session").get_data(as_text=True) == "staff=True applicant=False"
    assert client.get("/t/applicant").status_code == 403
    assert client.get("/account").status_code == 403
    with app.app_context():
        assert UserSession.get().kind == "staff"
        denied = AuditLog.get(AuditLog.action == "access.denied")
        assert denied.actor_type == "staff" and denied.details["reason"] == "wrong_session_kind"


def test_an_applicant_session_is_never_a_staff_session(app, client):
    with app.app_context():
        staff = Staff.create(email="officer@mikhak.example", password_hash="x")
    sign_in(app, client)
    assert client.get("/t/applicant").get_data(as_text=True) == f"applicant {NC} staff=False"
    with app.app_context():
        applicant = Applicant.get()
        # Same numeric id in both tables: the row's kind, not the id, decides who is signed in.
        assert applicant.id == staff.id
        with app.test_request_context(), pytest.raises(TypeError):
            sessions.start("staff", applicant)
        with app.test_request_context(), pytest.raises(KeyError):
            sessions.start("admin", staff)


def test_revoke_all_signs_a_person_out_everywhere(app, client, clock):
    other = app.test_client()
    sign_in(app, client)
    clock.advance(seconds=61)
    sign_in(app, other)
    assert signed_in(client) and signed_in(other)
    with app.app_context():
        assert sessions.revoke_all("applicant", Applicant.get().id) == 2
    assert not signed_in(client)
    assert not signed_in(other)


def test_navigation_shows_sign_in_or_account_and_a_sign_out_form(app, client):
    html = page(client.get("/"))
    assert 'href="/sign-in"' in html and 'action="/sign-out"' not in html
    sign_in(app, client)
    html = page(client.get("/"))
    assert f'href="{home(app)}"' in html
    assert '<form method="post" action="/sign-out">' in html and 'name="csrf_token"' in html


def test_cleanup_removes_sessions_past_their_lifetime(app, client, clock, runner):
    sign_in(app, client)
    clock.advance(hours=37)
    result = runner.invoke(args=["auth", "cleanup"])
    assert "sessions: 1" in result.output
    with app.app_context():
        assert UserSession.select().count() == 0


def test_url_for_account(app):
    with app.test_request_context():
        assert url_for("auth.account") == "/account"
