"""Following requests: the list, each request's page and timeline, withdraw, amend, documents."""

from __future__ import annotations

from functools import partial
from typing import Any, NamedTuple

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm

from applicant import current_applicant
from appointments.notice import render_notice
from auth.decorators import activated_required
from casework.amend import amend_form, resubmit
from casework.tracking import format_code, normalize_code
from casework.workflow import TransitionRefused, moving_spec, status_of, transition
from core import audit
from core.models import Applicant, Document, Draft, RequestEvent, ServiceRequest
from i18n import current_language
from storage import send_document
from wizard.drafts import discard_draft, live_drafts
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


class RequestRow(NamedTuple):
    """A submitted request with the spec it was made with and its current status."""

    request: ServiceRequest
    spec: Any
    status: Any


class DraftRow(NamedTuple):
    """A service draft with the spec to show it by and whether it can still be continued and submitted."""

    draft: Draft
    spec: Any
    available: bool


def request_rows(applicant: Applicant, limit: int | None = None) -> list[RequestRow]:
    """Return the applicant's requests, newest first, each with its spec and resolved status."""
    query = (ServiceRequest.select().where(ServiceRequest.applicant == applicant)
             .order_by(ServiceRequest.submitted_at.desc(), ServiceRequest.id.desc()).limit(limit))
    rows = []
    for service_request in query:
        spec = request_spec(service_request)
        rows.append(RequestRow(service_request, spec, status_of(spec, service_request.status)))
    return rows


def draft_rows(applicant: Applicant) -> list[DraftRow]:
    """Return the applicant's live service drafts; those of a removed or disabled service are unavailable."""
    rows = []
    for draft in live_drafts(applicant, "service"):
        spec = current_spec("service", draft.schema_id)
        available = spec is not None and spec.enabled
        rows.append(DraftRow(draft, spec or spec_for_version("service", draft.schema_id, draft.version_key),
                             available))
    return rows


@bp.get("/requests")
@activated_required
def index():
    """List the applicant's requests (newest first) and drafts in progress."""
    applicant = current_applicant()
    return render_template("applicant/my_requests.html", rows=request_rows(applicant), drafts=draft_rows(applicant))


@bp.post("/requests/drafts/<int:draft_id>/discard")
@activated_required
def discard(draft_id: int):
    """Delete one of the applicant's service drafts and its uploads."""
    draft = Draft.get_or_none((Draft.id == draft_id) & (Draft.applicant == current_applicant())
                              & (Draft.kind == "service"))
    if draft is None:
        audit.record("access.denied", object_type="draft", object_id=str(draft_id))
        abort(404)
    discard_draft(draft)
    flash(_("The unfinished request was deleted."), "success")
    return redirect(url_for("my_requests.index"))


@bp.get("/requests/<code>")
@activated_required
def detail(code: str):
    """Show a request: status, answers as submitted, documents, timeline and the office's messages."""
    service_request = own_request(code)
    spec = request_spec(service_request)
    language = current_language()
    events = (RequestEvent.select().where(RequestEvent.request == service_request)
              .order_by(RequestEvent.created_at, RequestEvent.id))
    status = status_of(spec, service_request.status)
    return render_template(
        "applicant/request.html", req=service_request, spec=spec, events=events,
        status=status, status_of=partial(status_of, spec), code=format_code(service_request.tracking_code),
        sections=review_sections(spec, service_request.answers, language, current_applicant().profile),
        documents=Document.select().where(Document.request == service_request).order_by(Document.id),
        can_withdraw=status.withdrawable, can_amend=status.amend and bool(service_request.amend_fields),
        action_form=FlaskForm(),
        appointment_notice=render_notice(service_request, spec),
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
        flow = moving_spec(request_spec(service_request), service_request.status)
        transition(service_request, flow, "withdrawn", actor_type="applicant",
                   actor_id=current_applicant().id, public_note=_("Withdrawn by the applicant."),
                   system_note={"key": "withdrawn"})
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
    if not status_of(spec, service_request.status).amend or not service_request.amend_fields:
        flash(_("This request does not need any changes from you at the moment."), "info")
        return redirect(url_for("my_requests.detail", code=service_request.tracking_code))
    form = amend_form(spec, service_request, current_applicant().profile)
    if request.method == "POST" and form.validate():
        problem = resubmit(service_request, spec, form, current_applicant())
        if problem is None:
            flash(_("Your changes were sent to the consular office."), "success")
            return redirect(url_for("my_requests.detail", code=service_request.tracking_code))
        form[problem.field_id].errors = [*form[problem.field_id].errors, problem.message]
    return render_template("applicant/amend.html", req=service_request, spec=spec, form=form,
                           code=format_code(service_request.tracking_code),
                           documents=amended_documents(service_request), amending=True)


def amended_documents(service_request: ServiceRequest) -> dict[int, Document]:
    """Return the request's current documents of the fields the office asked to amend, by id."""
    fields = list(service_request.amend_fields or ())
    query = Document.select().where((Document.request == service_request) & Document.field_id.in_(fields or [""]))
    return {document.id: document for document in query}


@bp.get("/documents/<int:document_id>")
@activated_required
def document(document_id: int):
    """Serve one of the applicant's own documents (404 for anyone else's)."""
    found = Document.get_or_none((Document.id == document_id) & (Document.applicant == current_applicant()))
    if found is None:
        audit.record("access.denied", object_type="document", object_id=str(document_id))
        abort(404)
    return send_document(found, as_attachment=request.args.get("download") == "1")
