"""Server-side sessions shared by applicants and staff, and the `current_user` objects they load.

The signed Flask cookie carries a random token; the database keeps only its SHA-256 in a
`UserSession` row whose ``kind`` ('applicant' or 'staff') is fixed when the row is created, so an
applicant's session can never be taken for a staff session. Rows enforce the idle and absolute
timeouts and are revoked at sign-out, which makes a copied cookie useless on every host.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

from flask import current_app, request, session
from flask_login import AnonymousUserMixin, login_user, logout_user
from peewee import JOIN

from core.db import Prepared
from core.models import Applicant, Staff, UserSession
from core.origin import client_ip
from core.ratelimit import now

TOUCH_EVERY = dt.timedelta(minutes=1)
KEEP_ACROSS_SIGN_IN = ("lang",)


def token_hash(token: str) -> str:
    """Return the hex SHA-256 of a session token (what the database stores)."""
    return hashlib.sha256(token.encode()).hexdigest()


class SignedInUser:
    """Base of the `current_user` objects: a loaded session row plus the person it belongs to."""

    kind = ""
    is_authenticated = True
    is_active = True
    is_anonymous = False

    def __init__(self, row: UserSession, record: Any, token: str) -> None:
        self.session_row = row
        self.record = record
        self._token = token

    def get_id(self) -> str:
        """Return what Flask-Login keeps in the cookie: the session token, never a database id."""
        return self._token

    @property
    def id(self) -> int:
        """Return the applicant's or staff member's database id."""
        return self.record.id

    @property
    def is_applicant(self) -> bool:
        return self.kind == "applicant"

    @property
    def is_staff(self) -> bool:
        return self.kind == "staff"


class ApplicantUser(SignedInUser):
    """`current_user` for a signed-in applicant."""

    kind = "applicant"

    @property
    def applicant(self) -> Applicant:
        return self.record

    @property
    def national_code(self) -> str:
        return self.record.national_code

    @property
    def email(self) -> str:
        return self.record.email

    @property
    def is_activated(self) -> bool:
        return self.record.is_activated

    @property
    def label(self) -> str:
        return self.record.national_code

    def display_name(self) -> str:
        return self.record.display_name()


class StaffUser(SignedInUser):
    """`current_user` for a signed-in staff member (the back office's sign-in creates these)."""

    kind = "staff"

    @property
    def staff(self) -> Staff:
        return self.record

    @property
    def email(self) -> str:
        return self.record.email

    @property
    def office_id(self) -> int | None:
        return self.record.office_id

    @property
    def is_admin(self) -> bool:
        return self.record.is_admin

    @property
    def label(self) -> str:
        return self.record.email

    def display_name(self) -> str:
        return str(self.record)


class AnonymousUser(AnonymousUserMixin):
    """`current_user` before sign-in: same questions, all answered no."""

    kind = ""
    is_applicant = False
    is_staff = False
    is_activated = False


@dataclass(frozen=True)
class Kind:
    """How a session kind maps to its table and `current_user` class."""

    model: type
    user_class: type[SignedInUser]

    def usable(self, record: Any) -> bool:
        return bool(getattr(record, "active", True))


KINDS = {"applicant": Kind(Applicant, ApplicantUser), "staff": Kind(Staff, StaffUser)}
KINDS_MODELS = [spec.model for spec in KINDS.values()]


def _limits() -> tuple[dt.timedelta, dt.timedelta]:
    """Return the idle and absolute session lifetimes from the config."""
    config = current_app.config
    return (dt.timedelta(minutes=config["SESSION_IDLE_MINUTES"]),
            dt.timedelta(hours=config["SESSION_ABSOLUTE_HOURS"]))


def reset_flask_session() -> None:
    """Empty the Flask session (so its cookie is re-issued), keeping only the language choice."""
    kept = {key: session[key] for key in KEEP_ACROSS_SIGN_IN if key in session}
    session.clear()
    session.update(kept)


def revoke_token(token: str | None) -> None:
    """Revoke the session row of ``token``, if it has one still open."""
    if token:
        (UserSession.update(revoked_at=now())
         .where((UserSession.token_hash == token_hash(token)) & UserSession.revoked_at.is_null())
         .execute())


def start(kind: str, record: Any) -> SignedInUser:
    """Sign ``record`` in as ``kind``: revoke the old session, re-issue the cookie, store a new row."""
    spec = KINDS[kind]
    if not isinstance(record, spec.model):
        raise TypeError(f"a {kind} session needs a {spec.model.__name__}, not {type(record).__name__}")
    revoke_token(session.get("_user_id"))
    reset_flask_session()
    token = secrets.token_urlsafe(32)
    moment = now()
    row = UserSession.create(
        token_hash=token_hash(token), kind=kind, user_id=record.id, created_at=moment, last_seen_at=moment,
        ip=client_ip()[:45], user_agent=(request.user_agent.string or "")[:255])
    user = spec.user_class(row, record, token)
    login_user(user, remember=False)
    return user


def _session_query(digest: str):
    """The session row of a token hash with its applicant or staff member (left-joined by the row's kind)."""
    query = UserSession.select(UserSession, *KINDS_MODELS)
    for kind, spec in KINDS.items():
        query = query.join_from(UserSession, spec.model, JOIN.LEFT_OUTER, attr=f"_{kind}",
                                on=(spec.model.id == UserSession.user_id) & (UserSession.kind == kind))
    return query.where(UserSession.token_hash == digest).limit(1)


SESSION_WITH_PERSON = Prepared(_session_query, digest="\x00session-digest\x00")


def _row_with_person(token: str) -> tuple[UserSession | None, Any]:
    """Return the session row of ``token`` and its applicant or staff member, read in one query."""
    rows = SESSION_WITH_PERSON.rows(digest=token_hash(token))
    row = rows[0] if rows else None
    if row is None:
        return None, None
    record = getattr(row, f"_{row.kind}", None) if row.kind in KINDS else None
    return row, (record if record is not None and record.id is not None else None)


def load(token: str) -> SignedInUser | None:
    """Flask-Login's user loader: the live session row of ``token`` and its person, or None."""
    row, record = _row_with_person(token)
    if row is None or row.revoked_at is not None:
        return None
    moment = now()
    idle, absolute = _limits()
    if moment - row.last_seen_at >= idle or moment - row.created_at >= absolute:
        UserSession.update(revoked_at=moment).where(UserSession.id == row.id).execute()
        return None
    spec = KINDS.get(row.kind)
    if record is None or not spec.usable(record):
        return None
    if moment - row.last_seen_at >= TOUCH_EVERY:
        UserSession.update(last_seen_at=moment).where(UserSession.id == row.id).execute()
        row.last_seen_at = moment
    return spec.user_class(row, record, token)


def end() -> None:
    """Sign out: revoke the current session row, forget the user and re-issue the cookie."""
    revoke_token(session.get("_user_id"))
    logout_user()
    reset_flask_session()


def revoke_all(kind: str, user_id: int) -> int:
    """Revoke every open session of one person (after an email change, a lock, a role change)."""
    return (UserSession.update(revoked_at=now())
            .where((UserSession.kind == kind) & (UserSession.user_id == user_id)
                   & UserSession.revoked_at.is_null())
            .execute())


def cleanup() -> int:
    """Delete session rows that can no longer be used (past the absolute lifetime); return how many."""
    _idle, absolute = _limits()
    cutoff = now() - absolute - dt.timedelta(days=1)
    return UserSession.delete().where(UserSession.created_at < cutoff).execute()
