"""Statuses after a workflow edit: the applicant's pages and public tracking read the current workflow first,
then the version the request was submitted with, and show the bare id when neither knows the status."""

from __future__ import annotations

from casework.workflow import status_of, transition
from core.models import RequestEvent, ServiceRequest
from forms.registry import current_registry
from forms.spec import Service
from tests.applicant.pages import links, main_text
from tests.applicant.test_requests import fill_passport, submit
from tests.helpers import NATIONAL_CODE


def edited_passport(app, extra_status: dict, transitions: list[dict]) -> Service:
    """Replace the loaded passport service by one whose workflow has ``extra_status`` (as if its YAML changed)."""
    with app.app_context():
        registry = current_registry()
        data = registry.service("passport").snapshot()
        workflow = data["workflow"]
        workflow["statuses"].append(extra_status)
        workflow["transitions"].extend(transitions)
        registry.services["passport"] = Service.model_validate(data)
        return registry.services["passport"]


CHECK = {"id": "identity_check", "label": {"fa": "استعلام هویت", "en": "Identity check with Iran"},
         "notify": False, "public_next": {"fa": "منتظر پاسخ ایران.", "en": "Waiting for the answer from Iran."}}
MORE_DOCUMENTS = {"id": "more_documents", "label": {"fa": "مدارک بیشتر", "en": "More documents needed"},
                  "amend": True}


def pages(client, app, code: str) -> dict[str, str]:
    """The request page, My requests, the dashboard and the public tracking result, in English."""
    client.get("/lang/en")
    public = app.test_client()
    public.get("/lang/en")
    responses = {
        "request": client.get(f"/requests/{code}"),
        "list": client.get("/requests"),
        "dashboard": client.get("/dashboard"),
        "tracking": public.post("/track", data={"code": code, "national_code": NATIONAL_CODE}),
    }
    assert {name: r.status_code for name, r in responses.items()} == dict.fromkeys(responses, 200)
    return {name: main_text(r.get_data(as_text=True)) for name, r in responses.items()}


def test_a_status_only_the_edited_workflow_knows_is_shown_with_its_label_and_next_step(applicant_client, app):
    fill_passport(applicant_client)
    code = submit(applicant_client)
    edited = edited_passport(app, CHECK, [{"from": "in_review", "to": ["identity_check"]}])
    with app.app_context():
        request = ServiceRequest.get()
        transition(request, edited, "in_review", actor_type="staff")
        transition(request, edited, "identity_check", actor_type="staff", public_note="Asked Tehran.")
        assert request.version_key != edited.version_key  # the snapshot does not know identity_check
    seen = pages(applicant_client, app, code)
    for name, text in seen.items():
        assert "Identity check with Iran" in text, name
        assert "identity_check" not in text, name
    assert "Waiting for the answer from Iran." in seen["request"] and "Waiting for the answer from Iran." in seen[
        "tracking"]
    assert "Asked Tehran." in seen["request"]  # the timeline entry of the new status


def test_a_status_no_workflow_knows_is_shown_by_its_id(applicant_client, app):
    fill_passport(applicant_client)
    code = submit(applicant_client)
    with app.app_context():
        ServiceRequest.update(status="legacy_step").execute()
        RequestEvent.create(request=ServiceRequest.get(), kind="status", from_status="submitted",
                            to_status="legacy_step", actor_type="staff")
    for name, text in pages(applicant_client, app, code).items():
        assert "legacy_step" in text, name
    page = applicant_client.get(f"/requests/{code}").get_data(as_text=True)
    assert f"/requests/{code}/withdraw" not in page and f"/requests/{code}/amend" not in page
    assert applicant_client.post(f"/requests/{code}/withdraw").status_code == 302
    assert applicant_client.get(f"/requests/{code}/amend").status_code == 302
    with app.app_context():
        assert ServiceRequest.get().status == "legacy_step"


def test_amending_in_a_status_of_the_edited_workflow_resumes_by_that_workflow(applicant_client, app):
    fill_passport(applicant_client)
    code = submit(applicant_client)
    edited = edited_passport(app, MORE_DOCUMENTS, [{"from": "in_review", "to": ["more_documents"]},
                                                   {"from": "more_documents", "to": ["in_review"]}])
    with app.app_context():
        request = ServiceRequest.get()
        transition(request, edited, "in_review", actor_type="staff")
        transition(request, edited, "more_documents", actor_type="staff", amend_fields=["birth_place"])
    applicant_client.get("/lang/en")
    page = applicant_client.get(f"/requests/{code}").get_data(as_text=True)
    assert "More documents needed" in main_text(page)
    assert (f"/requests/{code}/amend", "Give the information asked for") in links(page, "main")
    assert applicant_client.get(f"/requests/{code}/amend").status_code == 200
    response = applicant_client.post(f"/requests/{code}/amend", data={"birth_place": "شیراز"})
    assert response.status_code == 302
    with app.app_context():
        request = ServiceRequest.get()
        assert (request.status, request.answers["birth_place"]) == ("in_review", "شیراز")


def test_status_of_prefers_the_current_workflow_then_the_snapshot_then_the_id(app):
    with app.app_context():
        submitted_with = current_registry().service("passport")
        data = submitted_with.snapshot()
        data["workflow"]["statuses"] = [s for s in data["workflow"]["statuses"] if s["id"] != "no_show"] + [CHECK]
        data["workflow"]["statuses"][0]["label"]["en"] = "Changed"
        current_registry().services["passport"] = Service.model_validate(data)
        assert status_of(submitted_with, "submitted").label.en == "Changed"  # the current workflow wins
        assert status_of(submitted_with, "identity_check").label.en == "Identity check with Iran"
        assert status_of(submitted_with, "no_show").label.en == "Did not attend"  # only the snapshot has it
        unknown = status_of(submitted_with, "gone")
        assert (unknown.id, unknown.label.fa, unknown.label.en, unknown.withdrawable, unknown.amend) == (
            "gone", "gone", "gone", False, False)
        del current_registry().services["passport"]
        assert status_of(submitted_with, "submitted").label.en == "Submitted"  # the service was removed


def test_public_tracking_of_a_default_workflow_request_shows_the_next_step(applicant_client, app):
    fill_passport(applicant_client)
    code = submit(applicant_client)
    public = app.test_client()
    public.get("/lang/en")
    text = main_text(public.post("/track", data={"code": code, "national_code": NATIONAL_CODE}).get_data(as_text=True))
    assert "Next step" in text and "Your request is waiting for the consular office to check it." in text
    persian = main_text(app.test_client().post("/track", data={"code": code, "national_code": NATIONAL_CODE})
                        .get_data(as_text=True))
    assert "درخواست شما ثبت شد و در نوبت بررسی دفتر کنسولی است." in persian
