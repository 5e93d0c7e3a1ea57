"""Starting a request: choose the consular office, fill the service's wizard with uploads, submit."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField

from applicant import current_applicant
from applicant.my_requests import request_spec
from applicant.open_requests import blocking_request, open_request
from applicant.services import eligible_offices
from auth.decorators import activated_required
from casework.submission import submit_request
from casework.tracking import format_code
from casework.workflow import status_of
from core import audit
from core.models import Document, Office, utcnow
from fees.display import preview
from forms.registry import current_registry
from forms.validators import Required
from i18n import current_language
from payments.ledger import local_day
from storage import accept_upload, discard
from wizard.drafts import find_draft, start_draft, upgrade_draft
from wizard.engine import WizardState
from wizard.views import WizardFlow

bp = Blueprint("requests", __name__)
KIND = "service"


class OfficeForm(FlaskForm):
    """The consular office that will handle the request."""

    office = RadioField(_l("Consular office"), validators=[Required()], coerce=str)


def enabled_service(service_id: str):
    """Return the enabled service ``service_id`` or answer 404."""
    spec = current_registry().services.get(service_id)
    if spec is None or not spec.enabled:
        abort(404)
    return spec


def default_office(offices: list[Office], profile: dict) -> Office | None:
    """Return the office serving the applicant's country of residence, if one provides the service."""
    country = (profile or {}).get("residence_country")
    return next((o for o in offices if country and (country in (o.serves_countries or []) or o.country == country)),
                None)


class RequestFlow(WizardFlow):
    """A service's wizard over the applicant's draft, with uploads, ending in a submitted request."""

    endpoint = "wizard"

    def state(self, service_id: str) -> WizardState:
        """Load the draft of this service (the office must have been chosen first)."""
        spec = enabled_service(service_id)
        applicant = current_applicant()
        draft = find_draft(applicant, KIND, spec.id)
        if draft is None or draft.office is None:
            abort(redirect(url_for("requests.start", service_id=service_id)))
        if upgrade_draft(draft, spec):
            flash(_("This service's form was updated since you started. Please check the marked steps."), "warning")
        return WizardState(spec=spec, draft=draft, profile=applicant.profile or {})

    def heading(self, state: WizardState, **params) -> str:
        """Return the service's title."""
        return state.spec.title.get(current_language())

    def review_extra(self, state: WizardState, **params) -> dict:
        """The fee these answers will be charged, itemized, by today's schedule at the chosen office."""
        office = state.draft.office
        day = local_day(utcnow(), office)
        return {"fee": preview(state.spec, state.effective_answers(), state.profile, office, current_language(), day)}

    def store_file(self, state: WizardState):
        """Store an upload of this draft after checking it by content, size and quota."""
        def store(field_id: str, upload) -> str:
            spec_field = state.spec.field(field_id)
            for old_id in state.answers.get(field_id) or []:
                old = self._own_document(state, int(old_id))
                if old is not None:
                    discard(old)
            document = accept_upload(upload, accept=list(spec_field.accept),  # raises UploadRejected for the field
                                     max_bytes=int(spec_field.max_size_mb * 1024 * 1024),
                                     applicant=state.draft.applicant, field_id=field_id, draft=state.draft)
            return str(document.id)
        return store

    @staticmethod
    def _own_document(state: WizardState, document_id: int) -> Document | None:
        """Return a document of this draft, or None."""
        return Document.get_or_none((Document.id == document_id) & (Document.draft == state.draft)
                                    & (Document.applicant == state.draft.applicant))

    def remove_file(self, state: WizardState, document_id: int) -> None:
        """Remove one uploaded document from the draft and its answer."""
        document = self._own_document(state, document_id)
        if document is None:
            audit.record("access.denied", object_type="document", object_id=str(document_id))
            abort(404)
        answers = dict(state.answers)
        ids = answers.get(document.field_id) or []
        remaining = [i for i in ids if i != str(document_id)]
        if remaining:
            answers[document.field_id] = remaining
        else:
            answers.pop(document.field_id, None)
        state.draft.answers = answers
        holding = {step.id for step in state.spec.steps if document.field_id in {f.id for f in step.fields}}
        state.draft.completed_steps = [s for s in state.draft.completed_steps or [] if s not in holding]
        state.draft.save()
        discard(document)
        flash(_("The file was removed."), "success")

    def documents(self, state: WizardState) -> dict:
        """Return this draft's documents by id."""
        return {doc.id: doc for doc in Document.select().where(Document.draft == state.draft)}

    def confirm(self, state: WizardState, service_id: str):
        """Submit the request in one transaction and show its tracking code."""
        applicant = current_applicant()
        already = blocking_request(applicant, state.spec)
        if already is not None:  # submitted from another tab or device since this draft was started
            flash(_("You already have an open request for this service. Your answers are kept as a draft; "
                    "you can submit them when that request is finished."), "error")
            return redirect(url_for("my_requests.detail", code=already.tracking_code))
        request = submit_request(applicant, state.draft.office, state.spec, state.draft, state.effective_answers())
        if request is None:
            return redirect(url_for("my_requests.index"))
        return redirect(url_for("my_requests.submitted", code=request.tracking_code))


flow = RequestFlow()
flow.register(bp, "/services/<service_id>/request", decorators=(activated_required,))


@bp.route("/services/<service_id>/apply", methods=["GET", "POST"])
@activated_required
def start(service_id: str):
    """Choose the consular office for a new request (or continue the draft in progress)."""
    spec = enabled_service(service_id)
    applicant = current_applicant()
    draft = find_draft(applicant, KIND, spec.id)
    if draft is not None and draft.office is not None:
        return redirect(url_for("requests.wizard_start", service_id=service_id))
    already = open_request(applicant, spec.id)
    if already is not None and spec.open_requests == "one":
        return render_template("applicant/already_open.html", spec=spec, open_request=already,
                               status=status_of(request_spec(already), already.status),
                               code=format_code(already.tracking_code))
    offices = eligible_offices(spec)
    if not offices:
        abort(404)
    form = OfficeForm()
    language = current_language()
    form.office.choices = [(o.code, f"{o.name(language)} — {o.city_fa if language == 'fa' else o.city_en}")
                           for o in offices]
    if not form.is_submitted():
        chosen = default_office(offices, applicant.profile)
        form.office.data = chosen.code if chosen else None
    if form.validate_on_submit() and form.office.data:
        office = next(o for o in offices if o.code == form.office.data)
        if draft is None:
            start_draft(applicant, KIND, spec, office=office)
        else:
            draft.office = office
            draft.save()
        return redirect(url_for("requests.wizard_start", service_id=service_id))
    if form.is_submitted() and not form.office.data:
        form.office.errors = [_("Choose the consular office that will handle your request.")]
    return render_template("applicant/choose_office.html", spec=spec, form=form, already=already)
