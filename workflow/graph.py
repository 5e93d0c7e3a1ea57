"""A workflow as a diagram: Mermaid state-diagram text, Graphviz DOT, and DOT drawn to SVG for the back office.

One walk over the workflow (``edges``) feeds both formats, so they always show the same moves.
"""

from __future__ import annotations

import re
import shutil
import subprocess  # nosec B404: runs Graphviz's `dot` on text we generate, never a shell
from dataclasses import dataclass
from functools import lru_cache

from forms.spec import WITHDRAWN
from i18n.persian import to_persian_digits as persian_digits
from workflow.guards import requirements
from workflow.roles import roles_for, short_name


@dataclass(frozen=True)
class Edge:
    """One move of the diagram and what it says about who, what and when."""

    source: str
    target: str
    label: str
    automatic: bool = False


WORDS = {"filled": ("پر شدن", "filled"), "viewed": ("دیدن", "viewed"), "answers": ("شرط پاسخ‌ها", "answers"),
         "paid": ("پرداخت", "paid"), "all": ("همهٔ مدارک", "all"), "check-in": ("ثبت حضور", "check-in"),
         "no-show": ("عدم حضور", "no-show"), "booking": ("نوبت", "booking"), "applicant": ("متقاضی", "applicant")}


def _word(key: str, lang: str) -> str:
    fa, en = WORDS.get(key, (key, key))
    return fa if lang == "fa" else en


def _field_label(spec, field_id: str, lang: str) -> str:
    field = spec.fields_by_id.get(field_id)
    return field.label.get(lang) if lang == "fa" and field is not None and hasattr(field, "label") else field_id


def _requirement_text(spec, guard, lang: str) -> str:
    if guard.kind in ("filled", "viewed"):
        value = getattr(guard, guard.kind)
        if isinstance(value, str):
            names = _word("all", lang)
        else:
            names = ("، " if lang == "fa" else ", ").join(_field_label(spec, v, lang) for v in value)
        return f"{_word(guard.kind, lang)} {names}"
    return _word(guard.kind, lang)


def edges(spec, lang: str = "en") -> list[Edge]:
    """Every move: staff transitions (roles, requirements), timers, and the applicant's withdrawal."""
    from appointments import workflow as office_flow

    workflow = spec.workflow
    at_office: dict = {}
    if getattr(spec, "appointment", None) is not None:
        at_office = {office_flow.appointment_status(spec): "booking", office_flow.attended_status(spec): "check-in",
                     office_flow.no_show_status(spec): "no-show"}
    found: list[Edge] = []
    for status in workflow.statuses:
        for target in workflow.next_statuses(status.id):
            parts = [_word(at_office[target], lang) if target in at_office else "",
                     " / ".join(short_name(r, lang) for r in roles_for(workflow, status.id, target))]
            parts += [_requirement_text(spec, g, lang) for g in requirements(workflow, status.id, target)]
            found.append(Edge(status.id, target, ("؛ " if lang == "fa" else "; ").join(p for p in parts if p)))
        if status.timer is not None:
            days = status.timer.after_days
            found.append(Edge(status.id, status.timer.to, f"{persian_digits(days)} روز" if lang == "fa"
                              else f"after {days} days", automatic=True))
        if status.withdrawable:
            found.append(Edge(status.id, WITHDRAWN.id, _word("applicant", lang), automatic=True))
    return found


def _label(spec, status_id: str, lang: str) -> str:
    try:
        return spec.workflow.status(status_id).label.get(lang)
    except KeyError:
        return status_id


def _mermaid_text(text: str) -> str:
    return re.sub(r"[:\"<>{}#]", " ", text.replace(";", ",")).strip()


def mermaid(spec, lang: str = "en") -> str:
    """The workflow as a Mermaid ``stateDiagram-v2``."""
    workflow = spec.workflow
    lines = ["stateDiagram-v2", f"    [*] --> {workflow.initial}"]
    for status in workflow.all_statuses:
        lines.append(f"    {status.id} : {_mermaid_text(_label(spec, status.id, lang))}")
    for edge in edges(spec, lang):
        label = _mermaid_text(edge.label)
        lines.append(f"    {edge.source} --> {edge.target}" + (f" : {label}" if label else ""))
    for status in workflow.all_statuses:
        if status.final:
            lines.append(f"    {status.id} --> [*]")
    return "\n".join(lines)


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def dot(spec, lang: str = "en") -> str:
    """The workflow as Graphviz DOT (final statuses doubled, automatic moves dashed)."""
    workflow = spec.workflow
    lines = ["digraph workflow {", "  rankdir=LR;", '  node [shape=box, style=rounded, fontname="Vazirmatn"];',
             '  edge [fontname="Vazirmatn", fontsize=10];', '  start [shape=point, label=""];',
             f"  start -> {_quote(workflow.initial)};"]
    for status in workflow.all_statuses:
        shape = ", peripheries=2" if status.final else ""
        lines.append(f"  {_quote(status.id)} [label={_quote(_label(spec, status.id, lang))}{shape}];")
    for edge in edges(spec, lang):
        style = ", style=dashed" if edge.automatic else ""
        lines.append(f"  {_quote(edge.source)} -> {_quote(edge.target)} [label={_quote(edge.label)}{style}];")
    lines.append("}")
    return "\n".join(lines)


@lru_cache(maxsize=128)
def _render(source: str) -> str:
    binary = shutil.which("dot")
    if binary is None:
        return ""
    try:
        result = subprocess.run([binary, "-Tsvg"], input=source.encode(),  # noqa: S603  # nosec B603
                                capture_output=True, timeout=10, check=True)
    except (OSError, subprocess.SubprocessError):
        return ""
    svg = result.stdout.decode("utf-8", "replace")
    return svg[svg.find("<svg"):] if "<svg" in svg else ""


def svg(spec, lang: str = "en") -> str:
    """The workflow drawn as inline SVG by Graphviz ('' when Graphviz is not installed)."""
    return _render(dot(spec, lang))
