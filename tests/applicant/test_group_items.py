"""Group items on the step page are headed by the schema's `item_label` ("Companion 1"), as on the review page."""

from __future__ import annotations

import pytest
import yaml

from forms.registry import current_registry
from forms.spec import Service
from tests.applicant.pages import main_text

TRIP = """
id: trip_items
title: {fa: سفر, en: Trip}
category: travel
steps:
  - id: main
    title: {fa: سفر, en: Trip}
    fields:
      - id: companions
        type: group
        label: {fa: همراهان, en: Companions}
        item_label: {fa: همراه, en: Companion}
        min_items: 2
        fields:
          - {id: name, type: text, label: {fa: نام, en: Name}, required: true}
      - id: pets
        type: group
        label: {fa: حیوانات, en: Pets}
        fields:
          - {id: kind, type: text, label: {fa: نوع, en: Kind}}
"""


@pytest.fixture()
def trip(app):
    """A service with one group that names its items and one that does not."""
    with app.app_context():
        spec = Service.model_validate(yaml.safe_load(TRIP))
        current_registry().services[spec.id] = spec
        return spec


def test_items_are_headed_by_item_label_in_both_languages(applicant_client, trip):
    applicant_client.post("/services/trip_items/apply", data={"office": "de-berlin"})
    page = main_text(applicant_client.get("/services/trip_items/request/step/main").get_data(as_text=True))
    assert "همراه ۱" in page and "همراه ۲" in page
    assert "همراهان ۱" not in page
    assert "حیوانات ۱" in page  # no item_label: the group's own label

    applicant_client.get("/lang/en?next=/")
    page = main_text(applicant_client.get("/services/trip_items/request/step/main").get_data(as_text=True))
    assert "Companion 1" in page and "Companion 2" in page
    assert "Companions 1" not in page
    assert "Pets 1" in page


def test_a_group_with_min_items_and_the_office_choice_are_not_labelled_optional(applicant_client, trip):
    applicant_client.get("/lang/en?next=/")
    office_page = main_text(applicant_client.get("/services/trip_items/apply").get_data(as_text=True))
    assert "Consular office" in office_page and "(optional)" not in office_page
    applicant_client.post("/services/trip_items/apply", data={"office": "de-berlin"})
    page = main_text(applicant_client.get("/services/trip_items/request/step/main").get_data(as_text=True))
    assert "Companions (optional)" not in page and "Companions" in page
    assert "Pets (optional)" in page  # no min_items: an empty group is accepted
