"""The back office: the request page's payment box, its actions by role and office, the day's page, the CLI."""

from __future__ import annotations

import datetime as dt

from core.models import AuditLog, Office, ServiceRequest, utcnow
from payments.ledger import assess_request, balance, local_day
from payments.models import Payment
from tests.admin.conftest import make_request, page
from wizard.snapshots import spec_for_version


def _fee_request(app, world, answers: dict) -> int:
    with app.app_context():
        Office.update(currency="EUR", timezone="Europe/Berlin").execute()
    rid = make_request(app, world["berlin"], world["applicant"], answers=answers, submitted=utcnow())
    with app.app_context():
        row = ServiceRequest.get_by_id(rid)
        assess_request(row, spec_for_version("service", "passport", row.version_key))
    return rid


def test_an_officer_records_a_counter_payment_and_an_admin_refunds_part_of_it(app, world, staff_client) -> None:
    rid = _fee_request(app, world, {"request_type": "renewal", "birth_date": "1990-01-01"})
    officer = staff_client("berlin_officer")
    shown = page(officer.get(f"/admin/requests/passport/details/?id={rid}"))
    assert "Fee and payments" in shown and "Still to pay" in shown and "€60.00" in shown
    assert "Refund" not in shown
    response = officer.post("/admin/payments/counter/", data={"request_id": rid, "method": "counter_card",
                                                              "amount": "۶۰٫۰۰", "reference": "POS 12"})
    assert response.status_code == 303
    with app.app_context():
        payment = Payment.get(Payment.request == rid)
        assert (payment.amount_minor, payment.status, payment.counter_reference) == (6000, "confirmed", "POS 12")
    assert officer.post("/admin/payments/refund/", data={"payment_id": payment.id, "amount": "10",
                                                         "reason": "x"}).status_code == 403
    london = staff_client("london_officer")
    assert london.get(f"/admin/payments/receipt/{payment.id}.pdf").status_code == 404
    assert london.post("/admin/payments/counter/", data={"request_id": rid, "method": "counter_cash",
                                                         "amount": "1", "reference": "x"}).status_code == 404
    admin = staff_client("admin")
    refunded = admin.post("/admin/payments/refund/", data={"payment_id": payment.id, "amount": "15.50",
                                                           "reason": "Charged the express fee by mistake"})
    assert refunded.status_code == 303
    receipt = admin.get(f"/admin/payments/receipt/{payment.id}.pdf")
    assert receipt.status_code == 200 and receipt.data.startswith(b"%PDF")
    with app.app_context():
        assert balance(ServiceRequest.get_by_id(rid)).remaining_minor == 1550
        assert {"payment.counter", "payment.refund", "access.denied"} & {a.action for a in AuditLog.select()}
        day = local_day(utcnow(), Office.get_by_id(world["berlin"]))
    listing = page(admin.get(f"/admin/payments/?office=de-berlin&date={day.isoformat()}"))
    assert "Reconciliation" in listing and "60.00" in listing and "15.50" in listing
    csv = admin.get(f"/admin/payments/reconcile.csv?office=de-berlin&date={day.isoformat()}").get_data(as_text=True)
    assert "received,counter_card,EUR,60.00" in csv and "refunded,counter_card,EUR,15.50" in csv
    result = app.test_cli_runner().invoke(args=["payments", "reconcile", "--office", "de-berlin", "--date",
                                                day.isoformat()])
    assert result.exit_code == 0 and "net_received" in result.output and "44.50" in result.output
    bad = app.test_cli_runner().invoke(args=["payments", "reconcile", "--office", "nowhere", "--date", "2026-01-01"])
    assert bad.exit_code != 0 and "no office 'nowhere'" in bad.output


def test_a_claimed_hardship_exemption_counts_once_staff_confirm_it(app, world, staff_client) -> None:
    rid = _fee_request(app, world, {"request_type": "renewal", "birth_date": "1990-01-01",
                                    "fee_waiver_requested": True, "fee_waiver_reason": "x" * 30})
    with app.app_context():
        assert balance(ServiceRequest.get_by_id(rid)).remaining_minor == 6000
    officer = staff_client("berlin_officer")
    assert "Confirm the exemption" in page(officer.get(f"/admin/requests/passport/details/?id={rid}"))
    officer.post("/admin/payments/waiver/", data={"request_id": rid, "waiver_id": "hardship", "decision": "confirm",
                                                  "reason": "Proof of unemployment benefit seen"})
    with app.app_context():
        assert balance(ServiceRequest.get_by_id(rid)).state == "waived"
    other = _fee_request(app, world, {"request_type": "first_issue", "birth_date": "1990-01-01"})
    shown = page(officer.get(f"/admin/requests/passport/details/?id={other}"))
    assert "Grant an exemption" in shown and "head of mission" in shown
    assert officer.post("/admin/payments/waiver/", data={"request_id": other, "waiver_id": "made_up",
                                                         "decision": "confirm", "reason": "x"}).status_code == 404
    officer.post("/admin/payments/waiver/", data={"request_id": other, "waiver_id": "consular_discretion",
                                                  "decision": "confirm", "reason": "Decided by the consul"})
    with app.app_context():
        assert balance(ServiceRequest.get_by_id(other)).state == "waived"


def test_a_workflow_can_require_the_fee_before_a_status(app, world) -> None:
    from casework.workflow import TransitionRefused, transition

    rid = _fee_request(app, world, {"request_type": "renewal", "birth_date": "1990-01-01"})
    with app.test_request_context("/"):
        row = ServiceRequest.get_by_id(rid)
        spec = spec_for_version("service", "passport", row.version_key)
        guarded = spec.model_copy(update={"fees": spec.fees.model_copy(update={"paid_before": ["in_review"]})})
        try:
            transition(row, guarded, "in_review", actor_type="staff")
        except TransitionRefused as refused:
            assert "هزینه پرداخت یا معافیت" in str(refused)
        else:
            raise AssertionError("moved without payment")
        Payment.create(request=row, office=row.office, method="counter_cash", amount_minor=6000, currency="EUR",
                       status="confirmed", day=dt.date.today())
        transition(row, guarded, "in_review", actor_type="staff")
        assert ServiceRequest.get_by_id(rid).status == "in_review"
