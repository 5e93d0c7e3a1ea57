"""Inline sending: after a request whose work committed, try to deliver what it queued at once."""

from __future__ import annotations

import logging

from flask import Flask, current_app, g, has_request_context
from werkzeug.wrappers import Response

from db import database

log = logging.getLogger("mikhak.mail")


def note_queued(message_id: int) -> None:
    """Remember ``message_id`` for this request once (and only if) its transaction commits."""
    if not has_request_context() or not current_app.config.get("MAIL_SEND_INLINE"):
        return
    committed = g.setdefault("mail_committed_ids", [])
    try:
        database.after_commit(lambda: committed.append(message_id))
    except ValueError:  # inside manual_commit(), where peewee keeps no callbacks: the worker sends it
        log.info("mail %s queued in a manual transaction; left to the worker", message_id)


def init_app(app: Flask) -> None:
    """Deliver the request's committed messages after the view; failures stay queued for the worker."""

    @app.after_request
    def send_queued_mail(response: Response) -> Response:
        message_ids = g.pop("mail_committed_ids", None)
        if message_ids:
            from mail.outbox import deliver_queued

            try:
                deliver_queued(message_ids)
            except Exception:
                log.exception("inline mail delivery failed; the worker will send messages %s", message_ids)
        return response
