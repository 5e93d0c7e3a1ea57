"""Public tracking: tracking code plus national code → current status and next step, nothing personal."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, render_template
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import InputRequired

from casework.tracking import format_code, is_valid_code, normalize_code
from casework.workflow import status_of
from core import ratelimit
from core.db import database
from core.models import ServiceRequest
from core.origin import client_ip
from i18n.persian import is_valid_national_code, normalize_national_code
from wizard.snapshots import spec_for_version

bp = Blueprint("tracking", __name__)
LOOKUPS_PER_IP, LOOKUPS_WINDOW = 20, dt.timedelta(hours=1)
FAILURES_PER_CODE, FAILURES_WINDOW = 5, dt.timedelta(minutes=15)


class TrackForm(FlaskForm):
    """Tracking code and the applicant's national code."""

    code = StringField(_l("Tracking code"), validators=[InputRequired(_l("Enter the tracking code."))],
                       render_kw={"autocomplete": "off", "dir": "ltr", "spellcheck": "false"})
    national_code = StringField(_l("National code"), validators=[InputRequired(_l("Enter the national code."))],
                                render_kw={"inputmode": "numeric", "autocomplete": "off", "dir": "ltr"})


def _checked(form: TrackForm) -> bool:
    """Validate the shapes of both codes, adding field messages."""
    ok = form.validate()
    if form.code.data and not is_valid_code(form.code.data):
        form.code.errors = [*form.code.errors, _("This is not a valid tracking code; check each character.")]
        ok = False
    if form.national_code.data and not is_valid_national_code(form.national_code.data):
        form.national_code.errors = [*form.national_code.errors, _("Enter a valid 10-digit national code.")]
        ok = False
    return ok


def lookup(code: str, national_code: str) -> tuple[ServiceRequest | None, int]:
    """Find the request under shared rate limits; return (request or None, seconds to wait when limited)."""
    ip_key, code_key = f"track:ip:{client_ip()}", f"track:fail:{code}"
    with database.atomic():
        ratelimit.lock(ip_key, code_key)
        per_ip = ratelimit.ip_limited(client_ip())
        wait = max(ratelimit.seconds_until_allowed(ip_key, LOOKUPS_PER_IP, LOOKUPS_WINDOW) if per_ip else 0,
                   ratelimit.seconds_until_allowed(code_key, FAILURES_PER_CODE, FAILURES_WINDOW))
        if wait:
            return None, wait
        if per_ip:
            ratelimit.hit(ip_key)
        found = ServiceRequest.get_or_none((ServiceRequest.tracking_code == code)
                                           & (ServiceRequest.national_code == national_code))
        if found is None:
            ratelimit.hit(code_key)
        return found, 0


@bp.route("/track", methods=["GET", "POST"])
def track():
    """Show a request's status to whoever holds both its tracking code and the national code."""
    form = TrackForm()
    result, wait, not_found = None, 0, False
    if form.is_submitted() and _checked(form):
        found, wait = lookup(normalize_code(form.code.data), normalize_national_code(form.national_code.data))
        if found is not None:
            spec = spec_for_version("service", found.service_id, found.version_key)
            status = status_of(spec, found.status)
            result = {"code": format_code(found.tracking_code), "service": spec.title, "status": status,
                      "submitted_at": found.submitted_at, "updated_at": found.updated_at}
        not_found = found is None and not wait
    status_code = 429 if wait else 200
    return render_template("applicant/track.html", form=form, result=result, wait=wait,
                           not_found=not_found), status_code
