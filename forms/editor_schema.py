"""A JSON Schema of the schema language, for editors (VS Code YAML, JetBrains): key completion and errors as
the administrator types. Exported from the pydantic spec models, so it follows the language as it changes."""

from __future__ import annotations

import json
from typing import Any

from pydantic import TypeAdapter

from forms.spec import Category, Registration, Service

DIALECT = "https://json-schema.org/draft/2020-12/schema"
KINDS = ("service", "registration", "categories")
_TITLES = {
    "service": ("Mikhak service", "One consular service: a file under schemas/services/ (docs/schemas.md)."),
    "registration": ("Mikhak registration", "schemas/registration.yaml: the wizard every applicant fills once."),
    "categories": ("Mikhak categories", "schemas/categories.yaml: the service categories, in catalog order."),
}


def json_schema(kind: str = "service") -> dict[str, Any]:
    """The JSON Schema of a ``kind`` file ('service', 'registration' or 'categories')."""
    model: Any = {"service": Service, "registration": Registration}.get(kind)
    if kind == "categories":
        schema = TypeAdapter(list[Category]).json_schema(mode="validation")
        schema["minItems"] = 1
    elif model is not None:
        schema = model.model_json_schema(mode="validation")
    else:
        raise ValueError(f"unknown kind {kind!r} (one of {', '.join(KINDS)})")
    title, description = _TITLES[kind]
    _describe_fields(schema)
    return {"$schema": DIALECT, **schema, "title": title, "description": description}


def _describe_fields(schema: dict[str, Any]) -> None:
    """Give each field type's definition a title naming its `type:` value (shown by editors on hover)."""
    for name, definition in schema.get("$defs", {}).items():
        tag = definition.get("properties", {}).get("type", {}).get("const")
        if isinstance(tag, str) and name.endswith("Field"):
            definition["title"] = f"field of type: {tag}"


def dumps(kind: str = "service") -> str:
    """The JSON Schema as indented JSON text."""
    return json.dumps(json_schema(kind), ensure_ascii=False, indent=2, sort_keys=False) + "\n"


__all__ = ["KINDS", "dumps", "json_schema"]
