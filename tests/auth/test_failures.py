"""At most 20 failures per national code in 24 hours, with delays that grow after the fifth."""

from __future__ import annotations

import datetime as dt

from auth import otp
from tests.auth.conftest import VALID_CODES, ask_code, code_from_mail, enter_code, page

NC, EMAIL = VALID_CODES[0], "sara@example.com"


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 10**6:06d}"


def test_delay_schedule():
    assert [otp.failure_delay(n).total_seconds() for n in range(4, 12)] == [0, 30, 60, 120, 240, 480, 900, 900]


def new_code(client, app, clock) -> tuple[str, dt.datetime]:
    """Ask for a new code once the sending limits allow it; return it and when it was sent."""
    clock.advance(minutes=15, seconds=1)
    response = ask_code(client, NC, EMAIL)
    assert response.status_code == 303, page(response)
    return code_from_mail(app, EMAIL), clock()


def test_growing_delays_then_a_lock_after_twenty_failures(app, client, clock):
    client.get("/lang/en")
    code, sent_at = new_code(client, app, clock)
    first_failure = last_failure = clock()
    failures = wrong_on_code = 0
    while failures < 20:
        remaining = otp.failure_delay(failures) - (clock() - last_failure)
        if remaining > dt.timedelta(0) and wrong_on_code == 5:
            # The code its 5th wrong entry voided says so at once, delay or not: only a new code helps.
            response = enter_code(client, code)
            assert response.status_code == 200
            assert "This code is now void" in page(response)
        elif remaining > dt.timedelta(0):
            # Even the right code is refused while the delay runs, and the page says how long.
            response = enter_code(client, code)
            assert response.status_code == 429
            assert "Too many wrong codes were entered. You can try again in" in page(response)
            clock.advance(seconds=remaining.total_seconds() - 1)
            assert "try again in 1 second." in page(enter_code(client, code))
            clock.advance(seconds=1)
        if wrong_on_code == 5 or clock() - sent_at >= otp.CODE_LIFETIME:
            code, sent_at = new_code(client, app, clock)  # voided by its 5th wrong entry, or expired
            wrong_on_code = 0
        response = enter_code(client, wrong(code))
        assert "The code is not right" in page(response), failures
        failures += 1
        wrong_on_code += 1
        last_failure = clock()
        if failures == 1:
            first_failure = last_failure
    with app.app_context():
        assert otp.delay_wait(NC) == 900

    # Locked: neither checking a code nor sending a new one, and the wait is stated.
    clock.advance(minutes=15)
    response = enter_code(client, code)
    assert response.status_code == 429
    with app.app_context():
        locked_for = otp.lock_wait(NC)
    assert locked_for == int((first_failure + dt.timedelta(hours=24) - clock()).total_seconds())
    hours = -(-locked_for // 3600)
    assert f"Too many wrong codes were entered for this national code. You can try again in {hours} hours." \
        in page(response)
    response = ask_code(client, NC, EMAIL)
    assert response.status_code == 429
    assert "Too many wrong codes were entered for this national code" in page(response)

    # When the first failure is 24 hours old, a new code can be asked for and used.
    clock.current = first_failure + dt.timedelta(hours=24, seconds=1)
    response = ask_code(client, NC, EMAIL)
    assert response.status_code == 303
    assert enter_code(client, code_from_mail(app, EMAIL)).status_code == 303


def test_failures_count_per_national_code_across_browsers_and_addresses(app, clock):
    browsers = [app.test_client() for _ in range(2)]
    for index, browser in enumerate(browsers):
        clock.advance(minutes=5)
        ask_code(browser, NC, EMAIL, ip=f"198.51.100.{index}")
        code = code_from_mail(app, EMAIL)
        for _ in range(2 + index):
            assert enter_code(browser, wrong(code), ip=f"198.51.100.{index}").status_code == 200
    # 5 failures over two browsers and addresses: whoever tries next waits 30 s.
    assert enter_code(browsers[1], "000000", ip="198.51.100.9").status_code == 429  # [0]'s code: voided by [1]'s
    with app.app_context():
        assert otp.delay_wait(NC) == 30
