"""Applicant pages of payments (slip upload, online payment and its return page, receipts) and the provider webhook."""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, flash, redirect, request, url_for
from flask_babel import gettext as _

from applicant import current_applicant
from applicant.my_requests import own_request, request_spec
from auth.decorators import activated_required
from core import audit
from fees import money
from i18n import current_language
from i18n.persian import normalize_digits
from payments.counter import PaymentRefused
from payments.ledger import balance
from payments.models import Payment, Refund
from payments.online import apply_outcome, handle_event, start_checkout
from payments.provider import ProviderError, current_provider
from payments.receipts import credit_note_pdf, receipt_pdf
from payments.transfer import submit_slip
from storage import UploadRejected

bp = Blueprint("payments", __name__)


def parse_amount(text: str, currency: str) -> int | None:
    """A typed amount (Persian or Arabic digits, '٫' or ',' as the decimal sign) in minor units, or None."""
    cleaned = normalize_digits(text or "").strip().replace("٫", ".").replace("٬", "").replace(" ", "")
    if cleaned.count(",") == 1 and "." not in cleaned:
        cleaned = cleaned.replace(",", ".")
    try:
        return money.to_minor(cleaned.replace(",", ""), currency)
    except ValueError:
        return None


def _back(code: str):
    return redirect(url_for("my_requests.detail", code=code) + "#payments-title", 303)


@bp.post("/requests/<code>/pay/slip")
@activated_required
def upload_slip(code: str):
    """Store a bank-transfer slip for the office to check."""
    service_request = own_request(code)
    owed = balance(service_request)
    if "bank_transfer" not in (service_request.office.payment_methods or []) or not owed.currency:
        abort(404)
    amount = parse_amount(request.form.get("amount", ""), owed.currency)
    if amount is None or amount <= 0:
        flash(_("Write the amount you transferred, e.g. %(example)s.", example=money.plain(owed.remaining_minor,
                                                                                            owed.currency)), "error")
        return _back(code)
    try:
        submit_slip(service_request, request.files.get("slip"), amount_minor=amount, currency=owed.currency)
    except UploadRejected as rejected:
        flash(rejected.message, "error")
        return _back(code)
    except PaymentRefused:
        abort(400)
    flash(_("Your slip was sent. The office will check the transfer and tell you."), "success")
    return _back(code)


@bp.post("/requests/<code>/pay/online")
@activated_required
def pay_online(code: str):
    """Send the applicant to the provider's hosted payment page for what remains due."""
    service_request = own_request(code)
    if "online_card" not in (service_request.office.payment_methods or []):
        abort(404)
    spec = request_spec(service_request)
    title = spec.title.get(current_language()) if spec else service_request.service_id
    try:
        url = start_checkout(service_request, description=f"{title} · {service_request.tracking_code}",
                             success_url=url_for("payments.returned", code=service_request.tracking_code,
                                                 _external=True),
                             cancel_url=url_for("my_requests.detail", code=service_request.tracking_code,
                                                _external=True))
    except ProviderError:
        current_app.logger.exception("online payment could not start")
        flash(_("Online payment is not available at the moment. Please try again later or pay another way."),
              "error")
        return _back(code)
    return redirect(url, 303)


@bp.get("/requests/<code>/pay/return")
@activated_required
def returned(code: str):
    """Where the provider sends the applicant back: ask the provider itself, never trust the browser's word."""
    service_request = own_request(code)
    payment_id = request.args.get("payment", "")
    payment = Payment.get_or_none((Payment.id == int(payment_id)) & (Payment.request == service_request)) \
        if payment_id.isascii() and payment_id.isdigit() and len(payment_id) <= 9 else None
    if payment is None or payment.method != "online_card" or not payment.provider_ref:
        return _back(code)
    if payment.status == "pending":
        try:
            apply_outcome(current_provider().outcome(payment.provider_ref), actor="payments:return")
        except ProviderError:
            current_app.logger.warning("could not ask the provider about payment %s", payment.id)
        payment = Payment.get_by_id(payment.id)
    if payment.status == "confirmed":
        flash(_("Thank you: your payment was received. The receipt was sent to you by e-mail."), "success")
    else:
        flash(_("Your payment has not been confirmed by the payment provider yet. This page will show it once it "
                "is."), "warning")
    return _back(code)


def _own_payment(payment_id: int) -> Payment:
    found = Payment.get_or_none(Payment.id == payment_id)
    if found is None or found.request.applicant_id != current_applicant().id or not found.receipt_number:
        audit.record("access.denied", object_type="payment", object_id=str(payment_id))
        abort(404)
    return found


def _pdf(data: bytes, name: str) -> Response:
    response = Response(data, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
    return response


@bp.get("/payments/<int(max=2147483647):payment_id>/receipt.pdf")
@activated_required
def receipt(payment_id: int):
    """The applicant's receipt of a confirmed payment."""
    payment = _own_payment(payment_id)
    return _pdf(receipt_pdf(payment, current_language()), payment.receipt_number)


@bp.get("/refunds/<int(max=2147483647):refund_id>/credit-note.pdf")
@activated_required
def credit_note(refund_id: int):
    """The applicant's credit note of a refund."""
    found = Refund.get_or_none(Refund.id == refund_id)
    if found is None:
        abort(404)
    _own_payment(found.payment_id)
    return _pdf(credit_note_pdf(found, current_language()), found.credit_note_number)


@bp.post("/payments/webhooks/stripe")
def stripe_webhook():
    """Stripe's webhook: verify the signature with the SDK, then process the event once."""
    try:
        event = current_provider().parse_event(request.get_data(), request.headers.get("Stripe-Signature", ""))
    except ValueError:
        audit.record("payment.webhook_refused", actor="payments:webhook")
        return {"error": "signature"}, 400
    return {"result": handle_event(event, "stripe")}, 200
