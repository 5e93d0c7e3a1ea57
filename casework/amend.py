"""More information needed: the applicant changes only the named answers, and the request goes back to the office."""

from __future__ import annotations

from flask_babel import gettext as _

from casework.indexing import reindex
from casework.workflow import moving_spec, record_event, transition
from core.db import database
from core.models import Applicant, Document, ServiceRequest
from forms import converter
from forms.types import field_type
from payments.ledger import assess_request
from storage import accept_upload, discard
from wizard.engine import UploadRejected


def amend_form_class(spec, field_ids: tuple[str, ...]) -> type:
    """Return the form of the fields the office asked the applicant to amend."""
    return converter.fields_form_class(spec, field_ids)


def amend_form(spec, request: ServiceRequest, profile: dict | None = None):
    """Return the amend form of a request, filled with its stored answers converted to form data."""
    form_class = amend_form_class(spec, tuple(request.amend_fields or ()))
    answers = request.answers or {}
    data = converter.fields_form_data(form_class.field_specs, answers, profile)
    return form_class(data=data, answers=answers, profile=profile)


def _resume_status(spec, status_id: str) -> str:
    """Return where an amended request goes: the status's ``resume``, else the one non-final status it leads to."""
    try:
        declared = spec.workflow.status(status_id).resume
    except KeyError:
        declared = None
    if declared:
        return declared
    for candidate in spec.workflow.next_statuses(status_id):
        if not spec.workflow.status(candidate).final:
            return candidate
    return spec.workflow.initial


def _store_for(request: ServiceRequest, spec, applicant: Applicant):
    """Return the upload store of an amendment: new documents attach to the request, replacing old ones."""
    def store(field_id: str, upload) -> str:
        field = spec.field(field_id)
        document = accept_upload(upload, accept=list(field.accept), max_bytes=int(field.max_size_mb * 1024 * 1024),
                                 applicant=applicant, field_id=field_id)  # raises UploadRejected for the field
        document.request = request
        document.save()
        return str(document.id)
    return store


def resubmit(request: ServiceRequest, spec, form, applicant: Applicant) -> UploadRejected | None:
    """Save the amended answers and send the request back to the office; return an upload problem, if any."""
    try:
        with database.atomic():
            changed = converter.form_to_answers(form, store_file=_store_for(request, spec, applicant))
            replaced = [int(i) for key in changed for i in (request.answers or {}).get(key) or []
                        if field_type(spec.field(key).type).holds_documents and str(i) not in changed[key]]
            answers = {**(request.answers or {}), **changed}
            for key in request.amend_fields:
                if key not in changed:
                    answers.pop(key, None)
            request.answers = answers
            request.save()
            record_event(request, kind="amended", public_note=_("The applicant sent the requested changes."),
                         system_note={"key": "amended"}, actor_type="applicant", actor_id=applicant.id)
            flow = moving_spec(spec, request.status)
            transition(request, flow, _resume_status(flow, request.status), actor_type="applicant",
                       actor_id=applicant.id, amend_fields=[])
            reindex(request, spec)
            assess_request(request, spec)
    except UploadRejected as problem:
        return problem
    for document in Document.select().where(Document.id.in_(replaced or [0]) & (Document.request == request)):
        discard(document)
    return None
