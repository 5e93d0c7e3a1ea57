"""Registration (steps 2–6 of the guide): identity, residence, residency, contact; preview; confirm activates."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from applicant import current_applicant
from auth.decorators import applicant_required
from core import audit
from core.db import database
from core.models import Draft, ProfileRevision, utcnow
from forms.registry import current_registry
from i18n import current_language
from mailer import queue_email
from wizard.drafts import find_draft, start_draft, upgrade_draft
from wizard.engine import WizardState
from wizard.snapshots import ensure_snapshot
from wizard.views import WizardFlow

bp = Blueprint("registration", __name__)
KIND = "registration"


class RegistrationFlow(WizardFlow):
    """The registration wizard of ``schemas/registration.yaml`` over the applicant's draft."""

    def state(self, **params) -> WizardState:
        """Load (or start) the applicant's registration draft, upgraded to the current schema."""
        applicant = current_applicant()
        spec = current_registry().registration
        draft = find_draft(applicant, KIND, spec.id)
        if draft is None:
            start = dict(applicant.profile) if applicant.is_activated else {"email": applicant.email}
            draft = start_draft(applicant, KIND, spec, answers=start)
            if applicant.is_activated:
                draft.completed_steps = [step.id for step in spec.steps]
                draft.save()
        elif upgrade_draft(draft, spec):
            flash(_("The registration form was updated since you started. Please check the marked steps."), "warning")
        return WizardState(spec=spec, draft=draft, profile={})

    def heading(self, state: WizardState, **params) -> str:
        """Return the heading shown above every step."""
        return _("Registration") if not current_applicant().is_activated else _("Edit your details")

    def confirm_label(self, state: WizardState) -> str:
        """Return the confirm button's text."""
        return _("Confirm and activate my account") if not current_applicant().is_activated else _("Confirm changes")

    def review_extra(self, state: WizardState, **params) -> dict:
        """The national code the account was opened with, so a mistyped (but valid) one is caught here."""
        return {"account_national_code": current_applicant().national_code}

    def confirm(self, state: WizardState, **params):
        """Save the profile, keep its history, activate the account and send the confirmation e-mail."""
        applicant = current_applicant()
        first_time = not applicant.is_activated
        with database.atomic():
            if Draft.delete().where(Draft.id == state.draft.id).execute() == 0:
                return redirect(url_for("registration.profile"))
            profile = state.effective_answers()
            if not first_time and profile == applicant.profile:
                flash(_("Nothing was changed."), "info")
                return redirect(url_for("registration.profile"))
            version = ensure_snapshot(state.spec, KIND)
            applicant.profile = profile
            applicant.profile_version = version
            applicant.activated_at = applicant.activated_at or utcnow()
            applicant.save()
            ProfileRevision.create(applicant=applicant, profile=profile, schema_version=version)
            queue_email(applicant.email, "registration_confirmed", current_language(),
                        name=applicant.display_name(), first_time=first_time)
            audit.record("registration.confirmed" if first_time else "profile.changed", actor=applicant,
                         object_type="applicant", object_id=str(applicant.id))
        flash(_("Your account is active. Welcome!") if first_time else _("Your details were updated."), "success")
        return redirect(url_for("home.dashboard") if first_time else url_for("registration.profile"))


flow = RegistrationFlow()
flow.register(bp, "/register", decorators=(applicant_required,))


@bp.get("/profile")
@applicant_required
def profile():
    """Show the registered details and their history."""
    applicant = current_applicant()
    if not applicant.is_activated:
        return redirect(url_for("registration.start"))
    spec = current_registry().registration
    sections = WizardState(spec=spec, draft=Draft(answers=applicant.profile), profile={}).review(current_language())
    revisions = applicant.profile_revisions.order_by(ProfileRevision.confirmed_at.desc())
    return render_template("applicant/profile.html", applicant=applicant, sections=sections, revisions=revisions)
