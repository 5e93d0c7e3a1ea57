"""Where a request comes from: its id (for the logs and the audit trail) and the client's address."""

from __future__ import annotations

import secrets

from flask import g, request


def request_id() -> str:
    """Return this request's id (taken from X-Request-ID when it is sane, otherwise generated)."""
    if "request_id" not in g:
        incoming = request.headers.get("X-Request-ID", "")
        g.request_id = incoming if incoming.isalnum() and len(incoming) <= 32 else secrets.token_hex(8)
    return g.request_id


def client_ip() -> str:
    """Return the client's address (the proxy's X-Forwarded-For is trusted only through ProxyFix)."""
    return request.remote_addr or ""
