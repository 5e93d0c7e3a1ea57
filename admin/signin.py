"""Staff sign-in: e-mail and password, then a TOTP code (or first enrolment with a QR code); sign-out.

The password step only remembers, in the signed Flask session, which staff member passed it and
when (5 minutes); the staff session itself (kind 'staff', a server-side row) starts after the code.
Five failures in a row, password or code, lock the account for 15 minutes (audited). Failures from
one address are also limited, whatever the account.
"""

from __future__ import annotations

import datetime as dt
import re

import segno
from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, PasswordField, StringField
from wtforms.validators import DataRequired, Length

from admin import credentials
from admin.base import current_staff
from auth import sessions
from core import audit, ratelimit
from core.models import Staff
from core.origin import client_ip
from i18n import localized_digits
from i18n.persian import normalize_digits
from web.main import safe_next

bp = Blueprint("staff_auth", __name__, url_prefix="/admin")
PENDING = "staff_pending"  # Flask-session key: {"id", "at" (ISO time the password was right), "next"}
PENDING_FOR = dt.timedelta(minutes=5)
IP_LIMIT, IP_WINDOW = 30, dt.timedelta(minutes=15)


class PasswordForm(FlaskForm):
    """E-mail and password."""

    email = EmailField(_l("Email address"), validators=[DataRequired(_l("Enter your email address.")),
                                                        Length(max=254)],
                       render_kw={"autocomplete": "username", "dir": "ltr", "spellcheck": "false",
                                  "autocapitalize": "none"})
    password = PasswordField(_l("Password"), validators=[DataRequired(_l("Enter your password.")), Length(max=256)],
                             render_kw={"autocomplete": "current-password", "dir": "ltr"})
    next = HiddenField()


class CodeForm(FlaskForm):
    """The 6-digit code of the authenticator app."""

    code = StringField(
        _l("Code from your authenticator app"),
        filters=[lambda value: re.sub(r"\s", "", normalize_digits(value or ""))],
        validators=[DataRequired(_l("Enter the 6-digit code."))],
        description=_l("The 6-digit code your authenticator app shows for Mikhak now."),
        render_kw={"class": "code-input", "autocomplete": "one-time-code", "inputmode": "numeric", "dir": "ltr",
                   "maxlength": 10, "spellcheck": "false"})


class SignOutForm(FlaskForm):
    """The sign-out button: only its CSRF token."""


def _ip_key() -> str:
    return f"staff_sign_in_ip:{client_ip()}"


def _pending_staff() -> tuple[Staff | None, dict]:
    """Return the staff member who passed the password step in this browser recently, if any."""
    pending = session.get(PENDING) or {}
    try:
        since = dt.datetime.fromisoformat(pending["at"])
    except (KeyError, TypeError, ValueError):
        return None, {}
    if ratelimit.now() - since > PENDING_FOR:
        session.pop(PENDING, None)
        return None, {}
    staff = Staff.get_or_none(Staff.id == pending.get("id"))
    if staff is None or not staff.active or credentials.is_locked(staff):
        session.pop(PENDING, None)
        return None, {}
    return staff, pending


def _locked_message(staff: Staff) -> str:
    minutes = credentials.minutes_locked(staff)
    return ngettext("Too many failed attempts: this account is locked. Try again in %(count)s minute.",
                    "Too many failed attempts: this account is locked. Try again in %(count)s minutes.",
                    minutes, count=localized_digits(minutes))


def _restart(message: str):
    flash(message, "info")
    return redirect(url_for("staff_auth.sign_in"), 303)


@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in():
    """The password step."""
    if current_staff() is not None:
        return redirect(safe_next(request.args.get("next"), url_for("admin.index")))
    form = PasswordForm()
    problems: list[str] = []
    status = 200
    if request.method == "GET":
        form.next.data = safe_next(request.args.get("next"), "")
    elif form.validate_on_submit():
        wait = ratelimit.seconds_until_allowed(_ip_key(), IP_LIMIT, IP_WINDOW)
        staff = credentials.find_staff(form.email.data)
        if wait:
            audit.record("staff.sign_in_throttled", object_type="ip", object_id=client_ip())
            problems.append(_("Too many failed sign-in attempts from your network. Try again later."))
            status = 429
        elif staff is not None and credentials.is_locked(staff):
            audit.record("staff.sign_in_refused", actor=staff, object_type="staff", object_id=staff.id,
                         office_id=staff.office_id, reason="locked")
            problems.append(_locked_message(staff))
            status = 429
        elif not credentials.check_password(staff, form.password.data) or not staff.active:
            ratelimit.hit(_ip_key())
            if staff is None:
                audit.record("staff.sign_in_failed", object_type="staff", object_id="", stage="password",
                             reason="unknown_email")
            elif credentials.record_failure(staff, "password"):
                problems.append(_locked_message(staff))
            problems = problems or [_("The email address or password is not right.")]
            status = 429 if staff is not None and credentials.is_locked(staff) else 200
        else:
            session[PENDING] = {"id": staff.id, "at": ratelimit.now().isoformat(),
                                "next": safe_next(form.next.data, "")}
            target = "staff_auth.code" if staff.totp_confirmed else "staff_auth.enrol"
            return redirect(url_for(target), 303)
    return render_template("admin/sign_in.html", form=form, problems=problems), status


def _finish(staff: Staff, pending: dict, how: str):
    """Start the staff session after a right code."""
    credentials.clear_failures(staff)
    sessions.start("staff", staff)
    audit.record("staff.sign_in", actor=staff, object_type="staff", object_id=staff.id, office_id=staff.office_id,
                 second_factor=how)
    return redirect(safe_next(pending.get("next"), url_for("admin.index")), 303)


def _check_code(staff: Staff, form: CodeForm) -> str | None:
    """Verify the submitted code; return an error message or None when it was right."""
    result = credentials.verify_totp(staff, form.code.data)
    if result.status == "ok":
        return None
    if credentials.record_failure(staff, "totp_reused" if result.status == "reused" else "totp"):
        session.pop(PENDING, None)
        return _locked_message(staff)
    if result.status == "reused":
        return _("This code has already been used. Wait for the next code and enter it.")
    return _("The code is not right. Check that your device's clock is correct and try again.")


@bp.route("/sign-in/code", methods=["GET", "POST"])
def code():
    """The second factor: a TOTP code, each time step usable once."""
    staff, pending = _pending_staff()
    if staff is None:
        return _restart(_("Enter your email address and password to sign in."))
    if not staff.totp_confirmed:
        return redirect(url_for("staff_auth.enrol"), 303)
    form = CodeForm()
    status = 200
    if form.validate_on_submit():
        problem = _check_code(staff, form)
        if problem is None:
            return _finish(staff, pending, "totp")
        form.code.errors = [problem]
        status = 429 if credentials.is_locked(staff) else 200
    return render_template("admin/totp.html", form=form), status


@bp.route("/enrol", methods=["GET", "POST"])
def enrol():
    """First sign-in: show the TOTP secret as a QR code and confirm it with a first code."""
    staff, pending = _pending_staff()
    if staff is None:
        return _restart(_("Enter your email address and password to sign in."))
    if staff.totp_confirmed:
        return redirect(url_for("staff_auth.code"), 303)
    if not staff.totp_secret:
        staff.totp_secret = credentials.new_totp_secret()
        Staff.update(totp_secret=staff.totp_secret).where(Staff.id == staff.id).execute()
    form = CodeForm()
    if form.validate_on_submit():
        problem = _check_code(staff, form)
        if problem is None:
            Staff.update(totp_confirmed=True).where(Staff.id == staff.id).execute()
            audit.record("staff.totp_enrolled", actor=staff, object_type="staff", object_id=staff.id,
                         office_id=staff.office_id)
            return _finish(staff, pending, "totp_enrolment")
        form.code.errors = [problem]
    uri = credentials.provisioning_uri(staff)
    qr = segno.make(uri, error="m").svg_data_uri(scale=5, border=2)
    secret = " ".join(staff.totp_secret[i:i + 4] for i in range(0, len(staff.totp_secret), 4))
    return render_template("admin/enrol.html", form=form, qr=qr, secret=secret, email=staff.email)


@bp.post("/sign-out")
def sign_out():
    """End the staff session on the server."""
    form = SignOutForm()
    if form.validate_on_submit() and current_user.is_authenticated:
        audit.record("staff.sign_out" if current_staff() else "sign_out", object_type="user_session",
                     object_id=current_user.session_row.id)
        sessions.end()
        flash(_("You have signed out."), "success")
    return redirect(url_for("staff_auth.sign_in"), 303)
