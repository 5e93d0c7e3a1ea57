"""Property tests: random and malicious posts to every step of every shipped service, to registration, to sign-in.

Never a 500, and never a stored value that bypassed validation: whenever a post completes a step, the
answers it stored validate again through the step's own form. Examples per step: MIKHAK_HYPOTHESIS_EXAMPLES
(default 6 here, so that the whole module stays well under a minute of CI per database).
"""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cli import demo
from core.models import Applicant, Draft, OtpChallenge
from forms.converter import step_form_class
from forms.registry import current_registry
from tests.helpers import register, sign_in
from wizard.engine import WizardState

EXAMPLES = max(1, int(os.environ.get("MIKHAK_HYPOTHESIS_EXAMPLES", "60")) // 10)
PAYLOADS = [
    "' OR '1'='1' --", "1; DROP TABLE applicant;--", "<script>alert(1)</script>", '"><img src=x onerror=alert(1)>',
    "{{7*7}}", "${7*7}", "../../../../etc/passwd", "=HYPERLINK(\"http://x\")", "@SUM(1)", "\x00", "\r\n\r\nX: y",
    "9" * 40, "-1", "0", "1e309", "NaN", "Infinity", "\u202e", "\u2066x\u2069", "2026-02-30", "۱۴۰۳/۱۳/۳۲", "٠٠٠",
    "A" * 5000,
    "true", "[]", "{}", "null", "delete-file:1", "delete-file:999999999999999999999", "add:x", "remove:-1",
]
VALUES = st.one_of(st.text(max_size=40), st.sampled_from(PAYLOADS),
                   st.text(alphabet="۰۱۲۳۴۵۶۷۸۹٠١٢٣0123-/", max_size=12), st.integers(-10**20, 10**20).map(str))
ACTIONS = st.one_of(st.just("next"), st.just("next"), st.just("next"), st.sampled_from(
    ["back", "save", "", "add:", "remove:0", "delete-file:abc", "delete-file:0", "delete-file:" + "9" * 25]))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def field_names(form) -> list[str]:
    """Every input name of a form, nested groups and date parts included."""
    names = []
    for bound in form:
        children = list(bound) if hasattr(bound, "__iter__") and not isinstance(bound.data, (str, bytes)) else []
        nested = [c for c in children if hasattr(c, "name")]
        names.extend(field_names(nested) if nested else [bound.name])
    for name in list(names):
        names.extend(f"{name}-{part}" for part in ("day", "month", "year", "calendar"))
    return names


def posts(names: list[str]):
    """A form post: some of the step's names with hostile values, a few unknown keys, an action."""
    return st.fixed_dictionaries({"action": ACTIONS}, optional={name: VALUES for name in names[:40]}) \
        .flatmap(lambda d: st.dictionaries(st.sampled_from(["x", "id", "applicant_id", "office", "status"]),
                                           VALUES, max_size=2).map(lambda extra: {**extra, **d}))


@pytest.fixture()
def applicant_client(app, client):
    with app.app_context():
        list(demo.load())
    sign_in(client, app)
    register(client)
    return client


def state_of(app, spec, kind: str) -> WizardState:
    draft = Draft.get((Draft.kind == kind) & (Draft.schema_id == spec.id))
    applicant = Applicant.get_by_id(draft.applicant_id)
    return WizardState(spec=spec, draft=draft, profile=applicant.profile or {} if kind != "registration" else {})


def fuzz_steps(app, client, spec, kind: str, url) -> None:
    """Post hostile data to each visible step (earlier steps marked done so it can be opened)."""
    with app.test_request_context("/"):
        steps = [step.id for step in state_of(app, spec, kind).visible_steps()]
    assert steps, spec.id
    for index, step_id in enumerate(steps):
        with app.test_request_context("/"):
            state = state_of(app, spec, kind)
            state.draft.completed_steps = steps[:index]
            state.draft.review_steps = []
            state.draft.save()
            names = field_names(step_form_class(spec, step_id)(meta={"csrf": False}))

        statuses = fuzz_one_step(app, client, spec, kind, step_id, url(step_id), names)
        assert {0, 200, 422} & set(statuses), (step_id, statuses)  # the step answered or was completed


def fuzz_one_step(app, client, spec, kind: str, step_id: str, url: str, names: list[str]) -> list[int]:
    """Post hostile data to one step; return the statuses seen (0: the post completed the step)."""
    statuses: list[int] = []

    @FUZZ
    @given(data=posts(names))
    def post(data: dict) -> None:
        with app.test_request_context("/"):  # each example starts with the step not done, so the check below
            state = state_of(app, spec, kind)  # judges what this post stored, not an earlier example
            state.draft.completed_steps = [s for s in state.draft.completed_steps or [] if s != step_id]
            state.draft.save()
        response = client.post(url, data=data)
        statuses.append(response.status_code)
        assert response.status_code < 500, (step_id, data, response.status_code)
        with app.test_request_context("/"):
            state = state_of(app, spec, kind)
            if step_id in (state.draft.completed_steps or []) and state.step(step_id) is not None:
                statuses.append(0)  # completed: what it stored must validate
                assert state.form(state.step(step_id), csrf=False).validate(), (step_id, data, state.answers)

    post()
    return statuses


@pytest.mark.parametrize("service_id", sorted(p.stem for p in (
    __import__("pathlib").Path(__file__).resolve().parents[2] / "schemas" / "services").glob("*.yaml")))
def test_hostile_posts_to_every_step_of_every_service(app, applicant_client, service_id):
    with app.app_context():
        spec = current_registry().services.get(service_id)
    if spec is None:
        pytest.skip(f"{service_id} is not enabled in this build")
    start = applicant_client.get(f"/services/{service_id}/apply")
    if start.status_code == 404:
        pytest.skip(f"no demo office offers {service_id}")
    page = start.get_data(as_text=True)
    if start.status_code == 200 and 'name="office"' in page:
        import re
        office = re.search(r'name="office"[^>]*value="([^"]+)"', page) or re.search(r'<option value="([^"]+)"', page)
        applicant_client.post(f"/services/{service_id}/apply", data={"office": office.group(1)})
    fuzz_steps(app, applicant_client, spec, "service", lambda step: f"/services/{service_id}/request/step/{step}")
    review = applicant_client.post(f"/services/{service_id}/request/review", data={"confirm": "y"})
    assert review.status_code < 500


def test_hostile_posts_to_every_registration_step(app, client):
    sign_in(client, app)
    client.get("/register/")
    with app.app_context():
        spec = current_registry().registration
    fuzz_steps(app, client, spec, "registration", lambda step: f"/register/step/{step}")


@FUZZ
@given(national_code=VALUES, email=VALUES, next_=VALUES)
def test_hostile_sign_in_posts_never_fail_and_never_store_an_invalid_national_code(app, national_code, email, next_):
    from i18n.persian import is_valid_national_code as valid_national_code  # the form's own check
    client = app.test_client()
    response = client.post("/sign-in", data={"national_code": national_code, "email": email, "next": next_})
    assert response.status_code < 500
    code = client.post("/sign-in/code", data={"code": national_code[:10]})
    assert code.status_code < 500
    with app.app_context():
        for challenge in OtpChallenge.select():
            assert valid_national_code(challenge.national_code), challenge.national_code
            assert "@" in challenge.email and "\n" not in challenge.email
