"""Registration: the wizard from schemas/registration.yaml, step order, drafts, preview, activation."""

from __future__ import annotations

import datetime as dt

from core.models import Applicant, Draft, ProfileRevision, utcnow
from tests.helpers import REGISTRATION_STEPS, last_mail, register, sign_in


def test_first_sign_in_leads_to_registration_and_nothing_else(client, app):
    response = sign_in(client, app)
    assert response.headers["Location"].endswith("/register/")
    assert client.get("/register/").headers["Location"].endswith("/register/step/identity")
    assert client.get("/requests").headers["Location"].endswith("/register/")
    assert client.get("/dashboard").headers["Location"].endswith("/register/")


def test_registration_walks_every_step_shows_preview_and_activates(client, app):
    sign_in(client, app)
    page = client.get("/register/step/identity").get_data(as_text=True)
    assert "۱" in page and "۴" in page  # "step 1 of 4" in Persian digits
    for step_id, data in REGISTRATION_STEPS.items():
        assert client.post(f"/register/step/{step_id}", data={**data, "action": "next"}).status_code == 302
    review = client.get("/register/review").get_data(as_text=True)
    assert "مریم" in review and "Maryam" in review and "آلمان" in review
    assert "/register/step/contact?return=review" in review
    assert '<bdi dir="ltr">+49 1512 3456789</bdi>' in review  # kept in order on a right-to-left page
    response = client.post("/register/review")
    assert response.headers["Location"].endswith("/dashboard")
    with app.app_context():
        applicant = Applicant.get(Applicant.national_code == "0499370899")
        assert applicant.is_activated
        assert applicant.profile["first_name"] == "مریم"
        assert applicant.profile["birth_date"] == "1990-05-17"
        assert ProfileRevision.select().count() == 1
        assert Draft.select().count() == 0
    assert "فعال" in last_mail(app, "applicant@example.com").subject


def test_steps_cannot_be_skipped_by_editing_the_url(client, app):
    sign_in(client, app)
    response = client.get("/register/step/contact")
    assert response.status_code == 302 and response.headers["Location"].endswith("/register/step/identity")
    response = client.post("/register/step/contact", data={**REGISTRATION_STEPS["contact"], "action": "next"})
    assert response.headers["Location"].endswith("/register/step/identity")
    assert client.post("/register/review").headers["Location"].endswith("/register/step/identity")


def test_errors_keep_what_was_typed_and_link_from_the_summary(client, app):
    sign_in(client, app)
    data = {**REGISTRATION_STEPS["identity"], "first_name_latin": "مریم", "birth_date-day": "31",
            "birth_date-month": "2", "action": "next"}
    page = client.post("/register/step/identity", data=data).get_data(as_text=True)
    assert 'class="error-summary"' in page
    assert 'href="#first_name_latin"' in page
    assert 'value="احمدی"' in page  # the surname typed is still there


def test_persian_digits_and_arabic_letters_are_normalized(client, app):
    sign_in(client, app)
    identity = {**REGISTRATION_STEPS["identity"], "first_name": "علي", "birth_certificate_number": "۱۲۳۴",
                "birth_date-year": "۱۹۹۰"}
    assert client.post("/register/step/identity", data={**identity, "action": "next"}).status_code == 302
    with app.app_context():
        answers = Draft.get().answers
    assert answers["first_name"] == "علی"
    assert answers["birth_certificate_number"] == "1234"
    assert answers["birth_date"] == "1990-05-17"


def test_date_parts_are_labelled_in_the_readers_language(client, app):
    sign_in(client, app)
    persian = client.get("/register/step/identity").get_data(as_text=True)
    assert 'aria-label="روز"' in persian and '<option value="">ماه</option>' in persian
    assert 'aria-label="سال"' in persian and ">Month<" not in persian
    client.get("/lang/en")
    english = client.get("/register/step/identity").get_data(as_text=True)
    assert 'aria-label="Day"' in english and '<option value="">Month</option>' in english


def test_jalali_dates_are_accepted_and_impossible_ones_refused(client, app):
    sign_in(client, app)
    jalali = {"birth_date-day": "30", "birth_date-month": "12", "birth_date-year": "1403",
              "birth_date-calendar": "jalali"}
    ok = client.post("/register/step/identity", data={**REGISTRATION_STEPS["identity"], **jalali, "action": "next"})
    assert ok.status_code == 302
    with app.app_context():
        assert Draft.get().answers["birth_date"] == "2025-03-20"
    bad = {**jalali, "birth_date-year": "1404"}
    page = client.post("/register/step/identity", data={**REGISTRATION_STEPS["identity"], **bad, "action": "next"})
    assert page.status_code == 200 and 'class="error-summary"' in page.get_data(as_text=True)


def test_draft_survives_sign_out_and_continues_on_another_device(client, app):
    sign_in(client, app)
    client.post("/register/step/identity", data={**REGISTRATION_STEPS["identity"], "action": "next"})
    client.post("/sign-out")
    later = utcnow() + dt.timedelta(minutes=2)
    app.config["CLOCK"] = lambda: later  # past the 60 s gap between two codes
    other_device = app.test_client()
    sign_in(other_device, app)
    assert other_device.get("/register/").headers["Location"].endswith("/register/step/residence")
    page = other_device.get("/register/step/identity").get_data(as_text=True)
    assert 'value="احمدی"' in page


def test_back_keeps_the_answers_of_the_current_step(client, app):
    sign_in(client, app)
    client.post("/register/step/identity", data={**REGISTRATION_STEPS["identity"], "action": "next"})
    partial = {"residence_country": "DE", "city": "Hamburg", "action": "back"}
    assert client.post("/register/step/residence", data=partial).headers["Location"].endswith("/step/identity")
    assert 'value="Hamburg"' in client.get("/register/step/residence").get_data(as_text=True)


def test_change_link_returns_to_the_review(client, app):
    sign_in(client, app)
    for step_id, data in REGISTRATION_STEPS.items():
        client.post(f"/register/step/{step_id}", data={**data, "action": "next"})
    changed = {**REGISTRATION_STEPS["residence"], "city": "Hamburg", "action": "next"}
    response = client.post("/register/step/residence?return=review", data=changed)
    assert client.get(response.headers["Location"]).headers.get("Location", "").endswith("/register/review") \
        or response.headers["Location"].endswith("/register/")
    assert "Hamburg" in client.get("/register/review").get_data(as_text=True)


def test_double_confirm_creates_one_profile_revision(client, app):
    sign_in(client, app)
    for step_id, data in REGISTRATION_STEPS.items():
        client.post(f"/register/step/{step_id}", data={**data, "action": "next"})
    first, second = client.post("/register/review"), client.post("/register/review")
    assert first.status_code == 302 and second.status_code == 302
    with app.app_context():
        assert ProfileRevision.select().count() == 1


def test_profile_edit_goes_through_the_wizard_and_keeps_history(client, app):
    sign_in(client, app)
    register(client)
    page = client.get("/profile").get_data(as_text=True)
    assert "مریم" in page
    assert client.get("/register/").headers["Location"].endswith("/register/review")
    client.post("/register/step/residence?return=review",
                data={**REGISTRATION_STEPS["residence"], "city": "Hamburg", "action": "next"})
    assert client.post("/register/review").headers["Location"].endswith("/profile")
    with app.app_context():
        applicant = Applicant.get()
        assert applicant.profile["city"] == "Hamburg"
        assert ProfileRevision.select().count() == 2


def test_the_preview_shows_the_national_code_signed_in_with(client, app):
    sign_in(client, app)
    for step_id, data in REGISTRATION_STEPS.items():
        client.post(f"/register/step/{step_id}", data={**data, "action": "next"})
    review = client.get("/register/review").get_data(as_text=True)
    assert '<bdi dir="ltr" class="national-code">۰۴۹۹۳۷۰۸۹۹</bdi>' in review
    assert "این کد ملی من نیست" in review  # the way out for a mistyped but valid code: sign out
    client.get("/lang/en")
    assert "0499370899" in client.get("/register/review").get_data(as_text=True)


def test_persian_digits_come_back_as_typed_and_are_stored_in_ascii(client, app):
    sign_in(client, app)
    for step_id, data in REGISTRATION_STEPS.items():
        client.post(f"/register/step/{step_id}", data={**data, "action": "next"})
    typed = {**REGISTRATION_STEPS["residence"], "city": "برلین", "address": "خیابان اونتر دن لیندن، پلاک ۲۲، واحد ۳",
             "postal_code": "۱۰۱۱۷"}
    client.post("/register/step/residence", data={**typed, "action": "next"})
    with app.app_context():
        answers = Draft.get().answers
    assert answers["address"] == "خیابان اونتر دن لیندن، پلاک 22، واحد 3" and answers["postal_code"] == "10117"
    review = client.get("/register/review").get_data(as_text=True)
    assert "پلاک ۲۲، واحد ۳" in review and "۱۰۱۱۷" in review
    step = client.get("/register/step/residence").get_data(as_text=True)
    assert "پلاک ۲۲، واحد ۳</textarea>" in step and 'value="۱۰۱۱۷"' in step
    assert "DE-123456" in client.get("/register/step/residency").get_data(as_text=True)  # Latin text keeps its digits
    client.get("/lang/en")
    assert "Linden, 22" not in (english := client.get("/register/review").get_data(as_text=True))
    assert "پلاک 22، واحد 3" in english and "10117" in english


def test_a_wrong_national_code_comes_back_in_the_digits_typed(client, app):
    page = client.post("/sign-in", data={"national_code": "۰۴۹۹۳۷۰۸۹۸", "email": "a@example.com"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'value="۰۴۹۹۳۷۰۸۹۸"' in html
