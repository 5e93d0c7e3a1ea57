"""Applicant accounts in the back office: the e-mail change is an admin's audited action."""

from __future__ import annotations

from auth import sessions
from core.models import Applicant, AuditLog, MailMessage, UserSession
from tests.admin.conftest import page


def test_an_admin_changes_the_bound_email_and_the_applicant_is_signed_out(app, world, staff_client):
    with app.test_request_context("/"):
        sessions.start("applicant", Applicant.get_by_id(world["applicant"]))
    client = staff_client("admin")
    details = page(client.get(f"/admin/applicants/details/?id={world['applicant']}"))
    assert "sara@example.com" in details and "Change the e-mail address" in details
    url = f"/admin/applicants/email/?id={world['applicant']}"
    refused = client.post(url, data={"email": "not-an-address", "reason": "Identity checked at the desk"})
    assert refused.status_code == 200 and "Enter a valid e-mail address" in page(refused)
    assert 'value="Identity checked at the desk"' in page(refused) or "Identity checked at the desk" in page(refused)
    response = client.post(url, data={"email": "Sara.New@Example.com ", "reason": "Passport shown at the desk"})
    assert response.status_code == 303
    with app.app_context():
        assert Applicant.get_by_id(world["applicant"]).email == "Sara.New@example.com"
        assert not UserSession.select().where((UserSession.kind == "applicant")
                                              & UserSession.revoked_at.is_null()).exists()
        assert {m.to for m in MailMessage.select()} >= {"sara@example.com", "Sara.New@example.com"}
        entry = AuditLog.get(AuditLog.action == "applicant.email_changed")
        assert entry.details["previous"] == "sara@example.com" and entry.details["reason"].startswith("Passport")


def test_officers_cannot_change_an_email(app, world, staff_client):
    client = staff_client("berlin_officer")
    assert client.get(f"/admin/applicants/email/?id={world['applicant']}").status_code == 403
    assert client.post(f"/admin/applicants/email/?id={world['applicant']}",
                       data={"email": "x@example.com", "reason": "r"}).status_code == 403
    with app.app_context():
        assert Applicant.get_by_id(world["applicant"]).email == "sara@example.com"


def test_an_address_already_in_use_is_refused(app, world, staff_client):
    with app.app_context():
        Applicant.create(national_code="0084575948", email="taken@example.com")
    response = staff_client("admin").post(f"/admin/applicants/email/?id={world['applicant']}",
                                          data={"email": "taken@example.com", "reason": "r"})
    assert "Another account already uses this address." in page(response)
