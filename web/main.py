"""Home page, language switch and health check."""

from __future__ import annotations

from urllib.parse import urlsplit

import peewee
from flask import Blueprint, current_app, jsonify, redirect, render_template, request, session

from core.db import database, discard_connection

bp = Blueprint("main", __name__)


def safe_next(target: str | None, fallback: str = "/") -> str:
    """Return ``target`` when it is a same-site relative path, otherwise ``fallback``.

    Control characters are refused: a line break cannot go into a Location header (werkzeug raises),
    and browsers drop tabs and line breaks from URLs, which could turn ``/<TAB>/host`` into ``//host``.
    """
    if not target or any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in target):
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return fallback
    return target


@bp.get("/")
def home():
    """Show the product's home page with the way in."""
    return render_template("home.html")


@bp.get("/lang/<code>")
def set_language(code: str):
    """Switch the interface language and return to the same page."""
    if code in current_app.config["LANGUAGES"]:
        session["lang"] = code
    return redirect(safe_next(request.args.get("next")))


@bp.get("/healthz")
def healthz():
    """Answer 200 when the database answers, 503 when it does not."""
    try:
        database.execute_sql("SELECT 1").fetchone()
    except (peewee.OperationalError, peewee.InterfaceError, peewee.DatabaseError) as exc:
        current_app.logger.warning("health check: database unavailable: %s", exc)
        discard_connection()
        return jsonify(status="unavailable", database="down"), 503
    return jsonify(status="ok", database="up")
