"""Counter, bank transfer and online payments, refunds, receipts and the reconciliation of a day, to the cent."""

from __future__ import annotations

import datetime as dt
import http.client
import io
import json
import re
import subprocess
from urllib.parse import urlsplit

import pytest
from werkzeug.datastructures import FileStorage

from core.models import AuditLog, MailMessage, utcnow
from payments.counter import record_counter_payment
from payments.ledger import assess_request, balance, local_day
from payments.models import Payment, ProviderEvent, WaiverDecision
from payments.online import poll_pending
from payments.receipts import credit_note_pdf, receipt_pdf
from payments.reconcile import reconcile, to_csv, to_text
from payments.refunds import refund
from payments.transfer import decide_slip, submit_slip
from tests.appointments.conftest import make_applicant, make_office, make_request, make_staff, sign_in_as, spec
from tests.helpers import PDF_BYTES as PDF
from tests.payments.fake_stripe import sign

ADULT, MINOR = "1990-05-17", "2012-03-01"


def slip():
    """A posted PDF slip, as the upload checks see one."""
    return FileStorage(io.BytesIO(PDF), filename="slip.pdf", content_type="application/pdf")


def _request(office, answers, applicant=None):
    request = make_request(office, applicant or make_applicant(), "passport", status="submitted", answers=answers)
    request.submitted_at = utcnow()
    request.save()
    assess_request(request, spec("passport"))
    return request


def _pay_online(client, fake, code: str) -> Payment:
    """The applicant starts paying; the hosted page is 'paid' at the fake provider (no browser return)."""
    response = client.post(f"/requests/{code}/pay/online")
    assert response.status_code == 303 and response.location.startswith(fake.base + "/c/pay/cs_test_")
    sid = response.location.rsplit("/", 1)[-1]
    page = urlsplit(response.location)
    connection = http.client.HTTPConnection(page.hostname, page.port, timeout=10)
    connection.request("POST", page.path, body="card=4242+4242+4242+4242",
                       headers={"Content-Type": "application/x-www-form-urlencoded"})
    answer = connection.getresponse()
    assert answer.status == 303 and "/pay/return?payment=" in answer.getheader("Location")
    connection.close()
    return Payment.get(Payment.provider_ref == sid)


def _deliver(client, event: dict) -> dict:
    payload = json.dumps(event).encode()
    response = client.post("/payments/webhooks/stripe", data=payload, content_type="application/json",
                           headers={"Stripe-Signature": sign(payload)})
    assert response.status_code == 200
    return response.get_json()


@pytest.fixture()
def berlin(app):
    with app.test_request_context("/"):
        office = make_office(code="de-berlin", currency="EUR", timezone="Europe/Berlin",
                             payment_methods=["counter", "bank_transfer", "online_card"],
                             bank_details="Botschaft der I.R. Iran · IBAN DE00 1234 5678 9012 3456 78")
        return office.id


def test_a_day_with_every_kind_of_payment_reconciles_to_the_cent(app, client, clock, stripe_server, berlin,
                                                                   monkeypatch) -> None:
    from core.models import Office

    with app.test_request_context("/"):
        office = Office.get_by_id(berlin)
        clerk, admin = make_staff(office), make_staff(None, role="admin")
        owner = make_applicant(locale="en")
        r = {
            "counter": _request(office, {"request_type": "first_issue", "birth_date": ADULT}),
            "slip_ok": _request(office, {"request_type": "renewal", "birth_date": ADULT}),
            "slip_bad": _request(office, {"request_type": "lost", "lost_count": "second", "birth_date": ADULT}),
            "online_twice": _request(office, {"request_type": "first_issue", "birth_date": MINOR}, owner),
            "online_never": _request(office, {"request_type": "renewal", "birth_date": MINOR, "express": True},
                                     owner),
            "overpaid": _request(office, {"request_type": "first_issue", "birth_date": ADULT}),
            "waived": _request(office, {"request_type": "first_issue", "birth_date": ADULT,
                                        "fee_waiver_requested": True, "fee_waiver_reason": "x" * 30}),
        }
        codes = {k: v.tracking_code for k, v in r.items()}
        cash = record_counter_payment(r["counter"], clerk, method="counter_cash", amount_minor=6000, currency="EUR",
                                      reference="TILL-0042")
        good = submit_slip(r["slip_ok"], slip(), amount_minor=6000, currency="EUR")
        bad = submit_slip(r["slip_bad"], slip(), amount_minor=24000, currency="EUR")
        decide_slip(good, clerk, accept=True, note="Seen on the statement of the day")
        decide_slip(bad, clerk, accept=False, note="The slip is for another account")
        card = record_counter_payment(r["overpaid"], clerk, method="counter_card", amount_minor=7000,
                                      currency="EUR", reference="POS 7781")
        refund(card, admin, amount_minor=1000, reason="Charged 10 EUR too much at the terminal")
        WaiverDecision.create(request=r["waived"], waiver_id="hardship", confirmed=True, reason="Letter from a "
                              "social worker", staff=clerk)
        assess_request(r["waived"], spec("passport"))
        sign_in_as(client, "applicant", owner, clock)
    assert cash.receipt_number == f"R-DE-BERLIN-{cash.day.year}-000001"

    # Online, webhook delivered twice: one payment, one receipt, the second delivery changes nothing.
    twice = _pay_online(client, stripe_server, codes["online_twice"])
    event = stripe_server.events[-1]
    assert _deliver(client, event) == {"result": "processed"}
    assert _deliver(client, event) == {"result": "duplicate"}
    forged = json.dumps({**event, "id": "evt_forged"}).encode()
    assert client.post("/payments/webhooks/stripe", data=forged, content_type="application/json",
                       headers={"Stripe-Signature": sign(forged, secret="whsec_wrong")}).status_code == 400
    # Online, webhook never delivered: the return page is not visited either; the poll recovers it.
    never = _pay_online(client, stripe_server, codes["online_never"])
    with app.app_context():
        assert Payment.get_by_id(never.id).status == "pending"
        assert Payment.get_by_id(twice.id).status == "confirmed"
        assert ProviderEvent.select().count() == 1
        assert [p.id for p in poll_pending(dt.timedelta(0))] == [never.id]
        assert poll_pending(dt.timedelta(0)) == []
        office = Office.get_by_id(berlin)
        report = reconcile(office, local_day(utcnow(), office))
        states = {k: balance(req).state for k, req in r.items()}
        csv_text = to_csv(report)
        text = to_text(report)
        receipts = MailMessage.select().where(MailMessage.subject.contains("R-DE-BERLIN-")).count()
    assert states == {"counter": "paid", "slip_ok": "paid", "slip_bad": "unpaid", "online_twice": "paid",
                      "online_never": "paid", "overpaid": "paid", "waived": "waived"}
    assert report.expected == {"EUR": 6000 + 6000 + 24000 + 3000 + 4500 + 6000}
    assert report.received == {("counter_cash", "EUR"): 6000, ("counter_card", "EUR"): 7000,
                               ("bank_transfer", "EUR"): 6000, ("online_card", "EUR"): 3000 + 4500}
    assert report.refunded == {("counter_card", "EUR"): 1000}
    assert report.net("EUR") == 25500 and report.pending == {}
    assert "expected,,EUR,495.00" in csv_text and "net_received,,EUR,255.00" in csv_text
    assert "difference,,EUR,'-240.00" in csv_text  # formula-safe: a leading '-' is escaped
    assert f"unpaid,,EUR,240.00,{codes['slip_bad']},unpaid" in csv_text
    assert re.search(r"received\s+online_card\s+EUR\s+75.00", text)
    assert receipts == 5  # cash, slip, card, and the two online payments (one each, whatever the webhooks)
    with app.app_context():
        actions = {a.action for a in AuditLog.select()}
    assert {"payment.counter", "payment.slip_confirmed", "payment.slip_rejected", "payment.refund",
            "payment.online_paid", "payment.webhook_refused"} <= actions


def test_the_return_page_asks_the_provider_and_never_trusts_the_browser(app, client, clock, stripe_server,
                                                                         berlin) -> None:
    from core.models import Office

    with app.test_request_context("/"):
        owner = make_applicant(locale="en")
        request = _request(Office.get_by_id(berlin), {"request_type": "renewal", "birth_date": ADULT}, owner)
        sign_in_as(client, "applicant", owner, clock)
    code = request.tracking_code
    client.get("/lang/en")
    response = client.post(f"/requests/{code}/pay/online")
    sid = response.location.rsplit("/", 1)[-1]
    payment = Payment.get(Payment.provider_ref == sid)
    # The browser comes back claiming success before paying: nothing is confirmed.
    page = client.get(f"/requests/{code}/pay/return?payment={payment.id}&session_id={sid}&paid=1",
                      follow_redirects=True).get_data(as_text=True)
    assert "has not been confirmed" in page and Payment.get_by_id(payment.id).status == "pending"
    stripe_server.webhook_times = 0
    stripe_server.pay(sid)
    page = client.get(f"/requests/{code}/pay/return?payment={payment.id}", follow_redirects=True).get_data(
        as_text=True)
    assert "your payment was received" in page and Payment.get_by_id(payment.id).status == "confirmed"
    assert "Still to pay" in page and "€0.00" in page


def test_a_full_online_refund_goes_through_the_provider_with_a_credit_note(app, client, clock, stripe_server,
                                                                          berlin, tmp_path) -> None:
    from core.models import Office

    with app.test_request_context("/"):
        owner = make_applicant(locale="fa", profile={"first_name": "مریم", "last_name": "احمدی"})
        request = _request(Office.get_by_id(berlin), {"request_type": "renewal", "birth_date": ADULT}, owner)
        sign_in_as(client, "applicant", owner, clock)
    payment = _pay_online(client, stripe_server, request.tracking_code)
    _deliver(client, stripe_server.events[-1])
    with app.test_request_context("/"):
        payment = Payment.get_by_id(payment.id)
        admin = make_staff(None, role="admin")
        credit = refund(payment, admin, amount_minor=6000, reason="Request withdrawn before processing")
        assert balance(request).net_minor == 0
        assert stripe_server.refunds[-1]["amount"] == 6000
        assert stripe_server.refunds[-1]["payment_intent"] == payment.provider_payment
        persian = _pdftotext(credit_note_pdf(credit, "fa"), tmp_path)
        english = _pdftotext(credit_note_pdf(credit, "en"), tmp_path)
    assert credit.credit_note_number in persian and "یادداشت بستانکاری" in persian and "۶۰٫۰۰" in persian
    assert "Credit note" in english and "€60.00" in english and "Request withdrawn" in english


def _pdftotext(data: bytes, tmp_path) -> str:
    path = tmp_path / "doc.pdf"
    path.write_bytes(data)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True).stdout
    return re.sub("[\u200e\u200f\u202a-\u202e\u2066-\u2069]", "", text)


def test_receipts_read_back_in_persian_and_english(app, berlin, tmp_path) -> None:
    from core.models import Office

    with app.test_request_context("/"):
        office = Office.get_by_id(berlin)
        request = _request(office, {"request_type": "first_issue", "birth_date": ADULT},
                           make_applicant(profile={"first_name": "مریم", "last_name": "احمدی",
                                                   "first_name_latin": "Maryam", "last_name_latin": "Ahmadi"}))
        payment = record_counter_payment(request, make_staff(office), method="counter_cash", amount_minor=6000,
                                         currency="EUR", reference="TILL-0042")
        persian = _pdftotext(receipt_pdf(payment, "fa"), tmp_path)
        english = _pdftotext(receipt_pdf(payment, "en"), tmp_path)
        mail = MailMessage.select().order_by(MailMessage.id.desc()).first()
    number = payment.receipt_number
    assert number in persian and "رسید" in persian and "۶۰٫۰۰" in persian and "احمدی" in persian
    assert number in english and "Receipt" in english and "€60.00" in english and "Cash at the counter" in english
    assert "Maryam Ahmadi" in english and "TILL-0042" in english
    assert number in mail.subject and mail.attachments and mail.attachments[0]["filename"] == f"{number}.pdf"


def test_slip_upload_checks_the_amount_and_the_file_and_receipts_are_the_owners_only(app, client, clock, berlin,
                                                                                    stripe_server) -> None:
    from core.models import Office

    with app.test_request_context("/"):
        owner, other = make_applicant(locale="en"), make_applicant(locale="en")
        request = _request(Office.get_by_id(berlin), {"request_type": "renewal", "birth_date": ADULT}, owner)
        sign_in_as(client, "applicant", owner, clock)
    code = request.tracking_code
    client.get("/lang/en")
    bad_amount = client.post(f"/requests/{code}/pay/slip", data={"amount": "sixty", "slip": (io.BytesIO(PDF), "s.pdf")},
                             content_type="multipart/form-data", follow_redirects=True).get_data(as_text=True)
    assert "Write the amount you transferred, e.g. 60.00" in bad_amount
    bad_file = client.post(f"/requests/{code}/pay/slip", data={"amount": "60", "slip": (io.BytesIO(b"MZ..."), "s.exe")},
                           content_type="multipart/form-data", follow_redirects=True).get_data(as_text=True)
    assert "This type of file is not accepted here" in bad_file
    sent = client.post(f"/requests/{code}/pay/slip", data={"amount": "۶۰٫۰۰", "slip": (io.BytesIO(PDF), "s.pdf")},
                       content_type="multipart/form-data", follow_redirects=True).get_data(as_text=True)
    sent = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", sent))
    assert "Your slip was sent" in sent and "Bank transfer: €60.00 — waiting for confirmation" in sent
    with app.test_request_context("/"):
        slip_payment = Payment.get(Payment.method == "bank_transfer")
        decide_slip(slip_payment, make_staff(Office.get_by_id(berlin)), accept=True, note="")
        slip_payment = Payment.get_by_id(slip_payment.id)
    receipt = client.get(f"/payments/{slip_payment.id}/receipt.pdf")
    assert receipt.status_code == 200 and receipt.data.startswith(b"%PDF")
    with app.test_request_context("/"):
        sign_in_as(client, "applicant", other, clock)
    assert client.get(f"/payments/{slip_payment.id}/receipt.pdf").status_code == 404
    assert client.post(f"/requests/{code}/pay/online").status_code == 404


def test_the_poll_command_recovers_a_payment_whose_webhook_never_came(app, client, clock, stripe_server,
                                                                        berlin) -> None:
    from core.models import Office

    with app.test_request_context("/"):
        owner = make_applicant(locale="en")
        request = _request(Office.get_by_id(berlin), {"request_type": "renewal", "birth_date": ADULT}, owner)
        sign_in_as(client, "applicant", owner, clock)
    payment = _pay_online(client, stripe_server, request.tracking_code)
    result = app.test_cli_runner().invoke(args=["payments", "poll", "--minutes", "0"])
    assert result.exit_code == 0 and f"payment {payment.id} ({request.tracking_code}): confirmed" in result.output
    assert "1 payment(s) brought up to date" in result.output
    assert "0 payment(s)" in app.test_cli_runner().invoke(args=["payments", "poll", "--minutes", "0"]).output


def test_ids_too_large_for_the_database_answer_404_not_500(app, client, clock, berlin) -> None:
    from core.models import Office

    with app.test_request_context("/"):
        owner = make_applicant(locale="en")
        request = _request(Office.get_by_id(berlin), {"request_type": "renewal", "birth_date": ADULT}, owner)
        sign_in_as(client, "applicant", owner, clock)
    assert client.get("/payments/99999999999999999999/receipt.pdf").status_code == 404
    assert client.get("/refunds/99999999999999999999/credit-note.pdf").status_code == 404
    back = client.get(f"/requests/{request.tracking_code}/pay/return?payment=99999999999999999999")
    assert back.status_code == 303
