"""Amending a request: the form the office asks for shows the answers as they were submitted, of every type."""

from __future__ import annotations

import pytest
import yaml

from casework.workflow import transition
from core.models import ServiceRequest
from forms.registry import current_registry
from forms.spec import Service
from tests.applicant.pages import checked, selected, value
from tests.helpers import date_parts

TRIP = """
id: trip
title: {fa: سفر, en: Trip}
category: travel
steps:
  - id: main
    title: {fa: سفر, en: Trip}
    fields:
      - {id: has_ticket, type: yesno, label: {fa: بلیت دارید؟, en: "Do you have a ticket?"}, required: true}
      - {id: departure, type: date, label: {fa: تاریخ حرکت, en: Departure}, required: true}
      - {id: note, type: text, label: {fa: توضیح, en: Note}}
      - id: companions
        type: group
        label: {fa: همراهان, en: Companions}
        item_label: {fa: همراه, en: Companion}
        fields:
          - {id: name, type: text, label: {fa: نام, en: Name}, required: true}
          - {id: birth_date, type: date, label: {fa: تاریخ تولد, en: Birth date}}
          - {id: minor, type: yesno, label: {fa: زیر ۱۸ سال؟, en: "Under 18?"}}
"""


@pytest.fixture()
def trip(app):
    """A small service with a yes/no, a date and a group of companions, added to the loaded schemas."""
    with app.app_context():
        spec = Service.model_validate(yaml.safe_load(TRIP))
        current_registry().services[spec.id] = spec
        return spec


def submit_trip(client) -> str:
    """Fill and submit the trip wizard; return the tracking code."""
    client.post("/services/trip/apply", data={"office": "de-berlin"})
    answers = {"has_ticket": "no", **date_parts("departure", "2031-03-21"), "note": "first",
               "companions-0-name": "Sara", **date_parts("companions-0-birth_date", "2015-06-01"),
               "companions-0-minor": "yes", "companions-1-name": "Ali", "companions-1-minor": "no", "action": "next"}
    response = client.post("/services/trip/request/step/main", data=answers)
    assert response.status_code == 302, response.get_data(as_text=True)[-2000:]
    response = client.post("/services/trip/request/review")
    return response.headers["Location"].split("/requests/")[1].split("/")[0]


def ask_to_amend(app, trip, fields: list[str]) -> None:
    """Move the request to "more information needed", naming ``fields``."""
    with app.app_context():
        request = ServiceRequest.get()
        transition(request, trip, "in_review", actor_type="staff")
        transition(request, trip, "needs_info", actor_type="staff", amend_fields=fields)


def test_the_amend_form_shows_saved_yes_no_date_and_group_answers(applicant_client, app, trip):
    code = submit_trip(applicant_client)
    with app.app_context():
        assert ServiceRequest.get().answers["has_ticket"] is False
    ask_to_amend(app, trip, ["has_ticket", "departure", "companions"])
    applicant_client.get("/lang/en")
    page = applicant_client.get(f"/requests/{code}/amend").get_data(as_text=True)
    assert checked(page, "has_ticket") == ["no"]
    assert (value(page, "departure-day"), selected(page, "departure-month"), value(page, "departure-year")) == (
        "21", ["3"], "2031")
    assert (value(page, "companions-0-name"), value(page, "companions-1-name")) == ("Sara", "Ali")
    assert checked(page, "companions-0-minor") == ["yes"] and checked(page, "companions-1-minor") == ["no"]
    assert value(page, "companions-0-birth_date-year") == "2015"
    assert value(page, "note") is None  # not asked for


def test_resending_unchanged_answers_keeps_them(applicant_client, app, trip):
    code = submit_trip(applicant_client)
    with app.app_context():
        before = dict(ServiceRequest.get().answers)
    ask_to_amend(app, trip, ["has_ticket", "departure", "companions"])
    applicant_client.get("/lang/en")
    page = applicant_client.get(f"/requests/{code}/amend").get_data(as_text=True)
    shown = {"has_ticket": checked(page, "has_ticket")[0], "companions-0-name": value(page, "companions-0-name"),
             "companions-0-minor": checked(page, "companions-0-minor")[0],
             "companions-1-name": value(page, "companions-1-name"),
             "companions-1-minor": checked(page, "companions-1-minor")[0],
             **date_parts("departure", "2031-03-21"), **date_parts("companions-0-birth_date", "2015-06-01")}
    assert applicant_client.post(f"/requests/{code}/amend", data=shown).status_code == 302
    with app.app_context():
        request = ServiceRequest.get()
        assert request.status == "in_review" and request.answers == before
