"""The applicant sees the fee the answers will cost on the review step, and the same fee once submitted."""

from __future__ import annotations

import re

from payments.models import RequestFee
from tests.applicant.test_requests import PASSPORT_STEPS, submit
from tests.helpers import PDF_BYTES, jpeg_bytes, upload

LOST_TWICE = {"request_type": "lost", "lost_count": "second", "express": "yes", "old_passport_number": "K12345678",
              "lost_circumstances": "Lost on the train between Berlin and Hamburg.", "lost_date-day": "1",
              "lost_date-month": "11", "lost_date-year": "2026", "lost_date-calendar": "gregorian"}


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_review_step_shows_the_itemized_fee_and_submission_stores_it(applicant_client, app) -> None:
    client = applicant_client
    client.get("/lang/en")
    client.post("/services/passport/apply", data={"office": "de-berlin"})
    for step_id, data in (("request", LOST_TWICE), ("applicant", PASSPORT_STEPS["applicant"])):
        response = client.post(f"/services/passport/request/step/{step_id}", data={**data, "action": "next"})
        assert response.status_code == 302, step_id
    files = {"photo": upload(jpeg_bytes(), "photo.jpg"), "birth_certificate_pages": upload(PDF_BYTES, "sh.pdf"),
             "police_report": upload(PDF_BYTES, "police.pdf"), "action": "next"}
    response = client.post("/services/passport/request/step/documents", data=files,
                           content_type="multipart/form-data")
    assert response.status_code == 302
    review = _text(client.get("/services/passport/request/review").get_data(as_text=True))
    assert "Fee to pay" in review
    assert "Replacement of a lost passport (second time) €240.00" in review
    assert "Express processing €120.00" in review and "Total to pay €360.00" in review
    code = submit(client)
    with app.app_context():
        assert RequestFee.get().due_minor == 36000
    page = _text(client.get(f"/requests/{code}").get_data(as_text=True))
    assert "Total to pay €360.00" in page and "Still to pay €360.00" in page
    assert "Pay online by card" in page and "upload the bank's slip" in page
