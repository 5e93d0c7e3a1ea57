"""The layout shows the architecture: no loose modules at the top, no import cycles, dependencies pointing down."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = sorted(p.parent.name for p in ROOT.glob("*/__init__.py") if p.parent.name not in {"tests", "bench", "tools"})


def modules() -> dict[str, Path]:
    """Every module of the app's packages (and app.py), by dotted name."""
    found = {"app": ROOT / "app.py"}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            found[name.removesuffix(".__init__")] = path
    return found


def imports(path: Path, name: str, known: dict[str, Path], *, lazy: bool) -> set[str]:
    """The project modules ``path`` imports (at import time only, unless ``lazy``)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    targets: set[str] = set()
    for node in ast.walk(tree) if lazy else tree.body:
        if isinstance(node, ast.Import):
            targets.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parts, base] if base else parts)
            targets.update(f"{base}.{a.name}" if f"{base}.{a.name}" in known else base for a in node.names)
    resolved = set()
    for target in targets:
        while target and target not in known:
            target = target.rpartition(".")[0]
        if target and target != name:
            resolved.add(target)
    return resolved


def graph(*, lazy: bool = False) -> dict[str, set[str]]:
    known = modules()
    return {name: imports(path, name, known, lazy=lazy) for name, path in known.items()}


def cycle_from(start: str, edges: dict[str, set[str]]) -> list[str] | None:
    """A path of imports that leads from ``start`` back to it, if any."""
    stack, seen = [(start, [start])], set()
    while stack:
        node, path = stack.pop()
        for nxt in edges[node]:
            if nxt == start:
                return [*path, start]
            if nxt not in seen:
                seen.add(nxt)
                stack.append((nxt, [*path, nxt]))
    return None


def test_only_the_app_factory_and_the_gunicorn_settings_are_loose_modules():
    assert sorted(p.name for p in ROOT.glob("*.py")) == ["app.py", "gunicorn.conf.py"]


def test_no_two_modules_import_each_other_at_import_time():
    edges = graph()
    cycles = [cycle for name in edges if (cycle := cycle_from(name, edges))]
    assert cycles == []


def test_migrations_import_no_casework_and_casework_imports_no_appointments():
    edges = graph(lazy=True)
    assert not {m for m in edges["core.migrations"] if m.startswith("casework")}
    assert not {m for name, targets in edges.items() if name.startswith("casework.")
                for m in targets if m.startswith("appointments")}


def test_the_core_imports_no_feature_but_the_payment_tables():
    edges = graph(lazy=True)
    outside = {m for name, targets in edges.items() if name.startswith("core.") for m in targets
               if not m.startswith("core")}
    assert outside == {"payments.models"}
