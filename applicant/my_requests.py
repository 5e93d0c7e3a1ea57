"""Following requests: the list, each request's page and timeline, withdraw, amend, documents."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm

import audit
from applicant import current_applicant
from auth.decorators import activated_required
from casework.amend import amend_form_class, resubmit
from casework.workflow import TransitionRefused, transition
from i18n import current_language
from models import Document, Draft, RequestEvent, ServiceRequest
from storage import send_document
from tracking import format_code, normalize_code
from wizard.engine import review_sections
from wizard.snapshots import current_spec, spec_for_version

bp = Blueprint("my_requests", __name__)


def own_request(code: str) -> ServiceRequest:
    """Return the signed-in applicant's request with this tracking code, or answer 404 (also for others')."""
    found = ServiceRequest.get_or_none((ServiceRequest.tracking_code == normalize_code(code))
                                       & (ServiceRequest.applicant == current_applicant()))
    if found is None:
        audit.record("access.denied", object_type="request", object_id=code[:32])
        abort(404)
    return found


def request_spec(service_request: ServiceRequest):
    """Return the service spec a request was submitted with."""
    return spec_for_version("service", service_request.service_id, service_request.version_key)


@bp.get("/requests")
@activated_required
def index():
    """List the applicant's requests (newest first) and drafts in progress."""
    applicant = current_applicant()
    requests = (ServiceRequest.select().where(ServiceRequest.applicant == applicant)
                .order_by(ServiceRequest.submitted_at.desc()))
    drafts = Draft.select().where((Draft.applicant == applicant) & (Draft.kind == "service"))
    rows = [(r, request_spec(r)) for r in requests]
    draft_rows = [(d, current_spec("service", d.schema_id)) for d in drafts]
    return render_template("applicant/my_requests.html", rows=rows, drafts=[(d, s) for d, s in draft_rows if s])


@bp.get("/requests/<code>")
@activated_required
def detail(code: str):
    """Show a request: status, answers as submitted, documents, timeline and the office's messages."""
    service_request = own_request(code)
    spec = request_spec(service_request)
    language = current_language()
    events = (RequestEvent.select().where(RequestEvent.request == service_request)
              .order_by(RequestEvent.created_at, RequestEvent.id))
    return render_template(
        "applicant/request.html", req=service_request, spec=spec, events=events,
        status=spec.workflow.status(service_request.status), code=format_code(service_request.tracking_code),
        sections=review_sections(spec, service_request.answers, language, current_applicant().profile),
        documents=Document.select().where(Document.request == service_request).order_by(Document.id),
        can_withdraw=spec.workflow.can_withdraw(service_request.status),
        can_amend=spec.workflow.status(service_request.status).amend and bool(service_request.amend_fields),
        action_form=FlaskForm(),
    )


@bp.get("/requests/<code>/submitted")
@activated_required
def submitted(code: str):
    """The printable confirmation with the tracking code."""
    service_request = own_request(code)
    return render_template("applicant/submitted.html", req=service_request, spec=request_spec(service_request),
                           code=format_code(service_request.tracking_code))


@bp.post("/requests/<code>/withdraw")
@activated_required
def withdraw(code: str):
    """Withdraw a request that no one has started processing."""
    service_request = own_request(code)
    try:
        transition(service_request, request_spec(service_request), "withdrawn", actor_type="applicant",
                   actor_id=current_applicant().id, public_note=_("Withdrawn by the applicant."))
    except TransitionRefused as refused:
        flash(str(refused), "error")
    else:
        flash(_("Your request was withdrawn."), "success")
    return redirect(url_for("my_requests.detail", code=service_request.tracking_code))


@bp.route("/requests/<code>/amend", methods=["GET", "POST"])
@activated_required
def amend(code: str):
    """Let the applicant change only the answers the office asked about, then resubmit."""
    service_request = own_request(code)
    spec = request_spec(service_request)
    if not spec.workflow.status(service_request.status).amend or not service_request.amend_fields:
        flash(_("This request does not need any changes from you at the moment."), "info")
        return redirect(url_for("my_requests.detail", code=service_request.tracking_code))
    form_class = amend_form_class(spec, tuple(service_request.amend_fields))
    form = form_class(data=service_request.answers, answers=service_request.answers,
                      profile=current_applicant().profile)
    if request.method == "POST" and form.validate():
        problem = resubmit(service_request, spec, form, current_applicant())
        if problem is None:
            flash(_("Your changes were sent to the consular office."), "success")
            return redirect(url_for("my_requests.detail", code=service_request.tracking_code))
        form[problem.field_id].errors = [*form[problem.field_id].errors, problem.message]
    return render_template("applicant/amend.html", req=service_request, spec=spec, form=form,
                           code=format_code(service_request.tracking_code), documents={})


@bp.get("/documents/<int:document_id>")
@activated_required
def document(document_id: int):
    """Serve one of the applicant's own documents (404 for anyone else's)."""
    found = Document.get_or_none((Document.id == document_id) & (Document.applicant == current_applicant()))
    if found is None:
        audit.record("access.denied", object_type="document", object_id=str(document_id))
        abort(404)
    return send_document(found, as_attachment=request.args.get("download") == "1")
