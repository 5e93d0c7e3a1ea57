"""The fee and payments box of a request page, for the applicant and for staff."""

from __future__ import annotations

from typing import Any

from fees import money
from fees.display import fee_view
from i18n import current_language
from models import ServiceRequest
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
    return {
        "fee": fee_view(found, language, decisions(request)) if found else None, "problem": row.problem,
        "currency": cur, "balance": owed, "methods": list(request.office.payment_methods or []),
        "remaining": money.display(max(owed.remaining_minor, 0), cur, language) if cur else "",
        "remaining_plain": money.plain(max(owed.remaining_minor, 0), cur) if cur else "",
        "paid": money.display(owed.net_minor, cur, language) if cur else "",
        "overpaid": money.display(-owed.remaining_minor, cur, language) if cur and owed.remaining_minor < 0 else "",
        "payments": [{"row": p, "amount": money.display(p.amount_minor, p.currency, language),
                      "refunds": [(r, money.display(r.amount_minor, r.currency, language)) for r in p.refunds]}
                     for p in payments],
        "bank_details": request.office.bank_details, "claims": [c.id for c in found.claims()] if found else [],
    }
