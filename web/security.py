"""Security headers and a request id on every response."""

from __future__ import annotations

from flask import Flask, abort, request
from werkzeug.wrappers import Response

from core.origin import request_id

CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "font-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)


def add_headers(response: Response) -> Response:
    """Set CSP, nosniff, referrer policy, framing and (in production) HSTS."""
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CSP)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("X-Request-ID", request_id())
    return response


def refuse_nul_in_address() -> None:
    """Answer 400 for a NUL character in the address's parameters: never typed by a person, and PostgreSQL
    refuses it in any text (a list filter or search carrying it was a 500 there)."""
    if "\x00" in request.query_string.decode("latin-1") or any(
            "\x00" in key or "\x00" in value for key, value in request.args.items(multi=True)):
        abort(400)


def init_app(app: Flask) -> None:
    """Install the headers hook; HSTS only when the app runs in production behind HTTPS."""
    app.before_request(refuse_nul_in_address)
    app.after_request(add_headers)
    if app.config["MIKHAK_ENV"] == "production":
        @app.after_request
        def add_hsts(response: Response) -> Response:
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
            return response
