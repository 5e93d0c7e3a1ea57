"""Document templates: Jinja in a sandbox producing Markdown, and the names a template may read.

Values put into a template are Markdown-escaped, so an answer cannot add formatting, links or images.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from jinja2 import nodes
from jinja2.exceptions import TemplateSyntaxError
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import Markup

# Names a template may read, with the attributes of the fixed ones (answers and staff: the service's fields).
FIXED: dict[str, frozenset[str]] = {
    "applicant": frozenset({"name", "first_name", "last_name", "father_name", "national_code", "birth_date",
                            "birth_place", "passport_number"}),
    "office": frozenset({"name", "city", "address", "phone", "email"}),
    "signer": frozenset({"name", "email"}),
    "document": frozenset({"title", "code", "issued_on", "expires_on", "url"}),
    "request": frozenset({"tracking_code", "submitted_on"}),
}
ROOTS = frozenset({"answers", "staff", *FIXED})
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~])")


def escape_markdown(value: Any) -> str:
    """A value as Markdown text that renders as itself (``None`` as nothing)."""
    if value is None:
        return ""
    if isinstance(value, Markup):
        return str(value)
    return _MARKDOWN_SPECIAL.sub(r"\\\1", str(value))


def environment() -> ImmutableSandboxedEnvironment:
    """The sandbox every document template runs in (no autoescape: the output is Markdown)."""
    return ImmutableSandboxedEnvironment(autoescape=False, finalize=escape_markdown,  # nosec B701
                                         keep_trailing_newline=True)


def render(source: str, context: dict[str, Any]) -> str:
    """Render a template to Markdown."""
    return environment().from_string(source).render(**context)


@dataclass(frozen=True)
class Reference:
    """A name (and attribute) a template reads, with its line and column in the template (1-based)."""

    root: str
    attr: str | None
    line: int
    column: int


@dataclass(frozen=True)
class TemplateProblem:
    """A syntax error or an unknown reference, at a line and column of the template (1-based)."""

    message: str
    line: int
    column: int


def _column(lines: list[str], line: int, text: str) -> int:
    """Column of ``text`` on ``line`` (1 if not found)."""
    if 1 <= line <= len(lines):
        found = lines[line - 1].find(text)
        if found >= 0:
            return found + 1
    return 1


def _assigned(tree: nodes.Template) -> set[str]:
    """Names the template itself binds (for loops, set, macros)."""
    names = {n.name for n in tree.find_all(nodes.Name) if n.ctx in ("store", "param")}
    return names | {"loop", "range", "dict", "lipsum", "cycler", "joiner", "namespace"}


def references(source: str) -> Iterator[Reference]:
    """Every read of a root name (with its attribute when written ``root.attr`` or ``root['attr']``)."""
    lines = source.splitlines()
    tree = environment().parse(source)
    local = _assigned(tree)
    attributed: set[int] = set()
    for node in tree.find_all((nodes.Getattr, nodes.Getitem)):
        target = node.node
        if isinstance(target, nodes.Name) and target.name not in local:
            attr = node.attr if isinstance(node, nodes.Getattr) else (
                node.arg.value if isinstance(node.arg, nodes.Const) and isinstance(node.arg.value, str) else None)
            attributed.add(id(target))
            text = f"{target.name}.{attr}" if isinstance(node, nodes.Getattr) else target.name
            yield Reference(target.name, attr, node.lineno, _column(lines, node.lineno, text))
    for name in tree.find_all(nodes.Name):
        if name.ctx == "load" and name.name not in local and id(name) not in attributed:
            yield Reference(name.name, None, name.lineno, _column(lines, name.lineno, name.name))


def problems(source: str, answer_ids: set[str], staff_ids: set[str]) -> list[TemplateProblem]:
    """Syntax errors and references to names or fields the template cannot read."""
    try:
        found = list(references(source))
    except TemplateSyntaxError as exc:
        return [TemplateProblem(f"template syntax error: {exc.message}", exc.lineno or 1, 1)]
    allowed = {"answers": answer_ids, "staff": staff_ids, **FIXED}
    result = []
    for ref in found:
        if ref.root not in ROOTS:
            result.append(TemplateProblem(f"unknown name {ref.root!r} in the template (known: "
                                          f"{', '.join(sorted(ROOTS))})", ref.line, ref.column))
        elif ref.attr is not None and ref.attr not in allowed[ref.root]:
            what = {"answers": "an applicant's field of this service", "staff": "a staff-only field of this service"}
            result.append(TemplateProblem(f"{ref.root}.{ref.attr}: {ref.attr!r} is not "
                                          f"{what.get(ref.root, f'known for {ref.root!r}')}", ref.line, ref.column))
    return result
