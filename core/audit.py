"""The audit log: append-only rows saying who did what, when (UTC), from where, in which request.

Never logs a one-time password, password, token or cookie: such keys are dropped from the details
wherever they appear, and newlines in every logged string are escaped so one event is one line.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from flask import has_request_context

from core.models import Applicant, AuditLog, Staff, utcnow
from core.origin import client_ip, request_id

log = logging.getLogger("mikhak.audit")

# Keys whose values are secrets. "national_code" and "tracking_code" are not secrets; "code" and
# "otp" alone are the one-time password.
_SECRET_KEY = re.compile(
    r"(^|_)(code|otp|pin|totp)$|password|passwd|passphrase|secret|token|cookie|session|hmac|csrf"
    r"|authorization|credential",
    re.IGNORECASE,
)
_NOT_SECRET = {"national_code", "tracking_code", "postal_code", "office_code", "country_code",
               "currency_code", "status_code", "reason_code", "session_kind"}


def is_secret_key(key: str) -> bool:
    """Return whether a details key names a secret that must never be logged."""
    return key.lower() not in _NOT_SECRET and bool(_SECRET_KEY.search(key))


def escape(text: str) -> str:
    """Escape line breaks and other control characters so a value cannot forge log lines."""
    text = text.replace("\\", "\\\\").replace("\r", "\\r").replace("\n", "\\n")
    return re.sub(r"[\x00-\x08\x0b-\x1f\x7f\u2028\u2029]", lambda m: f"\\x{ord(m.group()):02x}", text)


def clean(value: Any) -> Any:
    """Return ``value`` with secret keys dropped and strings escaped, recursively."""
    if isinstance(value, dict):
        return {escape(str(k)): clean(v) for k, v in value.items() if not is_secret_key(str(k))}
    if isinstance(value, list | tuple | set | frozenset):
        return [clean(v) for v in value]
    if isinstance(value, str):
        return escape(value)
    if value is None or isinstance(value, bool | int | float):
        return value
    return escape(str(value))


def _actor(actor: Any) -> tuple[str, int | None, str]:
    """Return (type, id, label) for an actor: a signed-in user, an Applicant or Staff row, or nobody."""
    if actor is None:
        from flask_login import current_user  # imported here: audit works outside requests too

        if has_request_context() and current_user and current_user.is_authenticated:
            actor = current_user
        else:
            return ("anonymous" if has_request_context() else "system"), None, ""
    if isinstance(actor, str):
        return "system", None, actor
    record = getattr(actor, "record", actor)
    if isinstance(record, Applicant):
        return "applicant", record.id, record.national_code
    if isinstance(record, Staff):
        return "staff", record.id, record.email
    return str(getattr(actor, "kind", "system")), getattr(actor, "id", None), str(getattr(actor, "label", ""))


def record(action: str, *, actor: Any = None, object_type: str = "", object_id: Any = "",
           office_id: int | None = None, **details: Any) -> AuditLog:
    """Append one audit row in the caller's transaction and return it.

    ``actor`` is the signed-in user when omitted (or "anonymous" in a request, "system" outside one);
    pass an Applicant or Staff row, ``current_user``, or a string naming a system job.
    """
    actor_type, actor_id, label = _actor(actor)
    in_request = has_request_context()
    row = AuditLog.create(
        at=utcnow(),
        actor_type=actor_type[:10],
        actor_id=actor_id,
        actor_label=escape(label)[:254],
        action=escape(action)[:60],
        object_type=escape(str(object_type))[:40],
        object_id=escape(str(object_id if object_id is not None else ""))[:64],
        office_id=office_id,
        ip=client_ip()[:45] if in_request else "",
        request_id=request_id() if in_request else "",
        details=clean(details),
    )
    log.info("audit %s actor=%s:%s object=%s:%s request=%s", row.action, row.actor_type, row.actor_id,
             row.object_type, row.object_id, row.request_id)
    return row
