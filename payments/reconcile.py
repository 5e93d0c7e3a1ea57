"""Reconciliation of an office's day: expected vs received by method and currency, unpaid and overpaid requests.

- expected: the fees due (after waivers) of the requests submitted at the office that day;
- received: payments confirmed that day, by method and currency, less the refunds made that day;
- requests: those submitted that day or with money moving that day, each with its balance now.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from admin.export import escape_cell
from core.models import Office, ServiceRequest
from fees import money
from payments.ledger import balance
from payments.models import Payment, Refund, RequestFee


@dataclass
class Report:
    """One office's day."""

    office: Office
    day: dt.date
    expected: dict[str, int] = field(default_factory=dict)  # currency → minor units
    received: dict[tuple[str, str], int] = field(default_factory=dict)  # (method, currency) → minor units
    refunded: dict[tuple[str, str], int] = field(default_factory=dict)
    pending: dict[tuple[str, str], int] = field(default_factory=dict)  # slips and online payments not confirmed
    requests: list[dict[str, Any]] = field(default_factory=list)

    def net(self, currency: str) -> int:
        """Received less refunded in ``currency``."""
        return (sum(v for (_m, c), v in self.received.items() if c == currency)
                - sum(v for (_m, c), v in self.refunded.items() if c == currency))

    def currencies(self) -> list[str]:
        """Every currency the day involves."""
        found = set(self.expected) | {c for _m, c in [*self.received, *self.refunded, *self.pending]}
        return sorted(found)


def reconcile(office: Office, day: dt.date) -> Report:
    """The reconciliation of ``office`` on ``day`` (the office's own calendar day)."""
    report = Report(office, day)
    expected: dict[str, int] = defaultdict(int)
    involved: set[int] = set()
    for row in RequestFee.select().where((RequestFee.office == office) & (RequestFee.day == day)):
        if row.assessment is not None:
            expected[row.currency] += row.due_minor
            involved.add(row.request_id)
    received: dict[tuple[str, str], int] = defaultdict(int)
    for payment in Payment.select().where((Payment.office == office) & (Payment.day == day)
                                          & (Payment.status == "confirmed")):
        received[(payment.method, payment.currency)] += payment.amount_minor
        involved.add(payment.request_id)
    refunded: dict[tuple[str, str], int] = defaultdict(int)
    for refund in Refund.select().join(Payment).where((Payment.office == office) & (Refund.day == day)):
        refunded[(refund.payment.method, refund.currency)] += refund.amount_minor
        involved.add(refund.payment.request_id)
    pending: dict[tuple[str, str], int] = defaultdict(int)
    for payment in Payment.select().where((Payment.office == office) & (Payment.status == "pending")):
        pending[(payment.method, payment.currency)] += payment.amount_minor
    report.expected, report.received = dict(expected), dict(received)
    report.refunded, report.pending = dict(refunded), dict(pending)
    for request in ServiceRequest.select().where(ServiceRequest.id.in_(list(involved) or [0])).order_by(
            ServiceRequest.id):
        owed = balance(request)
        report.requests.append({"tracking_code": request.tracking_code, "service": request.service_id,
                                "currency": owed.currency, "due": owed.due_minor, "paid": owed.net_minor,
                                "remaining": owed.remaining_minor, "state": owed.state})
    return report


def _m(minor: int, currency: str) -> str:
    return money.plain(minor, currency) if currency else str(minor)


def rows(report: Report) -> list[list[str]]:
    """The report as table rows (section, method, currency, amount …), shared by the text, CSV and page."""
    out: list[list[str]] = [["section", "method", "currency", "amount", "tracking_code", "state"]]
    for currency in report.currencies():
        out.append(["expected", "", currency, _m(report.expected.get(currency, 0), currency), "", ""])
    for (method, currency), value in sorted(report.received.items()):
        out.append(["received", method, currency, _m(value, currency), "", ""])
    for (method, currency), value in sorted(report.refunded.items()):
        out.append(["refunded", method, currency, _m(value, currency), "", ""])
    for currency in report.currencies():
        out.append(["net_received", "", currency, _m(report.net(currency), currency), "", ""])
        out.append(["difference", "", currency, _m(report.net(currency) - report.expected.get(currency, 0),
                                                   currency), "", ""])
    for (method, currency), value in sorted(report.pending.items()):
        out.append(["pending", method, currency, _m(value, currency), "", ""])
    for item in report.requests:
        if item["state"] in ("unpaid", "partly_paid", "overpaid"):
            out.append([item["state"], "", item["currency"], _m(item["remaining"], item["currency"]),
                        item["tracking_code"], item["state"]])
    return out


def to_csv(report: Report) -> str:
    """The report as CSV, every cell formula-safe like the other exports."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows(report):
        writer.writerow([escape_cell(cell) for cell in row])
    return buffer.getvalue()


def to_text(report: Report) -> str:
    """The report as aligned text for the terminal."""
    lines = [f"reconciliation of {report.office.code} on {report.day.isoformat()}"]
    for row in rows(report)[1:]:
        section, method, currency, amount, code, _state = row
        lines.append(f"{section:<13} {method:<14} {currency:<4} {amount:>12}  {code}".rstrip())
    return "\n".join(lines)
