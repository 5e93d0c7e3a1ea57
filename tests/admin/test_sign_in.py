"""Staff sign-in: password then TOTP, no reuse of a time step, lockout, enrolment, sign-out."""

from __future__ import annotations

from core.models import AuditLog, Staff, UserSession
from tests.admin.conftest import PASSWORD, SECRET, page, sign_in_staff, totp_now

EMAIL = "berlin@mikhak.example"


def actions(app) -> list[str]:
    with app.app_context():
        return [row.action for row in AuditLog.select().order_by(AuditLog.id)]


def test_password_then_totp_signs_in_with_a_staff_session(app, client, clock, world):
    response = client.post("/admin/sign-in", data={"email": EMAIL.upper(), "password": PASSWORD})
    assert response.status_code == 303 and response.headers["Location"] == "/admin/sign-in/code"
    assert client.get("/admin/").status_code == 302  # not signed in before the code
    response = client.post("/admin/sign-in/code", data={"code": totp_now(clock)})
    assert response.status_code == 303 and response.headers["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    with app.app_context():
        session_row = UserSession.get()
        assert session_row.kind == "staff" and session_row.user_id == world["berlin_officer"]
    assert "staff.sign_in" in actions(app)


def test_a_wrong_password_or_unknown_email_gets_the_same_answer(app, client, world):
    wrong = client.post("/admin/sign-in", data={"email": EMAIL, "password": "not the password"})
    unknown = client.post("/admin/sign-in", data={"email": "nobody@mikhak.example", "password": PASSWORD})
    assert wrong.status_code == unknown.status_code == 200
    assert "The email address or password is not right." in page(wrong)
    assert "The email address or password is not right." in page(unknown)
    assert actions(app).count("staff.sign_in_failed") == 2


def test_a_code_of_a_time_step_already_used_is_refused(app, client, clock, world):
    assert sign_in_staff(client, clock, EMAIL).status_code == 303
    client.post("/admin/sign-out")
    response = sign_in_staff(client, clock, EMAIL)  # same clock: the same code, the same step
    assert response.status_code == 200
    assert "This code has already been used" in page(response)
    assert client.get("/admin/").status_code == 302
    clock.advance(seconds=30)
    assert client.post("/admin/sign-in/code", data={"code": totp_now(clock)}).status_code == 303


def test_codes_of_the_previous_and_next_steps_are_accepted_but_not_further(app, client, clock, world):
    client.post("/admin/sign-in", data={"email": EMAIL, "password": PASSWORD})
    assert client.post("/admin/sign-in/code", data={"code": totp_now(clock, steps=2)}).status_code == 200
    assert client.post("/admin/sign-in/code", data={"code": totp_now(clock, steps=-1)}).status_code == 303


def test_a_code_of_digits_that_are_not_ascii_is_a_wrong_code(app, client, clock, world):
    client.post("/admin/sign-in", data={"email": EMAIL, "password": PASSWORD})
    response = client.post("/admin/sign-in/code", data={"code": "²²²²²²"})  # str.isdigit(), not a code
    assert response.status_code == 200
    assert "The code is not right." in page(response)
    assert client.post("/admin/sign-in/code", data={"code": totp_now(clock)}).status_code == 303


def test_five_failures_lock_the_account_for_fifteen_minutes(app, client, clock, world):
    for _ in range(4):
        assert client.post("/admin/sign-in", data={"email": EMAIL, "password": "wrong password!"}).status_code == 200
    response = client.post("/admin/sign-in", data={"email": EMAIL, "password": "wrong password!"})
    assert response.status_code == 429 and "locked" in page(response)
    refused = client.post("/admin/sign-in", data={"email": EMAIL, "password": PASSWORD})
    assert refused.status_code == 429 and "locked" in page(refused)
    assert "staff.locked" in actions(app)
    clock.advance(minutes=15, seconds=1)
    assert sign_in_staff(client, clock, EMAIL).status_code == 303


def test_wrong_codes_count_towards_the_lockout(app, client, clock, world):
    client.post("/admin/sign-in", data={"email": EMAIL, "password": PASSWORD})
    for _ in range(4):
        assert client.post("/admin/sign-in/code", data={"code": "000000"}).status_code == 200
    assert client.post("/admin/sign-in/code", data={"code": "000000"}).status_code == 429
    with app.app_context():
        assert Staff.get_by_id(world["berlin_officer"]).locked_until is not None
    # the pending password step is gone and the lock holds even with the right password
    assert client.post("/admin/sign-in/code", data={"code": totp_now(clock)}).status_code == 303
    assert client.get("/admin/").status_code == 302


def test_the_password_step_expires_after_five_minutes(app, client, clock, world):
    client.post("/admin/sign-in", data={"email": EMAIL, "password": PASSWORD})
    clock.advance(minutes=5, seconds=1)
    response = client.post("/admin/sign-in/code", data={"code": totp_now(clock)})
    assert response.status_code == 303 and response.headers["Location"] == "/admin/sign-in"


def test_first_sign_in_enrols_the_authenticator_with_a_qr_code(app, client, clock, world):
    with app.app_context():
        Staff.update(totp_secret="", totp_confirmed=False).where(Staff.id == world["berlin_officer"]).execute()
    response = client.post("/admin/sign-in", data={"email": EMAIL, "password": PASSWORD})
    assert response.headers["Location"] == "/admin/enrol"
    html = page(client.get("/admin/enrol"))
    assert 'src="data:image/svg+xml' in html
    with app.app_context():
        secret = Staff.get_by_id(world["berlin_officer"]).totp_secret
    assert len(secret) == 32 and secret[:4] in html
    assert client.post("/admin/enrol", data={"code": "123456"}).status_code == 200
    response = client.post("/admin/enrol", data={"code": totp_now(clock, secret)})
    assert response.status_code == 303
    with app.app_context():
        assert Staff.get_by_id(world["berlin_officer"]).totp_confirmed
    assert "staff.totp_enrolled" in actions(app)
    assert secret != SECRET


def test_enrolment_is_not_reachable_without_the_password(client, world):
    response = client.get("/admin/enrol")
    assert response.status_code == 303 and response.headers["Location"] == "/admin/sign-in"


def test_sign_out_revokes_the_session_on_the_server(app, client, clock, world):
    sign_in_staff(client, clock, EMAIL)
    cookie = client.get_cookie("session")
    assert client.post("/admin/sign-out").status_code == 303
    with app.app_context():
        assert UserSession.get().revoked_at is not None
    other = app.test_client()
    other.set_cookie("session", cookie.value)
    assert other.get("/admin/").status_code == 302


def test_sign_out_needs_the_csrf_token(app, test_config, world, clock):
    from app import create_app

    protected = create_app({**test_config, "WTF_CSRF_ENABLED": True})
    client = protected.test_client()
    html = page(client.get("/admin/sign-in"))
    token = html.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    client.post("/admin/sign-in", data={"email": EMAIL, "password": PASSWORD, "csrf_token": token})
    assert client.post("/admin/sign-in/code", data={"code": totp_now(clock), "csrf_token": token}).status_code == 303
    assert client.post("/admin/sign-out").status_code == 400
    assert client.get("/admin/").status_code == 200
    dashboard = page(client.get("/admin/"))
    token = dashboard.split('name="csrf_token" value="')[1].split('"')[0]
    assert client.post("/admin/sign-out", data={"csrf_token": token}).status_code == 303
    assert client.get("/admin/").status_code == 302
