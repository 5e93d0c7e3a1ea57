"""The development inbox: every queued e-mail, read from the outbox table (any backend)."""

from __future__ import annotations

import ipaddress

from flask import Blueprint, Flask, abort, current_app, render_template, request

from core.models import MailMessage
from mailer.outbox import recent

bp = Blueprint("dev_inbox", __name__, url_prefix="/dev/inbox")
SHOWN = 200


@bp.before_request
def development_only() -> None:
    """Answer 404 unless the app runs in development and is asked from this machine (it shows one-time passwords).

    The loopback check guards a deployment that forgot ``MIKHAK_ENV=production``: the inbox then still
    answers only on the server itself (test clients report 127.0.0.1).
    """
    if current_app.config.get("MIKHAK_ENV") != "development" or not _from_this_machine():
        abort(404)


def _from_this_machine() -> bool:
    """Return whether the request comes from a loopback address."""
    try:
        return ipaddress.ip_address(request.remote_addr or "").is_loopback
    except ValueError:
        return False


@bp.get("")
def index():
    """List the newest messages: recipient, subject, time, status."""
    return render_template("dev/inbox.html", messages=recent(SHOWN))


@bp.get("/<int:message_id>")
def show(message_id: int):
    """Show one message: headers, text part and the HTML part in a sandboxed frame."""
    message = MailMessage.get_or_none(MailMessage.id == message_id)
    if message is None:
        abort(404)
    return render_template("dev/message.html", message=message)


def init_app(app: Flask) -> None:
    """Register the inbox in development only."""
    if app.config.get("MIKHAK_ENV") == "development":
        app.register_blueprint(bp)
