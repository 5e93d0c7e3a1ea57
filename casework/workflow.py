"""Status changes: allowed transitions, the timeline, and e-mails for notifying statuses."""

from __future__ import annotations

from flask_babel import gettext as _

from db import database
from mail import queue_email
from models import RequestEvent, ServiceRequest, utcnow


class TransitionRefused(Exception):
    """A status change the service's workflow does not allow."""


def record_event(request: ServiceRequest, *, kind: str = "status", from_status: str = "", to_status: str = "",
                 public_note: str = "", internal_note: str = "", actor_type: str = "system",
                 actor_id: int | None = None) -> RequestEvent:
    """Append one entry to a request's timeline."""
    return RequestEvent.create(request=request, kind=kind, from_status=from_status, to_status=to_status,
                               public_note=public_note, internal_note=internal_note,
                               actor_type=actor_type, actor_id=actor_id)


def notify(request: ServiceRequest, spec, status_id: str, public_note: str = "") -> None:
    """Queue the status e-mail when the workflow marks the status as notifying."""
    status = spec.workflow.status(status_id)
    if not status.notify:
        return
    applicant = request.applicant
    queue_email(applicant.email, "request_status", applicant.locale or "fa",
                name=applicant.display_name(), tracking_code=request.tracking_code,
                service_title=spec.title.model_dump(), status_label=status.label.model_dump(),
                public_note=public_note)


def transition(request: ServiceRequest, spec, to_status: str, *, actor_type: str, actor_id: int | None = None,
               public_note: str = "", internal_note: str = "", amend_fields: list[str] | None = None) -> None:
    """Move a request to ``to_status`` if the workflow allows it, recording and notifying in one transaction."""
    allowed = spec.workflow.next_statuses(request.status)
    if to_status == "withdrawn":
        allowed = ["withdrawn"] if spec.workflow.can_withdraw(request.status) else []
    if to_status not in allowed:
        raise TransitionRefused(_("This request cannot move from its current status to the one asked for."))
    with database.atomic():
        previous = request.status
        request.status = to_status
        request.updated_at = utcnow()
        if amend_fields is not None:
            request.amend_fields = amend_fields
        request.save()
        record_event(request, from_status=previous, to_status=to_status, public_note=public_note,
                     internal_note=internal_note, actor_type=actor_type, actor_id=actor_id)
        notify(request, spec, to_status, public_note)
