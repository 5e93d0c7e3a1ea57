"""Emailed one-time passwords: issuing, limits, verification and binding a national code to an email.

Only an HMAC-SHA256 (key ``OTP_HMAC_KEY``) over (attempt id, national code, email, code) is stored.
Every request does the same work whether the national code is new, bound to the entered email or
bound to another one: a challenge row is written either way, but for another email it is a decoy
whose HMAC covers a random non-numeric secret (no six-digit entry can match it), no code is sent and
the bound address gets a notice instead. Counters are `ratelimit` rows, shared by every worker.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import math
import secrets
from dataclasses import dataclass

import peewee
from flask import current_app

from core import audit, ratelimit
from core.db import database
from core.models import Applicant, OtpChallenge
from core.ratelimit import now
from mailer import queue_email, render_email

CODE_LIFETIME = dt.timedelta(minutes=10)
WRONG_ENTRIES_PER_CODE = 5
FAILURES_LIMIT, FAILURES_WINDOW = 20, dt.timedelta(hours=24)
DELAY_AFTER_FAILURES, DELAY_FIRST, DELAY_MAX = 5, dt.timedelta(seconds=30), dt.timedelta(minutes=15)
SENDS_PER_NATIONAL_CODE, SENDS_WINDOW = 3, dt.timedelta(minutes=15)
SENDS_PER_IP, SENDS_IP_WINDOW = 10, dt.timedelta(hours=1)
RESEND_GAP = dt.timedelta(seconds=60)
NOTICES_PER_NATIONAL_CODE, NOTICES_WINDOW = 1, dt.timedelta(hours=1)


def send_key(national_code: str) -> str:
    return f"otp-send:nc:{national_code}"


def ip_key(ip: str) -> str:
    return f"otp-send:ip:{ip}"


def failure_key(national_code: str) -> str:
    return f"otp-fail:nc:{national_code}"


def notice_key(national_code: str) -> str:
    return f"otp-notice:nc:{national_code}"


def same_email(a: str, b: str) -> bool:
    """Compare two addresses as one mailbox (case-insensitively), in constant time."""
    return hmac.compare_digest(a.strip().lower().encode(), b.strip().lower().encode())


def generate_code() -> str:
    """Return six random digits from the `secrets` generator."""
    return f"{secrets.randbelow(10**6):06d}"


def code_hmac(attempt_id: str, national_code: str, email: str, code: str) -> str:
    """Return the HMAC-SHA256 binding ``code`` to the attempt, national code and email."""
    key = str(current_app.config["OTP_HMAC_KEY"]).encode()
    message = "\x1f".join((attempt_id, national_code, email.lower(), code)).encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def lock_wait(national_code: str) -> int:
    """Seconds until the national code is no longer locked by 20 failures in 24 hours (0: not locked)."""
    return ratelimit.seconds_until_allowed(failure_key(national_code), FAILURES_LIMIT, FAILURES_WINDOW)


def failure_delay(failures: int) -> dt.timedelta:
    """Return the wait imposed after ``failures`` failures: none before 5, then 30 s doubling to 15 min."""
    if failures < DELAY_AFTER_FAILURES:
        return dt.timedelta(0)
    return min(DELAY_FIRST * 2 ** (failures - DELAY_AFTER_FAILURES), DELAY_MAX)


def delay_wait(national_code: str) -> int:
    """Seconds before the next code may be checked, after repeated failures (0: no wait)."""
    key = failure_key(national_code)
    latest = ratelimit.last(key, FAILURES_WINDOW)
    if latest is None:
        return 0
    remaining = latest + failure_delay(ratelimit.count(key, FAILURES_WINDOW)) - now()
    return max(0, math.ceil(remaining.total_seconds()))


def send_wait(national_code: str, ip: str) -> int:
    """Seconds until another code may be sent for this national code from this address (0: now)."""
    return max(
        ratelimit.seconds_until_allowed(send_key(national_code), SENDS_PER_NATIONAL_CODE, SENDS_WINDOW),
        ratelimit.seconds_until_allowed(send_key(national_code), 1, RESEND_GAP),
        ratelimit.seconds_until_allowed(ip_key(ip), SENDS_PER_IP, SENDS_IP_WINDOW) if ratelimit.ip_limited(ip) else 0,
    )


@dataclass(frozen=True)
class Sent:
    """The outcome of asking for a code: a new attempt id, or how long to wait and why."""

    attempt_id: str | None
    wait_seconds: int = 0
    locked: bool = False
    connection: bool = False  # the limit hit is this internet address's (shared Wi-Fi), not the national code's


def issue(national_code: str, email: str, *, locale: str, ip: str) -> Sent:
    """Start a sign-in attempt: check the limits, void older codes, store the challenge, queue mail."""
    with database.atomic():
        ratelimit.lock(send_key(national_code), ip_key(ip), failure_key(national_code))
        locked = lock_wait(national_code)
        if locked:
            audit.record("otp.refused", object_type="national_code", object_id=national_code, reason="locked")
            return Sent(None, locked, locked=True)
        wait = send_wait(national_code, ip)
        if wait:
            audit.record("otp.refused", object_type="national_code", object_id=national_code,
                         reason="rate_limited", wait_seconds=wait)
            ip_wait = ratelimit.seconds_until_allowed(ip_key(ip), SENDS_PER_IP, SENDS_IP_WINDOW)
            return Sent(None, wait, connection=ip_wait >= wait)
        moment = now()
        (OtpChallenge.update(voided_at=moment)
         .where((OtpChallenge.national_code == national_code) & OtpChallenge.used_at.is_null()
                & OtpChallenge.voided_at.is_null())
         .execute())
        applicant = Applicant.get_or_none(Applicant.national_code == national_code)
        matches = applicant is None or same_email(applicant.email, email)
        code = generate_code()
        secret = code if matches else "decoy:" + secrets.token_hex(16)
        attempt_id = secrets.token_urlsafe(24)
        OtpChallenge.create(attempt_id=attempt_id, national_code=national_code, email=email,
                            code_hmac=code_hmac(attempt_id, national_code, email, secret),
                            created_at=moment, expires_at=moment + CODE_LIFETIME)
        ratelimit.hit(send_key(national_code))
        if ratelimit.ip_limited(ip):
            ratelimit.hit(ip_key(ip))
        if matches:
            queue_email(email, "otp", locale, sensitive=True, code=code,
                        minutes=int(CODE_LIFETIME.total_seconds() // 60), national_code_end=national_code[-4:])
            audit.record("otp.sent", object_type="national_code", object_id=national_code, email=email,
                         first_sign_in=applicant is None)
        else:
            notified = _notify_bound_address(applicant)
            audit.record("otp.withheld", object_type="national_code", object_id=national_code, email=email,
                         reason="email_mismatch", notice_sent=notified)
        return Sent(attempt_id)


def _notify_bound_address(applicant: Applicant) -> bool:
    """Tell the bound address that someone tried another email (at most once an hour); return if sent.

    When the notice is held back, it is still rendered, so that the response takes about as long as
    one that queues an email.
    """
    key = notice_key(applicant.national_code)
    if ratelimit.seconds_until_allowed(key, NOTICES_PER_NATIONAL_CODE, NOTICES_WINDOW):
        render_email("sign_in_attempt", applicant.locale or "fa", attempted_at=now())
        return False
    ratelimit.hit(key)
    queue_email(applicant.email, "sign_in_attempt", applicant.locale or "fa", attempted_at=now())
    return True


@dataclass(frozen=True)
class Checked:
    """The outcome of checking a code.

    ``status`` is one of: ok, wrong, exhausted (this entry was the 5th wrong one: the code is void),
    spent (the code was voided earlier by 5 wrong entries),
    voided (by a newer code, 5 wrong entries or the national code bound to another email meanwhile),
    used, expired, locked (20 failures in 24 h), throttled (growing delay), missing.
    """

    status: str
    applicant: Applicant | None = None
    tries_left: int = 0
    wait_seconds: int = 0


def expiry(challenge: OtpChallenge) -> dt.datetime:
    """Return when the code stops working: ``expires_at``, but never later than 10 minutes after it was issued."""
    return min(challenge.expires_at, challenge.created_at + CODE_LIFETIME)


def _fail(challenge: OtpChallenge, reason: str, **details) -> None:
    """Audit a refused sign-in."""
    audit.record("sign_in.failure", object_type="national_code", object_id=challenge.national_code,
                 reason=reason, **details)


def verify(attempt_id: str, code: str, *, locale: str) -> Checked:
    """Check ``code`` for the attempt; on success mark it used and return the (bound) applicant."""
    with database.atomic():
        found = OtpChallenge.get_or_none(OtpChallenge.attempt_id == attempt_id)
        if found is None:
            return Checked("missing")
        national_code = found.national_code
        ratelimit.lock(failure_key(national_code))
        challenge = OtpChallenge.get_by_id(found.id)
        wait = lock_wait(national_code)
        if wait:
            _fail(challenge, "locked", wait_seconds=wait)
            return Checked("locked", wait_seconds=wait)
        if challenge.used_at is not None:
            _fail(challenge, "used")
            return Checked("used")
        if challenge.voided_at is not None:  # said before any delay: a void code can only be replaced
            spent = challenge.wrong_entries >= WRONG_ENTRIES_PER_CODE
            _fail(challenge, "spent" if spent else "voided")
            return Checked("spent" if spent else "voided")
        wait = delay_wait(national_code)
        if wait:
            _fail(challenge, "throttled", wait_seconds=wait)
            return Checked("throttled", wait_seconds=wait)
        moment = now()
        if moment >= expiry(challenge):
            _fail(challenge, "expired")
            return Checked("expired")
        given = code_hmac(attempt_id, national_code, challenge.email, code)
        if not hmac.compare_digest(given, challenge.code_hmac):
            return _wrong_entry(challenge, moment)
        claimed = (OtpChallenge.update(used_at=moment)
                   .where((OtpChallenge.id == challenge.id) & OtpChallenge.used_at.is_null()
                          & OtpChallenge.voided_at.is_null())
                   .execute())
        if claimed != 1:
            _fail(challenge, "used")
            return Checked("used")
        applicant, created = _bind(challenge, locale, moment)
        if applicant is None:
            OtpChallenge.update(voided_at=moment).where(OtpChallenge.id == challenge.id).execute()
            _fail(challenge, "email_mismatch")
            return Checked("voided")
        audit.record("sign_in.success", actor=applicant, object_type="applicant", object_id=applicant.id,
                     first_sign_in=created)
        return Checked("ok", applicant=applicant)


def _wrong_entry(challenge: OtpChallenge, moment: dt.datetime) -> Checked:
    """Count a wrong code against the challenge and the national code; void the code at 5."""
    wrong = challenge.wrong_entries + 1
    voided = wrong >= WRONG_ENTRIES_PER_CODE
    (OtpChallenge.update(wrong_entries=OtpChallenge.wrong_entries + 1,
                         voided_at=moment if voided else challenge.voided_at)
     .where(OtpChallenge.id == challenge.id).execute())
    ratelimit.hit(failure_key(challenge.national_code))
    _fail(challenge, "wrong_code", wrong_entries=wrong, code_voided=voided)
    if voided:
        return Checked("exhausted")
    return Checked("wrong", tries_left=WRONG_ENTRIES_PER_CODE - wrong)


def _bind(challenge: OtpChallenge, locale: str, moment: dt.datetime) -> tuple[Applicant | None, bool]:
    """Return (applicant, created): the national code's applicant, created bound to this email at the
    first sign-in; (None, False) when it was bound to another email after this code was sent.
    """
    applicant = Applicant.get_or_none(Applicant.national_code == challenge.national_code)
    if applicant is None:
        try:
            with database.atomic():
                applicant = Applicant.create(national_code=challenge.national_code, email=challenge.email,
                                             locale=locale, created_at=moment, last_sign_in_at=moment)
            return applicant, True
        except peewee.IntegrityError:
            applicant = Applicant.get(Applicant.national_code == challenge.national_code)
    if not same_email(applicant.email, challenge.email):
        return None, False
    (Applicant.update(last_sign_in_at=moment, locale=locale)
     .where(Applicant.id == applicant.id).execute())
    applicant.last_sign_in_at, applicant.locale = moment, locale
    return applicant, False


def cleanup() -> int:
    """Delete challenges that expired more than a day ago; return how many."""
    return OtpChallenge.delete().where(OtpChallenge.expires_at < now() - dt.timedelta(days=1)).execute()
