"""Inline sending: once a request's work has committed and its response is sent, deliver what it queued."""

from __future__ import annotations

import logging

from flask import Flask, current_app, g, has_request_context
from werkzeug.wrappers import Response

from core.db import database

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


def _deliver_after_response(app: Flask, message_ids: list[int]) -> None:
    """Deliver ``message_ids`` in a fresh app context; log failures, which stay queued for the worker."""
    from mailer.outbox import deliver_queued

    with app.app_context():
        try:
            deliver_queued(message_ids)
        except Exception:
            log.exception("inline mail delivery failed; the worker will send messages %s", message_ids)


def init_app(app: Flask) -> None:
    """Deliver a request's committed messages once its response has been sent.

    Sending after the response (``call_on_close``) keeps SMTP time out of the response: a slow or
    unreachable server never delays or breaks the page, and whether a request sent mail cannot be told
    from its timing.
    """

    @app.after_request
    def send_queued_mail(response: Response) -> Response:
        message_ids = g.pop("mail_committed_ids", None)
        if message_ids:
            application = current_app._get_current_object()
            response.call_on_close(lambda: _deliver_after_response(application, message_ids))
        return response
