"""Staff credentials: password hashes, TOTP codes (no reuse of a time step), lockout after failures."""

from __future__ import annotations

import datetime as dt
import functools
import hmac
import secrets
from dataclasses import dataclass

import pyotp
from werkzeug.security import check_password_hash, generate_password_hash

from core import audit
from core.db import database
from core.models import Staff
from core.ratelimit import now

MAX_FAILURES = 5
LOCK_FOR = dt.timedelta(minutes=15)
TOTP_INTERVAL = 30
TOTP_WINDOW = 1  # accept the previous and the next 30-second step (clock drift)
MIN_PASSWORD_LENGTH = 12
ISSUER = "Mikhak"


@functools.cache
def _dummy_hash() -> str:
    """A hash checked when the e-mail is unknown, so a wrong e-mail costs as much time as a wrong password."""
    return generate_password_hash(secrets.token_urlsafe(16))


def hash_password(password: str) -> str:
    """Return a salted scrypt hash of ``password``."""
    return generate_password_hash(password)


def password_problem(password: str) -> str | None:
    """Return why a new password is refused (in English, for the CLI and logs), or None."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"a staff password needs at least {MIN_PASSWORD_LENGTH} characters"
    if len(password) > 256:
        return "a staff password may have at most 256 characters"
    return None


def generate_password() -> str:
    """Return a random initial password (about 96 bits)."""
    return secrets.token_urlsafe(12)


def find_staff(email: str) -> Staff | None:
    """Return the staff member with this e-mail (case-insensitive), or None."""
    return Staff.get_or_none(Staff.email == (email or "").strip().lower())


def is_locked(staff: Staff) -> bool:
    """Return whether sign-in is refused for now after too many failures."""
    return staff.locked_until is not None and staff.locked_until > now()


def minutes_locked(staff: Staff) -> int:
    """Return the whole minutes until the lock ends (at least 1)."""
    remaining = (staff.locked_until - now()).total_seconds() if staff.locked_until else 0
    return max(1, int(-(-remaining // 60)))


def check_password(staff: Staff | None, password: str) -> bool:
    """Verify a password in constant-ish time, whether or not the staff member exists."""
    if staff is None:
        check_password_hash(_dummy_hash(), password or "")
        return False
    return bool(password) and check_password_hash(staff.password_hash, password)


def record_failure(staff: Staff, stage: str) -> bool:
    """Count one failed password or code; lock the account at the limit. Return whether it is now locked."""
    with database.atomic():
        Staff.update(failed_sign_ins=Staff.failed_sign_ins + 1).where(Staff.id == staff.id).execute()
        failures = Staff.select(Staff.failed_sign_ins).where(Staff.id == staff.id).scalar()
        locked = failures >= MAX_FAILURES
        if locked:
            until = now() + LOCK_FOR
            Staff.update(locked_until=until, failed_sign_ins=0).where(Staff.id == staff.id).execute()
            staff.locked_until = until
            audit.record("staff.locked", actor=staff, object_type="staff", object_id=staff.id,
                         office_id=staff.office_id, failures=failures, minutes=int(LOCK_FOR.total_seconds() // 60))
        audit.record("staff.sign_in_failed", actor=staff, object_type="staff", object_id=staff.id,
                     office_id=staff.office_id, stage=stage, failures=failures)
    return locked


def clear_failures(staff: Staff) -> None:
    """Forget earlier failures after a complete sign-in."""
    Staff.update(failed_sign_ins=0, locked_until=None).where(Staff.id == staff.id).execute()


def new_totp_secret() -> str:
    """Return a new random base32 TOTP secret (160 bits)."""
    return pyotp.random_base32(32)


def provisioning_uri(staff: Staff) -> str:
    """Return the otpauth:// URI an authenticator app reads from the QR code."""
    return pyotp.TOTP(staff.totp_secret, interval=TOTP_INTERVAL).provisioning_uri(name=staff.email, issuer_name=ISSUER)


def current_step(moment: dt.datetime | None = None) -> int:
    """Return the TOTP time step (30-second counter) of ``moment`` (UTC, naive)."""
    moment = moment or now()
    return int(moment.replace(tzinfo=dt.UTC).timestamp()) // TOTP_INTERVAL


def current_code(staff: Staff) -> str:
    """Return the code an authenticator app shows now (the development CLI prints it)."""
    return pyotp.TOTP(staff.totp_secret, interval=TOTP_INTERVAL).at(current_step() * TOTP_INTERVAL)


@dataclass(frozen=True)
class TotpResult:
    """What a TOTP check found: ``ok``, ``wrong`` or ``reused``."""

    status: str
    step: int = 0


def verify_totp(staff: Staff, code: str) -> TotpResult:
    """Check a 6-digit code within ±1 step and consume its step, so the same code never works twice.

    The step is taken with a conditional UPDATE (``totp_last_step < step``), so two requests racing
    with one code cannot both succeed.
    """
    code = "".join((code or "").split())
    if not staff.totp_secret or len(code) != 6 or not (code.isascii() and code.isdigit()):
        return TotpResult("wrong")
    totp = pyotp.TOTP(staff.totp_secret, interval=TOTP_INTERVAL)
    here = current_step()
    matched = [step for step in range(here - TOTP_WINDOW, here + TOTP_WINDOW + 1)
               if hmac.compare_digest(totp.at(step * TOTP_INTERVAL), code)]
    if not matched:
        return TotpResult("wrong")
    step = max(matched)
    taken = (Staff.update(totp_last_step=step)
             .where((Staff.id == staff.id) & (Staff.totp_last_step < step)).execute())
    if not taken:
        return TotpResult("reused", step)
    staff.totp_last_step = step
    return TotpResult("ok", step)
