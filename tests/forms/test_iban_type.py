"""The `iban` field type (forms/types/iban.py), added as one module: schema keys, form, storage, display, checks."""

from __future__ import annotations

from pathlib import Path

from forms.checks import operand_problem
from forms.fields import display_value, field_type
from forms.spec import SEARCHABLE_TYPES, Condition
from tests.forms.conftest import errors_of, load_service, service_yaml, write_schemas
from tests.forms.test_fields import PERSIAN, sample  # noqa: F401 (fixture)

IBAN = "- {id: account, type: iban, label: {fa: شماره شبا, en: IBAN}, required: true, countries: [DE, IR]}\n"


def test_typed_with_spaces_and_persian_digits_stored_compact(sample) -> None:  # noqa: F811
    form = sample(IBAN)
    for typed in ("DE89 3704 0044 0532 0130 00", "de89370400440532013000", "DE89 3704 0044 0532 0130 00".translate(
            PERSIAN), " DE89-3704-0044-0532-0130-00 "):
        assert form.post({"account": typed}) == (True, {}, {"account": "DE89370400440532013000"})


def test_wrong_checksum_and_other_countries_are_refused(sample) -> None:  # noqa: F811
    form = sample(IBAN)
    assert form.post({"account": "DE89 3704 0044 0532 0130 01"}, lang="en")[1] == {
        "account": ["Enter a valid IBAN, e.g. DE89 3704 0044 0532 0130 00."]}
    assert form.post({"account": "GB82 WEST 1234 5698 7654 32"}, lang="en")[1] == {
        "account": ["This IBAN is of a country not accepted here: DE, IR."]}
    assert form.post({"account": ""}, lang="en")[0] is False  # required


def test_shown_in_groups_of_four_left_to_right(tmp_path: Path) -> None:
    spec = load_service(tmp_path, IBAN).service("sample").steps[0].fields[0]
    shown = display_value(spec, "DE89370400440532013000", "fa")
    assert shown == "DE89 3704 0044 0532 0130 00"
    assert shown.__html__() == '<bdi dir="ltr">DE89 3704 0044 0532 0130 00</bdi>'  # kept in order in Persian


def test_schema_keys_are_checked_at_file_line_col(tmp_path: Path) -> None:
    bad = "- {id: account, type: iban, label: {fa: شبا, en: IBAN}, countries: [de]}\n"
    errors = errors_of(write_schemas(tmp_path, {"sample": service_yaml(bad)}))
    assert errors == ["schemas/services/sample.yaml:8:75: 'de' is not an ISO 3166-1 alpha-2 country code; "
                      "did you mean 'DE'?"]


def test_staff_may_search_it_but_conditions_may_not_test_it(tmp_path: Path) -> None:
    assert "iban" in SEARCHABLE_TYPES
    target = load_service(tmp_path, IBAN).service("sample").steps[0].fields[0]
    problem = operand_problem(Condition.model_validate({"field": "account", "equals": "x"}), target)
    assert problem == "a iban field cannot be tested in a condition"
    assert field_type("iban").staff_filter is None
