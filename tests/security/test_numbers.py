"""Each number of ../shared/reference/security.md, asserted where the app keeps it and, where cheap, as behaviour.

The behaviour behind most numbers is tested in depth next to its code (SECURITY.md's table names each
test); this module fails as soon as one of the numbers drifts.
"""

from __future__ import annotations

import datetime as dt
import math

import pytest

from admin.export import escape_cell
from auth import otp
from casework import tracking
from storage import intake


def test_sign_in_numbers():
    assert dt.timedelta(minutes=10) == otp.CODE_LIFETIME
    assert otp.WRONG_ENTRIES_PER_CODE == 5
    assert (20, dt.timedelta(hours=24)) == (otp.FAILURES_LIMIT, otp.FAILURES_WINDOW)
    assert (3, dt.timedelta(minutes=15)) == (otp.SENDS_PER_NATIONAL_CODE, otp.SENDS_WINDOW)
    assert (10, dt.timedelta(hours=1)) == (otp.SENDS_PER_IP, otp.SENDS_IP_WINDOW)
    assert dt.timedelta(seconds=60) == otp.RESEND_GAP
    assert [otp.failure_delay(n) > otp.failure_delay(n - 1) for n in range(6, 9)] == [True] * 3  # growing delays
    codes = {otp.generate_code() for _ in range(200)}
    assert all(len(c) == 6 and c.isdigit() for c in codes) and len(codes) > 190


def test_session_numbers(app):
    config = app.config
    assert config["SESSION_IDLE_MINUTES"] == 30 and config["SESSION_ABSOLUTE_HOURS"] == 12
    assert config["SESSION_COOKIE_HTTPONLY"] is True and config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert config["WTF_CSRF_TIME_LIMIT"] >= 3600


def test_production_cookies_are_secure(test_config):
    from app import create_app
    test_config.update(MIKHAK_ENV="production", SECRET_KEY="x" * 40, MAIL_BACKEND="smtp")
    config = create_app(test_config).config
    assert config["SESSION_COOKIE_SECURE"] is True and config["REMEMBER_COOKIE_SECURE"] is True


def test_upload_numbers(app):
    assert app.config["MAX_CONTENT_LENGTH"] == 20 * 1024 * 1024
    assert intake.MAX_PIXELS == 40_000_000


def test_a_25_mib_body_is_refused_with_413_and_a_page(client):
    response = client.post("/sign-in", data=b"x" * (25 * 1024 * 1024),
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code == 413
    assert "Traceback" not in response.get_data(as_text=True)


def test_tracking_codes_carry_at_least_50_random_bits():
    assert tracking.ENTROPY_BITS >= 50
    assert tracking.PAYLOAD_LENGTH * math.log2(len(tracking.ALPHABET)) >= 50


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\x00"])
def test_export_cells_starting_with_a_formula_character_are_escaped(start):
    assert not escape_cell(start + "1+1").startswith(start)


def test_sqlite_waits_at_least_5_seconds_for_a_lock():
    from core import db
    assert db.SQLITE_PRAGMAS["busy_timeout"] >= 5000 and db.SQLITE_PRAGMAS["foreign_keys"] == 1
