"""Read a schema YAML file safely, keep every node's line and column, and validate it into a spec."""

from __future__ import annotations

import datetime as dt
import difflib
import re
import types
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Union, get_args, get_origin

import yaml
from pydantic import BaseModel, ValidationError
from yaml.constructor import ConstructorError, SafeConstructor

from forms.errors import SchemaError, SchemaErrors
from forms.spec import INNER_TYPES, SLUG_PATTERN, SPEC_TYPES, describe

MAX_BYTES = 256 * 1024
MAX_NODES = 200_000
BOOL_TAG = "tag:yaml.org,2002:bool"
MAP_TAG = "tag:yaml.org,2002:map"
SEQ_TAG = "tag:yaml.org,2002:seq"
Path_ = tuple[str | int, ...]

_Base: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_Base):  # type: ignore[misc, valid-type]
    """SafeLoader with YAML 1.2 booleans: only true/false, so `no`, `NO`, `on` stay strings."""

    yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != BOOL_TAG]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }


_Loader.add_implicit_resolver(BOOL_TAG, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))


@dataclass
class Document:
    """A parsed YAML file: plain data plus the position of every value and mapping key."""

    path: Path
    name: str
    data: Any = None
    values: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Path_, tuple[int, int]] = field(default_factory=dict)

    def where(self, path: Path_, key: bool = False) -> tuple[int, int]:
        """Line and column of the value at ``path`` (or of its key), else of the nearest parent."""
        if key and path in self.keys:
            return self.keys[path]
        while path not in self.values and path:
            path = path[:-1]
        return self.values.get(path, (1, 1))

    def error(self, path: Path_, message: str, key: bool = False, warning: bool = False) -> SchemaError:
        """A SchemaError located at ``path``."""
        line, col = self.where(tuple(path), key)
        return SchemaError(self.name, line, col, message, warning)


class _Builder:
    """Turn a composed YAML node tree into plain data, recording positions."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.constructor = SafeConstructor()
        self.count = 0
        self.errors: list[SchemaError] = []

    def fail(self, node: yaml.Node, message: str) -> None:
        """Record an error at ``node``."""
        self.errors.append(SchemaError(self.doc.name, node.start_mark.line + 1, node.start_mark.column + 1, message))

    def build(self, node: yaml.Node, path: Path_) -> Any:
        """Build the value of ``node`` at ``path``."""
        self.count += 1
        if self.count > MAX_NODES:
            raise _TooBig
        self.doc.values[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
        if isinstance(node, yaml.MappingNode):
            return self.mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            if node.tag != SEQ_TAG:
                self.fail(node, f"unsupported YAML tag {node.tag!r}")
            return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
        return self.scalar(node)

    def mapping(self, node: yaml.MappingNode, path: Path_) -> dict:
        """Build a mapping, rejecting duplicate and non-text keys."""
        if node.tag != MAP_TAG:
            self.fail(node, f"unsupported YAML tag {node.tag!r}")
        try:
            self.constructor.flatten_mapping(node)
        except ConstructorError as exc:
            self.fail(node, f"bad merge key: {exc.problem}")
            return {}
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = self.scalar(key_node) if isinstance(key_node, yaml.ScalarNode) else None
            if not isinstance(key, str):
                self.fail(key_node, f"keys must be text, got {describe(key) if key is not None else 'a collection'}")
                continue
            position = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            if key in result:
                first = self.doc.keys[(*path, key)][0]
                self.fail(key_node, f"duplicate key {key!r} (first defined on line {first})")
                continue
            self.doc.keys[(*path, key)] = position
            result[key] = self.build(value_node, (*path, key))
        return result

    def scalar(self, node: yaml.ScalarNode) -> Any:
        """Build a scalar with the safe constructor; dates become ISO text."""
        try:
            value = self.constructor.construct_object(node, deep=True)
        except ConstructorError as exc:
            self.fail(node, f"unsupported YAML value: {exc.problem}")
            return None
        if isinstance(value, dt.datetime | dt.date):
            return value.isoformat()
        if isinstance(value, bytes):
            self.fail(node, "binary values are not supported")
            return None
        return value


class _TooBig(Exception):
    """Raised when aliases expand to too many nodes."""


def read_document(path: Path, name: str | None = None) -> Document:
    """Read and parse one YAML file, raising SchemaErrors for size, encoding and syntax problems."""
    doc = Document(Path(path), name or str(path))
    try:
        size = doc.path.stat().st_size
        if size > MAX_BYTES:
            raise SchemaErrors([doc.error((), f"file is too large ({size // 1024} KiB; the limit is 256 KiB)")])
        text = doc.path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        raise SchemaErrors([doc.error((), "file not found")]) from None
    except UnicodeDecodeError as exc:
        raise SchemaErrors([doc.error((), f"file is not valid UTF-8 (byte {exc.start})")]) from None
    return parse_document(text, doc)


def parse_document(text: str, doc: Document) -> Document:
    """Parse YAML ``text`` into ``doc``."""
    if len(text.encode("utf-8")) > MAX_BYTES:
        raise SchemaErrors([doc.error((), "file is too large (the limit is 256 KiB)")])
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = exc.problem or exc.context or "invalid YAML"
        raise SchemaErrors([SchemaError(doc.name, line, col, f"YAML syntax error: {problem}")]) from None
    except yaml.YAMLError as exc:
        raise SchemaErrors([doc.error((), f"YAML error: {exc}")]) from None
    if node is None:
        raise SchemaErrors([doc.error((), "file is empty")])
    builder = _Builder(doc)
    try:
        doc.data = builder.build(node, ())
    except _TooBig:
        raise SchemaErrors([doc.error((), "file expands to too many values (YAML aliases?)")]) from None
    except RecursionError:
        raise SchemaErrors([doc.error((), "file is nested too deeply")]) from None
    if builder.errors:
        raise SchemaErrors(builder.errors)
    return doc


def validate(doc: Document, model: Any, root: Any = None) -> Any:
    """Validate ``doc.data`` with a pydantic model or TypeAdapter (of type ``root``), raising SchemaErrors."""
    try:
        return model.model_validate(doc.data) if hasattr(model, "model_validate") else model.validate_python(doc.data)
    except ValidationError as exc:
        root = root or model
        errors = {translate(error, doc, root) for error in exc.errors(include_url=False)}
        raise SchemaErrors(sorted(errors)) from None


def translate(error: Any, doc: Document, root: Any) -> SchemaError:
    """Turn one pydantic error into a located, human message."""
    kind, loc, ctx = error["type"], tuple(error["loc"]), error.get("ctx") or {}
    path, node = data_path(doc.data, loc)
    got = describe(error.get("input"))
    if kind == "extra_forbidden":
        key = loc[-1]
        return doc.error(path, unknown_key_message(str(key), keys_at(root, loc[:-1])), key=True)
    if kind == "missing":
        return doc.error(path, f"missing key {loc[-1]!r}")
    if kind == "union_tag_not_found":
        return doc.error(path, "missing key 'type'")
    if kind == "union_tag_invalid":
        return doc.error((*path, "type"), unknown_type_message(str(ctx.get("tag")), inner="group" in loc))
    if isinstance(node, dict) and ctx.get("at") in node:
        path = (*path, ctx["at"])
    return doc.error(path, _message(kind, error, ctx, got))


_SIMPLE = {
    "bilingual_text": "expected a text in both languages: {fa: …, en: …}",
    "string_type": "expected a text, got {got}",
    "int_type": "expected a whole number, got {got}",
    "int_from_float": "expected a whole number, got {got}",
    "bool_type": "expected true or false, got {got}",
    "list_type": "expected a list, got {got}",
    "dict_type": "expected a mapping (key: value), got {got}",
    "model_type": "expected a mapping (key: value), got {got}",
    "model_attributes_type": "expected a mapping (key: value), got {got}",
    "string_too_short": "must not be empty",
    "literal_error": "expected {expected}, got {got}",
    "too_short": "expected at least {min_length} item(s), got {actual_length}",
    "too_long": "expected at most {max_length} item(s), got {actual_length}",
    "greater_than": "expected a number greater than {gt}, got {got}",
    "greater_than_equal": "expected a number of at least {ge}, got {got}",
    "less_than_equal": "expected a number of at most {le}, got {got}",
}


def _message(kind: str, error: Any, ctx: dict, got: str) -> str:
    """The human message of one pydantic error."""
    if kind == "string_pattern_mismatch":
        if ctx.get("pattern") == SLUG_PATTERN:
            return f"{got} is not a valid id: use lower-case English letters, digits and '_', starting with a letter"
        return f"{got} is not a valid field reference: a field id or profile.<id>"
    if kind in _SIMPLE:
        template = _SIMPLE[kind]
        if kind == "bilingual_text":
            return template
        return template.format(got=got, **{k: v for k, v in ctx.items() if k != "got"})
    message = str(error["msg"])
    return message.removeprefix("Value error, ")


def unknown_key_message(key: str, allowed: list[str]) -> str:
    """Message for an unknown key, with the closest allowed key as a suggestion."""
    close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
    if close:
        return f"unknown key {key!r}; did you mean {close[0]!r}?"
    if allowed:
        return f"unknown key {key!r} (allowed here: {', '.join(allowed)})"
    return f"unknown key {key!r}"


def unknown_type_message(tag: str, inner: bool) -> str:
    """Message for an unknown field type, with the closest known type."""
    if inner and tag in SPEC_TYPES and tag not in INNER_TYPES:
        return f"a group cannot contain a {tag!r} field"
    known = sorted(INNER_TYPES if inner else SPEC_TYPES)
    close = difflib.get_close_matches(tag, known, n=1, cutoff=0.6)
    if close:
        return f"unknown field type {tag!r}; did you mean {close[0]!r}?"
    return f"unknown field type {tag!r} (known types: {', '.join(known)})"


def data_path(data: Any, loc: tuple) -> tuple[Path_, Any]:
    """Follow a pydantic error location through the data, skipping union tags; return the path and node."""
    path: list[str | int] = []
    node = data
    tag_skipped = False
    for elem in loc:
        if isinstance(node, dict):
            if not tag_skipped and isinstance(elem, str) and node.get("type") == elem:
                tag_skipped = True
                continue
            if elem in node:
                path.append(elem)
                node, tag_skipped = node[elem], False
        elif isinstance(node, list) and isinstance(elem, int) and 0 <= elem < len(node):
            path.append(elem)
            node, tag_skipped = node[elem], False
    return tuple(path), node


def _unwrap(tp: Any) -> Any:
    """Strip Annotated and Optional from a type."""
    while True:
        origin = get_origin(tp)
        if origin is Annotated:
            tp = get_args(tp)[0]
        elif origin in (Union, types.UnionType):
            members = [arg for arg in get_args(tp) if arg is not type(None)]
            if len(members) != 1:
                return tuple(members)
            tp = members[0]
        else:
            return tp


def keys_at(root: Any, loc: tuple) -> list[str]:
    """The keys allowed by the model found at ``loc`` under ``root`` (empty when unknown)."""
    tp = root
    for elem in loc:
        tp = _unwrap(tp)
        if isinstance(tp, tuple):
            tp = next((m for m in tp if _tag(m) == elem), tp)
        elif get_origin(tp) is list and isinstance(elem, int):
            tp = get_args(tp)[0]
        elif isinstance(tp, type) and issubclass(tp, BaseModel):
            fields = {(info.alias or name): info for name, info in tp.model_fields.items()}
            if elem in fields:
                tp = fields[elem].annotation
    tp = _unwrap(tp)
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return [info.alias or name for name, info in tp.model_fields.items()]
    return []


def _tag(model: Any) -> str | None:
    """The `type` literal of a field model."""
    if isinstance(model, type) and issubclass(model, BaseModel) and "type" in model.model_fields:
        args = get_args(model.model_fields["type"].annotation)
        return args[0] if args else None
    return None
