"""The JSON Schema for editors: written by `flask schemas json-schema`, the shipped schemas pass it, a misspelt
key is flagged where the editor underlines it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from forms.editor_schema import json_schema
from tests.forms.schema_validator import problems

ROOT = Path(__file__).resolve().parents[2]
SERVICES = sorted((ROOT / "schemas" / "services").glob("*.yaml"))


def load(path: Path):
    """A shipped YAML file as an editor's language server reads it."""
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def test_flask_command_writes_the_schema(app, tmp_path):
    output = tmp_path / "editor" / "service.schema.json"
    result = app.test_cli_runner().invoke(args=["schemas", "json-schema", "--output", str(output)])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == f"wrote the JSON Schema of service files to {output}"
    schema = json.loads(output.read_text(encoding="utf-8"))
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["title"] == "Mikhak service" and schema["additionalProperties"] is False
    fields = schema["$defs"]["Step"]["properties"]["fields"]["items"]
    assert fields["discriminator"]["propertyName"] == "type"
    assert {"text", "date", "group", "file", "choice"} <= set(fields["discriminator"]["mapping"])
    assert schema["$defs"]["TextField"]["title"] == "field of type: text"
    assert schema["$defs"]["Step"]["description"] == "One page of a wizard."


def test_printed_for_registration_and_categories(app):
    runner = app.test_cli_runner()
    for kind, title in (("registration", "Mikhak registration"), ("categories", "Mikhak categories")):
        result = runner.invoke(args=["schemas", "json-schema", "--kind", kind])
        assert result.exit_code == 0, result.output
        assert json.loads(result.output)["title"] == title


@pytest.mark.parametrize("path", SERVICES, ids=[p.stem for p in SERVICES])
def test_every_shipped_service_is_valid(path):
    assert problems(json_schema("service"), load(path)) == []


def test_registration_and_categories_are_valid():
    assert problems(json_schema("registration"), load(ROOT / "schemas" / "registration.yaml")) == []
    assert problems(json_schema("categories"), load(ROOT / "schemas" / "categories.yaml")) == []


def test_a_misspelt_key_and_an_unknown_field_type_are_flagged():
    data = load(ROOT / "schemas" / "services" / "smart_card.yaml")
    index, field = next((i, f) for i, f in enumerate(data["steps"][0]["fields"]) if f["type"] == "text")
    field["lable"] = field.pop("label")
    assert problems(json_schema("service"), data) == [
        (("steps", 0, "fields", index), "missing 'label'"),
        (("steps", 0, "fields", index, "lable"), "unknown key 'lable'"),
    ]
    field["label"] = field.pop("lable")
    field["type"] = "txt"
    assert problems(json_schema("service"), data) == [(("steps", 0, "fields", index, "type"), "unknown type 'txt'")]


def test_a_host_language_text_is_accepted_and_a_stray_key_is_not():
    data = load(ROOT / "schemas" / "services" / "smart_card.yaml")
    data["title"]["de"] = "Smartcard"
    assert problems(json_schema("service"), data) == []
    data["title"]["Research and Technology"] = None
    assert problems(json_schema("service"), data) == [(("title", "Research and Technology"),
                                                       "unknown key 'Research and Technology'")]
