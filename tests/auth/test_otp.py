"""One-time passwords: storage, binding, lifetime, single use, voiding, wrong entries, send limits."""

from __future__ import annotations

import hashlib
import hmac

from auth import otp
from core.models import Applicant, OtpChallenge, UserSession
from i18n.persian import to_persian_digits
from tests.auth.conftest import VALID_CODES, ask_code, code_from_mail, enter_code, mails_to, national_code, page

NC, EMAIL = VALID_CODES[0], "sara@example.com"


def signed_in(client) -> bool:
    return client.get("/account").status_code == 200


def test_only_an_hmac_of_the_code_is_stored_bound_to_attempt_national_code_and_email(app, client):
    ask_code(client, NC, EMAIL)
    code = code_from_mail(app, EMAIL)
    with app.app_context():
        challenge = OtpChallenge.get()
        row = OtpChallenge.select().dicts().get()
        expected = hmac.new(app.config["OTP_HMAC_KEY"].encode(),
                            "\x1f".join((challenge.attempt_id, NC, EMAIL, code)).encode(), hashlib.sha256).hexdigest()
        assert challenge.code_hmac == expected
        assert not any(code in str(value) for key, value in row.items() if key != "id")
        assert otp.code_hmac(challenge.attempt_id, NC, "other@example.com", code) != expected
        assert otp.code_hmac(challenge.attempt_id, VALID_CODES[1], EMAIL, code) != expected
        assert otp.code_hmac("another-attempt", NC, EMAIL, code) != expected
        assert challenge.expires_at - challenge.created_at == otp.CODE_LIFETIME
    assert [m.sensitive for m in mails_to(app, EMAIL)] == [True]  # its body is removed once SMTP accepts it


def test_codes_are_six_random_digits():
    codes = {otp.generate_code() for _ in range(300)}
    assert all(len(c) == 6 and c.isascii() and c.isdigit() for c in codes)
    assert len(codes) > 290


def test_code_page_has_the_one_time_code_input_and_a_back_link(client):
    ask_code(client, NC, EMAIL)
    html = page(client.get("/sign-in/code"))
    assert 'class="code-input"' in html
    assert 'autocomplete="one-time-code"' in html and 'inputmode="numeric"' in html
    assert 'href="/sign-in?change=1"' in html
    assert EMAIL in html
    back = page(client.get("/sign-in?change=1"))
    persian = to_persian_digits(NC)  # the reader's digits
    assert f'value="{persian}"' in back and f'value="{EMAIL}"' in back


def test_code_page_without_an_attempt_goes_back_to_sign_in(client):
    response = client.get("/sign-in/code")
    assert response.status_code == 303 and response.headers["Location"] == "/sign-in"


def test_the_emailed_code_signs_in_and_binds_the_national_code_to_the_email(app, client):
    ask_code(client, NC, EMAIL)
    response = enter_code(client, code_from_mail(app, EMAIL))
    assert response.status_code == 303
    assert signed_in(client)
    with app.app_context():
        applicant = Applicant.get(Applicant.national_code == NC)
        assert applicant.email == EMAIL
        assert applicant.activated_at is None and applicant.locale == "fa"
        assert UserSession.get().kind == "applicant" and UserSession.get().user_id == applicant.id


def test_persian_digits_are_accepted_in_the_code(app, client):
    ask_code(client, NC, EMAIL)
    code = code_from_mail(app, EMAIL).translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
    assert enter_code(client, code[:3] + " " + code[3:]).status_code == 303
    assert signed_in(client)


def test_badly_formed_code_is_a_field_error_not_a_counted_failure(app, client):
    ask_code(client, NC, EMAIL)
    html = page(enter_code(client, "12ab"))
    assert 'id="code-error"' in html and '<a href="#code">' in html
    with app.app_context():
        assert OtpChallenge.get().wrong_entries == 0


def test_code_is_valid_for_ten_minutes(app, client, clock):
    ask_code(client, NC, EMAIL)
    clock.advance(minutes=9, seconds=59)
    assert enter_code(client, code_from_mail(app, EMAIL)).status_code == 303


def test_code_expires_after_ten_minutes(app, client, clock):
    client.get("/lang/en")
    ask_code(client, NC, EMAIL)
    clock.advance(minutes=10)
    response = enter_code(client, code_from_mail(app, EMAIL))
    assert response.status_code == 200
    assert "This code has expired" in page(response)
    assert not signed_in(client)


def test_code_works_once(app, client):
    client.get("/lang/en")
    ask_code(client, NC, EMAIL)
    before = client.get_cookie("session").value
    code = code_from_mail(app, EMAIL)
    assert enter_code(client, code).status_code == 303
    client.post("/sign-out")
    client.set_cookie("session", before)  # the browser state that held the attempt, replayed
    response = enter_code(client, code)
    assert "This code has already been used" in page(response)
    assert not signed_in(client)
    with app.app_context():
        assert otp.verify(OtpChallenge.get().attempt_id, code, locale="fa").status == "used"


def test_a_new_code_voids_the_previous_one(app, client, clock):
    client.get("/lang/en")
    ask_code(client, NC, EMAIL)
    first = code_from_mail(app, EMAIL)
    old_attempt = client.get_cookie("session").value
    clock.advance(seconds=60)
    assert client.post("/sign-in/resend").status_code == 303
    second = code_from_mail(app, EMAIL)
    assert len(mails_to(app, EMAIL)) == 2
    with app.app_context():
        old, new = OtpChallenge.select().order_by(OtpChallenge.id)
        assert old.voided_at is not None and new.voided_at is None
        assert otp.verify(old.attempt_id, first, locale="en").status == "voided"
    if first != second:
        assert "The code is not right" in page(enter_code(client, first))
    assert enter_code(client, second).status_code == 303
    client.post("/sign-out")
    client.set_cookie("session", old_attempt)
    assert "This code can no longer be used" in page(enter_code(client, first))


def test_a_new_attempt_in_another_browser_voids_the_code_of_the_first(app, client, clock):
    other = app.test_client()
    ask_code(client, NC, EMAIL)
    first = code_from_mail(app, EMAIL)
    clock.advance(seconds=61)
    ask_code(other, NC, EMAIL)
    second = code_from_mail(app, EMAIL)
    assert enter_code(client, first).status_code == 200
    assert not signed_in(client)
    if first != second:  # a code is bound to its own attempt: the first code fails in the new attempt too
        assert enter_code(other, first).status_code == 200
    assert enter_code(other, second).status_code == 303


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 10**6:06d}"


def test_five_wrong_entries_void_the_code(app, client, clock):
    client.get("/lang/en")
    ask_code(client, NC, EMAIL)
    code = code_from_mail(app, EMAIL)
    for tries_left in (4, 3, 2, 1):
        response = enter_code(client, wrong(code))
        assert response.status_code == 200
        expected = "1 more time." if tries_left == 1 else f"{tries_left} more times."
        assert f"The code is not right. You can try {expected}" in page(response)
    assert "This code is now void: it was entered wrongly 5 times" in page(enter_code(client, wrong(code)))
    assert "This code is now void" in page(enter_code(client, code))  # at once: no delay for a void code
    assert not signed_in(client)
    with app.app_context():
        challenge = OtpChallenge.get()
        assert challenge.wrong_entries == 5 and challenge.voided_at is not None


def test_sixty_seconds_between_sends(app, client, clock):
    client.get("/lang/en")
    ask_code(client, NC, EMAIL)
    html = page(client.get("/sign-in/code"))
    assert "You can ask for a new code in 60 seconds." in html and "disabled" in html
    response = client.post("/sign-in/resend")
    assert response.status_code == 429
    assert "You can ask for a new code in 60 seconds." in page(response)
    clock.advance(seconds=59)
    assert "in 1 second." in page(client.post("/sign-in/resend"))
    other = app.test_client()
    other.get("/lang/en")
    assert "in 1 second." in page(ask_code(other, NC, EMAIL, ip="198.51.100.7"))
    clock.advance(seconds=1)
    assert client.post("/sign-in/resend").status_code == 303
    assert len(mails_to(app, EMAIL)) == 2


def test_at_most_three_sends_per_national_code_in_fifteen_minutes(app, client, clock):
    client.get("/lang/en")
    for index in range(3):
        assert ask_code(client, NC, EMAIL, ip=f"198.51.100.{index}").status_code == 303
        clock.advance(seconds=61)
    # Sends at 0, 61 and 122 s; now 183 s: the first leaves the 15-minute window at 900 s.
    response = ask_code(client, NC, EMAIL, ip="198.51.100.9")
    assert response.status_code == 429
    assert "You have asked for too many codes. You can ask for a new code in 12 minutes." in page(response)
    assert len(mails_to(app, EMAIL)) == 3
    assert ask_code(client, VALID_CODES[1], EMAIL, ip="198.51.100.9").status_code == 303
    clock.advance(seconds=900 - 183)
    assert ask_code(client, NC, EMAIL, ip="198.51.100.9").status_code == 303


def test_at_most_ten_sends_per_ip_in_an_hour(app, client, clock):
    client.get("/lang/en")
    for number in range(10):
        assert ask_code(client, national_code(512340000 + number), EMAIL, ip="203.0.113.5").status_code == 303
        clock.advance(minutes=5)
    response = ask_code(client, national_code(512349999), EMAIL, ip="203.0.113.5")
    assert response.status_code == 429
    assert "in 10 minutes," in page(response)  # the first send (50 minutes ago) leaves the hour in 10
    assert "this internet connection" in page(response) and "too many codes" not in page(response)
    assert ask_code(client, national_code(512349999), EMAIL, ip="203.0.113.6").status_code == 303
    assert len(mails_to(app, EMAIL)) == 11
