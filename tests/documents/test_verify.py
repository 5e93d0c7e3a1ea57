"""/verify, its JSON twin and PDF upload: valid, revoked, superseded, expired, unknown; rate limit; audit."""

from __future__ import annotations

import datetime as dt
import io

import pytest

from core.models import AuditLog, IssuedDocument, MailMessage, Staff
from documents import codes
from tests.documents.conftest import move, page
from tests.documents.conftest import pdf_of as _pdf


def _issue(app, staff_client, poa) -> IssuedDocument:
    move(staff_client("berlin_officer"), poa, "delivered")
    with app.app_context():
        return IssuedDocument.select().where(IssuedDocument.request == poa).get()


def _api(client, code: str) -> dict:
    response = client.get(f"/api/verify/{code}")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    return response.get_json()


def test_a_valid_document_shows_only_what_to_compare(app, world, staff_client, poa, client):
    row = _issue(app, staff_client, poa)
    shown = codes.display(row.code)
    html = page(client.get(f"/verify/{shown}"))
    for text in ("Valid", "Power of attorney", "Sara Rezaei", "Berlin", shown):
        assert text in html, text
    for private in ("0499370899", "علی", "احمدی", "BER-2026-0042", "sara@example.com"):
        assert private not in html, private
    persian = app.test_client()
    persian.get("/lang/fa")
    typed = shown.lower().replace("-", " ").translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
    html = page(persian.post("/verify", data={"code": typed}))
    assert "معتبر" in html and "وکالت‌نامه" in html and "سارا رضایی" in html and "برلین" in html
    answer = _api(client, row.code.lower())
    assert answer == {"status": "valid", "code": shown,
                      "document_type": {"fa": "وکالت‌نامه", "en": "Power of attorney"},
                      "holder_name": {"fa": "سارا رضایی", "en": "Sara Rezaei"},
                      "office": {"fa": "برلین", "en": "Berlin"},
                      "issued_on": row.issued_at.date().isoformat(), "expires_on": None, "revoked_at": None,
                      "revocation_reason": None, "superseded_by": None}
    with app.app_context():
        channels = [r.details["channel"] for r in AuditLog.select().where(AuditLog.action == "document.verify")
                    .order_by(AuditLog.id)]
        assert channels == ["qr", "page", "api"]


def test_an_unknown_code_is_unknown_and_costs_the_same_queries(app, world, staff_client, poa, client):
    row = _issue(app, staff_client, poa)
    assert _api(client, "7K3M-Q9XD-2HAF")["status"] == "unknown"
    assert _api(client, "not a code")["status"] == "unknown"
    assert "Unknown code" in page(client.get("/verify/ZZZZ-ZZZZ-ZZZZ"))
    from documents import verify

    def statements(code: str) -> list[str]:
        from core.db import database

        seen: list[str] = []
        original = database.obj.execute_sql

        def spy(sql, params=None, *args, **kwargs):
            seen.append(sql.split(" ", 1)[0])
            return original(sql, params, *args, **kwargs)

        database.obj.execute_sql = spy
        try:
            with app.test_request_context("/verify"):
                verify.by_code(code, "page")
        finally:
            database.obj.execute_sql = original
        return seen

    with app.app_context():
        known, unknown, malformed = statements(row.code), statements("7K3MQ9XD2HAF"), statements("§§")
    assert known == unknown == malformed and known.count("SELECT") == 1


def test_revoked_then_reissued(app, world, staff_client, poa, client):
    row = _issue(app, staff_client, poa)
    officer = staff_client("berlin_officer")
    response = officer.post(f"/admin/issued-documents/{row.id}/revoke", data={"reason": "error"})
    assert response.status_code == 403  # revoking is the admins' (revoke_roles: [admin])
    admin = staff_client("admin")
    response = admin.post(f"/admin/issued-documents/{row.id}/revoke", data={"reason": "error", "note": "wrong plate"})
    assert response.status_code == 303
    answer = _api(client, row.code)
    assert answer["status"] == "revoked" and answer["revocation_reason"] == "error" and answer["revoked_at"]
    html = page(client.get(f"/verify/{row.code}"))
    assert "Revoked" in html and "Issued in error" in html and "wrong plate" not in html
    with app.app_context():
        assert AuditLog.select().where(AuditLog.action == "document.revoke").count() == 1
        subjects = [m.subject for m in MailMessage.select().where(MailMessage.to == "sara@example.com")]
        assert any("revoked" in s or "باطل" in s for s in subjects), subjects
    response = admin.post(f"/admin/issued-documents/{row.id}/reissue", data={})
    assert response.status_code == 303
    with app.app_context():
        fresh = IssuedDocument.select().where(IssuedDocument.id != row.id).get()
    answer = _api(client, row.code)
    assert answer["status"] == "superseded" and answer["superseded_by"] == codes.display(fresh.code)
    assert "Replaced by a newer document" in page(client.get(f"/verify/{row.code}"))
    assert _api(client, fresh.code)["status"] == "valid"
    again = admin.post(f"/admin/issued-documents/{row.id}/reissue", data={})
    assert again.status_code == 303
    with app.app_context():
        assert IssuedDocument.select().count() == 2  # a replaced document is not replaced twice


def test_other_offices_staff_cannot_touch_it(app, world, staff_client, poa):
    row = _issue(app, staff_client, poa)
    london = staff_client("london_officer")
    assert london.get(f"/admin/issued-documents/{row.id}/pdf").status_code == 404
    assert london.post(f"/admin/issued-documents/{row.id}/revoke", data={"reason": "error"}).status_code == 404


def test_a_certificate_expires(app, world, staff_client, client, clock):
    from tests.documents.conftest import make_request

    rid = make_request(app, world["berlin"], world["applicant"], "no_criminal_record", status="attended",
                       answers={"purpose": "employment", "requesting_authority": "Bundesamt", "copies": 1},
                       staff_answers={"certificate_number": "C-77"})
    move(staff_client("berlin_officer"), rid, "completed", service="no_criminal_record")
    with app.app_context():
        row = IssuedDocument.get()
        assert row.expires_at == row.issued_at + dt.timedelta(days=180)
    assert _api(client, row.code)["status"] == "valid"
    clock.advance(days=181)
    answer = _api(client, row.code)
    assert answer["status"] == "expired" and answer["expires_on"] == row.expires_at.date().isoformat()


def test_upload_checks_the_signature_and_the_hash(app, world, staff_client, poa, client):
    row = _issue(app, staff_client, poa)
    pdf = _pdf(app, row)

    def upload(data: bytes) -> str:
        return page(client.post("/verify/upload", data={"pdf": (io.BytesIO(data), "doc.pdf")},
                                content_type="multipart/form-data"))

    html = upload(pdf)
    assert "The file is the document as issued" in html and "Sara Rezaei" in html and "Valid" in html
    changed = bytearray(pdf)
    changed[pdf.find(b"stream") + 20] ^= 0x01
    html = upload(bytes(changed))
    assert "The file is not a document as issued" in html and "the file was changed" in html
    assert "Sara Rezaei" not in html
    from weasyprint import HTML

    html = upload(HTML(string="<p>forged</p>").write_pdf())
    assert "It carries no electronic signature." in html
    assert client.post("/verify/upload", data={"pdf": (io.BytesIO(b"not a pdf"), "x.pdf")},
                       content_type="multipart/form-data").status_code == 400


def test_a_retired_key_still_verifies(app, world, staff_client, poa, client):
    row = _issue(app, staff_client, poa)
    result = app.test_cli_runner().invoke(args=["documents", "rotate-key", "--office", "de-berlin"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        from documents.sign import check_pdf

        assert check_pdf(_pdf(app, row)).ok
        assert check_pdf(_pdf(app, row)).fingerprint == row.key_fingerprint
    html = page(client.post("/verify/upload", data={"pdf": (io.BytesIO(_pdf(app, row)), "doc.pdf")},
                            content_type="multipart/form-data"))
    assert "The file is the document as issued" in html


@pytest.fixture()
def test_config(test_config: dict) -> dict:
    test_config.update(VERIFY_RATE_LIMIT=5, VERIFY_RATE_WINDOW=600)
    return test_config


def test_verification_is_rate_limited(app, world, client, clock):
    for _ in range(5):
        assert client.get("/api/verify/7K3M-Q9XD-2HAF").status_code == 200
    limited = client.get("/api/verify/7K3M-Q9XD-2HAF")
    assert limited.status_code == 429 and int(limited.headers["Retry-After"]) > 0
    assert limited.get_json()["status"] == "rate_limited"
    response = client.get("/verify/7K3M-Q9XD-2HAF")
    assert response.status_code == 429 and "Too many attempts" in page(response)
    clock.advance(seconds=601)
    assert client.get("/api/verify/7K3M-Q9XD-2HAF").status_code == 200
    with app.app_context():
        assert Staff.select().count() >= 1
