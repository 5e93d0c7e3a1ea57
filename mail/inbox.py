"""The development inbox: every queued e-mail, read from the outbox table (any backend)."""

from __future__ import annotations

from flask import Blueprint, Flask, abort, current_app, render_template

from mail.outbox import recent
from models import MailMessage

bp = Blueprint("dev_inbox", __name__, url_prefix="/dev/inbox")
SHOWN = 200


@bp.before_request
def development_only() -> None:
    """Answer 404 unless the app runs in development (the inbox shows one-time passwords)."""
    if current_app.config.get("MIKHAK_ENV") != "development":
        abort(404)


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
