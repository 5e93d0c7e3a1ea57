"""A small JSON Schema validator (the keywords pydantic emits), for tests only: the `jsonschema` package is not
installed. It returns the problems as (path, message), the way an editor underlines them."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

TYPES = {"object": dict, "array": list, "string": str, "boolean": bool, "null": type(None)}


def _is(value: Any, kind: str) -> bool:
    """Whether ``value`` (as read from YAML) has JSON type ``kind``."""
    if kind in ("integer", "number"):
        ok = isinstance(value, int) if kind == "integer" else isinstance(value, int | float)
        return ok and not isinstance(value, bool)
    if kind == "string" and isinstance(value, dt.date):
        return True  # an unquoted YAML date is text to a YAML language server
    return isinstance(value, TYPES[kind])


def _tag(schema: dict, root: dict) -> Any:
    """The `type` constant of an alternative (a field type's definition), if it has one."""
    if "$ref" in schema:
        schema = root["$defs"][schema["$ref"].removeprefix("#/$defs/")]
    return schema.get("properties", {}).get("type", {}).get("const")


def problems(schema: dict, value: Any, root: dict | None = None, path: tuple = ()) -> list[tuple[tuple, str]]:
    """Every problem of ``value`` against ``schema``."""
    root = root or schema
    if "$ref" in schema:
        name = schema["$ref"].removeprefix("#/$defs/")
        return problems(root["$defs"][name], value, root, path)
    found: list[tuple[tuple, str]] = []
    if "type" in schema and not _is(value, schema["type"]):
        return [(path, f"expected {schema['type']}")]
    if "const" in schema and value != schema["const"]:
        return [(path, f"expected {schema['const']!r}")]
    if "enum" in schema and value not in schema["enum"]:
        found.append((path, f"expected one of {schema['enum']}"))
    for key in ("anyOf", "oneOf"):
        if key in schema:
            matches = [s for s in schema[key] if not problems(s, value, root, path)]
            if not matches:
                tagged = [s for s in schema[key] if _tag(s, root) is not None and isinstance(value, dict)
                          and _tag(s, root) == value.get("type")]  # the discriminator: the branch of its type
                if tagged:
                    found.extend(problems(tagged[0], value, root, path))
                elif any(_tag(s, root) is not None for s in schema[key]) and isinstance(value, dict):
                    found.append(((*path, "type"), f"unknown type {value.get('type')!r}"))
                else:
                    found.extend(min((problems(s, value, root, path) for s in schema[key]), key=len))
            elif key == "oneOf" and len(matches) > 1:
                found.append((path, "matches several alternatives"))
    if isinstance(value, str):
        if "pattern" in schema and not re.search(schema["pattern"], value):
            found.append((path, f"does not match {schema['pattern']}"))
        if len(value) < schema.get("minLength", 0):
            found.append((path, "too short"))
    if isinstance(value, int | float) and not isinstance(value, bool):
        if "minimum" in schema and value < schema["minimum"]:
            found.append((path, "too small"))
        if "exclusiveMinimum" in schema and value <= schema["exclusiveMinimum"]:
            found.append((path, "too small"))
    if isinstance(value, list):
        if len(value) < schema.get("minItems", 0):
            found.append((path, "too few items"))
        for i, item in enumerate(value):
            if "items" in schema:
                found.extend(problems(schema["items"], item, root, (*path, i)))
    if isinstance(value, dict):
        properties = schema.get("properties", {})
        for key in schema.get("required", []):
            if key not in value:
                found.append((path, f"missing {key!r}"))
        patterns = schema.get("patternProperties", {})
        for key, item in value.items():
            pattern = next((p for p in patterns if re.search(p, str(key))), None)
            if key in properties:
                found.extend(problems(properties[key], item, root, (*path, key)))
            elif pattern is not None:
                found.extend(problems(patterns[pattern], item, root, (*path, key)))
            elif schema.get("additionalProperties") is False:
                found.append(((*path, key), f"unknown key {key!r}"))
            elif isinstance(schema.get("additionalProperties"), dict):
                found.extend(problems(schema["additionalProperties"], item, root, (*path, key)))
    return found
