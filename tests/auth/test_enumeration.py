"""No account enumeration: known, unknown and mismatched details look the same; the owner is told."""

from __future__ import annotations

import statistics
import time

from auth import otp
from core.models import Applicant, AuditLog, MailMessage, OtpChallenge
from i18n.persian import to_persian_digits
from tests.auth.conftest import (
    CODE_IN_MAIL,
    VALID_CODES,
    ask_code,
    code_from_mail,
    enter_code,
    mails_to,
    national_code,
    page,
    sign_in,
)

TYPED = "visitor@example.com"
KNOWN, UNKNOWN, BOUND_ELSEWHERE = VALID_CODES[0], VALID_CODES[1], VALID_CODES[2]


def bind(app, code: str, email: str) -> None:
    with app.app_context():
        Applicant.create(national_code=code, email=email, locale="en")


def journey(app, code: str) -> list[tuple[int, str, str]]:
    """Ask for a code with TYPED, open the code page, enter a wrong code: what the visitor sees."""
    client = app.test_client()
    seen = []
    for response in (ask_code(client, code, TYPED), client.get("/sign-in/code"), enter_code(client, "000000")):
        seen.append((response.status_code, response.headers.get("Location", ""), page(response).replace(code, "NC")))
    return seen


def test_known_unknown_and_mismatched_national_codes_get_the_same_responses(app):
    bind(app, KNOWN, TYPED)
    bind(app, BOUND_ELSEWHERE, "owner@example.com")
    known, unknown, mismatched = (journey(app, code) for code in (KNOWN, UNKNOWN, BOUND_ELSEWHERE))
    assert known == unknown == mismatched
    assert known[0][:2] == (303, "/sign-in/code")
    assert TYPED in known[1][2] and 'id="code-error"' in known[2][2]


def test_rate_limited_responses_are_the_same_too(app, clock):
    bind(app, BOUND_ELSEWHERE, "owner@example.com")
    results = []
    for code in (UNKNOWN, BOUND_ELSEWHERE):
        client = app.test_client()
        ask_code(client, code, TYPED)
        response = ask_code(client, code, TYPED)
        shown = to_persian_digits(code)  # redisplayed in the reader's digits
        results.append((response.status_code, page(response).replace(shown, "NC").replace(code, "NC")))
    assert results[0] == results[1] and results[0][0] == 429


def test_mismatched_email_gets_no_code_and_the_bound_address_a_notice(app, clock):
    bind(app, BOUND_ELSEWHERE, "owner@example.com")
    client = app.test_client()
    ask_code(client, BOUND_ELSEWHERE, TYPED)
    assert mails_to(app, TYPED) == []
    [notice] = mails_to(app, "owner@example.com")
    assert notice.subject == "Someone tried to sign in to your Mikhak account"  # the owner's language
    assert "different e-mail address" in notice.body_text and "No code was sent" in notice.body_text
    assert TYPED not in notice.body_text + notice.body_html
    assert not CODE_IN_MAIL.search(notice.body_text.split("-- ")[0].replace("2026", ""))
    with app.app_context():
        decoy = OtpChallenge.get()
        assert decoy.email == TYPED and decoy.national_code == BOUND_ELSEWHERE
        row = AuditLog.get(AuditLog.action == "otp.withheld")
        assert row.details["reason"] == "email_mismatch" and row.details["notice_sent"] is True
        # No six-digit entry can ever match a decoy.
        assert all(otp.code_hmac(decoy.attempt_id, decoy.national_code, decoy.email, f"{n:06d}")
                   != decoy.code_hmac for n in range(0, 10**6, 997))


def test_the_notice_is_rate_limited_to_one_an_hour(app, clock):
    bind(app, BOUND_ELSEWHERE, "owner@example.com")
    client = app.test_client()
    for _ in range(3):
        assert ask_code(client, BOUND_ELSEWHERE, TYPED).status_code == 303
        clock.advance(seconds=61)
    assert len(mails_to(app, "owner@example.com")) == 1
    clock.advance(hours=1)
    assert ask_code(client, BOUND_ELSEWHERE, TYPED).status_code == 303
    assert len(mails_to(app, "owner@example.com")) == 2


def test_the_bound_address_still_signs_in_and_another_email_never_does(app, client, clock):
    sign_in(app, client, KNOWN, "owner@example.com")
    client.post("/sign-out")
    clock.advance(minutes=1)
    intruder = app.test_client()
    ask_code(intruder, KNOWN, "intruder@example.com")
    assert mails_to(app, "intruder@example.com") == []
    assert intruder.get("/account").status_code == 302
    clock.advance(minutes=1)
    response = sign_in(app, client, KNOWN, "OWNER@example.com")  # same mailbox, other letter case
    assert response.status_code == 303 and client.get("/account").status_code == 200
    with app.app_context():
        assert Applicant.get().email == "owner@example.com"


def test_first_binding_wins_when_two_emails_race_for_a_new_national_code(app, clock):
    first, second = app.test_client(), app.test_client()
    ask_code(first, UNKNOWN, "first@example.com")
    code_first = code_from_mail(app, "first@example.com")
    clock.advance(seconds=61)
    ask_code(second, UNKNOWN, "second@example.com")  # unbound yet: a real code is sent
    code_second = code_from_mail(app, "second@example.com")
    assert enter_code(second, code_second).status_code == 303
    with app.app_context():
        assert Applicant.get().email == "second@example.com"
    assert enter_code(first, code_first).status_code == 200  # voided by the newer code
    assert first.get("/account").status_code == 302


def test_known_and_mismatched_requests_take_about_the_same_time(app, clock):
    """Every path does the same work: HMAC, challenge row, counters, an email rendered, an audit row."""
    timings: dict[str, list[float]] = {"known": [], "notice sent": [], "notice held back": []}

    def timed(kind: str, code: str) -> None:
        client = app.test_client()
        started = time.perf_counter()
        assert ask_code(client, code, TYPED, ip=f"198.51.{len(timings[kind])}.{len(kind)}").status_code == 303
        timings[kind].append(time.perf_counter() - started)

    for number in range(12):
        clock.advance(minutes=16)
        matching, elsewhere = national_code(612340000 + number), national_code(712340000 + number)
        bind(app, matching, TYPED)
        bind(app, elsewhere, "owner@example.com")
        timed("known", matching)
        timed("notice sent", elsewhere)
        clock.advance(seconds=61)
        timed("known", matching)
        timed("notice held back", elsewhere)
    medians = {kind: statistics.median(values[2:]) for kind, values in timings.items()}
    assert max(medians.values()) < min(medians.values()) * 2 + 0.005, medians
    with app.app_context():
        assert MailMessage.select().count() == 36  # 24 codes to TYPED, 12 notices to the owners
