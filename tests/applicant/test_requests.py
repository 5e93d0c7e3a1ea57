"""Service requests: office choice, the wizard with uploads, tracking code, following, withdraw, amend."""

from __future__ import annotations

import re

import pytest

from casework.tracking import format_code, is_valid_code
from casework.workflow import transition
from core.models import AuditLog, Document, Draft, MailMessage, RequestAnswerIndex, RequestEvent, ServiceRequest
from forms.registry import current_registry
from tests.applicant.pages import links, main_text
from tests.helpers import OTHER_NATIONAL_CODE, PDF_BYTES, date_parts, jpeg_bytes, last_mail, register, sign_in, upload

PASSPORT_STEPS = {
    "request": {"request_type": "first_issue"},
    "applicant": {"surname": "احمدی", "given_name": "مریم", "surname_latin": "AHMADI", "given_name_latin": "MARYAM",
                  "father_name": "علی", **date_parts("birth_date", "1990-05-17"), "birth_place": "تهران",
                  "marital_status": "single"},
}


@pytest.fixture()
def applicant_client(client, app):
    """A signed-in, registered applicant living in Germany."""
    sign_in(client, app)
    register(client)
    return client


def fill_passport(client) -> str:
    """Go through the passport wizard with uploads; return the review page."""
    response = client.post("/services/passport/apply", data={"office": "de-berlin"})
    assert response.headers["Location"].endswith("/services/passport/request/")
    for step_id, data in PASSPORT_STEPS.items():
        response = client.post(f"/services/passport/request/step/{step_id}", data={**data, "action": "next"})
        assert response.status_code == 302, response.get_data(as_text=True)[-3000:]
    files = {"photo": upload(jpeg_bytes(), "عکس.jpg"), "birth_certificate_pages": upload(PDF_BYTES, "sh.pdf"),
             "action": "next"}
    response = client.post("/services/passport/request/step/documents", data=files,
                           content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)[-3000:]
    return client.get("/services/passport/request/review").get_data(as_text=True)


def submit(client) -> str:
    """Confirm the review and return the tracking code shown."""
    response = client.post("/services/passport/request/review")
    assert "/submitted" in response.headers["Location"]
    return response.headers["Location"].split("/requests/")[1].split("/")[0]


def test_office_defaults_to_the_one_serving_the_country_of_residence(applicant_client):
    page = applicant_client.get("/services/passport/apply").get_data(as_text=True)
    assert re.search(r'value="de-berlin"[^>]*checked|checked[^>]*value="de-berlin"', page)


def test_prefill_from_the_profile(applicant_client):
    applicant_client.post("/services/passport/apply", data={"office": "de-berlin"})
    applicant_client.post("/services/passport/request/step/request", data={"request_type": "first_issue",
                                                                           "action": "next"})
    page = applicant_client.get("/services/passport/request/step/applicant").get_data(as_text=True)
    assert 'value="احمدی"' in page and 'value="Maryam"' in page


def test_submit_creates_request_with_documents_event_index_and_email(applicant_client, app):
    review = fill_passport(applicant_client)
    assert "AHMADI" in review
    code = submit(applicant_client)
    assert is_valid_code(code)
    confirmation = applicant_client.get(f"/requests/{code}/submitted").get_data(as_text=True)
    assert "tracking-code" in confirmation
    with app.app_context():
        request = ServiceRequest.get(ServiceRequest.tracking_code == code)
        spec = current_registry().service("passport")
        assert request.status == spec.workflow.initial
        assert request.version_key == spec.version_key
        assert request.office.code == "de-berlin"
        assert Document.select().where(Document.request == request).count() == 2
        assert Document.select().where(Document.draft.is_null(False)).count() == 0
        assert RequestEvent.select().where(RequestEvent.request == request).count() == 1
        assert RequestAnswerIndex.select().where(RequestAnswerIndex.request == request).count() >= 1
        assert Draft.select().count() == 0
    mail = last_mail(app, "applicant@example.com")
    assert code[:4] in mail.body_text.replace("-", "")


def test_double_submit_makes_one_request(applicant_client, app):
    fill_passport(applicant_client)
    submit(applicant_client)
    again = applicant_client.post("/services/passport/request/review")
    assert again.status_code == 302
    with app.app_context():
        assert ServiceRequest.select().count() == 1


def test_wrong_type_upload_keeps_other_answers_and_explains(applicant_client, app):
    applicant_client.post("/services/passport/apply", data={"office": "de-berlin"})
    for step_id, data in PASSPORT_STEPS.items():
        applicant_client.post(f"/services/passport/request/step/{step_id}", data={**data, "action": "next"})
    files = {"photo": upload(PDF_BYTES, "photo.jpg"), "birth_certificate_pages": upload(PDF_BYTES, "sh.pdf"),
             "action": "next"}
    response = applicant_client.post("/services/passport/request/step/documents", data=files,
                                     content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and 'class="error-summary"' in page
    with app.app_context():
        assert Draft.get().answers["surname"] == "احمدی"


def start_documents(client) -> None:
    """Choose the office and complete the steps before the documents step."""
    client.post("/services/passport/apply", data={"office": "de-berlin"})
    for step_id, data in PASSPORT_STEPS.items():
        client.post(f"/services/passport/request/step/{step_id}", data={**data, "action": "next"})


def post_documents(client, **files):
    """Post the documents step with these uploads and the "next" action."""
    return client.post("/services/passport/request/step/documents", data={**files, "action": "next"},
                       content_type="multipart/form-data")


def stored_file_links(page: str) -> list[str]:
    """The names of the files listed as already uploaded on a step page."""
    return [text for href, text in links(page, "main") if href.startswith("/documents/")]


def test_a_refused_upload_keeps_the_valid_file_sent_with_it(applicant_client):
    start_documents(applicant_client)
    applicant_client.get("/lang/en")
    response = post_documents(applicant_client, photo=upload(PDF_BYTES, "photo.jpg"),
                              birth_certificate_pages=upload(PDF_BYTES, "sh.pdf"))
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and 'class="error-summary"' in page
    assert "“photo.jpg” is not of an accepted type (JPEG)." in main_text(page)
    assert stored_file_links(page) == ["sh.pdf"] and 'value="delete-file:' in page
    assert "Choose new files only to replace the ones above." in main_text(page)
    assert applicant_client.get("/services/passport/request/review").headers["Location"].endswith("/step/documents")
    again = post_documents(applicant_client, photo=upload(jpeg_bytes(), "photo.jpg"))
    assert again.status_code == 302, again.get_data(as_text=True)[-3000:]
    review = applicant_client.get("/services/passport/request/review").get_data(as_text=True)
    assert "Scans of every page of the birth certificate that has entries" in review and "1 file" in review
    assert stored_file_links(applicant_client.get("/services/passport/request/step/documents")
                             .get_data(as_text=True)) == ["photo.jpg", "sh.pdf"]


def test_a_file_refused_by_storage_keeps_the_valid_file_sent_with_it(applicant_client):
    start_documents(applicant_client)
    applicant_client.get("/lang/en")
    truncated = PDF_BYTES.replace(b"%%EOF", b"")  # a PDF by its magic bytes, refused by intake
    response = post_documents(applicant_client, photo=upload(jpeg_bytes(), "me.jpg"),
                              birth_certificate_pages=upload(truncated, "sh.pdf"))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "The PDF file is damaged or incomplete. Please upload it again." in main_text(page)
    assert stored_file_links(page) == ["me.jpg"]
    again = post_documents(applicant_client, birth_certificate_pages=upload(PDF_BYTES, "sh.pdf"))
    assert again.status_code == 302, again.get_data(as_text=True)[-3000:]


def test_replacing_a_file_with_a_refused_one_does_not_list_the_replaced_file(applicant_client, app):
    fill_passport(applicant_client)
    applicant_client.get("/lang/en")
    truncated = PDF_BYTES.replace(b"%%EOF", b"")
    page = post_documents(applicant_client, birth_certificate_pages=upload(truncated, "new.pdf")).get_data(as_text=True)
    assert "The PDF file is damaged or incomplete. Please upload it again." in main_text(page)
    assert stored_file_links(page) == ["عکس.jpg"]
    again = post_documents(applicant_client)
    assert again.status_code == 200 and "This field is required." in main_text(again.get_data(as_text=True))
    with app.app_context():
        ids = {str(document.id) for document in Document.select()}
        assert set(Draft.get().answers["photo"]) <= ids and "birth_certificate_pages" not in Draft.get().answers


def test_a_refused_upload_does_not_store_files_of_fields_hidden_on_the_step(applicant_client, app):
    start_documents(applicant_client)
    post_documents(applicant_client, photo=upload(PDF_BYTES, "photo.jpg"), police_report=upload(PDF_BYTES, "p.pdf"),
                   birth_certificate_pages=upload(PDF_BYTES, "sh.pdf"))
    with app.app_context():
        assert [document.field_id for document in Document.select()] == ["birth_certificate_pages"]
        assert "police_report" not in Draft.get().answers and "photo" not in Draft.get().answers


def test_uploaded_files_survive_the_draft_and_can_be_removed(applicant_client, app):
    fill_passport(applicant_client)
    page = applicant_client.get("/services/passport/request/step/documents").get_data(as_text=True)
    assert "عکس.jpg" in page
    with app.app_context():
        photo = Document.get(Document.field_id == "photo")
    response = applicant_client.post("/services/passport/request/step/documents",
                                     data={"action": f"delete-file:{photo.id}"})
    assert response.status_code == 302
    with app.app_context():
        assert Document.get_or_none(Document.id == photo.id) is None
        assert "photo" not in Draft.get().answers
    assert applicant_client.get("/services/passport/request/review").headers["Location"].endswith("/step/documents")


def test_ids_too_large_for_the_database_or_not_ascii_digits_answer_404(applicant_client):
    fill_passport(applicant_client)
    huge = "9" * 30  # beyond 64 bits: sqlite3 raises OverflowError when it is bound
    assert applicant_client.get(f"/documents/{huge}").status_code == 404
    for document_id in (huge, "²"):  # "²".isdigit() is true, int("²") fails
        response = applicant_client.post("/services/passport/request/step/documents",
                                         data={"action": f"delete-file:{document_id}"})
        assert response.status_code == 404, document_id


def test_my_requests_and_request_page(applicant_client):
    fill_passport(applicant_client)
    code = submit(applicant_client)
    listing = applicant_client.get("/requests").get_data(as_text=True)
    assert code in listing
    card = re.search(r'<li class="panel request-card">(.*?)</li>', listing, re.S).group(1)
    service_link = re.search(r'<h3><a href="([^"]+)">([^<]+)</a></h3>', card)  # the service name is the link
    assert service_link.group(1) == f"/requests/{code}" and "گذرنامه" in service_link.group(2)
    assert f'<span class="code-unbroken" dir="ltr">{format_code(code)}</span>' in card and "ثبت شده" in card
    page = applicant_client.get(f"/requests/{code}").get_data(as_text=True)
    assert "AHMADI" in page and "عکس.jpg" in page


def test_another_applicant_gets_404_everywhere(applicant_client, app):
    fill_passport(applicant_client)
    code = submit(applicant_client)
    with app.app_context():
        document_id = Document.select().first().id
    intruder = app.test_client()
    sign_in(intruder, app, national_code=OTHER_NATIONAL_CODE, email="other@example.com")
    register(intruder)
    for url in (f"/requests/{code}", f"/requests/{code}/submitted", f"/requests/{code}/amend",
                f"/documents/{document_id}"):
        assert intruder.get(url).status_code == 404, url
    assert intruder.post(f"/requests/{code}/withdraw").status_code == 404


def test_removing_another_applicants_file_answers_404_keeps_it_and_is_audited(applicant_client, app):
    fill_passport(applicant_client)
    with app.app_context():
        victims = Document.get(Document.field_id == "photo")
    intruder = app.test_client()
    sign_in(intruder, app, national_code=OTHER_NATIONAL_CODE, email="other@example.com")
    register(intruder)
    fill_passport(intruder)
    response = intruder.post("/services/passport/request/step/documents", data={"action": f"delete-file:{victims.id}"})
    assert response.status_code == 404
    with app.app_context():
        assert Document.get_or_none(Document.id == victims.id) is not None
        denied = AuditLog.get(AuditLog.action == "access.denied")
        assert (denied.object_type, denied.object_id, denied.actor_type) == ("document", str(victims.id), "applicant")


def test_withdraw_only_while_withdrawable(applicant_client, app):
    fill_passport(applicant_client)
    code = submit(applicant_client)
    applicant_client.post(f"/requests/{code}/withdraw")
    with app.app_context():
        assert ServiceRequest.get().status == "withdrawn"
    applicant_client.post(f"/requests/{code}/withdraw")
    with app.app_context():
        assert RequestEvent.select().where(RequestEvent.to_status == "withdrawn").count() == 1


def test_amend_changes_only_the_named_fields(applicant_client, app):
    fill_passport(applicant_client)
    code = submit(applicant_client)
    with app.app_context():
        request = ServiceRequest.get()
        spec = current_registry().service("passport")
        transition(request, spec, "in_review", actor_type="staff")
        transition(request, spec, "needs_info", actor_type="staff", public_note="Please correct the birth place.",
                   amend_fields=["birth_place"])
    page = applicant_client.get(f"/requests/{code}").get_data(as_text=True)
    assert "Please correct the birth place." in page
    form = applicant_client.get(f"/requests/{code}/amend").get_data(as_text=True)
    assert 'name="birth_place"' in form and 'name="surname"' not in form
    applicant_client.post(f"/requests/{code}/amend", data={"birth_place": "شیراز"})
    with app.app_context():
        request = ServiceRequest.get()
        assert request.answers["birth_place"] == "شیراز"
        assert request.answers["surname"] == "احمدی"
        assert request.status == "in_review" and request.amend_fields == []
        kinds = [e.kind for e in RequestEvent.select().order_by(RequestEvent.id)]
        assert "amended" in kinds


def ask_to_amend_photo(app) -> None:
    """Move the submitted passport request to "more information needed", naming the photo."""
    with app.app_context():
        request = ServiceRequest.get()
        spec = current_registry().service("passport")
        transition(request, spec, "in_review", actor_type="staff")
        transition(request, spec, "needs_info", actor_type="staff", amend_fields=["photo"])


def test_amending_a_file_field_lists_its_current_file_and_keeps_it_without_a_new_one(applicant_client, app):
    fill_passport(applicant_client)
    code = submit(applicant_client)
    ask_to_amend_photo(app)
    applicant_client.get("/lang/en")
    page = applicant_client.get(f"/requests/{code}/amend").get_data(as_text=True)
    assert stored_file_links(page) == ["عکس.jpg"]  # the photo only, not the birth certificate
    assert "Your current files stay with the request unless you choose new ones to replace them." in main_text(page)
    assert "delete-file:" not in page  # this page has no remove action: the button would send the changes
    assert applicant_client.post(f"/requests/{code}/amend", data={}).status_code == 302
    request_page = applicant_client.get(f"/requests/{code}").get_data(as_text=True)
    assert stored_file_links(request_page) == ["عکس.jpg", "sh.pdf"]


def test_amending_a_file_field_with_a_new_file_lists_the_new_one(applicant_client, app):
    fill_passport(applicant_client)
    code = submit(applicant_client)
    ask_to_amend_photo(app)
    response = applicant_client.post(f"/requests/{code}/amend", data={"photo": upload(jpeg_bytes(), "new.jpg")},
                                     content_type="multipart/form-data")
    assert response.status_code == 302
    assert stored_file_links(applicant_client.get(f"/requests/{code}").get_data(as_text=True)) == ["sh.pdf", "new.jpg"]


def test_status_emails_only_for_notifying_statuses(applicant_client, app):
    fill_passport(applicant_client)
    submit(applicant_client)
    with app.app_context():
        before = MailMessage.select().count()
        request = ServiceRequest.get()
        spec = current_registry().service("passport")
        notifying = {s.id for s in spec.workflow.statuses if s.notify}
        target = spec.workflow.next_statuses(request.status)[0]
        transition(request, spec, target, actor_type="staff")
        assert MailMessage.select().count() == before + (1 if target in notifying else 0)


def test_public_tracking_shows_status_and_nothing_personal(applicant_client, app):
    fill_passport(applicant_client)
    code = submit(applicant_client)
    public = app.test_client()
    page = public.post("/track", data={"code": code.lower(), "national_code": "۰۴۹۹۳۷۰۸۹۹"}).get_data(as_text=True)
    assert "tracking-code" in page and "احمدی" not in page and "مریم" not in page
    wrong = public.post("/track", data={"code": code, "national_code": "0790419904"})
    assert wrong.status_code == 200 and "یافت نشد" in wrong.get_data(as_text=True)


def test_public_tracking_is_rate_limited(applicant_client, app):
    fill_passport(applicant_client)
    code = submit(applicant_client)
    public = app.test_client()
    statuses = [public.post("/track", data={"code": code, "national_code": "0790419904"}).status_code
                for _ in range(7)]
    assert statuses[:5] == [200] * 5 and statuses[-1] == 429


def test_timeline_hides_internal_only_events_and_names_appointment_events(applicant_client, app):
    from casework.workflow import record_event

    fill_passport(applicant_client)
    code = submit(applicant_client)
    with app.app_context():
        row = ServiceRequest.get(ServiceRequest.tracking_code == code)
        record_event(row, kind="appointment", from_status=row.status, to_status=row.status,
                     internal_note="applicant asked to reschedule", actor_type="applicant")
        record_event(row, kind="appointment", from_status=row.status, to_status=row.status,
                     public_note="Your appointment: 2 December, 09:00", actor_type="staff")
    page = applicant_client.get(f"/requests/{code}").get_data(as_text=True)
    assert "applicant asked to reschedule" not in page
    entry = page.split("Your appointment: 2 December")[0].rsplit("<li>", 1)[1]
    assert "<strong>نوبت حضور</strong>" in entry and "پیام نمایندگی" not in page


def test_every_file_field_states_its_rules_before_choosing(applicant_client):
    start_documents(applicant_client)
    page = applicant_client.get("/services/passport/request/step/documents").get_data(as_text=True)
    rules = re.findall(r'<span class="hint upload-rules" id="([a-z_]+)-rules">(.*?)</span>\s', page)
    inputs = re.findall(r'<input[^>]*type="file"[^>]*>', page)
    assert len(rules) == len(inputs) >= 2
    photo = dict(rules)["photo"]
    assert 'نوع پرونده: <bdi dir="ltr">JPEG</bdi>.' in photo and "هر پرونده حداکثر ۲ مگابایت." in photo
    assert all("-rules" in tag for tag in inputs)  # each input is described by its rules
    applicant_client.get("/lang/en")
    pages = dict(re.findall(r'id="([a-z_]+)-rules">(.*?)</span>\s', applicant_client.get(
        "/services/passport/request/step/documents").get_data(as_text=True)))["birth_certificate_pages"]
    assert '<bdi dir="ltr">' in pages and "Up to" in pages and "MB" in pages
