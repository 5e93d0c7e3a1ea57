"""Finding one's way: the header menu, the dashboard (start, drafts, recent requests, tracking) and the home page."""

from __future__ import annotations

from tests.applicant.pages import current_nav_link, links, main_text
from tests.applicant.test_requests import fill_passport, submit
from tests.helpers import sign_in


def english(client) -> None:
    """Switch the client's interface to English."""
    client.get("/lang/en")


def test_header_links_an_activated_applicant_to_the_catalog_and_my_requests(applicant_client):
    english(applicant_client)
    for url in ("/dashboard", "/services", "/requests", "/profile"):
        page = applicant_client.get(url).get_data(as_text=True)
        nav = links(page, "nav")
        assert ("/services", "Services") in nav and ("/requests", "My requests") in nav, url
        assert ("/dashboard", "My account") in nav, url
    assert current_nav_link(applicant_client.get("/services").get_data(as_text=True)) == "/services"
    assert current_nav_link(applicant_client.get("/requests").get_data(as_text=True)) == "/requests"


def test_header_offers_no_request_pages_before_registration_is_confirmed(client, app):
    sign_in(client, app)
    english(client)
    nav = [href for href, _text in links(client.get("/register/step/identity").get_data(as_text=True), "nav")]
    assert "/services" not in nav and "/requests" not in nav


def test_header_of_a_visitor_offers_sign_in_only(client):
    english(client)
    nav = links(client.get("/").get_data(as_text=True), "nav")
    assert ("/sign-in", "Sign in") in nav
    assert not {"/services", "/requests", "/dashboard"} & {href for href, _text in nav}


def test_home_page_of_a_visitor_links_sign_in_and_tracking(client):
    english(client)
    main = links(client.get("/").get_data(as_text=True), "main")
    assert ("/sign-in", "Sign in") in main and ("/track", "Track a request") in main


def test_home_page_of_a_signed_in_applicant_leads_to_the_dashboard_not_sign_in(applicant_client):
    english(applicant_client)
    page = applicant_client.get("/").get_data(as_text=True)
    assert ("/dashboard", "My dashboard") in links(page, "main")
    assert ("/track", "Track a request") in links(page, "main")
    assert "/sign-in" not in [href for href, _text in links(page)]


def test_dashboard_of_a_new_applicant_starts_a_request_and_links_tracking(applicant_client):
    english(applicant_client)
    page = applicant_client.get("/dashboard").get_data(as_text=True)
    main = links(page, "main")
    assert main[0] == ("/services", "Start a request")
    assert ("/requests", "My requests") in main and ("/track", "Track a request") in main
    assert "You have not submitted any request yet." in main_text(page)


def test_dashboard_lists_drafts_to_continue_and_recent_requests_with_their_status(applicant_client):
    fill_passport(applicant_client)
    code = submit(applicant_client)
    applicant_client.post("/services/no_criminal_record/apply", data={"office": "de-berlin"})
    english(applicant_client)
    page = applicant_client.get("/dashboard").get_data(as_text=True)
    main = links(page, "main")
    text = main_text(page)
    assert ("/services/no_criminal_record/apply", "Continue") in main
    assert "Continue where you left off" in text and "Certificate of no criminal record" in text
    assert (f"/requests/{code}", "Ordinary passport — issue and renewal") in main
    assert "Submitted" in text and ("/requests", "All my requests") in main
