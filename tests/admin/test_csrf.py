"""CSRF protection on back-office actions, with the real token check switched on."""

from __future__ import annotations

import re

import pytest

from core.models import Office, ServiceRequest, Staff
from tests.admin.conftest import PASSWORD, make_request, totp_now


@pytest.fixture()
def test_config(test_config: dict) -> dict:
    test_config["WTF_CSRF_ENABLED"] = True
    return test_config


def test_back_office_posts_without_the_token_are_rejected(app, world, clock):
    berlin = make_request(app, world["berlin"], world["applicant"])
    client = app.test_client()
    html = client.get("/admin/sign-in").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    response = client.post("/admin/sign-in", data={"email": "admin@mikhak.example", "password": PASSWORD,
                                                   "csrf_token": token})
    assert response.status_code == 303
    assert client.post("/admin/sign-in/code", data={"code": totp_now(clock), "csrf_token": token}).status_code == 303
    for url, data in [("/admin/requests/passport/action/", {"action": "to_in_review", "rowid": [str(berlin)]}),
                      (f"/admin/requests/passport/transition/?id={berlin}", {"to_status": "in_review"}),
                      ("/admin/offices/delete/", {"id": str(world["berlin"])}),
                      ("/admin/staff/new/", {"email": "new@mikhak.example", "role": "officer"})]:
        assert client.post(url, data=data).status_code == 400, url
    with app.app_context():
        assert ServiceRequest.get_by_id(berlin).status == "submitted"
        assert Office.get_or_none(Office.id == world["berlin"]) is not None
        assert Staff.get_or_none(Staff.email == "new@mikhak.example") is None
