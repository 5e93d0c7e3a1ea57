"""Sign-in under load: one-time password request + verify, 50 applicants at once on loopback. Goal: p99 < 300 ms.

Each virtual applicant (one thread and cookie jar each, a fresh valid national code every time, so the
per-national-code limits never refuse) opens /sign-in, posts its national code and e-mail (the code
is generated, stored as an HMAC and e-mailed through the outbox), reads the code from the outbox
table as a person reads the e-mail, and posts it. The per-address limit (10 codes an hour from one
address) would refuse the bench's loopback address, so the server runs with the documented load-test
setting ``RATELIMIT_EXEMPT_IPS=127.0.0.1``, which production refuses to start with. The latency of the
two POSTs is measured (the page GET for the CSRF token is not); the client is Python threads on the
same 2 cores, so its own time is inside the figures.

    .venv/bin/python bench/bench_signin.py [--connections 50] [--seconds 30]
"""

from __future__ import annotations

import argparse
import http.cookiejar
import itertools
import os
import re
import shutil
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import step_setup
from servers import ROOT, Server

_numbers = itertools.count(100_000_001)
_lock = threading.Lock()


def national_code() -> str:
    """A fresh valid national code (check digit computed as i18n.persian.is_valid_national_code expects)."""
    with _lock:
        digits = f"{next(_numbers) * 7919 % 10**9:09d}"
    if digits[3:9] == "000000":
        return national_code()
    remainder = sum(int(d) * (10 - i) for i, d in enumerate(digits)) % 11
    return digits + str(remainder if remainder < 2 else 11 - remainder)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def sign_in_once(base: str, database: Path, timings: list[float]) -> bool:
    """One applicant's sign-in; the two POSTs' latencies go to ``timings``; True when it ended signed in."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)
    page = opener.open(base + "/sign-in", timeout=30).read().decode()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    code, email = national_code(), f"bench-{time.monotonic_ns()}@example.com"

    def post(path: str, data: dict) -> int:
        body = urllib.parse.urlencode({**data, "csrf_token": token}).encode()
        start = time.perf_counter()
        try:
            status = opener.open(base + path, data=body, timeout=30).status
        except urllib.error.HTTPError as error:
            status = error.code
        timings.append(time.perf_counter() - start)
        return status

    if post("/sign-in", {"national_code": code, "email": email}) not in (302, 303):
        return False
    with sqlite3.connect(database, timeout=30) as connection:
        row = connection.execute("SELECT body_text FROM mail_message WHERE \"to\" = ? ORDER BY id DESC LIMIT 1",
                                 (email,)).fetchone()
    otp = re.search(r"\b(\d{6})\b", row[0]).group(1)
    return post("/sign-in/code", {"code": otp}) in (302, 303)


def run(connections: int, seconds: float, workers: int) -> dict:
    """Serve sign-ins from ``connections`` threads for ``seconds``; return latencies and counts."""
    scratch = Path(tempfile.mkdtemp(prefix="bench-signin-"))
    database = scratch / "mikhak.db"
    url = f"sqlite:///{database}"
    step_setup.prepare(scratch, url)
    env = {**step_setup.bench_environment(scratch, url), "RATELIMIT_EXEMPT_IPS": "127.0.0.1"}
    server = Server("mikhak", "app:create_app()", ROOT, env, workers)
    timings: list[float] = []
    done, failed = [0], [0]
    deadline = time.monotonic() + seconds

    def user() -> None:
        while time.monotonic() < deadline:
            try:
                ok = sign_in_once(server.base, database, timings)
            except (OSError, AttributeError):
                ok = False
            with _lock:
                (done if ok else failed)[0] += 1

    try:
        threads = [threading.Thread(target=user) for _ in range(connections)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        server.stop()
        shutil.rmtree(scratch, ignore_errors=True)
    ordered = sorted(timings)
    return {"sign_ins": done[0], "failed": failed[0], "seconds": seconds, "posts": len(ordered),
            "p50": statistics.median(ordered) * 1000, "p99": ordered[int(len(ordered) * 0.99) - 1] * 1000,
            "load": os.getloadavg()[0]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    r = run(args.connections, args.seconds, args.workers)
    rate = r["sign_ins"] / r["seconds"]
    print(f"{r['sign_ins']} sign-ins in {r['seconds']:g} s ({rate:.1f}/s), {r['failed']} failed; "
          f"POST latency p50 {r['p50']:.0f} ms, p99 {r['p99']:.0f} ms (goal < 300 ms) over {r['posts']} POSTs; "
          f"{args.connections} connections, load average {r['load']:.1f}")


if __name__ == "__main__":
    main()
