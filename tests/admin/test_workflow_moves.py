"""Roles and requirements on workflow moves, in the back office: buttons per role, 403 audited, what is missing."""

from __future__ import annotations

from core.models import AuditLog, ServiceRequest, Staff
from tests.admin.conftest import make_document, make_request, page

PASSPORT = "/admin/requests/passport"


def _status(app, rid: int) -> str:
    with app.app_context():
        return ServiceRequest.get_by_id(rid).status


def _audit(app, action: str) -> list[AuditLog]:
    with app.app_context():
        return list(AuditLog.select().where(AuditLog.action == action))


def _buttons(html: str) -> set[str]:
    import re

    return set(re.findall(r'name="to_status" value="([a-z_]+)"', html))


def test_an_officer_sees_only_the_officers_moves_and_a_consul_sees_the_consuls(app, world, staff_client):
    rid = make_request(app, world["berlin"], world["applicant"], status="in_review")
    assert _buttons(page(staff_client("berlin_officer").get(f"{PASSPORT}/details/?id={rid}"))) == {"needs_info"}
    assert _buttons(page(staff_client("berlin_consul").get(f"{PASSPORT}/details/?id={rid}"))) == {
        "needs_info", "approved", "rejected"}


def test_an_admin_without_the_role_cannot_approve(app, world, staff_client):
    rid = make_request(app, world["berlin"], world["applicant"], status="in_review")
    with app.app_context():
        Staff.update(work_roles=[]).where(Staff.id == world["admin"]).execute()
    assert "approved" not in _buttons(page(staff_client("admin").get(f"{PASSPORT}/details/?id={rid}")))


def test_a_move_of_another_role_is_refused_with_403_and_audited(app, world, staff_client):
    rid = make_request(app, world["berlin"], world["applicant"], status="in_review")
    response = staff_client("berlin_officer").post(f"{PASSPORT}/transition/?id={rid}", data={"to_status": "approved"})
    assert response.status_code == 403
    assert _status(app, rid) == "in_review"
    refused = _audit(app, "request.transition_refused")
    assert len(refused) == 1 and refused[0].actor_id == world["berlin_officer"]
    assert (refused[0].details["to_status"], refused[0].details["needs"], refused[0].details["holds"]) == (
        "approved", ["consul"], ["officer"])
    assert _audit(app, "access.denied")[0].details["reason"] == "workflow_role"
    assert not _audit(app, "request.transition")


def test_a_bulk_move_skips_requests_the_role_may_not_move(app, world, staff_client):
    rid = make_request(app, world["berlin"], world["applicant"], status="in_review")
    response = staff_client("berlin_officer").post(f"{PASSPORT}/action/", data={"action": "to_approved",
                                                                                 "rowid": [str(rid)]})
    assert response.status_code in (302, 303)
    assert _status(app, rid) == "in_review"
    assert _audit(app, "request.transition_refused")[0].details["bulk"] is True


def test_approval_needs_the_photo_opened_first(app, world, staff_client):
    rid = make_request(app, world["berlin"], world["applicant"], status="in_review")
    doc = make_document(app, rid, field_id="photo")
    consul = staff_client("berlin_consul")
    details = page(consul.get(f"{PASSPORT}/details/?id={rid}"))
    assert "Before this step:" in details and "Open these documents first: Passport photo." in details
    refused = consul.post(f"{PASSPORT}/transition/?id={rid}", data={"to_status": "approved"})
    assert refused.status_code == 400 and "Open these documents first: Passport photo." in page(refused)
    assert _status(app, rid) == "in_review"
    assert consul.get(f"{PASSPORT}/document/?id={rid}&doc={doc}").status_code == 200
    assert consul.post(f"{PASSPORT}/transition/?id={rid}", data={"to_status": "approved"}).status_code == 303
    assert _status(app, rid) == "approved"


def test_completion_names_the_missing_staff_field_in_the_readers_language(app, world, staff_client):
    rid = make_request(app, world["berlin"], world["applicant"], status="attended")
    officer = staff_client("berlin_officer")
    refused = officer.post(f"{PASSPORT}/transition/?id={rid}", data={"to_status": "completed"})
    assert refused.status_code == 400
    assert "Fill in the staff fields first: Number of the passport issued." in page(refused)
    officer.get("/lang/fa")
    persian = page(officer.post(f"{PASSPORT}/transition/?id={rid}", data={"to_status": "completed"}))
    assert "نخست فیلدهای کارکنان را پر کنید: شمارهٔ گذرنامهٔ صادرشده." in persian
    with app.app_context():
        ServiceRequest.update(staff_answers={"issued_passport_number": "Z12345678"}).where(
            ServiceRequest.id == rid).execute()
    assert officer.post(f"{PASSPORT}/transition/?id={rid}", data={"to_status": "completed"}).status_code == 303
    assert _status(app, rid) == "completed"


POA = "/admin/requests/power_of_attorney"
POA_ANSWERS = {"power_type": "property_sale", "irrevocable": True, "agent_last_name": "Karimi"}


def test_signing_a_power_of_attorney_needs_the_register_number_and_the_explanation(app, world, staff_client):
    rid = make_request(app, world["berlin"], world["applicant"], service_id="power_of_attorney",
                       answers=POA_ANSWERS, status="at_office")
    consul = staff_client("berlin_consul")
    html = page(consul.post(f"{POA}/transition/?id={rid}", data={"to_status": "signed"}))
    assert "Fill in the staff fields first: Registry book number." in html
    assert "For an irrevocable power, first confirm that its consequences were explained to the principals." in html
    with app.app_context():
        ServiceRequest.update(staff_answers={"registry_number": "1405-77", "irrevocable_explained": True}).where(
            ServiceRequest.id == rid).execute()
    assert consul.post(f"{POA}/transition/?id={rid}", data={"to_status": "signed"}).status_code == 303
    assert _status(app, rid) == "signed"
    assert staff_client("berlin_officer").post(f"{POA}/transition/?id={rid}",
                                               data={"to_status": "delivered"}).status_code == 303


def test_admins_give_casework_roles_in_staff_management(app, world, staff_client):
    admin = staff_client("admin")
    form = page(admin.get(f"/admin/staff/edit/?id={world['berlin_officer']}"))
    assert "Consul (signs, approves and refuses)" in form and 'name="work_roles"' in form
    response = admin.post(f"/admin/staff/edit/?id={world['berlin_officer']}", data={
        "email": "berlin@mikhak.example", "name": "Berlin", "role": "officer", "office": str(world["berlin"]),
        "work_roles": ["officer", "consul"], "active": "y"})
    assert response.status_code == 302, page(response)[-1500:]
    with app.app_context():
        assert Staff.get_by_id(world["berlin_officer"]).work_roles == ["officer", "consul"]
    assert "Consul (signs, approves and refuses)" in page(admin.get("/admin/staff/"))


def _last_mail(app, to: str = "sara@example.com"):
    from core.models import MailMessage

    with app.app_context():
        return MailMessage.select().where(MailMessage.to == to).order_by(MailMessage.id.desc()).first()


def test_a_status_with_its_own_email_text_sends_it_in_the_applicants_language(app, world, staff_client):
    rid = make_request(app, world["berlin"], world["applicant"], status="in_review")
    staff_client("berlin_officer").post(f"{PASSPORT}/transition/?id={rid}", data={
        "to_status": "needs_info", "t_needs_info-amend": ["surname"], "t_needs_info-public_note": "Surname."})
    mail = _last_mail(app)  # the applicant reads Persian (no locale chosen)
    assert "<strong>اطلاعات یا مدارک بیشتری</strong>" in mail.body_html
    assert "اگر تا ۳۰ روز پاسخی نرسد" in mail.body_text and "**" not in mail.body_text
    assert "Surname." in mail.body_text


def test_a_status_without_its_own_text_sends_the_standard_email(app, world, staff_client):
    rid = make_request(app, world["berlin"], world["applicant"], service_id="death_registration", answers={},
                       status="in_review")
    staff_client("berlin_officer").post(f"/admin/requests/death_registration/transition/?id={rid}", data={
        "to_status": "needs_info", "t_needs_info-amend": ["deceased_last_name"]})
    mail = _last_mail(app)
    assert mail is not None and "اکنون چنین است" in mail.body_text
    assert "اطلاعات یا مدارک بیشتری" not in mail.body_text


def test_completion_waits_for_the_fee_the_payments_package_checks(app, world, staff_client):
    from core.models import Office
    from forms.registry import current_registry
    from payments.counter import record_counter_payment
    from payments.ledger import assess_request, balance

    rid = make_request(app, world["berlin"], world["applicant"], status="attended",
                       answers={"request_type": "renewal", "surname": "رضایی", "birth_date": "1990-01-01"},
                       staff_answers={"issued_passport_number": "Z12345678"})
    with app.app_context():
        Office.update(currency="EUR").where(Office.id == world["berlin"]).execute()
        row = ServiceRequest.get_by_id(rid)
        assess_request(row, current_registry().services["passport"])
        due = balance(row).due_minor
    assert due > 0
    officer = staff_client("berlin_officer")
    refused = officer.post(f"{PASSPORT}/transition/?id={rid}", data={"to_status": "completed"})
    assert refused.status_code == 400 and "The fee must be paid or waived before this step." in page(refused)
    with app.app_context():
        record_counter_payment(ServiceRequest.get_by_id(rid), Staff.get_by_id(world["berlin_officer"]),
                               method="counter_cash", amount_minor=due, currency="EUR", reference="T-1")
    assert officer.post(f"{PASSPORT}/transition/?id={rid}", data={"to_status": "completed"}).status_code == 303
    assert _status(app, rid) == "completed"


def test_casework_roles_from_the_command_line(app, world):
    runner = app.test_cli_runner()
    created = runner.invoke(args=["staff", "create", "--email", "Vice.Consul@mikhak.example", "--office", "de-berlin",
                                  "--work-role", "consul", "--work-role", "officer"])
    assert created.exit_code == 0, created.output
    with app.app_context():
        assert Staff.get(Staff.email == "vice.consul@mikhak.example").work_roles == ["consul", "officer"]
    changed = runner.invoke(args=["staff", "roles", "vice.consul@mikhak.example", "reception"])
    assert changed.exit_code == 0 and "vice.consul@mikhak.example: reception" in changed.output
    assert "unknown" not in runner.invoke(args=["staff", "roles", "berlin@mikhak.example"]).output
    refused = runner.invoke(args=["staff", "roles", "berlin@mikhak.example", "boss"])
    assert refused.exit_code != 0 and "boss" in refused.output
    with app.app_context():
        assert [row.details["after"] for row in AuditLog.select().where(AuditLog.action == "staff.work_roles")] == [
            ["reception"]]
