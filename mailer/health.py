"""Whether e-mail can be sent now, so that sign-in can say at once that no code can arrive."""

from __future__ import annotations

import time

from flask import current_app

from mailer.senders import open_sender

UP_FOR_SECONDS, DOWN_FOR_SECONDS = 30.0, 5.0  # how long a check's answer is reused in this process
PROBE_TIMEOUT_SECONDS = 3


def mail_down() -> bool:
    """Return True when the mail backend does not take messages now (checked at most every few seconds).

    The answer is about the mail server, never about an applicant: every sign-in gets the same one.
    """
    app = current_app._get_current_object()
    cached = app.extensions.get("mikhak_mail_health")
    moment = time.monotonic()
    if cached and moment < cached[0]:
        return cached[1]
    config = dict(app.config)
    config["MAIL_TIMEOUT"] = min(float(config.get("MAIL_TIMEOUT") or PROBE_TIMEOUT_SECONDS), PROBE_TIMEOUT_SECONDS)
    with open_sender(config) as sender:
        down = not sender.reachable()
    app.extensions["mikhak_mail_health"] = (moment + (DOWN_FOR_SECONDS if down else UP_FOR_SECONDS), down)
    return down


def forget() -> None:
    """Drop the cached answer (after a delivery failed, the next check asks the server again)."""
    current_app.extensions.pop("mikhak_mail_health", None)
