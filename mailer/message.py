"""Turn an outbox row into an RFC 5322 message: UTF-8, text plus HTML alternative, stable Message-ID."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr

from core.models import MailMessage

# CRLF line ends and 7-bit transfer encodings (base64 or quoted-printable, whichever is shorter), so
# the message passes any SMTP server, with or without 8BITMIME/SMTPUTF8.
POLICY = policy.SMTP.clone(cte_type="7bit")


def sender_domain(mail_from: str) -> str:
    """Return the domain of the From address, used on the right of Message-IDs."""
    domain = parseaddr(mail_from)[1].rpartition("@")[2]
    return domain or "mikhak.localhost"


def message_id(row: MailMessage, mail_from: str) -> str:
    """Return the row's Message-ID: the same on every attempt, so receivers can drop duplicates."""
    return f"<mikhak.{row.id}.{row.created_at:%Y%m%d%H%M%S%f}@{sender_domain(mail_from)}>"


def _attach(message: EmailMessage, attachment: dict) -> None:
    """Add one attachment given as {"filename", "content_type", "data" (base64)}."""
    try:
        filename = attachment["filename"]
        maintype, _sep, subtype = attachment.get("content_type", "application/octet-stream").partition("/")
        data = base64.b64decode(attachment["data"], validate=True)
    except (KeyError, TypeError, binascii.Error) as exc:
        raise ValueError(f"malformed attachment in the outbox: {exc}") from exc
    message.add_attachment(data, maintype=maintype, subtype=subtype or "octet-stream", filename=filename)


def build_message(row: MailMessage, mail_from: str) -> EmailMessage:
    """Build the message for ``row`` from ``mail_from``."""
    message = EmailMessage(policy=POLICY)
    message["From"] = mail_from
    message["To"] = row.to
    message["Subject"] = row.subject
    message["Date"] = format_datetime(row.created_at.replace(tzinfo=dt.UTC))
    message["Message-ID"] = message_id(row, mail_from)
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(row.body_text)
    if row.body_html:
        message.add_alternative(row.body_html, subtype="html")
    for attachment in row.attachments or []:
        _attach(message, attachment)
    return message
