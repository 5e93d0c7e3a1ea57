"""Memory per gunicorn worker: RSS after loading every shipped service and serving 10,000 requests, then 10,000 more.

The requests are the signed-in passport step GET of bench_step.py (the heaviest page: session row,
draft, a generated form rendered). Goal: ≤ 100 MB per worker after the first 10,000 and no growth
over the second. RSS counts pages shared with the master too (preload_app), so PSS (the worker's
fair share of shared pages, from /proc/PID/smaps_rollup) is printed beside it.

    .venv/bin/python bench/bench_memory.py [--requests 10000]
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import step_setup
from servers import ROOT, Server, rss_mib, wrk


def pss_mib(pid: int) -> float:
    """Return a process's proportional set size in MiB."""
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        if line.startswith("Pss:"):
            return int(line.split()[1]) / 1024
    return 0.0


def snapshot(server: Server) -> list[tuple[int, float, float]]:
    """(pid, RSS MiB, PSS MiB) of each worker."""
    return [(pid, rss_mib(pid), pss_mib(pid)) for pid in server.worker_pids()]


def run(requests: int, workers: int) -> list[tuple[str, list]]:
    """Serve two batches of ``requests`` and return the memory after start, after each batch."""
    scratch = Path(tempfile.mkdtemp(prefix="bench-memory-"))
    url = f"sqlite:///{scratch / 'mikhak.db'}"
    cookie = step_setup.prepare(scratch, url)
    server = Server("mikhak", "app:create_app()", ROOT, step_setup.bench_environment(scratch, url), workers)
    try:
        cookie, _token = step_setup.csrf_cookie_and_token(server.base, cookie)
        headers = {"Cookie": cookie, "User-Agent": step_setup.USER_AGENT}
        stages = [("started", snapshot(server))]
        served = 0
        for batch in (1, 2):
            while served < batch * requests:  # wrk runs for a time, not a count: chunks of 10 s until enough
                result = wrk(server.base + step_setup.STEP_PATH, seconds=10, connections=16, headers=headers)
                if result.bad:
                    raise SystemExit(f"{result.bad} bad responses")
                served += result.requests
            stages.append((f"after {served:,} requests", snapshot(server)))
        return stages
    finally:
        server.stop()
        shutil.rmtree(scratch, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    stages = run(args.requests, args.workers)
    for label, workers in stages:
        shown = ", ".join(f"RSS {rss:.1f} MiB (PSS {pss:.1f})" for _pid, rss, pss in workers)
        print(f"{label}: {shown}")
    print(f"load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
