"""Every structural error kind: exact message, file, line and column."""

from __future__ import annotations

from pathlib import Path

from forms.loader import MAX_BYTES
from tests.forms.conftest import errors_of, service_yaml, write_schemas

F = "schemas/services/sample.yaml"


def _errors(tmp_path: Path, fields: str, extra: str = "") -> list[str]:
    """Errors of a one-step sample service."""
    return errors_of(write_schemas(tmp_path, {"sample": service_yaml(fields, extra)}))


def test_yaml_syntax_error(tmp_path: Path) -> None:
    schema_dir = write_schemas(tmp_path, {"sample": "id: sample\ntitle: {fa: a, en: b\ncategory: travel\n"})
    assert errors_of(schema_dir) == [f"{F}:3:9: YAML syntax error: did not find expected ',' or '}}'"]


def test_duplicate_key(tmp_path: Path) -> None:
    errors = _errors(tmp_path, """
        - id: name
          type: text
          label: {fa: نام, en: Name}
          label: {fa: نام, en: Name}
    """)
    assert errors == [f"{F}:11:9: duplicate key 'label' (first defined on line 10)"]


def test_unknown_key_with_suggestion(tmp_path: Path) -> None:
    errors = _errors(tmp_path, """
        - id: name
          type: text
          lable: {fa: نام, en: Name}
          label: {fa: نام, en: Name}
    """)
    assert errors == [f"{F}:10:9: unknown key 'lable'; did you mean 'label'?"]


def test_unknown_top_level_key_without_close_match_lists_allowed_keys(tmp_path: Path) -> None:
    errors = _errors(tmp_path, "- {id: name, type: yesno, label: {fa: ن, en: N}}\n", extra="colour: red\n")
    assert len(errors) == 1
    assert errors[0].startswith(f"{F}:9:1: unknown key 'colour' (allowed here: ")
    assert "category" in errors[0]


def test_missing_key(tmp_path: Path) -> None:
    errors = _errors(tmp_path, """
        - id: name
          type: text
    """)
    assert errors == [f"{F}:8:9: missing key 'label'"]


def test_missing_type(tmp_path: Path) -> None:
    errors = _errors(tmp_path, "- {id: name, label: {fa: ن, en: N}}\n")
    assert errors == [f"{F}:8:9: missing key 'type'"]


def test_wrong_type_number(tmp_path: Path) -> None:
    errors = _errors(tmp_path, """
        - id: age
          type: number
          label: {fa: سن, en: Age}
          min: abc
    """)
    assert errors == [f"{F}:11:14: expected a number, got 'abc'"]


def test_wrong_type_bool_yes_is_text_not_true(tmp_path: Path) -> None:
    errors = _errors(tmp_path, """
        - id: age
          type: number
          label: {fa: سن, en: Age}
          required: yes
    """)
    assert errors == [f"{F}:11:19: expected true or false, got 'yes'"]


def test_wrong_type_whole_number(tmp_path: Path) -> None:
    errors = _errors(tmp_path, """
        - id: name
          type: text
          label: {fa: نام, en: Name}
          max_length: 2.5
    """)
    assert errors == [f"{F}:11:21: expected a whole number, got 2.5"]


def test_unknown_field_type_with_suggestion(tmp_path: Path) -> None:
    errors = _errors(tmp_path, """
        - id: name
          type: txt
          label: {fa: نام, en: Name}
    """)
    assert errors == [f"{F}:9:15: unknown field type 'txt'; did you mean 'text'?"]


def test_group_inside_group(tmp_path: Path) -> None:
    errors = _errors(tmp_path, """
        - id: children
          type: group
          label: {fa: فرزندان, en: Children}
          fields:
            - id: inner
              type: group
              label: {fa: x, en: x}
              fields: [{id: a, type: text, label: {fa: a, en: a}}]
    """)
    assert errors == [f"{F}:13:19: a group cannot contain a 'group' field"]


def test_bare_string_label(tmp_path: Path) -> None:
    errors = _errors(tmp_path, """
        - id: name
          type: text
          label: Name
    """)
    assert errors == [f"{F}:10:16: expected a text in both languages: {{fa: …, en: …}}"]


def test_text_missing_english(tmp_path: Path) -> None:
    errors = _errors(tmp_path, "- {id: name, type: text, label: {fa: نام}}\n")
    assert errors == [f"{F}:8:39: missing key 'en'"]


def test_bad_id(tmp_path: Path) -> None:
    errors = _errors(tmp_path, "- {id: Name, type: text, label: {fa: ن, en: N}}\n")
    assert errors == [f"{F}:8:14: 'Name' is not a valid id: use lower-case English letters, digits and '_', "
                      "starting with a letter"]


def test_range_error_points_at_min_length(tmp_path: Path) -> None:
    errors = _errors(tmp_path, """
        - id: name
          type: text
          label: {fa: نام, en: Name}
          min_length: 10
          max_length: 5
    """)
    assert errors == [f"{F}:11:21: 'min_length' (10) is greater than 'max_length' (5)"]


def test_bad_pattern(tmp_path: Path) -> None:
    errors = _errors(tmp_path, """
        - id: name
          type: text
          label: {fa: نام, en: Name}
          pattern: "[a-"
    """)
    assert errors == [f"{F}:11:18: 'pattern' is not a valid regular expression: unterminated character set at "
                      "position 0"]


def test_condition_without_operator(tmp_path: Path) -> None:
    errors = _errors(tmp_path, """
        - {id: a, type: yesno, label: {fa: a, en: A}}
        - {id: b, type: text, label: {fa: b, en: B}, show_if: {field: a}}
    """)
    assert errors == [f"{F}:9:61: a condition on 'field' needs exactly one of 'equals', 'in', 'gt', 'gte', 'lt', "
                      "'lte'"]


def test_currency_and_country_codes(tmp_path: Path) -> None:
    errors = _errors(tmp_path, "- {id: c, type: country, label: {fa: c, en: C}, default: ir}\n",
                     extra="fee: {amount: 60, currency: EURO}\n")
    assert errors == [
        f"{F}:8:64: 'ir' is not an ISO 3166-1 alpha-2 country code; did you mean 'IR'?",
        f"{F}:9:29: 'EURO' is not an ISO 4217 currency code",
    ]


def test_all_errors_of_all_files_at_once(tmp_path: Path) -> None:
    bad = service_yaml("- {id: a, type: txt, label: {fa: a, en: A}}\n")
    worse = service_yaml("- {id: a, type: text, label: A}\n", service_id="other")
    errors = errors_of(write_schemas(tmp_path, {"sample": bad, "other": worse}))
    assert errors == [
        "schemas/services/other.yaml:8:36: expected a text in both languages: {fa: …, en: …}",
        f"{F}:8:23: unknown field type 'txt'; did you mean 'text'?",
    ]


def test_file_too_large(tmp_path: Path) -> None:
    schema_dir = write_schemas(tmp_path)
    (schema_dir / "services" / "big.yaml").write_text("# " + "x" * MAX_BYTES + "\n", encoding="utf-8")
    assert errors_of(schema_dir) == ["schemas/services/big.yaml:1:1: file is too large (256 KiB; the limit is "
                                     "256 KiB)"]


def test_empty_file_and_missing_registration(tmp_path: Path) -> None:
    schema_dir = write_schemas(tmp_path, {"empty": ""})
    (schema_dir / "registration.yaml").unlink()
    assert errors_of(schema_dir) == [
        "schemas/registration.yaml:1:1: file not found",
        "schemas/services/empty.yaml:1:1: file is empty",
    ]


def test_unsafe_tag_is_refused(tmp_path: Path) -> None:
    schema_dir = write_schemas(tmp_path, {"evil": "id: !!python/object/apply:os.system ['true']\n"})
    errors = errors_of(schema_dir)
    assert errors == ["schemas/services/evil.yaml:1:5: unsupported YAML tag "
                      "'tag:yaml.org,2002:python/object/apply:os.system'"]


def test_alias_bomb_is_bounded(tmp_path: Path) -> None:
    lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for n in range(1, 8):
        lines.append(f"{chr(97 + n)}: &{chr(97 + n)} [" + ", ".join([f"*{chr(96 + n)}"] * 10) + "]")
    schema_dir = write_schemas(tmp_path, {"bomb": "\n".join(lines) + "\n"})
    assert errors_of(schema_dir) == ["schemas/services/bomb.yaml:1:1: file expands to too many values (YAML "
                                     "aliases?)"]
