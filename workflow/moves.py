"""Whether a staff member may make a move now: their roles (else 403, audited) and the move's requirements."""

from __future__ import annotations

from typing import Any

from core import audit
from core.models import ServiceRequest
from workflow.guards import GuardContext, missing
from workflow.roles import may_move, roles_for


def permitted(staff: Any, row: ServiceRequest, flow: Any, target: str) -> bool:
    """Whether ``staff``'s casework roles allow moving ``row`` to ``target`` (requirements aside)."""
    return may_move(staff, flow.workflow, row.status, target, row.office_id)


def unmet(staff: Any, row: ServiceRequest, spec: Any, flow: Any, target: str) -> list[str]:
    """What moving ``row`` to ``target`` still needs, in the reader's language (empty: nothing)."""
    return missing(GuardContext(request=row, spec=spec, flow=flow, staff=staff, target=target))


def audit_refusal(staff: Any, row: ServiceRequest, flow: Any, target: str, **details: Any) -> None:
    """Audit a move refused for want of a role."""
    audit.record("request.transition_refused", actor=staff, object_type="servicerequest", object_id=row.id,
                 office_id=row.office_id, tracking_code=row.tracking_code, from_status=row.status,
                 to_status=target, reason="role", needs=list(roles_for(flow.workflow, row.status, target)),
                 holds=sorted(getattr(staff, "work_roles", None) or ()), **details)
