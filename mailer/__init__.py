"""Email that never gets lost: an outbox written in the caller's transaction, delivered with retries.

Features call ``queue_email(to, template, locale, **context)`` (or ``queue_raw``) inside the transaction
of their action; ``deliver_pending`` (the ``flask mail`` commands, or inline after the request in
development) sends what is due.
"""

from __future__ import annotations

from flask import Flask

from mailer.compose import queue_email, queue_raw, render_email
from mailer.outbox import deliver_pending, retry_failed

__all__ = ["deliver_pending", "init_app", "queue_email", "queue_raw", "render_email", "retry_failed"]


def init_app(app: Flask) -> None:
    """Check the mail backend and attach the CLI, inline sending and (in development) the dev inbox."""
    from mailer import cli, inbox, inline, senders

    senders.check_backend(app.config["MAIL_BACKEND"])
    cli.init_app(app)
    inline.init_app(app)
    inbox.init_app(app)
