"""Every cross-reference error kind: exact message, line and column."""

from __future__ import annotations

from pathlib import Path

from forms.registry import load_files, load_registry
from tests.forms.conftest import REGISTRATION, errors_of, service_yaml, write_schemas

F = "schemas/services/sample.yaml"


def _errors(tmp_path: Path, fields: str, extra: str = "") -> list[str]:
    """Errors of a one-step sample service."""
    return errors_of(write_schemas(tmp_path, {"sample": service_yaml(fields, extra)}))


TWO_STEPS = """\
id: sample
title: {fa: نمونه, en: Sample}
category: travel
steps:
  - id: first
    title: {fa: یک, en: One}
    fields:
      - {id: name, type: text, label: {fa: نام, en: Name}}
      - id: kind
        type: choice
        label: {fa: نوع, en: Kind}
        options:
          - {value: a, label: {fa: الف, en: A}}
          - {value: a, label: {fa: ب, en: B}}
  - id: first
    title: {fa: دو, en: Two}
    fields:
      - {id: name, type: date, label: {fa: تاریخ, en: Date}}
"""


def test_duplicate_step_field_and_option_ids(tmp_path: Path) -> None:
    assert errors_of(write_schemas(tmp_path, {"sample": TWO_STEPS})) == [
        f"{F}:14:21: duplicate option value 'a' (first used on line 13)",
        f"{F}:15:9: duplicate step id 'first' (first used on line 5)",
        f"{F}:18:14: duplicate field id 'name' (first used on line 8)",
    ]


def test_duplicate_ids_inside_group(tmp_path: Path) -> None:
    errors = _errors(tmp_path, """
        - id: children
          type: group
          label: {fa: فرزندان, en: Children}
          fields:
            - {id: name, type: text, label: {fa: نام, en: Name}}
            - {id: name, type: text, label: {fa: نام, en: Name}}
    """)
    assert errors == [f"{F}:13:18: duplicate field id in this group 'name' (first used on line 12)"]


def test_show_if_to_missing_field(tmp_path: Path) -> None:
    errors = _errors(tmp_path, """
        - {id: married, type: yesno, label: {fa: متأهل, en: Married}}
        - id: spouse
          type: text
          label: {fa: همسر, en: Spouse}
          show_if: {field: maried, equals: true}
    """)
    assert errors == [f"{F}:12:26: show_if of field 'spouse' refers to unknown field 'maried'; did you mean "
                      "'married'?"]


def test_show_if_to_later_field(tmp_path: Path) -> None:
    errors = _errors(tmp_path, """
        - id: spouse
          type: text
          label: {fa: همسر, en: Spouse}
          show_if: {field: married, equals: true}
        - {id: married, type: yesno, label: {fa: متأهل, en: Married}}
    """)
    assert errors == [f"{F}:11:26: show_if of field 'spouse' refers to 'married', which comes later; it may only "
                      "use earlier fields"]


def test_step_show_if_may_not_use_its_own_fields(tmp_path: Path) -> None:
    text = service_yaml("- {id: a, type: yesno, label: {fa: a, en: A}}\n").replace(
        "    title: {fa: اصلی, en: Main}\n", "    title: {fa: اصلی, en: Main}\n    show_if: {field: a, equals: true}\n")
    errors = errors_of(write_schemas(tmp_path, {"sample": text}))
    assert errors == [f"{F}:7:22: show_if of step 'main' refers to 'a', which comes later; it may only use earlier "
                      "fields"]


def test_condition_value_must_fit_the_field(tmp_path: Path) -> None:
    errors = _errors(tmp_path, """
        - id: kind
          type: choice
          label: {fa: نوع, en: Kind}
          options: [{value: x, label: {fa: x, en: X}}, {value: y, label: {fa: y, en: Y}}]
        - {id: n, type: number, label: {fa: n, en: N}}
        - {id: a, type: text, label: {fa: a, en: A}, show_if: {field: kind, equals: z}}
        - {id: b, type: text, label: {fa: b, en: B}, show_if: {any: [{field: n, gt: 2020-01-01}, {age_of: n, lt: 18}]}}
    """)
    assert errors == [
        f"{F}:13:83: condition on 'kind': 'z' is not an option (options: x, y)",
        f"{F}:14:83: condition on 'n': compare a number field with a number, not '2020-01-01'",
        f"{F}:14:105: condition on 'n': 'age_of' needs a date field, not a number field",
    ]


def test_profile_references(tmp_path: Path) -> None:
    errors = _errors(tmp_path, """
        - {id: a, type: text, label: {fa: a, en: A}, show_if: {field: profile.gender, equals: male}}
        - {id: b, type: text, label: {fa: b, en: B}, show_if: {field: profile.shoe_size, gt: 40}}
        - {id: c, type: text, label: {fa: c, en: C}, show_if: {age_of: profile.birth_date, gte: 18}}
    """)
    assert errors == [f"{F}:9:69: unknown profile field 'profile.shoe_size': registration.yaml has no such field"]


def test_prefill_to_missing_registration_field(tmp_path: Path) -> None:
    errors = _errors(tmp_path, """
        - {id: surname, type: text, label: {fa: نام, en: Surname}, prefill: lastname}
        - {id: born, type: text, label: {fa: تولد, en: Born}, prefill: birth_date}
    """)
    assert errors == [
        f"{F}:8:75: prefill refers to unknown registration field 'lastname'; did you mean 'last_name'?",
        f"{F}:9:70: cannot prefill a text field from 'birth_date', a date field",
    ]


def test_staff_column_to_missing_field_and_filter_on_text(tmp_path: Path) -> None:
    errors = _errors(tmp_path, "- {id: surname, type: text, label: {fa: نام, en: Surname}}\n", extra="""
        staff:
          columns: [surname, given_name]
          filters: [surname]
          search: [surname]
    """)
    assert errors == [
        f"{F}:10:22: staff column 'given_name' is not a field of this service",
        f"{F}:11:13: cannot filter on 'surname' (text): a staff filter must be a choice, country, date, multichoice, "
        "number or yesno field",
    ]


def test_unknown_category(tmp_path: Path) -> None:
    errors = errors_of(write_schemas(tmp_path, {"sample": service_yaml(
        "- {id: a, type: text, label: {fa: a, en: A}}\n").replace("category: travel", "category: travl")}))
    assert errors == [f"{F}:3:11: unknown category 'travl'; did you mean 'travel'?"]


WORKFLOW = """
    workflow:
      initial: start
      statuses:
        - {id: submitted, label: {fa: ثبت, en: Submitted}}
        - {id: done, label: {fa: پایان, en: Done}, final: true}
        - {id: withdrawn, label: {fa: انصراف, en: Withdrawn}, final: true}
      transitions:
        - {from: submitted, to: [done, archived]}
        - {from: done, to: [submitted]}
"""


def test_workflow_errors(tmp_path: Path) -> None:
    errors = _errors(tmp_path, "- {id: a, type: text, label: {fa: a, en: A}}\n", extra=WORKFLOW)
    assert errors == [
        f"{F}:10:12: initial status 'start' is not defined",
        f"{F}:14:12: 'withdrawn' is built in: every workflow ends with an implicit final 'withdrawn' status; "
        "remove it",
        f"{F}:16:36: transition to undefined status 'archived'",
        f"{F}:17:14: no transition may leave the final status 'done'",
    ]


def test_workflow_warnings_do_not_fail(tmp_path: Path) -> None:
    extra = """
        workflow:
          initial: submitted
          statuses:
            - {id: submitted, label: {fa: ثبت, en: Submitted}}
            - {id: lost, label: {fa: گم, en: Lost}}
            - {id: done, label: {fa: پایان, en: Done}, final: true}
          transitions:
            - {from: submitted, to: [done]}
    """
    registry = load_registry(write_schemas(tmp_path, {"sample": service_yaml(
        "- {id: a, type: text, label: {fa: a, en: A}}\n", extra)}))
    assert [str(w) for w in registry.warnings] == [
        f"{F}:13:12: warning: status 'lost' cannot be reached from 'submitted'",
        f"{F}:13:12: warning: status 'lost' is not final and has no transition out",
    ]


def test_documents_and_postal_code_links(tmp_path: Path) -> None:
    errors = _errors(tmp_path, """
        - {id: name, type: text, label: {fa: نام, en: Name}}
        - {id: zip, type: postal_code, label: {fa: کد پستی, en: Postcode}, country_field: name}
        - {id: zip2, type: postal_code, label: {fa: کد پستی, en: Postcode}, country_field: where}
        - {id: where, type: country, label: {fa: کشور, en: Country}}
    """, extra="""
        documents:
          - {id: photo, label: {fa: عکس, en: Photo}, field: name}
          - {id: photo, label: {fa: عکس, en: Photo}, field: scan}
    """)
    assert errors == [
        f"{F}:9:89: country_field 'name' is a text field, not a country field",
        f"{F}:10:90: country_field refers to 'where', which comes later; it may only use earlier fields",
        f"{F}:13:53: document field 'name' is a text field, not a file field",
        f"{F}:14:10: duplicate document id 'photo' (first used on line 13)",
        f"{F}:14:53: document field 'scan' is not a field of this service",
    ]


def test_reserved_ids_and_staff_only_dependency(tmp_path: Path) -> None:
    errors = _errors(tmp_path, """
        - {id: data, type: text, label: {fa: a, en: A}}
        - {id: note, type: yesno, label: {fa: a, en: A}, staff_only: true}
        - {id: c, type: text, label: {fa: c, en: C}, show_if: {field: note, equals: true}}
    """)
    assert errors == [
        f"{F}:8:14: field id 'data' is reserved by the form engine; choose another id",
        f"{F}:10:69: show_if of field 'c' uses the staff-only field 'note', which applicants never fill in",
    ]


def test_duplicate_service_id_across_files(tmp_path: Path) -> None:
    one = service_yaml("- {id: a, type: text, label: {fa: a, en: A}}\n")
    errors = errors_of(write_schemas(tmp_path, {"a_first": one, "b_second": one}))
    assert errors == ["schemas/services/b_second.yaml:1:5: service id 'sample' is already used by "
                      "schemas/services/a_first.yaml"]


def test_registration_needs_the_fields_the_code_uses(tmp_path: Path) -> None:
    registration = REGISTRATION.replace("{id: phone, type: phone", "{id: phone, type: text").replace(
        "{id: email,", "{id: mail,")
    errors = errors_of(write_schemas(tmp_path, registration=registration))
    assert errors == [
        "schemas/registration.yaml:3:1: registration field 'phone' must be a phone field, not text",
        "schemas/registration.yaml:3:1: registration must have a email field 'email'",
    ]


def test_registration_may_not_use_profile_or_prefill(tmp_path: Path) -> None:
    registration = REGISTRATION + (
        "      - {id: x, type: text, label: {fa: x, en: X}, prefill: email, show_if: {field: profile.email, "
        "equals: a}}\n")
    errors = errors_of(write_schemas(tmp_path, registration=registration))
    assert errors == [
        "schemas/registration.yaml:22:61: prefill is only available in services",
        "schemas/registration.yaml:22:85: profile.<id> is only available in services",
    ]


def test_duplicate_category(tmp_path: Path) -> None:
    categories = "- {id: travel, title: {fa: a, en: A}}\n- {id: travel, title: {fa: b, en: B}}\n"
    assert errors_of(write_schemas(tmp_path, categories=categories)) == [
        "schemas/categories.yaml:2:8: duplicate category id 'travel' (first used on line 1)"]


def test_broken_registration_does_not_cascade_into_services(tmp_path: Path) -> None:
    schema_dir = write_schemas(tmp_path, {"sample": service_yaml(
        "- {id: a, type: text, label: {fa: a, en: A}, prefill: first_name}\n")},
        registration="id: registration\ntitle: nope\nsteps: []\n")
    results = {r.name: r for r in load_files(schema_dir)}
    assert [str(e) for e in results["schemas/registration.yaml"].errors] == [
        "schemas/registration.yaml:2:8: expected a text in both languages: {fa: …, en: …}",
        "schemas/registration.yaml:3:8: expected at least 1 item(s), got 0",
    ]
    assert results[F].errors == []


def test_group_needs_an_input_and_no_staff_only_inside(tmp_path: Path) -> None:
    errors = _errors(tmp_path, """
        - id: empty
          type: group
          label: {fa: گروه, en: Group}
          fields:
            - {id: note, type: notice, text: {fa: متن, en: Text}}
            - {id: secret, type: notice, text: {fa: متن, en: Text}, staff_only: true}
    """)
    assert errors == [
        f"{F}:12:11: group 'empty' has no field to fill in (only notices)",
        f"{F}:13:79: staff_only is not available inside a group",
    ]


def test_document_when_to_missing_field_and_impossible_option(tmp_path: Path) -> None:
    errors = _errors(tmp_path, """
        - {id: born, type: date, label: {fa: تولد, en: Born}}
        - id: kind
          type: choice
          label: {fa: نوع, en: Kind}
          options:
            - {value: first, label: {fa: اول, en: First}}
            - {value: other, label: {fa: دیگر, en: Other}}
    """, extra="""
        documents:
          - id: guardian
            label: {fa: ولی, en: Guardian}
            original: true
            when: {age_of: bron, lt: 18}
          - id: old
            label: {fa: قدیم, en: Old}
            when: {field: kind, equals: renewal}
          - id: later
            label: {fa: بعدی, en: Later}
            when: {all: [{field: profile.birth_date, lt: "2008-01-01"}, {age_of: born, gte: 18}]}
    """)
    assert errors == [
        f"{F}:19:20: show_if of document 'guardian' refers to unknown field 'bron'; did you mean 'born'?",
        f"{F}:22:33: condition on 'kind': 'renewal' is not an option (options: first, other)",
    ]
