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
from yaml.resolver import Resolver

from forms.errors import SchemaError, SchemaErrors
from forms.spec import INNER_TYPES, SLUG_PATTERN, SPEC_TYPES, describe

MAX_BYTES = 256 * 1024
MAX_NODES = 200_000
BOOL_TAG = "tag:yaml.org,2002:bool"
MAP_TAG = "tag:yaml.org,2002:map"
SEQ_TAG = "tag:yaml.org,2002:seq"
STR_TAG = "tag:yaml.org,2002:str"
MERGE_TAG = "tag:yaml.org,2002:merge"
TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"
Path_ = tuple[str | int, ...]

try:
    from yaml.cyaml import CParser as _CParser
except ImportError:  # PyYAML built without libyaml: the pure-Python parser
    _CParser = None  # type: ignore[assignment, misc]


class _Resolver12(Resolver):
    """Implicit types of YAML 1.2: only true/false are booleans, so `no`, `NO`, `on` stay strings."""

    yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != BOOL_TAG]
        for first, resolvers in Resolver.yaml_implicit_resolvers.items()
    }


    _memo: dict[str, str] = {}

    def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
        """The tag of a node; plain short scalars (keys, ids, types) are looked up once."""
        if kind is yaml.ScalarNode and implicit[0] and len(value) <= 24:
            tag = self._memo.get(value)
            if tag is None:
                tag = super().resolve(kind, value, implicit)
                if len(self._memo) < 50_000:
                    self._memo[value] = tag
            return tag
        return super().resolve(kind, value, implicit)


_Resolver12.add_implicit_resolver(BOOL_TAG, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))


class _Loader(_CParser or yaml.SafeLoader, SafeConstructor, _Resolver12):  # type: ignore[misc]
    """The composing loader (libyaml when available): nodes keep their marks."""

    def __init__(self, stream: str) -> None:
        if _CParser is None:
            yaml.SafeLoader.__init__(self, stream)
            return
        _CParser.__init__(self, stream)
        SafeConstructor.__init__(self)
        _Resolver12.__init__(self)


class _Unusual(Exception):
    """Raised by the fast loader for anything the located loader must report or handle."""


@dataclass
class Document:
    """A parsed YAML file: plain data plus (computed when first needed) the position of every value and key."""

    path: Path
    name: str
    data: Any = None
    text: str | None = None
    _values: dict[Path_, tuple[int, int]] | None = field(default=None, repr=False)
    _keys: dict[Path_, tuple[int, int]] | None = field(default=None, repr=False)

    @property
    def values(self) -> dict[Path_, tuple[int, int]]:
        """Line and column of every value, by path."""
        if self._values is None:
            self._locate()
        return self._values  # type: ignore[return-value]

    @property
    def keys(self) -> dict[Path_, tuple[int, int]]:
        """Line and column of every mapping key, by the path of its value."""
        if self._keys is None:
            self._locate()
        return self._keys  # type: ignore[return-value]

    def _locate(self) -> None:
        """Compose the text again, keeping positions (only needed to report a problem)."""
        self._values, self._keys = {}, {}
        if self.text is not None:
            node = yaml.compose(self.text, Loader=_Loader)
            if node is not None:
                _Builder(self).build(node, ())

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
        self.values: dict[Path_, tuple[int, int]] = {}
        self.keys: dict[Path_, tuple[int, int]] = {}
        doc._values, doc._keys = self.values, self.keys
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
        self.values[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
        if isinstance(node, yaml.MappingNode):
            return self.mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            if node.tag != SEQ_TAG:
                self.fail(node, f"unsupported YAML tag {node.tag!r}")
            return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
        return self.scalar(node)

    def mapping(self, node: yaml.MappingNode, path: Path_) -> dict:
        """Build a mapping, rejecting duplicate and non-text keys (merge keys may be overridden)."""
        if node.tag != MAP_TAG:
            self.fail(node, f"unsupported YAML tag {node.tag!r}")
        first_lines: dict[str, int] = {}
        for key_node, _value in node.value:
            if key_node.tag == MERGE_TAG:
                continue
            key = self.scalar(key_node) if isinstance(key_node, yaml.ScalarNode) else None
            if not isinstance(key, str):
                self.fail(key_node, f"keys must be text, got {describe(key) if key is not None else 'a collection'}")
            elif key in first_lines:
                self.fail(key_node, f"duplicate key {key!r} (first defined on line {first_lines[key]})")
            else:
                first_lines[key] = key_node.start_mark.line + 1
        try:
            self.constructor.flatten_mapping(node)
        except ConstructorError as exc:
            self.fail(node, f"bad merge key: {exc.problem}")
            return {}
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = key_node.value if key_node.tag == STR_TAG else None
            if not isinstance(key, str):
                continue
            self.keys[(*path, key)] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            result[key] = self.build(value_node, (*path, key))
        return result

    def scalar(self, node: yaml.ScalarNode) -> Any:
        """Build a scalar with the safe constructor; dates become ISO text."""
        if node.tag == STR_TAG:
            return node.value
        try:
            value = self.constructor.construct_object(node, deep=True)
        except ConstructorError as exc:
            self.fail(node, f"unsupported YAML value: {exc.problem}")
            return None
        except ValueError as exc:  # a date or number that does not exist: 1900-02-30, 2027-13-01
            what = "a date that exists" if node.tag == TIMESTAMP_TAG else "a value that exists"
            self.fail(node, f"{node.value!r} is not {what} ({exc})")
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
    except IsADirectoryError:
        raise SchemaErrors([doc.error((), "is a directory, not a file: rename or remove it")]) from None
    except UnicodeDecodeError as exc:
        raise SchemaErrors([doc.error((), f"file is not valid UTF-8 (byte {exc.start})")]) from None
    except OSError as exc:
        raise SchemaErrors([doc.error((), f"file cannot be read: {exc.strerror or exc}")]) from None
    return parse_document(text, doc)


def _fast_load(text: str) -> Any:
    """Data of a well-formed file without positions; raises _Unusual or a YAML error otherwise."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
    finally:
        loader.dispose()
    return None if node is None else _Plain(loader).build(node)


class _Plain:
    """Build plain data from nodes without positions; anything unusual raises _Unusual."""

    def __init__(self, constructor: SafeConstructor) -> None:
        self.constructor = constructor
        self.count = 0

    def build(self, node: yaml.Node) -> Any:
        """The value of ``node`` (aliases expanded and counted)."""
        self.count += 1
        if self.count > MAX_NODES:
            raise _Unusual
        tag = node.tag
        if tag == STR_TAG:
            return node.value
        if tag == MAP_TAG:
            pairs = node.value
            if any(key.tag == MERGE_TAG for key, _value in pairs):
                own = [key.value for key, _value in pairs if key.tag != MERGE_TAG]
                if len(set(own)) != len(own):
                    raise _Unusual
                self.constructor.flatten_mapping(node)
                pairs = node.value
            result = {}
            for key, value in pairs:
                if key.tag != STR_TAG or key.value in result:
                    raise _Unusual
                result[key.value] = self.build(value)
            return result
        if tag == SEQ_TAG:
            return [self.build(item) for item in node.value]
        if isinstance(node, yaml.ScalarNode) and tag in _PLAIN_SCALARS:
            value = self.constructor.construct_object(node)
            return value.isoformat() if isinstance(value, dt.date) else value
        raise _Unusual


_PLAIN_SCALARS = frozenset(f"tag:yaml.org,2002:{name}" for name in ("null", "bool", "int", "float", "timestamp"))


def _reader_error(text: str, doc: Document, exc: yaml.YAMLError) -> SchemaError:
    """A YAML reader error (a control character, …) as one located line."""
    position = getattr(exc, "position", None)
    if not isinstance(position, int):
        return SchemaError(doc.name, 1, 1, f"YAML error: {str(exc).splitlines()[0]}")
    before = text[:position]
    line, col = before.count("\n") + 1, position - (before.rfind("\n") + 1) + 1
    character = getattr(exc, "character", None)
    code = ord(character) if isinstance(character, str) and len(character) == 1 else character
    what = f"the character U+{code:04X}" if isinstance(code, int) else "a character"
    return SchemaError(doc.name, line, col, f"{what} is not allowed in YAML (a control character: delete it)")


def parse_document(text: str, doc: Document) -> Document:
    """Parse YAML ``text`` into ``doc`` (fast when the file is well formed, located errors otherwise)."""
    if len(text.encode("utf-8")) > MAX_BYTES:
        raise SchemaErrors([doc.error((), "file is too large (the limit is 256 KiB)")])
    doc.text = text
    try:
        doc.data = _fast_load(text)
        if doc.data is not None:
            return doc
    except (_Unusual, yaml.YAMLError, RecursionError, ValueError):
        pass  # the slow path locates the problem
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = exc.problem or exc.context or "invalid YAML"
        raise SchemaErrors([SchemaError(doc.name, line, col, f"YAML syntax error: {problem}")]) from None
    except yaml.YAMLError as exc:
        raise SchemaErrors([_reader_error(text, doc, exc)]) from None
    if node is None:
        raise SchemaErrors([SchemaError(doc.name, 1, 1, "file is empty")])
    builder = _Builder(doc)
    try:
        doc.data = builder.build(node, ())
    except _TooBig:
        raise SchemaErrors([SchemaError(doc.name, 1, 1, "file expands to too many values (YAML aliases?)")]) from None
    except RecursionError:
        raise SchemaErrors([SchemaError(doc.name, 1, 1, "file is nested too deeply")]) from None
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
        message = unknown_key_message(str(key), keys_at(root, loc[:-1]))
        if error.get("input") is None and _after_comma(doc, path):
            message += COMMA_HINT
        return doc.error(path, message, key=True)
    if kind == "text_key":
        key_path = (*path, ctx["at"])
        message = unknown_key_message(ctx["key"], ["fa", "en"]).replace(
            "(allowed here: fa, en)", "(allowed here: fa, en, or a language code like de)")
        if ctx.get("bare") and _after_comma(doc, key_path):
            message += COMMA_HINT
        return doc.error(key_path, message, key=True)
    if kind == "missing":
        return doc.error(path, f"missing key {loc[-1]!r}")
    if kind == "union_tag_not_found":
        return doc.error(path, "missing key 'type'")
    if kind == "union_tag_invalid":
        return doc.error((*path, "type"), unknown_type_message(str(ctx.get("tag")), inner="group" in loc))
    if isinstance(node, dict) and ctx.get("at") in node:
        path = (*path, ctx["at"])
    return doc.error(path, _message(kind, error, ctx, got))


COMMA_HINT = ("; a comma inside {…} starts a new key: if it belongs to the text before it, put that text in "
              "quotes (en: \"…, …\")")


def _after_comma(doc: Document, path: tuple) -> bool:
    """Whether the key at ``path`` follows a comma on its line (a text of a flow mapping cut in two)."""
    if path not in doc.keys or doc.text is None:
        return False
    line, col = doc.keys[path]
    lines = doc.text.splitlines()
    return line <= len(lines) and lines[line - 1][:col - 1].rstrip().endswith(",")


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
