"""Status changes: allowed transitions, the timeline, and e-mails for notifying statuses."""

from __future__ import annotations

from flask_babel import gettext as _

from core.db import database
from core.models import RequestEvent, ServiceRequest, utcnow
from core.ratelimit import now
from forms.registry import current_registry
from forms.spec import Status, Text
from mailer import queue_email
from payments.guard import payment_required
from wizard.snapshots import spec_for_version


class TransitionRefused(Exception):
    """A status change the service's workflow does not allow."""


# Called as hook(request, spec, to_status, actor_type=…, actor_id=…) inside every status change's transaction
# (documents/ issues the documents a service declares for the status); a hook may refuse with TransitionRefused.
AFTER_TRANSITION: list = []


def moving_spec(spec, status_id: str):
    """Return the spec whose workflow moves a request made with ``spec``: the current one if it knows the status."""
    current = current_registry().services.get(spec.id) if spec is not None else None
    if current is not None and _knows(current, status_id):
        return current
    return spec


def _knows(spec, status_id: str) -> bool:
    """Return whether the spec's workflow has the status ``status_id``."""
    return any(status.id == status_id for status in spec.workflow.all_statuses)


def status_of(spec, status_id: str) -> Status:
    """Return a status of a request made with ``spec``: current workflow, else the snapshot, else the bare id."""
    found = moving_spec(spec, status_id)
    if found is not None and _knows(found, status_id):
        return found.workflow.status(status_id)
    return Status.model_construct(id=status_id, label=Text.model_construct(fa=status_id, en=status_id))


def is_open_status(spec, status_id: str) -> bool:
    """Whether a request made with ``spec`` is still open in ``status_id`` (not final in its workflow)."""
    return not status_of(spec, status_id).final


def sync_open_flags() -> int:
    """Re-derive every request's `is_open` from its own workflow; return how many requests changed.

    Status changes keep the flag (and `closed_at`); this catches a workflow edit that made a status final (or
    open again) while requests sat in it, dating such a closure by the request's last change. One pass over
    the distinct (service, version, status) triples.
    """
    changed = 0
    triples = ServiceRequest.select(ServiceRequest.service_id, ServiceRequest.version_key,
                                    ServiceRequest.status).distinct().tuples()
    for service_id, version_key, status in list(triples):
        spec = spec_for_version("service", service_id, version_key)
        wanted = is_open_status(spec, status) if spec is not None else True
        closed_at = None if wanted else ServiceRequest.updated_at
        changed += (ServiceRequest.update(is_open=wanted, closed_at=closed_at)
                    .where((ServiceRequest.service_id == service_id) & (ServiceRequest.version_key == version_key)
                           & (ServiceRequest.status == status) & (ServiceRequest.is_open != wanted)).execute())
    return changed


def record_event(request: ServiceRequest, *, kind: str = "status", from_status: str = "", to_status: str = "",
                 public_note: str = "", internal_note: str = "", actor_type: str = "system",
                 actor_id: int | None = None, system_note: dict | None = None) -> RequestEvent:
    """Append one entry to a request's timeline (``system_note``: a note the system wrote, see casework.timeline)."""
    return RequestEvent.create(request=request, kind=kind, from_status=from_status, to_status=to_status,
                               public_note=public_note, internal_note=internal_note, system_note=system_note,
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
                public_note=public_note, status_email=status.email.model_dump() if status.email else None)


def transition(request: ServiceRequest, spec, to_status: str, *, actor_type: str, actor_id: int | None = None,
               public_note: str = "", internal_note: str = "", amend_fields: list[str] | None = None,
               notify_applicant: bool = True, system_note: dict | None = None) -> None:
    """Move a request to ``to_status`` if the workflow allows it, recording and notifying in one transaction.

    ``notify_applicant=False`` leaves the e-mail to the caller (an appointment sends its own notice).
    """
    allowed = spec.workflow.next_statuses(request.status)
    if to_status == "withdrawn":
        allowed = ["withdrawn"] if spec.workflow.can_withdraw(request.status) else []
    if to_status not in allowed:
        raise TransitionRefused(_("This request cannot move from its current status to the one asked for."))
    unpaid = payment_required(request, spec, to_status)
    if unpaid:
        raise TransitionRefused(unpaid)
    with database.atomic():
        previous = request.status
        request.status = to_status
        request.updated_at = utcnow()
        request.status_since = now()  # the app's clock: timers count from it
        request.reminded_at = None
        request.is_open = is_open_status(spec, to_status)
        request.closed_at = None if request.is_open else request.updated_at
        if amend_fields is not None:
            request.amend_fields = amend_fields
        request.save()
        record_event(request, from_status=previous, to_status=to_status, public_note=public_note,
                     internal_note=internal_note, actor_type=actor_type, actor_id=actor_id, system_note=system_note)
        for hook in AFTER_TRANSITION:
            hook(request, spec, to_status, actor_type=actor_type, actor_id=actor_id)
        if notify_applicant:
            notify(request, spec, to_status, public_note)
