"""The shipped passport and power of attorney charge the right amounts, by answers, currency and submission day."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from payments.ledger import assess_request, balance
from tests.appointments.conftest import make_applicant, make_office, make_request, sign_in_as, spec

ADULT, MINOR = "1990-05-17", "2012-03-01"
CASES = {  # answers → (EUR, MYR) in minor units under the decree of 18 October 2025
    "first": ({"request_type": "first_issue", "birth_date": ADULT}, 6000, 47500),
    "renewal": ({"request_type": "renewal", "birth_date": ADULT}, 6000, 47500),
    "lost_twice": ({"request_type": "lost", "lost_count": "second", "birth_date": ADULT}, 24000, 189600),
    "under_18": ({"request_type": "first_issue", "birth_date": MINOR}, 3000, 23700),
    "under_18_express": ({"request_type": "renewal", "birth_date": MINOR, "express": True}, 4500, 35550),
}


def _charged(office, answers, submitted_at, service_id="passport"):
    request = make_request(office, make_applicant(), service_id, status="submitted", answers=answers)
    request.submitted_at = submitted_at
    request.save()
    return request, assess_request(request, spec(service_id))


@pytest.mark.parametrize("case", CASES)
def test_the_passport_charges_each_case_in_euros_and_ringgit(ctx, case: str) -> None:
    answers, eur, myr = CASES[case]
    berlin = make_office(currency="EUR")
    kuala_lumpur = make_office(currency="MYR", timezone="Asia/Kuala_Lumpur", country="MY")
    when = dt.datetime(2026, 11, 2, 9, 0)
    _, in_eur = _charged(berlin, answers, when)
    _, in_myr = _charged(kuala_lumpur, answers, when)
    assert (in_eur.currency, in_eur.due_minor) == ("EUR", eur)
    assert (in_myr.currency, in_myr.due_minor) == ("MYR", myr)


def test_a_schedule_change_mid_month_charges_old_and_new_requests_by_their_submission_day(ctx) -> None:
    berlin = make_office(currency="EUR", timezone="Europe/Berlin")
    renewal = {"request_type": "renewal", "birth_date": ADULT}
    before, old = _charged(berlin, renewal, dt.datetime(2025, 10, 10, 9, 0))
    # 17 October 21:30 UTC is still the 17th in Berlin; 22:30 UTC is already the 18th there.
    _, last_old = _charged(berlin, renewal, dt.datetime(2025, 10, 17, 21, 30))
    _, first_new = _charged(berlin, renewal, dt.datetime(2025, 10, 17, 22, 30))
    _, new = _charged(berlin, renewal, dt.datetime(2025, 10, 20, 9, 0))
    assert [row.due_minor for row in (old, last_old, first_new, new)] == [5000, 5000, 6000, 6000]
    assert [row.assessment["schedule_from"] for row in (old, first_new)] == ["2024-03-20", "2025-10-18"]
    # An amendment later recomputes by the same, submission-day schedule.
    before.answers = {**renewal, "express": True}
    before.save()
    assert assess_request(before, spec("passport")).due_minor == 7500


def test_power_of_attorney_movable_immovable_and_each_further_principal(ctx) -> None:
    office = make_office(currency="MYR", timezone="Asia/Kuala_Lumpur")
    when = dt.datetime(2026, 11, 2, 3, 0)
    two_more = [{"first_name": "علی"}, {"first_name": "سارا"}]
    charged = {kind: _charged(office, answers, when, "power_of_attorney")[1].due_minor for kind, answers in {
        "immovable": {"power_type": "property_sale"},
        "movable": {"power_type": "vehicle"},
        "general": {"power_type": "banking"},
        "immovable_three_principals": {"power_type": "property_sale", "co_principals": two_more},
    }.items()}
    assert charged == {"immovable": 62700, "movable": 12400, "general": 6200,
                       "immovable_three_principals": 62700 + 2 * 6200}


def test_a_currency_the_schedule_lacks_leaves_the_fee_to_the_office(ctx) -> None:
    office = make_office(currency="JPY")
    request, row = _charged(office, CASES["first"][0], dt.datetime(2026, 11, 2, 9, 0))
    assert row.assessment is None and "JPY" in row.problem
    assert balance(request).state == "none"


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_service_page_and_request_page_show_the_fee_in_the_readers_locale(app, client, clock) -> None:
    with app.test_request_context("/"):
        office = make_office(currency="EUR", code="de-berlin")
        applicant = make_applicant(locale="fa")
        request, _ = _charged(office, CASES["under_18_express"][0], dt.datetime(2026, 11, 2, 9, 0))
        request.applicant = applicant
        request.save()
        code = request.tracking_code
        sign_in_as(client, "applicant", applicant, clock)
    client.get("/lang/en")
    page = _text(client.get("/services/passport").get_data(as_text=True))
    assert "from €30.00" in page and "Replacement of a lost passport (second time) €240.00" in page
    english = _text(client.get(f"/requests/{code}").get_data(as_text=True))
    assert "Ordinary passport (under 18) €30.00" in english and "Total to pay €45.00" in english
    client.get("/lang/fa")
    persian = _text(client.get(f"/requests/{code}").get_data(as_text=True))
    assert "گذرنامهٔ عادی (زیر ۱۸ سال) \u200e€ ۳۰٫۰۰" in persian
    assert "رسیدگی فوری \u200e€ ۱۵٫۰۰" in persian and "\u200e€ ۴۵٫۰۰" in persian
