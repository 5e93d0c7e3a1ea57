"""What a request owes and has paid: its assessed fee (stored at submission), waiver decisions, payments, refunds."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from core.models import ServiceRequest, utcnow
from fees.compute import Assessment, FeeUnavailable, assess, staff_waiver
from payments.models import Payment, Refund, RequestFee, WaiverDecision


def local_day(moment: dt.datetime, office: Any) -> dt.date:
    """The day a UTC moment falls on at ``office`` (its time zone)."""
    return moment.replace(tzinfo=dt.UTC).astimezone(ZoneInfo(office.timezone or "UTC")).date()


def assess_request(request: ServiceRequest, spec: Any) -> RequestFee | None:
    """Compute and store the request's fee by the schedule in force on its submission day; None without fees.

    Called at submission and again when the applicant amends the answers (same schedule, same day).
    """
    if spec is None or getattr(spec, "fees", None) is None:
        RequestFee.delete().where(RequestFee.request == request).execute()
        return None
    office = request.office
    day = local_day(request.submitted_at, office)
    row = RequestFee.get_or_none(RequestFee.request == request) or RequestFee(request=request, office=office, day=day)
    row.currency = office.currency
    try:
        found = assess(spec.fees, request.answers or {}, request.applicant.profile or {}, office.currency, day)
        row.assessment, row.problem = found.as_json(), ""
    except FeeUnavailable as exc:
        row.assessment, row.problem = None, str(exc)[:200]
    row.updated_at = utcnow()
    refresh_due(row)
    return row


def decisions(request: ServiceRequest) -> dict[str, bool]:
    """Staff's latest decision on each waiver of the request (True: confirmed or granted)."""
    found: dict[str, bool] = {}
    query = WaiverDecision.select().where(WaiverDecision.request == request).order_by(WaiverDecision.id)
    for decision in query:
        found[decision.waiver_id] = decision.confirmed
    return found


def assessment_of(row: RequestFee | None) -> Assessment | None:
    """The stored assessment, with the waivers staff granted (those the answers did not claim) added."""
    if row is None or row.assessment is None:
        return None
    found = Assessment.from_json(row.assessment)
    claimed = {line.id for line in found.lines if line.kind == "waiver"}
    spec = None
    for waiver_id, confirmed in decisions(row.request).items():
        if confirmed and waiver_id not in claimed:
            if spec is None:
                from wizard.snapshots import spec_for_version

                spec = spec_for_version("service", row.request.service_id, row.request.version_key)
            line = staff_waiver(spec.fees if spec else None, found, waiver_id)
            if line is not None:
                found.lines.append(line)
    return found


def refresh_due(row: RequestFee) -> None:
    """Store what is due now: the total less every waiver that applies."""
    found = assessment_of(row) if row.id else (Assessment.from_json(row.assessment) if row.assessment else None)
    confirmed = {wid for wid, ok in decisions(row.request).items() if ok} if row.id else set()
    row.due_minor = found.total_minor(confirmed) if found else 0
    row.save()


@dataclass
class Balance:
    """A request's money: due, paid (confirmed payments less refunds) and what remains (negative: overpaid)."""

    currency: str
    due_minor: int
    paid_minor: int
    refunded_minor: int
    pending: int  # payments waiting for staff or the provider

    @property
    def net_minor(self) -> int:
        """Received less refunded."""
        return self.paid_minor - self.refunded_minor

    @property
    def remaining_minor(self) -> int:
        """Still to pay (negative when overpaid)."""
        return self.due_minor - self.net_minor

    @property
    def state(self) -> str:
        """none (no fee) | waived | unpaid | partly_paid | paid | overpaid."""
        if self.due_minor == 0 and self.net_minor == 0:
            return "waived" if self.currency else "none"
        if self.remaining_minor < 0:
            return "overpaid"
        if self.remaining_minor == 0:
            return "paid"
        return "partly_paid" if self.net_minor > 0 else "unpaid"

    @property
    def settled(self) -> bool:
        """Paid in full or waived (nothing left to pay)."""
        return self.remaining_minor <= 0


def balance(request: ServiceRequest) -> Balance:
    """The request's balance now."""
    row = RequestFee.get_or_none(RequestFee.request == request)
    currency = row.currency if row and row.assessment else ""
    payments = list(Payment.select().where(Payment.request == request))
    paid = sum(p.amount_minor for p in payments if p.status == "confirmed")
    refunded = sum(r.amount_minor for r in Refund.select().join(Payment).where(Payment.request == request))
    pending = sum(1 for p in payments if p.status == "pending")
    return Balance(currency, row.due_minor if row else 0, paid, refunded, pending)
