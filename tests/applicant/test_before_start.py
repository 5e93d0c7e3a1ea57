"""A service page says what to have ready before starting: files and their rules, originals, fee, visit, time."""

from __future__ import annotations

import html
import re


def section(client, url: str) -> str:
    """The text of the page's "before you start" panel."""
    page = client.get(url).get_data(as_text=True)
    start = page.index('class="panel before-start"')
    panel = re.sub(r"<[^>]+>", " ", page[start:page.index("</section>", start)])
    return " ".join(html.unescape(panel).split())


def test_the_passport_page_lists_files_originals_fee_visit_and_time_in_english(client):
    client.get("/lang/en")
    text = section(client, "/services/passport")
    assert "Before you start" in text and "Files you will upload" in text
    assert "Passport photo" in text and "File types: JPEG" in text  # each file with its rules up front
    assert "Police report of the loss" in text and "only if it applies to you" in text
    assert "Originals to bring to the office" in text and "Your previous passport (original)" in text
    assert "from " in text and "€30.00" in text  # the fee, as on the fee table below
    assert "You will come to the office once, in person" in text
    assert "within 30 working days" in text and "Some offices take longer." in text
    assert "The form has" in text and "kept as a draft" in text


def test_the_panel_is_in_persian_digits_for_persian_readers(client):
    text = section(client, "/services/passport")
    assert "پیش از شروع" in text and "۳۰ روز کاری" in text
    assert "30" not in text


def test_a_service_without_an_appointment_says_no_visit_is_needed(client, app):
    from forms.registry import current_registry
    with app.app_context():
        without = [s.id for s in current_registry().services.values() if s.enabled and s.appointment is None]
    client.get("/lang/en")
    for service_id in without:
        assert "without a visit" in section(client, f"/services/{service_id}"), service_id
