"""One open request per service unless the service says `open_requests: several`; the open one is linked."""

from __future__ import annotations

from casework.tracking import format_code
from core.models import Applicant, Draft, Office, ServiceRequest
from forms.registry import current_registry
from tests.applicant.pages import main_text
from tests.applicant.test_requests import fill_passport, submit
from wizard.snapshots import ensure_snapshot


def test_a_second_passport_request_is_refused_with_a_link_to_the_open_one(applicant_client):
    fill_passport(applicant_client)
    code = submit(applicant_client)
    applicant_client.get("/lang/en")
    page = applicant_client.get("/services/passport/apply")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "You already have a request for this service" in html
    assert f'href="/requests/{code}"' in html and format_code(code) in main_text(html)
    assert 'name="office"' not in html  # no way to start a second one
    assert applicant_client.post("/services/passport/apply", data={"office": "de-berlin"}).status_code == 200


def test_after_withdrawing_the_open_request_a_new_one_can_start(applicant_client):
    fill_passport(applicant_client)
    code = submit(applicant_client)
    applicant_client.post(f"/requests/{code}/withdraw")
    response = applicant_client.post("/services/passport/apply", data={"office": "de-berlin"})
    assert response.headers["Location"].endswith("/services/passport/request/")


def test_a_draft_submitted_after_another_keeps_its_answers_and_links_the_open_request(applicant_client, app):
    fill_passport(applicant_client)
    code = submit(applicant_client)
    with app.app_context():  # a second draft, as if started before the first request was submitted elsewhere
        first = ServiceRequest.get()
        ServiceRequest.update(is_open=False).execute()
    fill_passport(applicant_client)
    with app.app_context():
        ServiceRequest.update(is_open=True).where(ServiceRequest.id == first.id).execute()
    response = applicant_client.post("/services/passport/request/review")
    assert response.headers["Location"].endswith(f"/requests/{code}")
    with app.app_context():
        assert ServiceRequest.select().count() == 1 and Draft.select().count() == 1
    assert "درخواست باز دیگری" in applicant_client.get(f"/requests/{code}").get_data(as_text=True)


def test_a_service_that_allows_several_says_so_and_lets_a_second_start(applicant_client, app):
    applicant_client.get("/lang/en")
    with app.app_context():  # a power of attorney per matter: a second one starts while the first is open
        spec = current_registry().services["power_of_attorney"]
        applicant = Applicant.get()
        ServiceRequest.create(tracking_code="POA0000000X1", applicant=applicant, service_id=spec.id,
                              version_key=ensure_snapshot(spec, "service"),
                              office=Office.get(Office.code == "de-berlin"),
                              status="submitted",
                              national_code=applicant.national_code, applicant_name="x")
    page = applicant_client.get("/services/power_of_attorney/apply").get_data(as_text=True)
    assert "You can still start another one" in page and 'href="/requests/POA0000000X1"' in page
    assert 'name="office"' in page
