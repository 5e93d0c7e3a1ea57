"""Applicant sign-in pages: details, code, resend, sign-out, and the account page."""

from __future__ import annotations

import math

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from auth import otp, sessions
from auth.decorators import applicant_home_url, applicant_required, registration_url
from auth.forms import ActionForm, CodeForm, SignInForm
from core import audit
from core.models import Applicant, OtpChallenge
from core.origin import client_ip
from i18n import current_language, localized_digits
from mailer.health import mail_down
from web.main import safe_next

bp = Blueprint("auth", __name__)
ATTEMPT = "sign_in"  # Flask-session key: {"attempt": attempt id, "next": where to go after}


def describe_wait(seconds: int) -> str:
    """Say a wait in the reader's language and digits: seconds up to 90, then minutes, then hours."""
    if seconds <= 90:
        return ngettext("%(count)s second", "%(count)s seconds", seconds, count=localized_digits(seconds))
    minutes = math.ceil(seconds / 60)
    if minutes <= 90:
        return ngettext("%(count)s minute", "%(count)s minutes", minutes, count=localized_digits(minutes))
    hours = math.ceil(seconds / 3600)
    return ngettext("%(count)s hour", "%(count)s hours", hours, count=localized_digits(hours))


def _send_refused(sent: otp.Sent) -> str:
    """Explain why no code could be sent now."""
    if sent.locked:
        return _("Too many wrong codes were entered for this national code. You can try again in %(wait)s.",
                 wait=describe_wait(sent.wait_seconds))
    if sent.connection:
        return _("Many sign-in codes were asked for from this internet connection recently (a shared home, office "
                 "or consulate Wi-Fi counts as one), so sending codes to it is paused for a while. You can ask for a "
                 "code again in %(wait)s, or now from another connection, such as your phone's mobile data.",
                 wait=describe_wait(sent.wait_seconds))
    return _("You have asked for too many codes. You can ask for a new code in %(wait)s.",
             wait=describe_wait(sent.wait_seconds))


def _current_challenge() -> OtpChallenge | None:
    """Return the challenge of this browser's sign-in attempt, if there is one."""
    attempt = (session.get(ATTEMPT) or {}).get("attempt")
    return OtpChallenge.get_or_none(OtpChallenge.attempt_id == attempt) if attempt else None


def _landing(applicant: Applicant, next_path: str | None) -> str:
    """Return where a newly signed-in applicant goes: registration first, then ``next`` or their home."""
    if not applicant.is_activated:
        return registration_url()
    return safe_next(next_path, applicant_home_url())


@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in():
    """Ask for national code and email, and send a one-time password."""
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next"), applicant_home_url()))
    form = SignInForm()
    problems: list[str] = []
    status = 200
    if request.method == "GET":
        form.next.data = safe_next(request.args.get("next"), "")
        challenge = _current_challenge() if request.args.get("change") else None
        if challenge is not None:
            form.national_code.data, form.email.data = challenge.national_code, challenge.email
            form.next.data = (session.get(ATTEMPT) or {}).get("next", "")
    elif form.validate_on_submit():
        if mail_down():
            return _mail_down_page(form)
        sent = otp.issue(form.national_code.data, form.email.data, locale=current_language(), ip=client_ip())
        if sent.attempt_id:
            session[ATTEMPT] = {"attempt": sent.attempt_id, "next": safe_next(form.next.data, "")}
            return redirect(url_for("auth.code"), 303)
        problems.append(_send_refused(sent))
        status = 429
    return render_template("auth/sign_in.html", form=form, problems=problems), status


MAIL_RETRY_AFTER = 60


def _mail_down_page(form: SignInForm):
    """Say at once that no code can be e-mailed now (the same for every national code); nothing is counted."""
    audit.record("otp.refused", object_type="national_code", object_id=form.national_code.data or "",
                 reason="mail_unavailable")
    problem = _("We cannot send emails at the moment, so no code was sent. Please try again in a few minutes; "
                "nothing you entered counts against you.")
    response = render_template("auth/sign_in.html", form=form, problems=[problem])
    return response, 503, {"Retry-After": str(MAIL_RETRY_AFTER)}


def _render_code(challenge: OtpChallenge, form: CodeForm, problems: list[str], status: int = 200):
    """Render the code page with the resend button's state."""
    wait = otp.send_wait(challenge.national_code, client_ip())
    return render_template(
        "auth/code.html", form=form, action_form=ActionForm(), email=challenge.email, problems=problems,
        resend_wait=describe_wait(wait) if wait else "", minutes=int(otp.CODE_LIFETIME.total_seconds() // 60),
        mail_down=mail_down(),
    ), status


def _no_attempt():
    flash(_("Enter your national code and email address to receive a one-time password."), "info")
    return redirect(url_for("auth.sign_in"), 303)


@bp.route("/sign-in/code", methods=["GET", "POST"])
def code():
    """Take the six-digit code; on success start a fresh session and go on."""
    if current_user.is_authenticated:
        return redirect(applicant_home_url())
    challenge = _current_challenge()
    if challenge is None:
        return _no_attempt()
    form = CodeForm()
    if not form.validate_on_submit():
        return _render_code(challenge, form, [])
    checked = otp.verify(challenge.attempt_id, form.code.data, locale=current_language())
    if checked.status == "ok":
        next_path = (session.get(ATTEMPT) or {}).get("next")
        sessions.start("applicant", checked.applicant)
        return redirect(_landing(checked.applicant, next_path), 303)
    if checked.status == "missing":
        return _no_attempt()
    wait = describe_wait(checked.wait_seconds) if checked.wait_seconds else ""
    messages = {
        "wrong": ngettext("The code is not right. You can try %(count)s more time.",
                          "The code is not right. You can try %(count)s more times.",
                          checked.tries_left, count=localized_digits(checked.tries_left)),
        "exhausted": _("The code is not right. This code is now void: it was entered wrongly 5 times, so even "
                       "the right code will not work. To get a new code, press “Send a new code” below."),
        "spent": _("This code is now void: it was entered wrongly 5 times, so even the right code will not "
                   "work. To get a new code, press “Send a new code” below."),
        "voided": _("This code can no longer be used: a newer code was sent. Use the code in the newest email, "
                    "or press “Send a new code” below."),
        "used": _("This code has already been used. Ask for a new code."),
        "expired": _("This code has expired: codes are valid for %(minutes)s minutes. Ask for a new code.",
                     minutes=localized_digits(int(otp.CODE_LIFETIME.total_seconds() // 60))),
        "locked": _("Too many wrong codes were entered for this national code. You can try again in %(wait)s.",
                    wait=wait),
        "throttled": _("Too many wrong codes were entered. You can try again in %(wait)s.", wait=wait),
    }
    form.code.errors = [messages[checked.status]]
    return _render_code(challenge, form, [], 429 if checked.wait_seconds else 200)


@bp.post("/sign-in/resend")
def resend():
    """Send a new code for the same details, within the sending limits."""
    challenge = _current_challenge()
    if challenge is None:
        return _no_attempt()
    form = ActionForm()
    if not form.validate_on_submit():
        return redirect(url_for("auth.code"), 303)
    if mail_down():
        return _render_code(challenge, CodeForm(formdata=None), [], 503)
    sent = otp.issue(challenge.national_code, challenge.email, locale=current_language(), ip=client_ip())
    if not sent.attempt_id:
        return _render_code(challenge, CodeForm(formdata=None), [_send_refused(sent)], 429)
    session[ATTEMPT] = {**(session.get(ATTEMPT) or {}), "attempt": sent.attempt_id}
    flash(_("If the details you entered are right, a new code has been sent. Earlier codes no longer work."),
          "success")
    return redirect(url_for("auth.code"), 303)


@bp.post("/sign-out")
def sign_out():
    """End the session on the server; the cookie stops working everywhere."""
    form = ActionForm()
    if form.validate_on_submit() and current_user.is_authenticated:
        audit.record("sign_out", object_type="user_session", object_id=current_user.session_row.id)
        sessions.end()
        flash(_("You have signed out."), "success")
    return redirect(url_for("main.home"), 303)


@bp.get("/account")
@applicant_required
def account():
    """Show who is signed in, the registration state and the way out."""
    return render_template("auth/account.html", applicant=current_user.applicant,
                           registration_url=registration_url(), action_form=ActionForm())


def unauthorized():
    """Send a visitor who is not signed in to the sign-in page, coming back here afterwards."""
    target = request.full_path.rstrip("?") if request.method == "GET" else None
    flash(_("Please sign in to continue."), "info")
    return redirect(url_for("auth.sign_in", next=safe_next(target, "") or None))
