"""Sign-in limits (security.md "Applicant sign-in"): expiry from the right column, five wrong entries, plain words."""

from __future__ import annotations

import datetime as dt

import pytest

from auth import otp
from core.db import database
from core.models import OtpChallenge
from tests.auth.conftest import VALID_CODES, ask_code, code_from_mail, enter_code, page
from tests.helpers import Clock

NC, EMAIL = VALID_CODES[0], "sara@example.com"
START = dt.datetime(2026, 3, 10, 8, 0, 0)


@pytest.fixture()
def clock() -> Clock:
    return Clock(START)


@pytest.fixture()
def test_config(test_config: dict, clock: Clock) -> dict:
    test_config["CLOCK"] = clock
    return test_config


def signed_in(client) -> bool:
    return client.get("/account").status_code == 200


def test_code_with_expires_at_moved_one_second_into_the_past_in_the_database_is_refused(app, client, clock):
    client.get("/lang/en")
    ask_code(client, NC, EMAIL)
    clock.advance(seconds=5)
    with app.app_context():
        OtpChallenge.update(expires_at=clock() - dt.timedelta(seconds=1)).execute()
    response = enter_code(client, code_from_mail(app, EMAIL))
    assert "This code has expired" in page(response)
    assert not signed_in(client)


def test_expires_at_written_by_hand_in_iso_form_is_still_read_as_a_time(app, client, clock):
    """A hand-written `UPDATE … SET expires_at = '2026-03-10T07:59:59'` (ISO 'T', as a script writes)."""
    client.get("/lang/en")
    ask_code(client, NC, EMAIL)
    with app.app_context():
        database.execute_sql("UPDATE otp_challenge SET expires_at = %s" if not _sqlite(app)
                             else "UPDATE otp_challenge SET expires_at = ?", ("2026-03-10T07:59:59",))
        database.close()
    response = enter_code(client, code_from_mail(app, EMAIL))
    assert response.status_code == 200
    assert "This code has expired" in page(response)
    assert not signed_in(client)


def test_a_later_expires_at_never_extends_the_ten_minutes(app, client, clock):
    """Whatever path writes expires_at (a bug, a hand edit), a code older than 10 minutes is refused."""
    client.get("/lang/en")
    ask_code(client, NC, EMAIL)
    with app.app_context():
        OtpChallenge.update(expires_at=clock() + dt.timedelta(days=1)).execute()
    clock.advance(minutes=10)
    assert "This code has expired" in page(enter_code(client, code_from_mail(app, EMAIL)))
    assert not signed_in(client)


def test_code_is_accepted_up_to_the_last_second_of_its_ten_minutes(app, client, clock):
    ask_code(client, NC, EMAIL)
    clock.advance(minutes=9, seconds=59)
    assert enter_code(client, code_from_mail(app, EMAIL)).status_code == 303
    assert signed_in(client)


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 10**6:06d}"


def test_after_five_wrong_entries_the_page_says_the_code_is_void_and_how_to_get_a_new_one(app, client, clock):
    client.get("/lang/en")
    ask_code(client, NC, EMAIL)
    code = code_from_mail(app, EMAIL)
    for _ in range(4):
        enter_code(client, wrong(code))
    fifth = page(enter_code(client, wrong(code)))
    assert "This code is now void" in fifth and "Send a new code" in fifth
    # The right code, at once and later: the same plain answer, never a "try again in 30 seconds" (429).
    for seconds in (0, 5, 120):
        clock.advance(seconds=seconds)
        response = enter_code(client, code)
        html = page(response)
        assert response.status_code == 200, (seconds, response.status_code)
        assert "This code is now void: it was entered wrongly 5 times" in html
        assert "even the right code will not work" in html
        assert "press “Send a new code” below" in html
        assert not signed_in(client)
    # …and the way out works: a new code arrives and signs in.
    assert client.post("/sign-in/resend").status_code == 303
    assert enter_code(client, code_from_mail(app, EMAIL)).status_code == 303
    assert signed_in(client)


def test_the_void_code_page_in_persian(app, client):
    ask_code(client, NC, EMAIL)
    code = code_from_mail(app, EMAIL)
    for _ in range(5):
        enter_code(client, wrong(code))
    html = page(enter_code(client, code))
    assert "این رمز باطل شده است" in html and "ارسال رمز جدید" in html


def test_wrong_entries_still_count_towards_the_national_code_s_growing_delay(app, client, clock):
    """Telling that a code is void reveals nothing: the per-national-code delay still holds for live codes."""
    ask_code(client, NC, EMAIL)
    code = code_from_mail(app, EMAIL)
    for _ in range(5):
        enter_code(client, wrong(code))
    clock.advance(seconds=61)
    client.post("/sign-in/resend")
    with app.app_context():
        assert otp.delay_wait(NC) == 0
        fresh = OtpChallenge.select().order_by(OtpChallenge.id.desc()).get()
    enter_code(client, wrong(code_from_mail(app, EMAIL)))
    with app.app_context():
        assert otp.delay_wait(NC) > 0
    response = enter_code(client, code_from_mail(app, EMAIL))
    assert response.status_code == 429
    with app.app_context():
        assert OtpChallenge.get_by_id(fresh.id).used_at is None


def _sqlite(app) -> bool:
    return app.config["DATABASE_URL"].startswith("sqlite")


@pytest.fixture()
def real_time_app(test_config):
    """An app on the real clock, as the outside probe used it."""
    from tests.security.conftest import built
    return built({k: v for k, v in test_config.items() if k != "CLOCK"})


def test_expires_at_moved_into_the_past_by_the_database_s_own_clock_is_refused(real_time_app):
    """The probe's way: `UPDATE … SET expires_at = <the database's now> - 1 s`, on the real clock."""
    app = real_time_app
    client = app.test_client()
    client.get("/lang/en")
    ask_code(client, NC, EMAIL)
    earlier = ("UPDATE otp_challenge SET expires_at = datetime('now', '-1 second')" if _sqlite(app) else
               "UPDATE otp_challenge SET expires_at = (now() AT TIME ZONE 'UTC') - interval '1 second'")
    with app.app_context():
        database.execute_sql(earlier)
        database.close()
    response = enter_code(client, code_from_mail(app, EMAIL))
    assert "This code has expired" in page(response)
    assert not signed_in(client)
