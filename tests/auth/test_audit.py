"""The audit log: what sign-in records, and what it never records."""

from __future__ import annotations

import json

from core import audit
from core.models import Applicant, AuditLog, Staff
from tests.auth.conftest import VALID_CODES, ask_code, code_from_mail, enter_code, sign_in

NC, EMAIL = VALID_CODES[0], "sara@example.com"


def rows(app) -> list[AuditLog]:
    with app.app_context():
        return list(AuditLog.select().order_by(AuditLog.id))


def as_text(row: AuditLog) -> str:
    return json.dumps({k: str(v) for k, v in row.__data__.items()}, ensure_ascii=False)


def test_record_keeps_who_what_where_and_the_request_id(app):
    with app.app_context():
        staff = Staff.create(email="officer@mikhak.example", password_hash="x")
        with app.test_request_context("/x", environ_base={"REMOTE_ADDR": "203.0.113.9"},
                                      headers={"X-Request-ID": "abc123"}):
            row = audit.record("request.viewed", actor=staff, object_type="request", object_id=42, office_id=7,
                               note="seen")
        assert (row.actor_type, row.actor_id, row.actor_label) == ("staff", staff.id, "officer@mikhak.example")
        assert (row.action, row.object_type, row.object_id, row.office_id) == ("request.viewed", "request", "42", 7)
        assert (row.ip, row.request_id, row.details) == ("203.0.113.9", "abc123", {"note": "seen"})
        assert row.at is not None
        system = audit.record("mail.retried", actor="mail worker")
        assert (system.actor_type, system.actor_label) == ("system", "mail worker")
        assert (system.ip, system.request_id) == ("", "")


def test_newlines_are_escaped_everywhere(app):
    with app.app_context(), app.test_request_context("/"):
        row = audit.record("x\ny", object_id="1\r\n2", note="line one\nFAKE audit line", nested={"a": ["b\nc"]})
        assert row.action == "x\\ny" and row.object_id == "1\\r\\n2"
        assert row.details == {"note": "line one\\nFAKE audit line", "nested": {"a": ["b\\nc"]}}
        assert "\n" not in as_text(AuditLog.get_by_id(row.id)).replace("\\n", "")


def test_secrets_are_stripped_whatever_the_caller_passes(app):
    with app.app_context(), app.test_request_context("/"):
        row = audit.record("test", code="123456", otp="123456", password="hunter2", new_password="x",
                           session_cookie="abc", csrf_token="t", token="t", totp="654321", details_hmac="h",
                           national_code=NC, tracking_code="ABCD1234", reason="ok",
                           form={"password": "p", "email": "a@b.example", "code": "1"})
        stored = AuditLog.get_by_id(row.id).details
    assert stored == {"national_code": NC, "tracking_code": "ABCD1234", "reason": "ok",
                      "form": {"email": "a@b.example"}}


def test_sign_in_events_are_audited_and_never_contain_the_code(app, client, clock):
    client.get("/", environ_base={"REMOTE_ADDR": "192.0.2.10"})
    ask_code(client, NC, EMAIL)
    code = code_from_mail(app, EMAIL)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    enter_code(client, wrong)
    enter_code(client, code)
    client.post("/sign-out", environ_base={"REMOTE_ADDR": "192.0.2.10"})
    log = rows(app)
    assert [r.action for r in log] == ["otp.sent", "sign_in.failure", "sign_in.success", "sign_out"]
    sent, failure, success, out = log
    assert sent.actor_type == "anonymous" and sent.object_id == NC and sent.details["email"] == EMAIL
    assert failure.details == {"reason": "wrong_code", "wrong_entries": 1, "code_voided": False}
    with app.app_context():
        applicant = Applicant.get()
    assert (success.actor_type, success.actor_id, success.actor_label) == ("applicant", applicant.id, NC)
    assert success.details == {"first_sign_in": True}
    assert out.actor_type == "applicant" and out.actor_id == applicant.id
    for row in log:
        assert row.ip == "192.0.2.10" and len(row.request_id) == 16
        text = as_text(row).replace(NC, "").replace(row.request_id, "")
        assert code not in text and wrong not in text
        assert client.get_cookie("session").value not in text


def test_expired_and_locked_failures_and_refused_sends_are_audited(app, client, clock):
    ask_code(client, NC, EMAIL)
    code = code_from_mail(app, EMAIL)
    ask_code(client, NC, EMAIL)  # within 60 s: refused
    clock.advance(minutes=10)
    enter_code(client, code)
    with app.app_context():
        refused = AuditLog.get(AuditLog.action == "otp.refused")
        expired = AuditLog.get(AuditLog.action == "sign_in.failure")
        assert refused.details == {"reason": "rate_limited", "wait_seconds": 60}
        assert expired.details == {"reason": "expired"}
        from auth import otp
        from core import ratelimit

        for _ in range(20):
            ratelimit.hit(otp.failure_key(NC))
    enter_code(client, code)
    with app.app_context():
        locked = AuditLog.select().where(AuditLog.action == "sign_in.failure").order_by(AuditLog.id.desc()).get()
        assert locked.details["reason"] == "locked" and locked.details["wait_seconds"] == 24 * 3600


def test_no_audit_row_ever_holds_a_code_sent_during_a_full_journey(app, clock):
    codes = []
    for index, nc in enumerate(VALID_CODES[:4]):
        client = app.test_client()
        email = f"person{index}@example.com"
        sign_in(app, client, nc, email)
        codes.append(code_from_mail(app, email))
        client.post("/sign-out")
    everything = " ".join(as_text(row).replace(row.request_id, "") for row in rows(app))
    for nc in VALID_CODES[:4]:
        everything = everything.replace(nc, "")
    assert all(code not in everything for code in codes)
