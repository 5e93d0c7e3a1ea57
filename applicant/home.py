"""The applicant's dashboard after sign-in."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for

from applicant import current_applicant
from auth.decorators import applicant_required

bp = Blueprint("home", __name__)


@bp.get("/dashboard")
@applicant_required
def dashboard():
    """Show the applicant's home: services to start, requests and drafts."""
    applicant = current_applicant()
    if not applicant.is_activated:
        return redirect(url_for("registration.start"))
    return render_template("applicant/dashboard.html", applicant=applicant)
