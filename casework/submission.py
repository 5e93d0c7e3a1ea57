"""Turning a confirmed draft into a request: one transaction, tracking code, documents, first event, e-mail."""

from __future__ import annotations

from casework import tracking
from casework.indexing import reindex
from casework.workflow import is_open_status, record_event
from core.db import database
from core.models import Applicant, Document, Draft, Office, ServiceRequest, utcnow
from core.ratelimit import now as clock_now
from forms.types import field_type
from mailer import queue_email
from payments.ledger import assess_request
from wizard.snapshots import ensure_snapshot
from workflow.targets import due_at


def submit_request(applicant: Applicant, office: Office, spec, draft: Draft, answers: dict) -> ServiceRequest | None:
    """Create the request from a draft; return None if the draft was already submitted (double click)."""
    with database.atomic():
        if Draft.delete().where(Draft.id == draft.id).execute() == 0:
            return None
        now = utcnow()
        request = tracking.issue_code(lambda code: ServiceRequest.create(
            tracking_code=code, applicant=applicant, service_id=spec.id, version_key=ensure_snapshot(spec, "service"),
            office=office, status=spec.workflow.initial, is_open=is_open_status(spec, spec.workflow.initial),
            answers=answers, national_code=applicant.national_code,
            applicant_name=applicant.display_name(), submitted_at=now, updated_at=now, status_since=clock_now(),
            due_at=due_at(spec, office, now)))
        document_ids = [doc_id for _step, field in spec.iter_fields() if field_type(field.type).holds_documents
                        for doc_id in answers.get(field.id) or []]
        (Document.update(request=request, draft=None)
         .where((Document.applicant == applicant) & (Document.id.in_(document_ids or [0]))).execute())
        record_event(request, to_status=request.status, actor_type="applicant", actor_id=applicant.id)
        reindex(request, spec)
        assess_request(request, spec)
        queue_email(applicant.email, "request_submitted", applicant.locale or "fa", name=applicant.display_name(),
                    tracking_code=request.tracking_code, service_title=spec.title.model_dump(),
                    office_name={"fa": office.name_fa, "en": office.name_en})
    return request
