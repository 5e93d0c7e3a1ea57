"""View decorators for other blueprints: who may see a page, and where the others are sent."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import abort, current_app, redirect, request, url_for
from flask_login import current_user

from core import audit

REGISTRATION_ENDPOINT = "registration.start"
DASHBOARD_ENDPOINT = "home.dashboard"


def registration_url() -> str:
    """Return where an applicant completes registration (the home page until registration exists)."""
    if REGISTRATION_ENDPOINT in current_app.view_functions:
        return url_for(REGISTRATION_ENDPOINT)
    return "/"


def applicant_home_url() -> str:
    """Return a signed-in applicant's starting page: the dashboard when it exists, else the account page."""
    if DASHBOARD_ENDPOINT in current_app.view_functions:
        return url_for(DASHBOARD_ENDPOINT)
    return url_for("auth.account")


def _deny(kind: str) -> None:
    """Refuse a signed-in person of the wrong kind: audit it and answer 403."""
    audit.record("access.denied", object_type="path", object_id=request.path[:64],
                 reason="wrong_session_kind", required=kind, had=current_user.kind)
    abort(403)


def _require(kind: str, view: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if not current_user.is_authenticated:
            return current_app.login_manager.unauthorized()
        if current_user.kind != kind:
            _deny(kind)
        return view(*args, **kwargs)

    return wrapper


def applicant_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """Let only a signed-in applicant in: others are sent to sign in, a staff session gets 403."""
    return _require("applicant", view)


def activated_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """Let in only a signed-in applicant whose registration is confirmed; others go to registration."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if not current_user.is_activated:
            return redirect(registration_url())
        return view(*args, **kwargs)

    return applicant_required(wrapper)

