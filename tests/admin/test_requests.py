"""Request lists from the schemas, the queue, the request page, transitions, documents and exports."""

from __future__ import annotations

import datetime as dt
import io

from openpyxl import load_workbook

from admin import get_admin
from admin.export import escape_cell
from admin.filters import StatusFilter
from casework import tracking
from casework.workflow import transition
from core.models import AuditLog, MailMessage, RequestAnswerIndex, RequestEvent, ServiceRequest
from forms.registry import current_registry
from tests.admin.conftest import START, make_document, make_request, page


def audit_rows(app, action: str) -> list[AuditLog]:
    with app.app_context():
        return list(AuditLog.select().where(AuditLog.action == action))


def filter_index(app, endpoint: str, predicate) -> int:
    """The position of a view's filter (what its ``flt0_<n>`` URL argument names)."""
    view = next(v for v in get_admin(app)._views if getattr(v, "endpoint", "") == endpoint)
    return next(i for i, flt in enumerate(view._filters) if predicate(flt))


def load(app, request_id: int) -> ServiceRequest:
    with app.app_context():
        return ServiceRequest.get_by_id(request_id)


def test_service_list_has_the_declared_columns_filters_and_search(app, world, staff_client):
    make_request(app, world["berlin"], world["applicant"])
    html = page(staff_client("admin").get("/admin/requests/passport/"))
    for label in ("Tracking code", "National code", "Applicant", "Office", "Status", "Submitted", "Assigned officer"):
        assert label in html
    # staff.columns: request_type, surname, given_name; staff.filters: request_type, marital_status, ...
    for label in ("What do you need?", "Surname (in Persian)", "Marital status", "Expiry date of your previous"):
        assert label in html
    assert "Renewal (a new passport replacing the old one)" in html
    assert "(1)" in html  # the capped count


def test_declared_filter_reads_the_answer_index(app, world, staff_client):
    renewal = make_request(app, world["berlin"], world["applicant"])
    first = make_request(app, world["berlin"], world["applicant"], answers={"request_type": "first_issue",
                                                                           "surname": "کریمی"})
    client = staff_client("admin")
    position = filter_index(app, "admin_service_passport", lambda flt: getattr(flt, "field", None) is not None
                            and flt.field.id == "request_type")
    listed = page(client.get(f"/admin/requests/passport/?flt0_{position}=first_issue"))
    assert f"details/?id={first}" in listed and f"details/?id={renewal}" not in listed
    with app.app_context():
        assert RequestAnswerIndex.select().where(RequestAnswerIndex.key == "request_type").count() == 2


def test_search_by_code_national_code_and_indexed_answer(app, world, staff_client):
    rid = make_request(app, world["berlin"], world["applicant"], answers={"request_type": "renewal",
                                                                          "surname": "Rezaei-Tehrani"})
    other = make_request(app, world["berlin"], world["applicant"], answers={"request_type": "renewal",
                                                                            "surname": "Karimi"})
    client = staff_client("berlin_officer")
    code = load(app, rid).tracking_code
    for term in (code.lower(), "rezaei", "REZAEI-teh"):
        html = page(client.get(f"/admin/requests/passport/?search={term}"))
        assert f"details/?id={rid}" in html and f"details/?id={other}" not in html, term
    both = page(client.get("/admin/queue/?search=0499370899"))
    assert f"details/?id={rid}" in both and f"details/?id={other}" in both


def test_a_tracking_code_typed_in_groups_with_spaces_is_found(app, world, staff_client):
    rid = make_request(app, world["berlin"], world["applicant"])
    make_request(app, world["berlin"], world["applicant"])
    with app.app_context():
        code = tracking.new_code()
        ServiceRequest.update(tracking_code=code).where(ServiceRequest.id == rid).execute()
    spaced = " ".join(tracking.format_code(code).lower().split("-"))  # "2r5m fjc7 pkn7"
    for base in ("/admin/queue/", "/admin/requests/passport/"):
        html = page(staff_client("berlin_officer").get(base, query_string={"search": spaced}))
        assert html.count("details/?id=") == 1 and f"details/?id={rid}" in html, base


def test_queue_is_oldest_first_marks_overdue_and_leaves_closed_requests_out(app, world, staff_client, clock):
    newer = make_request(app, world["berlin"], world["applicant"], submitted=START - dt.timedelta(days=1))
    older = make_request(app, world["berlin"], world["applicant"], submitted=START - dt.timedelta(days=90))
    closed = make_request(app, world["berlin"], world["applicant"], status="completed",
                          submitted=START - dt.timedelta(days=200))
    html = page(staff_client("berlin_officer").get("/admin/queue/"))
    assert html.index(f"details/?id={older}") < html.index(f"details/?id={newer}")
    assert f"details/?id={closed}" not in html
    assert html.count('class="badge badge-danger">Overdue') == 1
    status = filter_index(app, "admin_queue", lambda flt: isinstance(flt, StatusFilter))
    filtered = page(staff_client("berlin_officer").get(f"/admin/queue/?flt0_{status}=completed"))
    assert f"details/?id={closed}" in filtered and f"details/?id={older}" not in filtered


def test_a_request_leaves_the_queue_and_the_open_counts_when_its_workflow_closes_it(app, world, staff_client):
    rid = make_request(app, world["berlin"], world["applicant"], status="in_review")
    client = staff_client("berlin_officer")
    assert f"details/?id={rid}" in page(client.get("/admin/queue/"))
    with app.app_context():
        row = ServiceRequest.get_by_id(rid)
        assert row.is_open
        transition(row, current_registry().services["passport"], "rejected", actor_type="staff")
        assert ServiceRequest.get_by_id(rid).is_open is False
    assert f"details/?id={rid}" not in page(client.get("/admin/queue/"))
    open_card = page(client.get("/admin/")).split("Open requests")[1]
    assert open_card.split("</p>")[1].strip().endswith('<p class="big-number">0'), open_card[:200]


def test_next_step_box_points_to_the_appointment_and_the_day_at_the_office(app, world, staff_client):
    client = staff_client("berlin_officer")
    steps = {}
    for status in ("approved", "appointment", "completed"):
        rid = make_request(app, world["berlin"], world["applicant"], status=status)
        html = page(client.get(f"/admin/requests/passport/details/?id={rid}"))
        steps[status] = html.split('id="actions-title"')[1].split("</section>")[0]
    assert "Next: give an appointment, in the Appointment box." in steps["approved"]
    assert "check them in at the day at the office" in steps["appointment"]
    assert "No step can follow" not in steps["approved"] + steps["appointment"]
    assert "This request is closed" in steps["completed"]


def test_document_sizes_are_read_in_the_readers_units_and_digits(app, world, staff_client):
    from flask_babel import force_locale

    from web.templating import file_size

    rid = make_request(app, world["berlin"], world["applicant"])
    make_document(app, rid, field_id="photo")  # a few bytes: shown as 1 KB, never 0
    client = staff_client("berlin_officer")
    assert "<td>1 KB</td>" in page(client.get(f"/admin/requests/passport/details/?id={rid}"))
    client.get("/lang/fa")
    assert "<td>۱ کیلوبایت</td>" in page(client.get(f"/admin/requests/passport/details/?id={rid}"))
    with app.test_request_context("/"), force_locale("en"):
        assert (file_size(5 * 1024 * 1024), file_size(1536 * 1024)) == ("5 MB", "1.5 MB")
    with app.test_request_context("/"), force_locale("fa"):
        assert file_size(1536 * 1024) == "۱٫۵ مگابایت"


def test_request_page_shows_answers_documents_timeline_and_next_steps(app, world, staff_client):
    rid = make_request(app, world["berlin"], world["applicant"])
    make_document(app, rid, field_id="photo")
    html = page(staff_client("berlin_officer").get(f"/admin/requests/passport/details/?id={rid}"))
    for text in ("Renewal (a new passport replacing the old one)", "رضایی", "passport.pdf", "Timeline",
                 "In review", "Staff fields", "Number of the passport issued", "سارا"):
        assert text in html, text
    assert len(audit_rows(app, "request.view")) == 1


def test_an_allowed_transition_records_notes_and_emails_the_applicant(app, world, staff_client):
    rid = make_request(app, world["berlin"], world["applicant"], status="in_review")
    client = staff_client("berlin_consul")  # passports are approved by a consul (workflow roles, #15)
    response = client.post(f"/admin/requests/passport/transition/?id={rid}", data={
        "to_status": "approved", "t_approved-public_note": "Your passport is ready to be printed.",
        "t_approved-internal_note": "Checked against the registry."})
    assert response.status_code == 303
    assert load(app, rid).status == "approved"
    with app.app_context():
        event = RequestEvent.select().where(RequestEvent.request == rid).order_by(RequestEvent.id.desc()).get()
        assert (event.from_status, event.to_status, event.actor_type) == ("in_review", "approved", "staff")
        assert event.public_note.startswith("Your passport") and event.internal_note.startswith("Checked")
        assert MailMessage.select().where(MailMessage.to == "sara@example.com").count() == 1
    assert audit_rows(app, "request.transition")[0].details["to_status"] == "approved"


def test_a_transition_the_workflow_does_not_allow_is_refused(app, world, staff_client):
    rid = make_request(app, world["berlin"], world["applicant"])
    response = staff_client("berlin_officer").post(f"/admin/requests/passport/transition/?id={rid}",
                                                   data={"to_status": "approved"})
    assert response.status_code == 303
    assert load(app, rid).status == "submitted"
    assert not audit_rows(app, "request.transition")


def test_more_information_needs_fields_and_sets_the_amend_fields(app, world, staff_client):
    rid = make_request(app, world["berlin"], world["applicant"], status="in_review")
    client = staff_client("berlin_officer")
    url = f"/admin/requests/passport/transition/?id={rid}"
    refused = client.post(url, data={"to_status": "needs_info", "t_needs_info-public_note": "Please fix."})
    assert refused.status_code == 400 and "Choose at least one answer or document" in page(refused)
    assert load(app, rid).status == "in_review"
    assert client.post(url, data={"to_status": "needs_info", "t_needs_info-amend": ["surname", "photo"],
                                  "t_needs_info-public_note": "The photo is blurred."}).status_code == 303
    row = load(app, rid)
    assert row.status == "needs_info" and row.amend_fields == ["surname", "photo"]
    client.post(url, data={"to_status": "in_review"})
    unknown = client.post(url, data={"to_status": "needs_info", "t_needs_info-amend": ["not_a_field"]})
    assert unknown.status_code == 400 and load(app, rid).status == "in_review"
    client.post(url, data={"to_status": "needs_info", "t_needs_info-amend": ["surname", "photo"]})
    html = page(client.get(f"/admin/requests/passport/details/?id={rid}"))
    assert "The applicant was asked to amend" in html
    client.post(url, data={"to_status": "in_review"})
    assert load(app, rid).amend_fields == []


def test_staff_fields_are_saved_indexed_and_audited(app, world, staff_client):
    rid = make_request(app, world["berlin"], world["applicant"], status="approved")
    client = staff_client("berlin_officer")
    response = client.post(f"/admin/requests/passport/staff-fields/?id={rid}", data={
        "staff-issued_passport_number": "z12345678", "staff-verification_notes": "ok"})
    assert response.status_code == 303, page(response)[-2000:]
    assert load(app, rid).staff_answers["issued_passport_number"] == "Z12345678"
    with app.app_context():
        assert RequestAnswerIndex.select().where((RequestAnswerIndex.key == "issued_passport_number")
                                                 & (RequestAnswerIndex.value == "z12345678")).exists()
    assert audit_rows(app, "request.staff_fields")[0].details["fields"] == ["issued_passport_number",
                                                                            "verification_notes"]
    found = page(client.get("/admin/requests/passport/?search=Z1234"))
    assert f"details/?id={rid}" in found


def test_assignment_to_an_officer_of_the_office(app, world, staff_client):
    rid = make_request(app, world["berlin"], world["applicant"])
    client = staff_client("berlin_officer")
    assert client.post(f"/admin/requests/passport/assign/?id={rid}",
                       data={"staff": str(world["london_officer"])}).status_code == 303
    assert load(app, rid).assigned_to_id is None
    client.post(f"/admin/requests/passport/assign/?id={rid}", data={"staff": str(world["berlin_officer"])})
    assert load(app, rid).assigned_to_id == world["berlin_officer"]
    assert audit_rows(app, "request.assign")


def test_each_document_view_and_download_is_audited(app, world, staff_client):
    rid = make_request(app, world["berlin"], world["applicant"])
    doc = make_document(app, rid)
    client = staff_client("berlin_officer")
    inline = client.get(f"/admin/requests/passport/document/?id={rid}&doc={doc}")
    assert inline.status_code == 200 and inline.data.startswith(b"%PDF")
    assert inline.headers["Content-Disposition"].startswith("inline")
    download = client.get(f"/admin/requests/passport/document/?id={rid}&doc={doc}&download=1")
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert len(audit_rows(app, "document.view")) == 1 and len(audit_rows(app, "document.download")) == 1
    assert audit_rows(app, "document.view")[0].office_id == world["berlin"]
    other = make_request(app, world["berlin"], world["applicant"])
    assert client.get(f"/admin/requests/passport/document/?id={other}&doc={doc}").status_code == 404


def test_bulk_transition_moves_what_may_move(app, world, staff_client):
    submitted = make_request(app, world["berlin"], world["applicant"])
    approved = make_request(app, world["berlin"], world["applicant"], status="approved")
    response = staff_client("berlin_officer").post("/admin/queue/action/", data={
        "action": "to_in_review", "rowid": [str(submitted), str(approved)]})
    assert response.status_code == 302
    assert load(app, submitted).status == "in_review" and load(app, approved).status == "approved"
    assert len(audit_rows(app, "request.transition")) == 1


def test_exports_escape_formulas_in_csv_and_excel(app, world, staff_client):
    make_request(app, world["berlin"], world["applicant"],
                 answers={"request_type": "renewal", "surname": "=HYPERLINK(\"http://x\")", "given_name": "@SUM(A1)"})
    client = staff_client("berlin_officer")
    csv_text = client.get("/admin/requests/passport/export/csv/").get_data(as_text=True)
    assert "'=HYPERLINK" in csv_text and "'@SUM(A1)" in csv_text
    assert ",=" not in csv_text and ",@" not in csv_text
    workbook = load_workbook(io.BytesIO(client.get("/admin/requests/passport/export/xlsx/").data))
    values = [cell.value for row in workbook.active.iter_rows() for cell in row]
    assert "'=HYPERLINK(\"http://x\")" in values and "'@SUM(A1)" in values
    assert not any(isinstance(v, str) and v.startswith(("=", "@", "+", "-")) for v in values)
    exports = audit_rows(app, "admin.export")
    assert [row.details["format"] for row in exports] == ["csv", "xlsx"]


def test_escape_cell_covers_every_dangerous_start():
    for text in ("=1+1", "+1", "-1", "@x", "\tx", "\rx", "\x00x"):
        assert escape_cell(text) == "'" + text
    assert escape_cell("Sara") == "Sara" and escape_cell(None) == "" and escape_cell(5) == "5"


def test_the_appointment_step_is_reached_by_giving_an_appointment_not_by_a_button(app, world, staff_client):
    rid = make_request(app, world["berlin"], world["applicant"], status="approved")
    client = staff_client("berlin_officer")
    html = page(client.get(f"/admin/requests/passport/details/?id={rid}"))
    assert 'name="to_status" value="appointment"' not in html
    assert "Give an appointment" in html and "/admin/appointments/issue/TST" in html
    response = client.post(f"/admin/requests/passport/transition/?id={rid}", data={"to_status": "appointment"})
    assert response.status_code == 303 and load(app, rid).status == "approved"
    bulk = client.post("/admin/queue/action/", data={"action": "to_appointment", "rowid": [str(rid)]})
    assert bulk.status_code in (302, 303) and load(app, rid).status == "approved"


def test_check_in_and_no_show_are_not_buttons_on_the_request_page(app, world, staff_client):
    rid = make_request(app, world["berlin"], world["applicant"], status="appointment")
    html = page(staff_client("berlin_officer").get(f"/admin/requests/passport/details/?id={rid}"))
    assert 'value="attended"' not in html and 'value="no_show"' not in html
    assert "Appointment" in html
