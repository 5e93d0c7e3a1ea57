"""Drafts in flight as the applicant sees them: the "check again" notices after a schema change, and drafts of a
service that was disabled or removed shown as no longer available, with a way to delete them."""

from __future__ import annotations

from core.models import Document, Draft
from forms.registry import current_registry
from forms.spec import Service
from storage import get_storage
from tests.applicant.pages import links, main_text, value
from tests.applicant.test_requests import PASSPORT_STEPS, fill_passport
from tests.helpers import OTHER_NATIONAL_CODE, register, sign_in

UPDATED = "This service's form was updated since you started. Please check the marked steps."
CHECK_STEP = "This form was updated since you started. Please check this step again."


def change_passport(app, **changes) -> None:
    """Reload the passport service with ``changes`` to its keys (as if its YAML had been edited)."""
    with app.app_context():
        registry = current_registry()
        registry.services["passport"] = Service.model_validate({**registry.service("passport").snapshot(),
                                                                **changes})


def relabel_birth_place(app) -> None:
    """Change the label of a field of the `applicant` step."""
    with app.app_context():
        data = current_registry().service("passport").snapshot()
    step = next(s for s in data["steps"] if s["id"] == "applicant")
    field = next(f for f in step["fields"] if f["id"] == "birth_place")
    field["label"] = {"fa": "شهر محل تولد", "en": "Town of birth"}
    change_passport(app, steps=data["steps"])


def start_passport(client) -> None:
    """Complete the first two steps of the passport wizard."""
    client.post("/services/passport/apply", data={"office": "de-berlin"})
    for step_id, data in PASSPORT_STEPS.items():
        assert client.post(f"/services/passport/request/step/{step_id}",
                           data={**data, "action": "next"}).status_code == 302


def test_a_changed_step_is_announced_once_and_opened_first_with_its_answers(applicant_client, app):
    start_passport(applicant_client)
    relabel_birth_place(app)
    applicant_client.get("/lang/en")
    response = applicant_client.get("/services/passport/request/")
    assert response.headers["Location"].endswith("/services/passport/request/step/applicant")
    page = applicant_client.get(response.headers["Location"]).get_data(as_text=True)
    text = main_text(page)
    assert text.count(UPDATED) == 1 and CHECK_STEP in text
    assert "Town of birth" in text and value(page, "birth_place") == "تهران" and value(page, "surname") == "احمدی"
    again = main_text(applicant_client.get("/services/passport/request/step/applicant").get_data(as_text=True))
    assert UPDATED not in again and CHECK_STEP in again  # the step stays marked until it is saved
    unchanged = main_text(applicant_client.get("/services/passport/request/step/request").get_data(as_text=True))
    assert CHECK_STEP not in unchanged


def test_saving_the_marked_step_clears_its_notice(applicant_client, app):
    start_passport(applicant_client)
    relabel_birth_place(app)
    applicant_client.get("/lang/en")
    applicant_client.get("/services/passport/request/", follow_redirects=True)  # shows the notices
    applicant_client.post("/services/passport/request/step/applicant",
                          data={**PASSPORT_STEPS["applicant"], "action": "next"})
    page = main_text(applicant_client.get("/services/passport/request/step/applicant").get_data(as_text=True))
    assert CHECK_STEP not in page and UPDATED not in page
    with app.app_context():
        assert Draft.get().review_steps == []


def test_a_draft_of_a_disabled_service_is_no_longer_available_and_can_be_deleted(applicant_client, app):
    fill_passport(applicant_client)
    change_passport(app, enabled=False)
    applicant_client.get("/lang/en")
    for url in ("/requests", "/dashboard"):
        page = applicant_client.get(url).get_data(as_text=True)
        text = main_text(page)
        assert "Ordinary passport — issue and renewal" in text and "No longer available" in text, url
        assert "/services/passport/apply" not in [href for href, _text in links(page, "main")], url
    assert applicant_client.get("/services/passport/request/").status_code == 404
    assert applicant_client.post("/services/passport/request/review").status_code == 404
    with app.app_context():
        draft = Draft.get()
        keys = [d.storage_key for d in Document.select()]
    assert keys
    response = applicant_client.post(f"/requests/drafts/{draft.id}/discard")
    assert response.headers["Location"].endswith("/requests")
    page = applicant_client.get("/requests").get_data(as_text=True)
    assert "The unfinished request was deleted." in main_text(page) and "No longer available" not in page
    with app.app_context():
        assert Draft.select().count() == 0 and Document.select().count() == 0
        assert not any(get_storage().exists(key) for key in keys)


def test_a_draft_of_a_removed_service_is_shown_by_the_title_it_was_started_with(applicant_client, app):
    start_passport(applicant_client)
    with app.app_context():
        del current_registry().services["passport"]
    applicant_client.get("/lang/en")
    text = main_text(applicant_client.get("/requests").get_data(as_text=True))
    assert "Ordinary passport — issue and renewal" in text and "No longer available" in text


def test_only_the_owner_can_delete_a_draft(applicant_client, app):
    start_passport(applicant_client)
    with app.app_context():
        draft_id = Draft.get().id
    intruder = app.test_client()
    sign_in(intruder, app, national_code=OTHER_NATIONAL_CODE, email="other@example.com")
    register(intruder)
    assert intruder.post(f"/requests/drafts/{draft_id}/discard").status_code == 404
    with app.app_context():
        assert Draft.select().where(Draft.id == draft_id).exists()
