"""Benchmark: load + check + compile 200 realistic services (4 steps × 8 fields). Target ≤ 1 s.

Run: .venv/bin/python bench/bench_schemas.py [--services 200] [--repeat 5] [--no-write]

Each repeat runs in a fresh Python process, as an app start does (the schemas are loaded once per worker);
the time covers load_registry() and compile_forms(), not the interpreter start or the imports.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from forms import converter  # noqa: E402
from forms.registry import load_registry  # noqa: E402

KINDS = ["text", "choice", "date", "number", "textarea", "yesno", "country", "email", "phone", "national_code",
         "postal_code", "passport_number", "multichoice", "file", "notice", "group"]


def text(label: str) -> dict:
    """A bilingual text."""
    return {"fa": f"برچسب {label}", "en": f"Label {label}"}


def make_field(n: int, kind: str, earlier: list[dict]) -> dict:
    """One realistic field of ``kind``; every third field depends on an earlier choice or yes/no."""
    spec: dict = {"id": f"f{n}", "type": kind}
    if kind == "notice":
        spec["text"] = {"fa": "لطفاً **اصل مدارک** را همراه داشته باشید.", "en": "Bring the **original** documents."}
        return spec
    spec.update(label=text(str(n)), help=text(f"help {n}"), required=n % 2 == 0)
    if kind in ("choice", "multichoice"):
        spec["options"] = [{"value": f"o{i}", "label": text(f"option {i}")} for i in range(4 + n % 4)]
    elif kind == "text":
        spec.update(max_length=80, pattern="[^0-9]+", pattern_message=text("no digits"))
    elif kind == "date":
        spec.update(min="1900-01-01", max="today")
    elif kind == "number":
        spec.update(min=0, max=20)
    elif kind == "file":
        spec.update(accept=["jpeg", "pdf"], max_size_mb=5, max_files=2)
    elif kind == "group":
        spec.update(fields=[{"id": "name", "type": "text", "label": text("name"), "required": True},
                            {"id": "born", "type": "date", "label": text("born")}], max_items=6)
    gates = [f for f in earlier if f["type"] in ("choice", "yesno")]
    if gates and n % 3 == 0:
        gate = gates[-1]
        value = gate["options"][0]["value"] if gate["type"] == "choice" else True
        spec["show_if"] = {"field": gate["id"], "equals": value}
    return spec


def make_service(index: int) -> dict:
    """A service of 4 steps × 8 fields with documents, staff columns and a workflow."""
    fields: list[dict] = []
    steps = []
    for s in range(4):
        step = {"id": f"step{s}", "title": text(f"step {s}"), "intro": text("intro"), "fields": []}
        for _ in range(8):
            n = len(fields)
            spec = make_field(n, KINDS[(n + index) % len(KINDS)], fields)
            step["fields"].append(spec)
            fields.append(spec)
        steps.append(step)
    files = [f for f in fields if f["type"] == "file"]
    filters = [f["id"] for f in fields if f["type"] in ("choice", "date", "number") and "show_if" not in f][:2]
    return {
        "id": f"service_{index:03d}", "version": 1, "title": text(f"service {index}"), "category": "travel",
        "description": text("description"), "fee": {"amount": 60, "currency": "EUR"}, "processing_days": 20,
        "steps": steps,
        "documents": [{"id": "scan", "label": text("scan"), "original": True, **({"field": files[0]["id"]}
                                                                                 if files else {})}],
        "staff": {"columns": [f["id"] for f in fields if f["type"] != "notice"][:2], "filters": filters},
    }


def write_dir(root: Path, count: int) -> Path:
    """A schema directory with the shipped categories and registration plus ``count`` generated services."""
    schema_dir = root / "schemas"
    (schema_dir / "services").mkdir(parents=True)
    shutil.copy(ROOT / "schemas" / "categories.yaml", schema_dir / "categories.yaml")
    shutil.copy(ROOT / "schemas" / "registration.yaml", schema_dir / "registration.yaml")
    for index in range(count):
        text_ = yaml.safe_dump(make_service(index), allow_unicode=True, sort_keys=False)
        (schema_dir / "services" / f"service_{index:03d}.yaml").write_text(text_, encoding="utf-8")
    return schema_dir


def run_once(schema_dir: Path) -> tuple[float, float, int, float]:
    """Wall seconds to load and check, to compile every step and staff form; forms; CPU seconds in all."""
    cpu, start = time.process_time(), time.perf_counter()
    registry = load_registry(schema_dir)
    loaded = time.perf_counter()
    count = converter.compile_forms([registry.registration, *registry.services.values()])
    return loaded - start, time.perf_counter() - loaded, count, time.process_time() - cpu


def run_fresh(schema_dir: Path) -> tuple[float, float, int, float]:
    """run_once() in a new Python process, like a worker starting."""
    out = subprocess.run([sys.executable, __file__, "--child", str(schema_dir)], check=True,
                         capture_output=True, text=True).stdout
    load, build, count, cpu = json.loads(out)
    return load, build, int(count), cpu


def main() -> None:
    """Generate, measure, print and record."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--services", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--no-write", action="store_true", help="do not append to bench/RESULTS.md")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run_once(args.child)))
        return
    with tempfile.TemporaryDirectory() as tmp:
        schema_dir = write_dir(Path(tmp), args.services)
        size = sum(p.stat().st_size for p in schema_dir.rglob("*.yaml"))
        runs = [run_fresh(schema_dir) for _ in range(args.repeat)]
    totals = [load + build for load, build, _count, _cpu in runs]
    best = min(range(len(runs)), key=lambda i: totals[i])
    load, build, forms, cpu = runs[best]
    load_avg = os.getloadavg()[0]
    line = (f"| {dt.date.today().isoformat()} | {args.services} services × 4 steps × 8 fields "
            f"({size // 1024} KiB YAML) | {load:.3f} s | {build:.3f} s ({forms} forms) | **{totals[best]:.3f} s** "
            f"(median {statistics.median(totals):.3f} s, worst {max(totals):.3f} s of {args.repeat} processes) | "
            f"{cpu:.3f} s | {os.cpu_count()} cores, "
            f"load average {load_avg:.1f}, Python {platform.python_version()} |")
    print(f"load + check: {load:.3f} s; compile {forms} forms: {build:.3f} s; total {totals[best]:.3f} s wall, "
          f"{cpu:.3f} s CPU (best of {args.repeat} processes; median {statistics.median(totals):.3f} s, worst "
          f"{max(totals):.3f} s); target ≤ 1 s; "
          f"load average {load_avg:.1f} on {os.cpu_count()} cores")
    if not args.no_write:
        record(line)


HEADING = "## Schemas: load + check + compile"
SECTION = (f"{HEADING}\n\n"
           "Reproduce: `.venv/bin/python bench/bench_schemas.py` (appends a row here). Target ≤ 1 s.\n\n"
           "Wall times are best of N; CPU is the process's own time (the machine is shared, so the load\n"
           "average at the time is recorded too).\n\n"
           "| date | input | load + check | compile forms | total wall (best) | CPU | machine |\n"
           "|---|---|---|---|---|---|---|\n")


def record(line: str) -> None:
    """Add ``line`` as the last row of this benchmark's table in bench/RESULTS.md (other sections may follow)."""
    path = ROOT / "bench" / "RESULTS.md"
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmark results\n"
    if HEADING not in text:
        text = text.rstrip("\n") + "\n\n" + SECTION
    start = text.index(HEADING)
    end = text.find("\n## ", start)
    end = len(text) if end == -1 else end
    lines = text[start:end].split("\n")
    last_row = max(i for i, row in enumerate(lines) if row.startswith("|"))
    lines.insert(last_row + 1, line)
    path.write_text(text[:start] + "\n".join(lines) + text[end:], encoding="utf-8")


if __name__ == "__main__":
    main()
