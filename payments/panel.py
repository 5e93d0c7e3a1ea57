"""The fee and payments box of a request page, for the applicant and for staff."""

from __future__ import annotations

from typing import Any

from core.models import ServiceRequest
from fees import money
from fees.display import fee_view
from i18n import current_language
from payments.ledger import assessment_of, balance, decisions
from payments.models import Payment, RequestFee


def payment_panel(request: ServiceRequest) -> dict[str, Any] | None:
    """The request's itemized fee, balance and payments in the reader's language; None without fees."""
    row = RequestFee.get_or_none(RequestFee.request == request)
    if row is None:
        return None
    language = current_language()
    found = assessment_of(row)
    owed = balance(request)
    cur = row.currency
    payments = list(Payment.select().where(Payment.request == request).order_by(Payment.id))
    decided = decisions(request)
    fee = fee_view(found, language, decided) if found else None
    return {
        "fee": fee, "problem": row.problem, "grantable": _grantable(request, found, decided, language),
        "currency": cur, "balance": owed, "methods": list(request.office.payment_methods or []),
        "remaining": money.display(max(owed.remaining_minor, 0), cur, language) if cur else "",
        "remaining_plain": money.plain(max(owed.remaining_minor, 0), cur) if cur else "",
        "paid": money.display(owed.net_minor, cur, language) if cur else "",
        "overpaid": money.display(-owed.remaining_minor, cur, language) if cur and owed.remaining_minor < 0 else "",
        "payments": [{"row": p, "amount": money.display(p.amount_minor, p.currency, language),
                      "refunds": [(r, money.display(r.amount_minor, r.currency, language)) for r in p.refunds]}
                     for p in payments],
        "bank_details": request.office.bank_details,
        "claims": [line["id"] for line in fee["lines"] if line["state"] == "claimed"] if fee else [],
    }


def _grantable(request: ServiceRequest, found: Any, decided: dict[str, bool], language: str) -> list[tuple[str, str]]:
    """Waivers of the request's schedule that only staff grant (no `when`) and that were not granted yet."""
    if found is None:
        return []
    from wizard.snapshots import spec_for_version

    spec = spec_for_version("service", request.service_id, request.version_key)
    schedule = next((s for s in spec.fees.schedules if s.from_.isoformat() == found.schedule_from), None) \
        if spec is not None and spec.fees is not None else None
    return [(w.id, w.label.get(language)) for w in (schedule.waivers if schedule else [])
            if w.when is None and not decided.get(w.id)]
