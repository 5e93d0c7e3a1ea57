"""The applicant's dashboard after sign-in."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for

from applicant import current_applicant
from applicant.my_requests import draft_rows, request_rows
from auth.decorators import applicant_required

bp = Blueprint("home", __name__)
RECENT_REQUESTS = 5


@bp.get("/dashboard")
@applicant_required
def dashboard():
    """Show the applicant's home: start a request, drafts to continue, recent requests, tracking."""
    applicant = current_applicant()
    if not applicant.is_activated:
        return redirect(url_for("registration.start"))
    return render_template("applicant/dashboard.html", applicant=applicant, drafts=draft_rows(applicant),
                           recent=request_rows(applicant, limit=RECENT_REQUESTS))
