"""The checker on `fees:`: overlapping and missing periods, `per`, currencies, conditions, as file:line:col."""

from __future__ import annotations

from pathlib import Path

from tests.forms.conftest import errors_of, service_yaml, write_schemas

F = "schemas/services/sample.yaml"
FIELDS = """
- id: kind
  type: choice
  label: {fa: نوع, en: Kind}
  options:
    - {value: a, label: {fa: الف, en: A}}
    - {value: b, label: {fa: ب, en: B}}
- id: children
  type: group
  label: {fa: فرزندان, en: Children}
  fields:
    - {id: name, type: text, label: {fa: نام, en: Name}}
"""


def _fees(schedules: str) -> str:
    return "fees:\n  schedules:\n" + "".join("    " + line + "\n" for line in schedules.strip("\n").splitlines())


def _errors(tmp_path: Path, schedules: str) -> list[str]:
    return errors_of(write_schemas(tmp_path, {"sample": service_yaml(FIELDS, _fees(schedules))}))


def test_overlapping_and_missing_periods_are_reported_where_the_later_schedule_starts(tmp_path: Path) -> None:
    errors = _errors(tmp_path, """
- from: "2025-01-01"
  to: "2025-06-30"
  items: [{id: base, label: {fa: پایه, en: Base}, amount: {EUR: 10}}]
- from: "2025-06-15"
  to: "2025-08-31"
  items: [{id: base, label: {fa: پایه, en: Base}, amount: {EUR: 12}}]
- from: "2025-10-01"
  items: [{id: base, label: {fa: پایه, en: Base}, amount: {EUR: 14}}]
""")
    assert errors == [
        f"{F}:24:13: fee schedule from 2025-06-15 overlaps the schedule from 2025-01-01 (line 21), in force until "
        "2025-06-30",
        f"{F}:27:13: no fee schedule from 2025-09-01 to 2025-09-30: the schedule from 2025-06-15 (line 24) ends on "
        "2025-08-31",
    ]


def test_two_open_ended_schedules_overlap(tmp_path: Path) -> None:
    errors = _errors(tmp_path, """
- from: "2025-01-01"
  items: [{id: base, label: {fa: پایه, en: Base}, amount: {EUR: 10}}]
- from: "2026-01-01"
  items: [{id: base, label: {fa: پایه, en: Base}, amount: {EUR: 12}}]
""")
    assert errors == [f"{F}:23:13: fee schedule from 2026-01-01 overlaps the schedule from 2025-01-01 (line 21), "
                      "in force until further notice"]


def test_per_currency_conditions_and_amounts_are_checked(tmp_path: Path) -> None:
    errors = _errors(tmp_path, """
- from: "2025-01-01"
  items:
    - {id: base, label: {fa: پایه, en: Base}, amount: {EUR: 10, MYR: 50}, when: {field: kind, equals: c}}
    - {id: child, label: {fa: فرزند, en: Child}, per: kind, amount: {EUR: 5}}
    - {id: odd, label: {fa: سنت, en: Odd}, amount: {EUR: 5.123, MYR: 1}}
""")
    assert errors == [f"{F}:25:56: EUR amount 5.123 is not a number with at most 2 decimal(s)"]
    errors = _errors(tmp_path, """
- from: "2025-01-01"
  items:
    - {id: base, label: {fa: پایه, en: Base}, amount: {EUR: 10, MYR: 50}, when: {field: kind, equals: c}}
    - {id: child, label: {fa: فرزند, en: Child}, per: kind, amount: {EUR: 5}}
""")
    assert errors == [
        f"{F}:23:107: condition on 'kind': 'c' is not an option (options: a, b)",
        f"{F}:24:59: 'per' of fee 'child' must name a group field of this service, not 'kind'",
        f"{F}:24:73: fee 'child' has no amount in MYR, which other fees of this schedule have",
    ]
