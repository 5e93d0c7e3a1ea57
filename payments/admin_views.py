"""Back-office pages of payments: the request page's payment box actions and the day's reconciliation.

Officers act on their office's requests only (another office's answers 404, audited by admin.base.deny);
refunds are for admins. Every action is audited by the payments module that does it.
"""

from __future__ import annotations

import datetime as dt

from flask import Response, flash, redirect, request
from flask_admin import expose
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from admin.base import StaffView, current_staff, deny
from appointments.admin_views import allowed_offices, chosen_office
from core import audit
from core.models import ServiceRequest
from fees.compute import staff_waiver
from i18n import current_language
from payments import counter, refunds, transfer
from payments.counter import PaymentRefused
from payments.ledger import assessment_of, local_day, refresh_due
from payments.models import Payment, RequestFee, WaiverDecision
from payments.provider import ProviderError
from payments.receipts import credit_note_pdf, receipt_pdf
from payments.reconcile import reconcile, rows, to_csv
from payments.views import parse_amount
from wizard.snapshots import spec_for_version


def _is_id(text: str) -> bool:
    """ASCII digits that fit a database id."""
    return text.isascii() and text.isdigit() and len(text) <= 9


def scoped_request(request_id: str) -> ServiceRequest:
    """The request if it belongs to an office the staff member works for; 404 (audited) otherwise."""
    found = ServiceRequest.get_or_none(ServiceRequest.id == int(request_id)) if _is_id(request_id) else None
    if found is None or found.office_id not in {o.id for o in allowed_offices()}:
        deny(404, "out_of_scope" if found else "not_found", object=f"request:{request_id[:20]}")
    return found


def scoped_payment(payment_id: str) -> Payment:
    """The payment if its office is one the staff member works for; 404 (audited) otherwise."""
    found = Payment.get_or_none(Payment.id == int(payment_id)) if _is_id(payment_id) else None
    if found is None or found.office_id not in {o.id for o in allowed_offices()}:
        deny(404, "out_of_scope" if found else "not_found", object=f"payment:{payment_id[:20]}")
    return found


class PaymentsView(StaffView):
    """Reconciliation of a day, and the payment actions of the staff request page."""

    def _back(self, req: ServiceRequest):
        from admin.requests import request_url

        return redirect(request_url(req) + "#payments-title", 303)

    @expose("/")
    def index(self):
        office = chosen_office()
        day = _day() or local_day(dt.datetime.now(dt.UTC).replace(tzinfo=None), office)
        report = reconcile(office, day)
        return self.render("admin/payments/reconcile.html", office=office, offices=allowed_offices(), day=day,
                           report=report, table=rows(report)[1:])

    @expose("/reconcile.csv")
    def export(self):
        office = chosen_office()
        day = _day()
        if day is None:
            deny(404, "bad_day")
        audit.record("payments.reconcile_export", object_type="office", object_id=office.code, office_id=office.id,
                     day=day.isoformat())
        response = Response("\ufeff" + to_csv(reconcile(office, day)), mimetype="text/csv")
        response.headers["Content-Disposition"] = f'attachment; filename="reconcile-{office.code}-{day}.csv"'
        return response

    @expose("/counter/", methods=("POST",))
    def counter_payment(self):
        req = scoped_request(request.form.get("request_id", ""))
        fee = RequestFee.get_or_none(RequestFee.request == req)
        currency = fee.currency if fee else req.office.currency
        amount = parse_amount(request.form.get("amount", ""), currency)
        reference = request.form.get("reference", "").strip()
        if amount is None or amount <= 0 or not reference:
            flash(_("Give the amount received and the receipt number of the till or card terminal."), "error")
            return self._back(req)
        try:
            counter.record_counter_payment(req, current_staff(), method=request.form.get("method", ""),
                                           amount_minor=amount, currency=currency, reference=reference)
        except PaymentRefused:
            flash(_("Choose cash or card."), "error")
            return self._back(req)
        flash(_("The payment was recorded and the receipt sent to the applicant."), "success")
        return self._back(req)

    @expose("/slip/", methods=("POST",))
    def slip(self):
        payment = scoped_payment(request.form.get("payment_id", ""))
        accept = request.form.get("decision") == "confirm"
        try:
            transfer.decide_slip(payment, current_staff(), accept=accept, note=request.form.get("note", ""))
        except PaymentRefused:
            flash(_("A slip can be rejected only with a note saying why; it must still be waiting."), "error")
            return self._back(payment.request)
        flash(_("The transfer was confirmed.") if accept else _("The slip was rejected; the applicant was told."),
              "success")
        return self._back(payment.request)

    @expose("/waiver/", methods=("POST",))
    def waiver(self):
        req = scoped_request(request.form.get("request_id", ""))
        reason = request.form.get("reason", "").strip()[:1000]
        waiver_id = request.form.get("waiver_id", "")[:64]
        confirmed = request.form.get("decision") == "confirm"
        if not reason or not waiver_id:
            flash(_("Say why you confirm or refuse the exemption."), "error")
            return self._back(req)
        fee = RequestFee.get_or_none(RequestFee.request == req)
        found = assessment_of(fee)
        spec = spec_for_version("service", req.service_id, req.version_key)
        if found is None or staff_waiver(spec.fees if spec else None, found, waiver_id) is None:
            deny(404, "unknown_waiver", object=f"waiver:{waiver_id}")
        WaiverDecision.create(request=req, waiver_id=waiver_id, confirmed=confirmed, reason=reason,
                              staff=current_staff())
        refresh_due(fee)
        audit.record("payment.waiver_confirmed" if confirmed else "payment.waiver_refused", object_type="request",
                     object_id=req.id, office_id=req.office_id, tracking_code=req.tracking_code, waiver=waiver_id,
                     reason=reason)
        flash(_("The exemption was recorded."), "success")
        return self._back(req)

    @expose("/refund/", methods=("POST",))
    def refund(self):
        payment = scoped_payment(request.form.get("payment_id", ""))
        staff = current_staff()
        if not staff.is_admin:
            deny(403, "role", object=f"payment:{payment.id}")
        amount = parse_amount(request.form.get("amount", ""), payment.currency)
        try:
            refunds.refund(payment, staff, amount_minor=amount or 0, reason=request.form.get("reason", ""))
        except PaymentRefused:
            flash(_("Give a reason and an amount up to what is left of the payment."), "error")
            return self._back(payment.request)
        except ProviderError:
            flash(_("The payment provider refused the refund; nothing was recorded."), "error")
            return self._back(payment.request)
        flash(_("The refund was recorded and the credit note sent to the applicant."), "success")
        return self._back(payment.request)

    @expose("/receipt/<int(max=2147483647):payment_id>.pdf")
    def receipt(self, payment_id: int):
        payment = scoped_payment(str(payment_id))
        if not payment.receipt_number:
            deny(404, "no_receipt")
        return _pdf(receipt_pdf(payment, current_language()), payment.receipt_number)

    @expose("/credit-note/<int(max=2147483647):refund_id>.pdf")
    def credit_note(self, refund_id: int):
        from payments.models import Refund

        found = Refund.get_or_none(Refund.id == refund_id)
        if found is None:
            deny(404, "not_found")
        scoped_payment(str(found.payment_id))
        return _pdf(credit_note_pdf(found, current_language()), found.credit_note_number)


def _pdf(data: bytes, name: str) -> Response:
    response = Response(data, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
    return response


def _day() -> dt.date | None:
    try:
        return dt.date.fromisoformat(request.args.get("date", "") or request.args.get("day", ""))
    except ValueError:
        return None


def register_admin_views(admin) -> None:
    """Add the reconciliation page (and the payment actions) to the back office."""
    admin.add_view(PaymentsView(name=_l("Payments"), endpoint="payments_admin", url="payments"))
