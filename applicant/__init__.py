"""The applicant's side: registration, profile, dashboard, services, requests and tracking."""

from __future__ import annotations

from flask_login import current_user

from core.models import Applicant


def current_applicant() -> Applicant:
    """Return the signed-in applicant's row (views are guarded by auth.decorators.applicant_required)."""
    return current_user.applicant
