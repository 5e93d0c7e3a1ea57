"""The rules of consular work through the HTTP wizard: eligibility refuses Next and Submit, answers are kept."""

from __future__ import annotations

import pytest
import yaml

from casework.workflow import transition
from core.models import Draft, ServiceRequest
from forms.registry import current_registry
from forms.spec import Service
from tests.applicant.pages import checked, main_text
from tests.helpers import PDF_BYTES, REGISTRATION_STEPS, date_parts, register, sign_in, upload

RENOUNCE = """
id: renounce
title: {fa: ترک تابعیت, en: Renunciation}
category: travel
steps:
  - id: about
    title: {fa: دربارهٔ شما, en: About you}
    eligibility:
      - require: {age_of: birth_date, gte: 25}
        message: {fa: ترک تابعیت تنها از ۲۵ سالگی ممکن است., en: Nationality can be renounced only at 25 or older.}
    fields:
      - {id: birth_date, type: date, label: {fa: تاریخ تولد, en: Date of birth}, required: true}
      - {id: city, type: text, label: {fa: شهر, en: City}}
  - id: reason
    title: {fa: دلیل, en: Reason}
    fields:
      - {id: other_nationality, type: yesno, label: {fa: تابعیت دیگر, en: Other nationality}, required: true}
      - id: truth
        type: declaration
        label: {fa: اقرار می‌کنم که پاسخ‌هایم درست است., en: I declare that my answers are true.}
eligibility:
  - require: {field: other_nationality, equals: true}
    message: {fa: نخست تابعیت کشور دیگری لازم است., en: You first need another nationality.}
"""
STEP = "/services/renounce/request/step"


@pytest.fixture()
def renounce(app):
    """A service with a step rule (age) and a service rule (another nationality)."""
    with app.app_context():
        spec = Service.model_validate(yaml.safe_load(RENOUNCE))
        current_registry().services[spec.id] = spec
        return spec


def _start(client) -> None:
    client.post("/services/renounce/apply", data={"office": "de-berlin"})


def test_an_ineligible_step_refuses_next_and_keeps_the_answers(applicant_client, renounce):
    _start(applicant_client)
    data = {**date_parts("birth_date", "2010-04-02"), "city": "Köln", "action": "next"}
    response = applicant_client.post(f"{STEP}/about", data=data)
    assert response.status_code == 200
    page = main_text(response.get_data(as_text=True))
    assert "ترک تابعیت تنها از ۲۵ سالگی ممکن است." in page
    assert 'value="Köln"' in response.get_data(as_text=True)
    assert applicant_client.get(f"{STEP}/reason").status_code == 302  # still not allowed on
    applicant_client.get("/lang/en?next=/")
    response = applicant_client.post(f"{STEP}/about", data=data)
    assert "Nationality can be renounced only at 25 or older." in main_text(response.get_data(as_text=True))
    data = {**date_parts("birth_date", "1990-04-02"), "city": "Köln", "action": "next"}
    assert applicant_client.post(f"{STEP}/about", data=data).headers["Location"].endswith(f"{STEP}/reason")


def test_a_service_rule_refuses_submit_on_the_review_page(applicant_client, renounce):
    _start(applicant_client)
    applicant_client.post(f"{STEP}/about", data={**date_parts("birth_date", "1990-04-02"), "action": "next"})
    applicant_client.post(f"{STEP}/reason", data={"other_nationality": "no", "truth": "y", "action": "next"})
    review = applicant_client.get("/services/renounce/request/review").get_data(as_text=True)
    assert "نخست تابعیت کشور دیگری لازم است." in main_text(review)
    assert "confirm-form" not in review
    response = applicant_client.post("/services/renounce/request/review")
    assert response.status_code == 200 and "نخست تابعیت کشور دیگری لازم است." in main_text(response.get_data(
        as_text=True))
    assert ServiceRequest.select().count() == 0
    assert Draft.get().answers["birth_date"] == "1990-04-02"
    applicant_client.post(f"{STEP}/reason?return=review", data={"other_nationality": "yes", "truth": "y",
                                                                 "action": "next"})
    assert applicant_client.post("/services/renounce/request/review").status_code == 302
    assert ServiceRequest.select().count() == 1


def test_a_declaration_must_be_ticked_and_its_text_is_stored(applicant_client, renounce):
    _start(applicant_client)
    applicant_client.post(f"{STEP}/about", data={**date_parts("birth_date", "1990-04-02"), "action": "next"})
    response = applicant_client.post(f"{STEP}/reason", data={"other_nationality": "yes", "action": "next"})
    assert response.status_code == 200
    page = main_text(response.get_data(as_text=True))
    assert page.count("برای این اقرار، کادر را علامت بزنید.") == 2  # in the summary and at the box
    assert "درست است.: " not in page  # the summary does not repeat the whole declaration before it
    html = response.get_data(as_text=True)
    assert checked(html, "other_nationality") == ["yes"] and checked(html, "truth") == []
    assert Draft.get().answers.get("other_nationality") is None  # a refused step is not saved
    response = applicant_client.post(f"{STEP}/reason", data={"other_nationality": "yes", "truth": "y",
                                                              "action": "next"})
    assert response.status_code == 302
    review = main_text(applicant_client.get("/services/renounce/request/review").get_data(as_text=True))
    assert "اقرار می‌کنم که پاسخ‌هایم درست است." in review and "اقرار شد" in review
    applicant_client.post("/services/renounce/request/review")
    declared = ServiceRequest.get().answers["truth"]
    assert declared == {"fa": "اقرار می‌کنم که پاسخ‌هایم درست است.", "en": "I declare that my answers are true."}


DIVORCE = """
id: divorce
title: {fa: ثبت طلاق, en: Divorce registration}
category: travel
steps:
  - id: marriage
    title: {fa: ازدواج, en: Marriage}
    fields:
      - {id: birth_date, type: date, label: {fa: تاریخ تولد, en: Date of birth}, required: true}
      - {id: marriage_date, type: date, label: {fa: تاریخ ازدواج, en: Date of marriage}, required: true}
      - {id: children, type: number, label: {fa: شمار فرزندان, en: Number of children}, required: true}
  - id: divorce
    title: {fa: طلاق, en: Divorce}
    eligibility:
      - require: {age_of: birth_date, gte: 18, at: marriage_date}
        message:
          fa: ازدواج پیش از ۱۸ سالگی نخست باید در دادگاه تأیید شود.
          en: A marriage before 18 must first be confirmed by a court.
    fields:
      - id: divorce_date
        type: date
        label: {fa: تاریخ طلاق, en: Date of divorce}
        required: true
        min: {field: marriage_date}
      - id: custody
        type: number
        label: {fa: فرزندان تحت حضانت, en: Children in your custody}
        max: {field: children}
"""


@pytest.fixture()
def divorce(app):
    """A service comparing answers: the divorce after the marriage, custody at most the children, age at marriage."""
    with app.app_context():
        spec = Service.model_validate(yaml.safe_load(DIVORCE))
        current_registry().services[spec.id] = spec
        return spec


def test_bounds_naming_another_answer_refuse_next_and_keep_the_answers(applicant_client, divorce):
    base = "/services/divorce/request/step"
    applicant_client.post("/services/divorce/apply", data={"office": "de-berlin"})
    applicant_client.get("/lang/en?next=/")
    marriage = {**date_parts("birth_date", "1990-05-01"), **date_parts("marriage_date", "2015-06-20"),
                "children": "2", "action": "next"}
    assert applicant_client.post(f"{base}/marriage", data=marriage).status_code == 302
    data = {**date_parts("divorce_date", "2014-01-10"), "custody": "3", "action": "next"}
    response = applicant_client.post(f"{base}/divorce", data=data)
    page = main_text(response.get_data(as_text=True))
    assert "Date of divorce: Enter a date on or after 20 June 2015 (Date of marriage)." in page
    assert "Children in your custody: Enter a number of at most 2 (Number of children)." in page
    assert 'value="3"' in response.get_data(as_text=True)
    data = {**date_parts("divorce_date", "2020-01-10"), "custody": "2", "action": "next"}
    assert applicant_client.post(f"{base}/divorce", data=data).status_code == 302


def test_age_at_another_answer_in_an_eligibility_rule(applicant_client, divorce):
    base = "/services/divorce/request/step"
    applicant_client.post("/services/divorce/apply", data={"office": "de-berlin"})
    marriage = {**date_parts("birth_date", "1998-05-01"), **date_parts("marriage_date", "2015-06-20"),
                "children": "0", "action": "next"}
    applicant_client.post(f"{base}/marriage", data=marriage)
    response = applicant_client.post(f"{base}/divorce", data={**date_parts("divorce_date", "2020-01-10"),
                                                               "action": "next"})
    assert "ازدواج پیش از ۱۸ سالگی نخست باید در دادگاه تأیید شود." in main_text(response.get_data(as_text=True))
    applicant_client.post(f"{base}/marriage", data={**marriage, **date_parts("birth_date", "1996-05-01")})
    response = applicant_client.post(f"{base}/divorce", data={**date_parts("divorce_date", "2020-01-10"),
                                                               "action": "next"})
    assert response.status_code == 302


def test_a_draft_started_before_the_rules_must_meet_them_and_keeps_its_answers(applicant_client, app):
    loose = yaml.safe_load(RENOUNCE)
    del loose["eligibility"], loose["steps"][0]["eligibility"]
    with app.app_context():
        current_registry().services["renounce"] = Service.model_validate(loose)
    _start(applicant_client)
    applicant_client.post(f"{STEP}/about", data={**date_parts("birth_date", "2010-04-02"), "city": "Köln",
                                                 "action": "next"})
    applicant_client.post(f"{STEP}/reason", data={"other_nationality": "no", "truth": "y", "action": "next"})
    assert "confirm-form" in applicant_client.get("/services/renounce/request/review").get_data(as_text=True)

    with app.app_context():  # the service gains its rules while the draft is in flight
        current_registry().services["renounce"] = Service.model_validate(yaml.safe_load(RENOUNCE))
    assert applicant_client.get("/services/renounce/request/review").headers["Location"].endswith(f"{STEP}/about")
    response = applicant_client.post(f"{STEP}/about", data={**date_parts("birth_date", "2010-04-02"),
                                                            "city": "Köln", "action": "next"})
    assert "ترک تابعیت تنها از ۲۵ سالگی ممکن است." in main_text(response.get_data(as_text=True))
    draft = Draft.get()
    assert draft.answers["birth_date"] == "2010-04-02" and draft.answers["other_nationality"] is False
    assert draft.answers["truth"]["en"] == "I declare that my answers are true."
    applicant_client.post(f"{STEP}/about", data={**date_parts("birth_date", "1990-04-02"), "city": "Köln",
                                                 "action": "next"})
    response = applicant_client.post("/services/renounce/request/review")
    assert "نخست تابعیت کشور دیگری لازم است." in main_text(response.get_data(as_text=True))
    assert ServiceRequest.select().count() == 0


# The shipped services: a minor's passport needs the guardian's consent; a power of attorney, a principal of 18
# or over.
def test_a_minors_passport_needs_the_guardians_consent_declaration(applicant_client):
    applicant_client.post("/services/passport/apply", data={"office": "de-berlin"})
    base = "/services/passport/request/step"
    applicant_client.post(f"{base}/request", data={"request_type": "first_issue", "action": "next"})
    minor = {"surname": "احمدی", "given_name": "مریم", "surname_latin": "AHMADI", "given_name_latin": "MARYAM",
             "father_name": "علی", **date_parts("birth_date", "2015-05-17"), "birth_place": "تهران",
             "marital_status": "single", "guardian_national_code": "0084575948", "action": "next"}
    response = applicant_client.post(f"{base}/applicant", data=minor)
    page = main_text(response.get_data(as_text=True))
    assert "برای این اقرار، کادر را علامت بزنید." in page
    assert 'value="۰۰۸۴۵۷۵۹۴۸"' in response.get_data(as_text=True)  # the guardian's code is kept
    assert applicant_client.post(f"{base}/applicant", data={**minor, "guardian_consent": "y"}).status_code == 302
    consent = Draft.get().answers["guardian_consent"]
    assert consent["en"].startswith("I, the father or legal guardian of the applicant, consent")
    adult = {**minor, **date_parts("birth_date", "1990-05-17")}
    assert applicant_client.post(f"{base}/applicant", data=adult).status_code == 302  # an adult declares nothing
    assert "guardian_consent" not in Draft.get().answers


def test_a_power_of_attorney_needs_an_adult_principal(client, app):
    sign_in(client, app)
    register(client, {**REGISTRATION_STEPS, "identity": {**REGISTRATION_STEPS["identity"],
                                                         **date_parts("birth_date", "2012-01-01")}})
    client.post("/services/power_of_attorney/apply", data={"office": "de-berlin"})
    data = {"power_type": "banking", "subject": "اداره حساب بانکی اینجانب نزد بانک ملی شعبه مرکزی تهران",
            "right_to_delegate": "no", "irrevocable": "no", "action": "next"}
    response = client.post("/services/power_of_attorney/request/step/power", data=data)
    assert "وکالت‌نامه را تنها کسی که دست‌کم ۱۸ سال دارد می‌تواند بدهد." in main_text(response.get_data(as_text=True))


def test_the_review_page_shows_a_step_rule_broken_by_a_later_change(applicant_client, divorce):
    base = "/services/divorce/request/step"
    applicant_client.post("/services/divorce/apply", data={"office": "de-berlin"})
    marriage = {**date_parts("birth_date", "1990-05-01"), **date_parts("marriage_date", "2015-06-20"),
                "children": "0", "action": "next"}
    applicant_client.post(f"{base}/marriage", data=marriage)
    applicant_client.post(f"{base}/divorce", data={**date_parts("divorce_date", "2020-01-10"), "action": "next"})
    younger = {**marriage, **date_parts("birth_date", "2000-05-01")}  # married at 15
    assert applicant_client.post(f"{base}/marriage?return=review", data=younger).status_code == 302
    review = applicant_client.get("/services/divorce/request/review").get_data(as_text=True)
    assert "ازدواج پیش از ۱۸ سالگی نخست باید در دادگاه تأیید شود." in main_text(review)
    assert f'href="{base}/divorce?return=review"' in review and "confirm-form" not in review
    assert applicant_client.post("/services/divorce/request/review").status_code == 200
    assert ServiceRequest.select().count() == 0


POWER = {"power_type": "banking", "subject": "اداره حساب بانکی اینجانب نزد بانک ملی شعبه مرکزی تهران",
         "right_to_delegate": "no"}
PRINCIPALS = {"has_co_principals": "no"}
AGENT = {"agent_first_name": "علی", "agent_last_name": "رضایی", "agent_father_name": "حسن",
         "agent_national_code": "0084575948", **date_parts("agent_birth_date", "1980-02-03"),
         "agent_phone": "+989121234567", "agent_address": "تهران، خیابان انقلاب، پلاک ۱۲",
         "agent_postal_code": "1315763111", "agent_is_lawyer": "no"}


def test_a_power_of_attorney_needs_the_principals_declaration(applicant_client):
    base = "/services/power_of_attorney/request/step"
    applicant_client.post("/services/power_of_attorney/apply", data={"office": "de-berlin"})
    for step_id, data in (("power", POWER), ("principals", PRINCIPALS), ("agent", AGENT)):
        response = applicant_client.post(f"{base}/{step_id}", data={**data, "action": "next"})
        assert response.status_code == 302, main_text(response.get_data(as_text=True))
    files = {"principal_ids": upload(PDF_BYTES, "passport.pdf"), "action": "next"}
    response = applicant_client.post(f"{base}/documents", data=files, content_type="multipart/form-data")
    assert response.status_code == 200
    assert "برای این اقرار، کادر را علامت بزنید." in main_text(response.get_data(as_text=True))
    assert "passport.pdf" in main_text(response.get_data(as_text=True))  # the file is kept
    response = applicant_client.post(f"{base}/documents", data={"principal_declaration": "y", "action": "next"})
    assert response.status_code == 302, main_text(response.get_data(as_text=True))
    assert applicant_client.post("/services/power_of_attorney/request/review").status_code == 302
    declared = ServiceRequest.get().answers["principal_declaration"]
    assert declared["fa"].startswith("اقرار می‌کنم که این وکالت‌نامه را به اختیار خود")
    assert declared["en"].startswith("I declare that I give this power of attorney of my own free will")


def test_an_amendment_must_still_meet_the_rules(applicant_client, app, renounce):
    _start(applicant_client)
    applicant_client.post(f"{STEP}/about", data={**date_parts("birth_date", "1990-04-02"), "action": "next"})
    applicant_client.post(f"{STEP}/reason", data={"other_nationality": "yes", "truth": "y", "action": "next"})
    code = applicant_client.post("/services/renounce/request/review").headers["Location"].split("/requests/")[1]
    code = code.split("/")[0]
    with app.app_context():
        request = ServiceRequest.get()
        transition(request, renounce, "in_review", actor_type="staff")
        transition(request, renounce, "needs_info", actor_type="staff", amend_fields=["other_nationality"])
    response = applicant_client.post(f"/requests/{code}/amend", data={"other_nationality": "no"})
    assert response.status_code == 200
    assert "نخست تابعیت کشور دیگری لازم است." in main_text(response.get_data(as_text=True))
    assert ServiceRequest.get().status == "needs_info" and ServiceRequest.get().answers["other_nationality"] is True
    assert applicant_client.post(f"/requests/{code}/amend", data={"other_nationality": "yes"}).status_code == 302
    assert ServiceRequest.get().status == "in_review"
