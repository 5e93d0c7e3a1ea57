"""A checklist entry with `when` is on the notice (page and PDF) only for the requests where it holds: the
passport's guardian, for an applicant under 18 on the day of the visit."""

from __future__ import annotations

import datetime as dt
import subprocess

import pytest

from appointments import booking
from tests.appointments.conftest import make_applicant, make_office, make_request, make_staff, sign_in_as, spec

VISIT = dt.datetime(2026, 12, 2, 8, 0)  # Wednesday 2 December 2026, from 09:00 in Berlin
GUARDIAN = "Your father or legal guardian, in person, with their birth certificate or national card (original)"


@pytest.fixture()
def booked(app, client, clock):
    """Passport requests of one applicant with a visit booked, by birth date; the applicant signed in."""
    with app.test_request_context("/"):
        office, owner = make_office(), make_applicant("en")
        codes = {}
        for i, (name, born) in enumerate((("minor", "2012-05-01"), ("turns_17", "2008-12-03"),
                                          ("turns_18", "2008-12-02"), ("adult", "1990-01-01"))):
            request = make_request(office, owner, "passport", status="approved",
                                   answers={"request_type": "first_issue", "birth_date": born,
                                            "birth_certificate_pages": [1]})
            booking.issue_appointment(request, spec("passport"), VISIT + dt.timedelta(minutes=30 * i),
                                      staff=make_staff(office))
            codes[name] = request.tracking_code
        sign_in_as(client, "applicant", owner, clock)
    client.get("/lang/en")
    return codes


def test_the_notice_page_lists_the_guardian_only_under_18_on_the_visit_day(client, booked):
    pages = {name: client.get(f"/requests/{code}/appointment").get_data(as_text=True)
             for name, code in booked.items()}
    assert all("Birth certificate (shenasnameh), original" in page for page in pages.values())
    assert GUARDIAN in pages["minor"] and GUARDIAN in pages["turns_17"]
    assert GUARDIAN not in pages["turns_18"] and GUARDIAN not in pages["adult"]


def test_the_pdf_notice_lists_it_too(client, booked, tmp_path):
    texts = {}
    for name in ("minor", "adult"):
        response = client.get(f"/requests/{booked[name]}/appointment/notice.pdf")
        assert response.status_code == 200
        path = tmp_path / f"{name}.pdf"
        path.write_bytes(response.data)
        texts[name] = " ".join(subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True,
                                              text=True).stdout.split())
    guardian = "guardian, in person, with their birth certificate"
    assert guardian in texts["minor"] and guardian not in texts["adult"]


def test_the_service_page_marks_it_as_only_if_it_applies(client):
    client.get("/lang/en")
    page = " ".join(client.get("/services/passport").get_data(as_text=True).split())
    assert f"{GUARDIAN} <span class=\"hint\">(only if it applies to you)</span>" in page
