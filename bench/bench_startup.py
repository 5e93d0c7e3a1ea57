"""Start-up with many services: create_app() (schemas, forms, blueprints and the back-office views). Target ≤ 1 s.

Beside bench_schemas.py (which times loading and compiling the schemas alone): here the whole app is
built in a fresh process per repeat, as a gunicorn master does once with preload_app, and the share of
the back office (admin.init_app) and the number of URL rules are reported.

    .venv/bin/python bench/bench_startup.py [--services 200] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def child(schema_dir: Path, database: Path) -> dict:
    """Build the app once; return wall seconds in all and in the back office, and the URL rules."""
    import admin
    from app import create_app

    spent = {"admin": 0.0}
    original = admin.init_app

    def timed(app):
        start = time.perf_counter()
        try:
            return original(app)
        finally:
            spent["admin"] = time.perf_counter() - start

    admin.init_app = timed
    import app as app_module

    app_module.admin.init_app = timed
    start = time.perf_counter()
    app = create_app({"SCHEMA_DIR": str(schema_dir), "DATABASE_URL": f"sqlite:///{database}"})
    total = time.perf_counter() - start
    return {"total": total, "admin": spent["admin"], "rules": len(list(app.url_map.iter_rules())),
            "services": len(app.extensions["mikhak_schemas"].services)}


def measure(services: int, repeat: int) -> list[dict]:
    """Generate ``services`` services and build the app ``repeat`` times in fresh processes."""
    import bench_schemas

    with tempfile.TemporaryDirectory() as tmp:
        schema_dir = bench_schemas.write_dir(Path(tmp), services) if services else ROOT / "schemas"
        runs = []
        for _ in range(repeat):
            out = subprocess.run([sys.executable, __file__, "--child", str(schema_dir), str(Path(tmp) / "s.db")],
                                 check=True, capture_output=True, text=True, cwd=ROOT).stdout
            runs.append(json.loads(out.strip().splitlines()[-1]))
    return runs


def summary(services: int, runs: list[dict]) -> str:
    """One line: best and median total, back-office share, rules."""
    totals = [r["total"] for r in runs]
    best = min(runs, key=lambda r: r["total"])
    median = statistics.median(totals)
    return (f"{best['services']} services: create_app {best['total']:.2f} s best (median {median:.2f} s"
            f" of {len(runs)}), of which back office {best['admin']:.2f} s; {best['rules']} URL rules; "
            f"load average {os.getloadavg()[0]:.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--services", type=int, nargs="*", default=[0, 200], help="0 = the shipped schemas")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--child", nargs=2, type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(*args.child)))
        return
    for count in args.services:
        print(summary(count, measure(count, args.repeat)))


if __name__ == "__main__":
    main()
