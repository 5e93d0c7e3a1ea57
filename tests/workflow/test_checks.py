"""Checker rules of workflow language 2: each error with its exact file:line:col."""

from __future__ import annotations

from pathlib import Path

from forms.registry import load_registry
from tests.forms.conftest import errors_of, service_yaml, write_schemas

F = "schemas/services/sample.yaml"
FIELDS = ("\n- {id: kind, type: choice, label: {fa: ن, en: K}, "
          "options: [{value: a, label: {fa: ا, en: A}}, {value: c, label: {fa: ج, en: C}}]}" """
- {id: scan, type: file, label: {fa: تصویر, en: Scan}}
- {id: decision, type: text, label: {fa: شماره, en: Decision number}, staff_only: true}
""")


def _errors(tmp_path: Path, extra: str) -> list[str]:
    return errors_of(write_schemas(tmp_path, {"sample": service_yaml(FIELDS, extra)}))


def test_unknown_role_on_a_transition_and_a_status(tmp_path: Path) -> None:
    assert _errors(tmp_path, """
        workflow:
          initial: submitted
          statuses:
            - {id: submitted, label: {fa: ثبت, en: Submitted}}
            - {id: done, label: {fa: پایان, en: Done}, final: true, roles: [cashier, boss]}
          transitions:
            - {from: submitted, to: [done], roles: [consull]}
    """) == [
        f"{F}:15:78: unknown role 'boss' (known: officer, consul, cashier, reception)",
        f"{F}:17:45: unknown role 'consull'; did you mean 'consul'?",
    ]


def test_a_move_listed_twice_is_ambiguous(tmp_path: Path) -> None:
    assert _errors(tmp_path, """
        workflow:
          initial: submitted
          statuses:
            - {id: submitted, label: {fa: ثبت, en: Submitted}}
            - {id: done, label: {fa: پایان, en: Done}, final: true}
          transitions:
            - {from: submitted, to: [done]}
            - {from: submitted, to: [done], roles: [consul]}
    """) == [f"{F}:18:30: the move 'submitted' → 'done' is listed twice (first on line 17); roles and requirements "
             "would be ambiguous"]


def test_requirements_name_staff_fields_file_fields_and_valid_conditions(tmp_path: Path) -> None:
    assert _errors(tmp_path, """
        workflow:
          initial: submitted
          statuses:
            - {id: submitted, label: {fa: ثبت, en: Submitted}}
            - id: done
              label: {fa: پایان, en: Done}
              final: true
              requires:
                - answers: {field: kind, equals: a}
          transitions:
            - {from: submitted, to: [done]}
    """) == [f"{F}:19:11: a requirement on the answers needs a 'message' in both languages saying what is "
             "missing"]


def test_requirement_references(tmp_path: Path) -> None:
    assert _errors(tmp_path, """
        workflow:
          initial: submitted
          statuses:
            - {id: submitted, label: {fa: ثبت, en: Submitted}}
            - id: done
              label: {fa: پایان, en: Done}
              final: true
              requires:
                - filled: [decision, kind, decison]
                - viewed: [kind]
                - answers: {field: kind, equals: b}
                  message: {fa: نوع باید الف باشد, en: The kind must be A}
          transitions:
            - {from: submitted, to: [done]}
    """) == [
        f"{F}:19:30: required field 'kind' is not staff_only: staff fill in only staff-only fields",
        f"{F}:19:36: required field 'decison' is not a field of this service; did you mean 'decision'?",
        f"{F}:20:20: document 'kind' is not a file field of this service",
        f"{F}:21:42: condition on 'kind': 'b' is not an option (options: a, c)",
    ]


def test_amend_status_with_two_ways_on_needs_resume(tmp_path: Path) -> None:
    workflow = """
        workflow:
          initial: submitted
          statuses:
            - {id: submitted, label: {fa: ثبت, en: Submitted}}
            - {id: review, label: {fa: بررسی, en: Review}}
            - {id: fix, label: {fa: اصلاح, en: Fix}, amend: true%s}
            - {id: done, label: {fa: پایان, en: Done}, final: true}
          transitions:
            - {from: submitted, to: [fix, review]}
            - {from: review, to: [done]}
            - {from: fix, to: [submitted, review, done]}
    """
    assert _errors(tmp_path, workflow % "") == [
        f"{F}:16:12: where does an amended request resume? 'fix' may move to submitted, review: write "
        "'resume: <status>'"]
    assert _errors(tmp_path, workflow % ", resume: issued") == [
        f"{F}:16:67: 'resume' must be a status 'fix' may move to; 'issued' is not (it may move to: submitted, "
        "review, done)"]
    registry = load_registry(write_schemas(tmp_path, {"sample": service_yaml(FIELDS, workflow % ", resume: review")}))
    assert registry.services["sample"].workflow.status("fix").resume == "review"


def test_timer_rules(tmp_path: Path) -> None:
    assert _errors(tmp_path, """
        workflow:
          initial: submitted
          statuses:
            - id: submitted
              label: {fa: ثبت, en: Submitted}
              timer: {after_days: 10, to: closd, remind_days_before: 10}
            - {id: closed, label: {fa: بسته, en: Closed}, final: true, timer: {after_days: 1, to: submitted}}
          transitions:
            - {from: submitted, to: [closed]}
    """) == [
        f"{F}:16:35: timer to undefined status 'closd'; did you mean 'closed'?",
        f"{F}:16:62: the reminder must come before the move: fewer than 10 days",
        f"{F}:17:71: a final status never moves on; remove the timer of 'closed'",
    ]


APPOINTMENT = """
    appointment: {mode: applicant}
    workflow:
      initial: submitted
      %s
      statuses:
        - {id: submitted, label: {fa: ثبت, en: Submitted}}
        - {id: approved, label: {fa: تأیید, en: Approved}}
        - {id: visit, label: {fa: نوبت, en: Visit}, appointment: true}
        - {id: second_visit, label: {fa: نوبت دوم, en: Second visit}, appointment: %s}
        - {id: no_show, label: {fa: غیبت, en: No show}}
        - {id: issued, label: {fa: صادر, en: Issued}, final: true}
        - {id: check_again, label: {fa: بررسی دوباره, en: Check again}}
      transitions:
        - {from: submitted, to: [approved, visit]}
        - {from: approved, to: [visit]}
        - {from: visit, to: [issued, check_again, no_show]}
        - {from: no_show, to: [visit]}
        - {from: check_again, to: [second_visit]}
        - {from: second_visit, to: [issued]}
"""


def test_ambiguous_appointment_check_in_and_booking(tmp_path: Path) -> None:
    assert _errors(tmp_path, APPOINTMENT % ("", "true")) == [
        f"{F}:19:80: several statuses are marked 'appointment: true' (visit, second_visit): say which one booking "
        "enters with 'appointment_status: <status>'"]
    assert _errors(tmp_path, APPOINTMENT % ("appointment_status: visit", "true")) == [
        f"{F}:11:21: from which statuses may the applicant book? submitted, approved, no_show all lead to 'visit': "
        "write 'booking_from: [...]' in the workflow",
        f"{F}:18:12: where does check-in move a request? 'visit' may move to issued, check_again: write "
        "'check_in: <status>'",
    ]


def test_declared_keys_must_fit_the_workflow(tmp_path: Path) -> None:
    keys = "appointment_status: second_visit\n      check_in: approved\n      booking_from: [approved, issued]"
    assert _errors(tmp_path, APPOINTMENT % (keys, "false")) == [
        f"{F}:14:23: status 'second_visit' is not marked 'appointment: true'",
        f"{F}:15:13: 'approved' is not a status the appointment status 'second_visit' may move to (issued)",
        f"{F}:16:18: booking moves a request to 'second_visit', and 'approved' may not move there",
        f"{F}:16:28: booking moves a request to 'second_visit', and 'issued' may not move there",
    ]


def test_declared_keys_decide(tmp_path: Path) -> None:
    keys = "check_in: issued\n      booking_from: [approved, no_show]"
    registry = load_registry(write_schemas(tmp_path, {"sample": service_yaml(FIELDS, APPOINTMENT % (keys, "false"))}))
    from appointments import workflow as office_flow

    spec = registry.services["sample"]
    assert (office_flow.appointment_status(spec), office_flow.attended_status(spec),
            office_flow.no_show_status(spec), office_flow.booking_statuses(spec)) == (
        "visit", "issued", "no_show", ["approved", "no_show"])


def test_shipped_schemas_are_clean() -> None:
    registry = load_registry(Path("schemas"))
    passport = registry.services["passport"]
    assert passport.workflow.status("approved").roles == ["consul"]
    assert registry.services["power_of_attorney"].workflow.status("signed").roles == ["consul"]
