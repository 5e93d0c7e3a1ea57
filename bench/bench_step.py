"""A generated wizard step against a hand-written Flask + Flask-WTF step, and / and /healthz against bare Flask.

Both apps run under gunicorn on 127.0.0.1 over the same fresh database; wrk loads one page of one app
at a time, alternating which app goes first in each round, and each page's figure is the median over
rounds of the ratio Mikhak / baseline (both measured within seconds of each other, so the load that
other processes put on the machine cancels out as far as it can). The baseline is bench/baseline/app.py.

    .venv/bin/python bench/bench_step.py [--rounds 5] [--seconds 5] [--write]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shlex
import shutil
import statistics
import sys
import tempfile
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import step_setup
from servers import ROOT, Server, wrk

RESULTS = Path(__file__).with_name("RESULTS.md")
HEADING = "## Wizard step, home page and health check against hand-written Flask"
GOAL = 0.8


def cases(cookie: str, token: str) -> list[tuple[str, dict]]:
    """Return the pages measured: (label, wrk arguments)."""
    body = urllib.parse.urlencode({**step_setup.STEP_POST, "csrf_token": token})
    signed_in = {"Cookie": cookie, "User-Agent": step_setup.USER_AGENT}
    return [
        ("GET passport step 1 (signed in)", {"path": step_setup.STEP_PATH, "headers": signed_in}),
        ("POST passport step 1 (valid)", {"path": step_setup.STEP_PATH, "method": "POST", "body": body,
                                          "headers": {**signed_in,
                                                      "Content-Type": "application/x-www-form-urlencoded"}}),
        ("GET /", {"path": "/", "headers": {"User-Agent": step_setup.USER_AGENT}}),
        ("GET /healthz", {"path": "/healthz", "headers": {"User-Agent": step_setup.USER_AGENT}}),
    ]


def check(server: Server, case: dict) -> None:
    """Make one request of a case and insist on the expected answer (a bench of error pages measures nothing)."""
    data = case.get("body", "").encode() or None
    request = urllib.request.Request(server.base + case["path"], data=data,  # noqa: S310 (loopback)
                                     headers=case["headers"], method=case.get("method", "GET"))

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        response = opener.open(request, timeout=30)
        status, page = response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        status, page = error.code, error.read().decode(errors="replace")
    expected = 302 if case.get("method") == "POST" else 200
    if status != expected or (case["path"] == step_setup.STEP_PATH and expected == 200
                              and 'name="request_type"' not in page):
        raise SystemExit(f"{server.name} {case.get('method', 'GET')} {case['path']}: {status}\n{page[-1500:]}")


def run(rounds: int, seconds: float, connections: int, workers: int, database_url: str | None) -> dict:
    """Start both apps, measure every case in interleaved rounds, stop them; return the figures."""
    scratch = Path(tempfile.mkdtemp(prefix="bench-step-"))
    url = database_url or f"sqlite:///{scratch / 'mikhak.db'}"
    cookie = step_setup.prepare(scratch, url)
    env = step_setup.bench_environment(scratch, url)
    mikhak = Server("mikhak", "app:create_app()", ROOT, env, workers, extra=tuple(
        os.environ.get("BENCH_MIKHAK_GUNICORN_ARGS", "").split()))
    baseline = Server("baseline", "app:create_app()", ROOT / "bench" / "baseline", env, workers)
    try:
        cookie, token = step_setup.csrf_cookie_and_token(mikhak.base, cookie)
        measured = cases(cookie, token)
        for _label, case in measured:
            check(mikhak, case)
            check(baseline, case)
        figures = {label: {"mikhak": [], "baseline": [], "ratio": [], "bad": 0, "timeouts": 0}
                   for label, _case in measured}
        loads = [os.getloadavg()[0]]
        for number in range(rounds):
            for label, case in measured:
                order = (mikhak, baseline) if number % 2 == 0 else (baseline, mikhak)
                got = {}
                for server in order:
                    got[server.name] = wrk(server.base + case["path"], seconds=seconds, connections=connections,
                                           headers=case["headers"], method=case.get("method", "GET"),
                                           body=case.get("body", ""))
                row = figures[label]
                row["mikhak"].append(got["mikhak"].requests_per_s)
                row["baseline"].append(got["baseline"].requests_per_s)
                row["ratio"].append(got["mikhak"].requests_per_s / got["baseline"].requests_per_s)
                row["bad"] += got["mikhak"].bad + got["baseline"].bad
                row["timeouts"] += got["mikhak"].timeouts + got["baseline"].timeouts
            loads.append(os.getloadavg()[0])
            print(f"round {number + 1}/{rounds} done, load average {loads[-1]:.1f}", file=sys.stderr)
    finally:
        mikhak.stop()
        baseline.stop()
        shutil.rmtree(scratch, ignore_errors=True)
    return {"figures": figures, "loads": loads, "rounds": rounds, "seconds": seconds,
            "connections": connections, "workers": workers, "database": "postgresql" if database_url else "sqlite"}


def table(result: dict) -> str:
    """Return the result as a Markdown table."""
    lines = ["| page | Mikhak req/s | baseline req/s | ratio (median of rounds) | ratios | goal | errors / timeouts |",
             "|---|---|---|---|---|---|---|"]
    for label, row in result["figures"].items():
        ratio = statistics.median(row["ratio"])
        verdict = "met" if ratio >= GOAL else "**not met**"
        spread = " ".join(f"{r:.2f}" for r in row["ratio"])
        lines.append(f"| {label} | {statistics.median(row['mikhak']):.0f} | {statistics.median(row['baseline']):.0f} "
                     f"| **{ratio:.2f}** | {spread} | ≥ {GOAL} {verdict} | {row['bad']} / {row['timeouts']} |")
    return "\n".join(lines)


def write(result: dict, command: str, note: str) -> None:
    """Append the result under this benchmark's heading in RESULTS.md."""
    text = RESULTS.read_text()
    loads = result["loads"]
    block = (f"\n### {dt.date.today().isoformat()} · {result['database']} · gunicorn -w {result['workers']} · "
             f"wrk -t2 -c{result['connections']} · {result['rounds']} rounds × {result['seconds']:g} s · "
             f"load average {min(loads):.1f}–{max(loads):.1f}{' · ' + note if note else ''}\n\n"
             f"Command: `{command}`\n\n{table(result)}\n")
    if HEADING not in text:
        text = text.rstrip("\n") + f"\n\n{HEADING}\n\n{__doc__.split(chr(10) + chr(10))[1]}\n"
    RESULTS.write_text(text.rstrip("\n") + "\n" + block)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--database-url", help="a PostgreSQL test database (emptied!) instead of SQLite")
    parser.add_argument("--write", action="store_true", help="append the table to bench/RESULTS.md")
    parser.add_argument("--note", default="", help="a note for the RESULTS.md heading (e.g. 'before')")
    args = parser.parse_args()
    result = run(args.rounds, args.seconds, args.connections, args.workers, args.database_url)
    print(table(result))
    print(f"load average {min(result['loads']):.1f}–{max(result['loads']):.1f}")
    if args.write:
        shown = [arg for arg in sys.argv[1:] if arg != "--write"]
        write(result, ".venv/bin/python " + shlex.join(["bench/bench_step.py", *shown]), args.note)


if __name__ == "__main__":
    main()
