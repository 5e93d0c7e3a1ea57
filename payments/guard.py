"""The workflow requirement `fees: {paid_before: [status, …]}`: no request enters those statuses while it owes."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from core.models import ServiceRequest


def payment_required(request: ServiceRequest, spec: Any, to_status: str) -> str | None:
    """Why ``request`` cannot enter ``to_status`` yet (its fee is neither paid nor waived), or None."""
    from payments.ledger import balance

    fees = getattr(spec, "fees", None)
    if fees is None or to_status not in fees.paid_before:
        return None
    owed = balance(request)
    if owed.currency and not owed.settled:
        return _("The fee must be paid or waived before this step.")
    return None


def _paid_guard(context: Any, guard: Any) -> str | None:
    """The workflow requirement ``paid: true`` (workflow/guards.py): the request owes nothing."""
    from payments.ledger import balance

    owed = balance(context.request)
    return _("The fee must be paid or waived before this step.") if owed.currency and not owed.settled else None


def register() -> None:
    """Answer the workflow requirement kind ``paid`` with this package's ledger."""
    from workflow.guards import register_guard

    register_guard("paid", _paid_guard)
