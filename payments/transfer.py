"""Bank transfers: the applicant uploads the slip (the usual upload checks), staff confirm or reject it with a note."""

from __future__ import annotations

from typing import Any

from core import audit
from core.db import database
from core.models import ServiceRequest, Staff, utcnow
from mailer import queue_email
from payments.confirm import confirm_payment
from payments.counter import PaymentRefused
from payments.models import Payment
from storage import accept_upload

SLIP_KINDS = ["pdf", "jpeg", "png"]
SLIP_MAX_BYTES = 5 * 1024 * 1024


def submit_slip(request: ServiceRequest, upload: Any, *, amount_minor: int, currency: str) -> Payment:
    """Store the slip (UploadRejected when it fails the checks) and a pending bank-transfer payment."""
    if amount_minor <= 0:
        raise PaymentRefused("amount")
    with database.atomic():
        document = accept_upload(upload, accept=SLIP_KINDS, max_bytes=SLIP_MAX_BYTES, applicant=request.applicant,
                                 field_id="payment_slip", request=request)
        payment = Payment.create(request=request, office=request.office, method="bank_transfer",
                                 amount_minor=amount_minor, currency=currency, slip=document, created_at=utcnow())
        audit.record("payment.slip_sent", actor=request.applicant, object_type="payment", object_id=payment.id,
                     office_id=payment.office_id, tracking_code=request.tracking_code, amount=amount_minor,
                     currency=currency)
    return payment


def decide_slip(payment: Payment, staff: Staff, *, accept: bool, note: str, amount_minor: int | None = None) -> None:
    """Confirm (optionally with the amount the bank statement shows) or reject a pending slip, audited."""
    if payment.method != "bank_transfer" or payment.status != "pending":
        raise PaymentRefused("not pending")
    note = note.strip()[:1000]
    if not accept and not note:
        raise PaymentRefused("note")
    with database.atomic():
        payment.note = note
        payment.staff = staff
        payment.save()
        if accept:
            confirm_payment(payment, staff=staff, amount_minor=amount_minor)
        else:
            payment.status = "rejected"
            payment.save()
            applicant = payment.request.applicant
            queue_email(applicant.email, "payment_rejected", applicant.locale or "fa", name=applicant.display_name(),
                        tracking_code=payment.request.tracking_code, note=note)
        audit.record("payment.slip_confirmed" if accept else "payment.slip_rejected", actor=staff,
                     object_type="payment", object_id=payment.id, office_id=payment.office_id,
                     tracking_code=payment.request.tracking_code, amount=payment.amount_minor,
                     currency=payment.currency, note=note)
