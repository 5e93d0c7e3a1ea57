"""Delivery from the outbox: claim due messages safely across workers, send, record, back off, retry.

A row's life: ``pending`` → (claimed) ``sending`` → ``sent``; on a failure back to ``pending`` with a
later ``next_attempt_at``, and ``failed`` after MAX_ATTEMPTS attempts or a permanent refusal (kept,
listed by ``flask mail list``, sent again after ``flask mail retry``).

While a row is ``sending``, ``next_attempt_at`` holds the end of the claim: a worker that crashed
mid-batch leaves rows that any worker reclaims once the claim has expired. Each claim adds one to
``attempts``, and a worker records its result only while the row still carries its claim
(status ``sending`` and the same ``attempts``), so a reclaimed row is never marked by the loser.
Delivery is at least once: the Message-ID is the same on every attempt.

After an outage the back-off is cut short: each batch first checks whether messages wait only because
the server was unavailable, and if the server answers now, makes them due at once (``wake_if_back``).
A check that still finds the server down changes nothing (no attempt is counted).
"""

from __future__ import annotations

import datetime as dt
import logging
import random
from collections.abc import Iterable

from flask import current_app

from core.db import database, is_sqlite
from core.models import MailMessage, utcnow
from mailer.health import forget as forget_mail_health
from mailer.message import build_message
from mailer.senders import MessageRejected, Sender, SenderUnavailable, open_sender

log = logging.getLogger("mikhak.mail")

MAX_ATTEMPTS = 12
BACKOFF_BASE_SECONDS = 30
BACKOFF_CAP_SECONDS = 3600
CLAIM_TIMEOUT = dt.timedelta(minutes=15)
ERROR_MAX = 2000
STATUSES = ("pending", "sending", "sent", "failed")


def backoff_seconds(attempts: int, rng: random.Random | None = None) -> float:
    """Return the wait after the ``attempts``-th failed attempt: 30 s × 2^(n-1), capped at 1 h, less 0–25 %."""
    ceiling = min(BACKOFF_BASE_SECONDS * 2 ** max(attempts - 1, 0), BACKOFF_CAP_SECONDS)
    return ceiling * (rng or random).uniform(0.75, 1.0)


def _claim(limit: int, only_ids: Iterable[int] | None = None) -> list[MailMessage]:
    """Mark up to ``limit`` due messages as ``sending`` for this worker and return them.

    On PostgreSQL the candidates are locked with FOR UPDATE SKIP LOCKED, so concurrent workers take
    different rows without waiting; on SQLite the transaction is IMMEDIATE (one writer at a time).
    The UPDATE repeats the due condition, so a row changed since it was read is never taken.
    """
    now = utcnow()
    due = (MailMessage.next_attempt_at <= now) & MailMessage.status.in_(("pending", "sending"))
    if only_ids is not None:
        due &= MailMessage.id.in_(list(only_ids)) & (MailMessage.status == "pending")
    with database.atomic():
        candidates = (MailMessage.select(MailMessage.id).where(due)
                      .order_by(MailMessage.next_attempt_at, MailMessage.id).limit(limit))
        if not is_sqlite():
            candidates = candidates.for_update(skip_locked=True)
        ids = [row.id for row in candidates]
        if not ids:
            return []
        claimed_until = now + CLAIM_TIMEOUT
        (MailMessage.update(status="sending", attempts=MailMessage.attempts + 1, next_attempt_at=claimed_until)
         .where(MailMessage.id.in_(ids) & due).execute())
        return list(MailMessage.select()
                    .where(MailMessage.id.in_(ids) & (MailMessage.status == "sending")
                           & (MailMessage.next_attempt_at == claimed_until))
                    .order_by(MailMessage.id))


def _ours(row: MailMessage):
    """Return the condition that ``row`` still carries this worker's claim."""
    return (MailMessage.id == row.id) & (MailMessage.status == "sending") & (MailMessage.attempts == row.attempts)


SCRUBBED = "[removed after delivery: this message held a one-time password]"


def _mark_sent(row: MailMessage) -> None:
    """Record a delivered message; a sensitive one delivered by SMTP keeps no copy of its secret."""
    now = utcnow()
    changes: dict = {"status": "sent", "sent_at": now, "next_attempt_at": now, "last_error": ""}
    if row.sensitive and current_app.config["MAIL_BACKEND"] == "smtp":
        changes.update(body_text=SCRUBBED, body_html="")
    MailMessage.update(**changes).where(_ours(row)).execute()


def _mark_failed(row: MailMessage, error: BaseException, permanent: bool = False) -> None:
    """Record a failed attempt: back off, or give up after MAX_ATTEMPTS or a permanent refusal."""
    now = utcnow()
    text = f"{type(error).__name__}: {error}"[:ERROR_MAX]
    if permanent or row.attempts >= MAX_ATTEMPTS:
        changes = {"status": "failed", "next_attempt_at": now}
        log.error("mail %s failed for good after %s attempt(s): %s", row.id, row.attempts, text)
    else:
        delay = dt.timedelta(seconds=backoff_seconds(row.attempts))
        changes = {"status": "pending", "next_attempt_at": now + delay}
        log.warning("mail %s attempt %s failed, next in %ss: %s", row.id, row.attempts,
                    int(delay.total_seconds()), text)
    MailMessage.update(last_error=text, **changes).where(_ours(row)).execute()


def _deliver(sender: Sender, rows: list[MailMessage]) -> tuple[int, int]:
    """Send claimed ``rows`` with ``sender``, outside any transaction; return (sent, failed)."""
    mail_from = current_app.config["MAIL_FROM"]
    sent = failed = 0
    for index, row in enumerate(rows):
        try:
            sender.send(build_message(row, mail_from))
        except SenderUnavailable as exc:
            forget_mail_health()  # the next sign-in asks the server again
            for waiting in rows[index:]:
                _mark_failed(waiting, exc)
            return sent, failed + len(rows) - index
        except MessageRejected as exc:
            _mark_failed(row, exc, permanent=True)
            failed += 1
        except Exception as exc:  # one bad message must not hold up the others
            log.exception("mail %s could not be sent", row.id)
            _mark_failed(row, exc)
            failed += 1
        else:
            _mark_sent(row)
            sent += 1
            log.info("mail %s sent", row.id)
    return sent, failed


UNAVAILABLE = SenderUnavailable.__name__ + ":"


def held_by_outage():
    """Return the condition of messages waiting only because the server was unavailable."""
    return ((MailMessage.status == "pending") & (MailMessage.attempts > 0)
            & MailMessage.last_error.startswith(UNAVAILABLE))


def wake_if_back(sender: Sender) -> int:
    """Make messages held back by an outage due now if the server answers again; return how many."""
    now = utcnow()
    waiting = held_by_outage() & (MailMessage.next_attempt_at > now)
    if not MailMessage.select().where(waiting).exists() or not sender.reachable():
        return 0
    woken = MailMessage.update(next_attempt_at=now).where(waiting).execute()
    log.info("mail server is back: %s held message(s) due now", woken)
    return woken


def deliver_pending(limit: int = 100) -> tuple[int, int]:
    """Claim up to ``limit`` due messages, send them and return (sent, failed)."""
    with open_sender(current_app.config) as sender:  # a misconfigured backend fails before claiming
        wake_if_back(sender)
        return _deliver(sender, _claim(limit))


def deliver_queued(message_ids: Iterable[int]) -> tuple[int, int]:
    """Send these just-committed messages now if no worker has taken them; return (sent, failed)."""
    ids = list(message_ids)
    if not ids:
        return 0, 0
    with open_sender(current_app.config) as sender:
        return _deliver(sender, _claim(len(ids), only_ids=ids))


def deliver_all_due(batch: int = 100) -> tuple[int, int]:
    """Send batches until no due message is left; return the totals (sent, failed)."""
    total_sent = total_failed = 0
    while True:
        sent, failed = deliver_pending(batch)
        total_sent, total_failed = total_sent + sent, total_failed + failed
        if sent + failed < batch:
            return total_sent, total_failed


def retry_failed(message_ids: Iterable[int] | None = None) -> int:
    """Put failed messages (all, or those in ``message_ids``) back in the queue, due now; return how many."""
    query = MailMessage.update(status="pending", attempts=0, next_attempt_at=utcnow()).where(
        MailMessage.status == "failed")
    if message_ids is not None:
        query = query.where(MailMessage.id.in_(list(message_ids)))
    return query.execute()


def recent(limit: int = 50, status: str | None = None) -> list[MailMessage]:
    """Return the newest messages first, optionally only those with ``status``."""
    query = MailMessage.select().order_by(MailMessage.created_at.desc(), MailMessage.id.desc()).limit(limit)
    if status is not None:
        query = query.where(MailMessage.status == status)
    return list(query)
