"""Checks of a service's `issues:`: statuses, ids, and every name a template reads, as file:line:col."""

from __future__ import annotations

from typing import Any

from documents import template
from forms.errors import SchemaError


def _position(doc: Any, path: tuple, line: int, column: int) -> tuple[int, int]:
    """The file position of (line, column) of a template written at ``path`` (block or one-line scalar)."""
    start_line, start_col = doc.where(path)
    lines = (doc.text or "").splitlines()
    head = lines[start_line - 1][start_col - 1:] if 0 < start_line <= len(lines) else ""
    if head[:1] in ("|", ">"):
        body = [text for text in lines[start_line:] if text.strip()]
        indent = len(body[0]) - len(body[0].lstrip()) if body else start_col
        return start_line + line, indent + column
    quote = 1 if head[:1] in ("'", '"') else 0
    return start_line + line - 1, (start_col + quote + column - 1) if line == 1 else column


def check_issues(checker: Any, spec: Any) -> None:
    """Report problems of ``spec.issues`` through ``checker`` (forms.checks.Checker)."""
    statuses = {status.id for status in spec.workflow.statuses}
    answer_ids = {f.id for _s, f in spec.iter_fields() if f.stores and not f.staff_only and f.type != "file"}
    staff_ids = {f.id for _s, f in spec.iter_fields() if f.stores and f.staff_only}
    seen: dict[str, tuple] = {}
    for i, issued in enumerate(spec.issues):
        checker.unique(seen, issued.id, ("issues", i, "id"), "issued document id")
        if issued.on_status not in statuses:
            checker.add(("issues", i, "on_status"), f"'on_status' {issued.on_status!r} is not a status of this "
                                                    f"service's workflow ({', '.join(sorted(statuses))})")
        for language in ("fa", "en"):
            path = ("issues", i, "template", language)
            source = getattr(issued.template, language)
            for problem in template.problems(source, answer_ids, staff_ids):
                line, col = _position(checker.doc, path, problem.line, problem.column)
                checker.errors.append(SchemaError(checker.doc.name, line, col, problem.message))
