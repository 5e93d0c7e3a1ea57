"""Shared rate limits: sliding windows counted over `RateEvent` rows, so every worker and host agrees.

A limit is "at most ``limit`` events of ``key`` in the last ``window``". Callers that check a limit
and then count an event must do both inside ``database.atomic()`` after ``lock(key)``: on PostgreSQL
that takes a transaction-scoped advisory lock per key, on SQLite the IMMEDIATE transaction already
serializes writers. Times come from ``now()``, which tests replace through the ``CLOCK`` setting.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math

from flask import current_app

from core import db
from core.models import RateEvent, utcnow

Window = dt.timedelta | int | float


now = utcnow  # the one clock (core.models.utcnow, CLOCK-aware); the name stays for the modules importing it


def _window(window: Window) -> dt.timedelta:
    """Accept a timedelta or a number of seconds."""
    return window if isinstance(window, dt.timedelta) else dt.timedelta(seconds=window)


def ip_limited(ip: str) -> bool:
    """Whether per-address limits apply to ``ip``: all but RATELIMIT_EXEMPT_IPS (load tests; refused in production)."""
    return ip not in (current_app.config.get("RATELIMIT_EXEMPT_IPS") or ())


def lock(*keys: str) -> None:
    """Serialize check-then-hit on ``keys`` until the surrounding transaction ends (PostgreSQL)."""
    if db.is_sqlite():
        return
    for key in sorted(set(keys)):
        number = int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big", signed=True)
        db.database.execute_sql("SELECT pg_advisory_xact_lock(%s)", (number,))


def hit(key: str, at: dt.datetime | None = None) -> None:
    """Count one event of ``key`` now (or at ``at``)."""
    RateEvent.create(key=key, created_at=at or now())


def count(key: str, window: Window) -> int:
    """Return how many events of ``key`` happened in the last ``window``."""
    since = now() - _window(window)
    return RateEvent.select().where((RateEvent.key == key) & (RateEvent.created_at > since)).count()


def last(key: str, window: Window) -> dt.datetime | None:
    """Return the time of the latest event of ``key`` in the last ``window``, if any."""
    since = now() - _window(window)
    row = (RateEvent.select(RateEvent.created_at)
           .where((RateEvent.key == key) & (RateEvent.created_at > since))
           .order_by(RateEvent.created_at.desc()).first())
    return row.created_at if row else None


def seconds_until_allowed(key: str, limit: int, window: Window) -> int:
    """Return 0 when one more event of ``key`` fits the limit, else the whole seconds to wait."""
    span = _window(window)
    current = now()
    recent = (RateEvent.select(RateEvent.created_at)
              .where((RateEvent.key == key) & (RateEvent.created_at > current - span))
              .order_by(RateEvent.created_at.desc()).limit(limit))
    times = [row.created_at for row in recent]
    if len(times) < limit:
        return 0
    # The oldest of the latest `limit` events must leave the window before another one fits.
    return max(1, math.ceil((times[-1] + span - current).total_seconds()))


def cleanup(older_than: Window = dt.timedelta(days=2)) -> int:
    """Delete events older than ``older_than`` (longer than every window in use); return how many."""
    return RateEvent.delete().where(RateEvent.created_at < now() - _window(older_than)).execute()
