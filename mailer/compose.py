"""Queueing: render an email in the recipient's language and write it to the outbox table."""

from __future__ import annotations

import base64
from typing import Any

from flask import current_app, render_template
from flask_babel import force_locale
from jinja2 import TemplateNotFound

from core.models import MailMessage
from mailer.inline import note_queued

SUBJECT_MAX = MailMessage.subject.max_length
ADDRESS_MAX = MailMessage.to.max_length


def _language(locale: str) -> str:
    """Return a configured language for ``locale`` ('en-GB' → 'en'), else the default language."""
    languages = current_app.config["LANGUAGES"]
    primary = (locale or "").replace("_", "-").split("-", 1)[0].lower()
    return primary if primary in languages else current_app.config["BABEL_DEFAULT_LOCALE"]


def _address(to: str) -> str:
    """Return the recipient address, refusing anything that is not one plain address."""
    address = (to or "").strip()
    if not address or "@" not in address or len(address) > ADDRESS_MAX or any(c in address for c in "\r\n,;<>"):
        raise ValueError(f"not a single e-mail address: {to!r}")
    return address


def _subject(subject: str) -> str:
    """Return the subject on one line, at most the column's length."""
    line = " ".join((subject or "").split())
    if not line:
        raise ValueError("an e-mail needs a subject")
    return line[:SUBJECT_MAX]


def render_email(template: str, locale: str, **context: Any) -> tuple[str, str, str]:
    """Render ``email/<template>`` in ``locale``: return (subject, text, html); html is '' without a file."""
    context.setdefault("public_url", current_app.config["PUBLIC_URL"].rstrip("/"))
    with force_locale(_language(locale)):
        subject = _subject(render_template(f"email/{template}.subject.txt", **context))
        text = render_template(f"email/{template}.txt", subject=subject, **context).strip() + "\n"
        try:
            html = render_template(f"email/{template}.html", subject=subject, **context)
        except TemplateNotFound as exc:
            if exc.name != f"email/{template}.html":
                raise
            html = ""
    return subject, text, html


def queue_email(to: str, template: str, locale: str, *, attachments: list[dict] | None = None,
                sensitive: bool = False, **context: Any) -> MailMessage:
    """Render ``templates/email/<template>.*`` in ``locale`` and add it to the outbox.

    ``attachments`` are dicts made by ``attachment(filename, content_type, data)``. The row is written
    in the caller's current transaction: it exists if and only if the caller's action commits.
    ``sensitive`` marks a message holding a secret (a one-time password): its bodies are removed from
    the outbox once an SMTP server has accepted it.
    """
    subject, text, html = render_email(template, locale, **context)
    return _queue(to, subject, text, html, attachments, sensitive=sensitive)


def attachment(filename: str, content_type: str, data: bytes) -> dict:
    """Return an outbox attachment: {"filename", "content_type", "data" (base64)}."""
    if not filename or any(c in filename for c in "\r\n/\\"):
        raise ValueError(f"not a plain file name: {filename!r}")
    return {"filename": filename, "content_type": content_type, "data": base64.b64encode(data).decode("ascii")}


def queue_raw(to: str, subject: str, text: str, html: str = "") -> MailMessage:
    """Add a message that is not rendered from a template to the outbox (same transaction rules)."""
    if not text:
        raise ValueError("an e-mail needs a text part")
    return _queue(to, _subject(subject), text, html or "")


def _queue(to: str, subject: str, text: str, html: str, attachments: list[dict] | None = None, *,
           sensitive: bool = False) -> MailMessage:
    """Insert the outbox row and, in a request, note it for sending once the request's work commits."""
    message = MailMessage.create(to=_address(to), subject=subject, body_text=text, body_html=html,
                                 attachments=list(attachments or []), sensitive=sensitive)
    note_queued(message.id)
    return message
