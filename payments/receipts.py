"""Numbered PDF receipts and credit notes (WeasyPrint, Persian right-to-left or English), e-mailed and downloadable."""

from __future__ import annotations

from typing import Any

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from appointments.pdf import FONTS, _fetcher, _font_dir, qr_data_uri
from fees import money
from i18n.jalali import format_date
from mailer.compose import attachment, queue_email
from payments.models import Payment, Refund

METHOD_LABELS = {
    "counter_cash": _l("Cash at the counter"), "counter_card": _l("Card at the counter"),
    "bank_transfer": _l("Bank transfer"), "online_card": _l("Card, online"),
}
STATUS_LABELS = {
    "pending": _l("waiting for confirmation"), "confirmed": _l("received"), "rejected": _l("not accepted"),
    "failed": _l("failed"), "expired": _l("not completed"),
}


RECONCILE_LABELS = {
    "expected": _l("Expected"), "received": _l("Received"), "refunded": _l("Refunded"),
    "net_received": _l("Net received"), "difference": _l("Difference"), "pending": _l("Waiting for confirmation"),
    "unpaid": _l("Unpaid"), "partly_paid": _l("Partly paid"), "overpaid": _l("Overpaid"),
}


def reconcile_label(section: str) -> str:
    """A reconciliation line's name in the reader's language."""
    return str(RECONCILE_LABELS.get(section, section))


def method_label(method: str) -> str:
    """A payment method in the reader's language."""
    return str(METHOD_LABELS.get(method, method))


def payment_status_label(status: str) -> str:
    """A payment's status in the reader's language."""
    return str(STATUS_LABELS.get(status, status))


def _language(locale: str | None) -> str:
    return "en" if str(locale or "fa").startswith("en") else "fa"


def receipt_data(payment: Payment, language: str, refund: Refund | None = None) -> dict[str, Any]:
    """What a receipt (or, with ``refund``, a credit note) shows, in ``language``."""
    from wizard.snapshots import spec_for_version

    request = payment.request
    office = payment.office
    spec = spec_for_version("service", request.service_id, request.version_key)
    public = current_app.config["PUBLIC_URL"].rstrip("/")
    when = refund.day if refund else payment.day
    return {
        "language": language, "direction": "rtl" if language == "fa" else "ltr",
        "number": refund.credit_note_number if refund else payment.receipt_number,
        "receipt_number": payment.receipt_number, "tracking_code": request.tracking_code,
        "office_name": office.name(language), "office_address": office.address_fa if language == "fa"
        else office.address_en, "service": spec.title.get(language) if spec else request.service_id,
        "payer": request.applicant.display_name(language), "national_code": request.national_code,
        "method": payment.method, "reference": payment.counter_reference or payment.provider_payment,
        "amount": money.display(refund.amount_minor if refund else payment.amount_minor, payment.currency, language),
        "paid_amount": money.display(payment.amount_minor, payment.currency, language),
        "day": format_date(when, language), "reason": refund.reason if refund else "",
        "url": f"{public}/track?code={request.tracking_code}",
    }


def _html(data: dict[str, Any], template: str) -> str:
    fonts = {key: (_font_dir() / name).resolve().as_uri() for key, name in FONTS.items()}
    with force_locale(data["language"]):
        return render_template(template, r=data, fonts=fonts, qr=qr_data_uri(data["url"]))


def _pdf(html: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=html, base_url=str(_font_dir()), url_fetcher=_fetcher()).write_pdf()


def receipt_pdf(payment: Payment, locale: str | None) -> bytes:
    """The payment's numbered receipt as PDF bytes."""
    return _pdf(_html(receipt_data(payment, _language(locale)), "payments/receipt_pdf.html"))


def credit_note_pdf(refund: Refund, locale: str | None) -> bytes:
    """A refund's numbered credit note as PDF bytes."""
    return _pdf(_html(receipt_data(refund.payment, _language(locale), refund), "payments/receipt_pdf.html"))


def email_receipt(payment: Payment, refund: Refund | None = None) -> None:
    """Queue the receipt (or credit note) to the applicant, in their language, with the PDF attached."""
    applicant = payment.request.applicant
    locale = applicant.locale or "fa"
    data = receipt_data(payment, _language(locale), refund)
    pdf = credit_note_pdf(refund, locale) if refund else receipt_pdf(payment, locale)
    files = [attachment(f"{data['number']}.pdf", "application/pdf", pdf)]
    queue_email(applicant.email, "payment_credit_note" if refund else "payment_receipt", locale, attachments=files,
                name=applicant.display_name(), number=data["number"], amount=data["amount"],
                tracking_code=data["tracking_code"], reason=data["reason"])
