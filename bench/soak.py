"""Soak: N simulated applicants for M minutes against gunicorn -w 2 on loopback; errors and RSS per worker.

Each applicant signs in through the real one-time-password flow (code read from the outbox, as the
development inbox shows it), registers, then keeps browsing its pages, opening a service and saving a
wizard step, with a think time of 0.5-1.5 s. Every applicant comes from its own address (X-Forwarded-For
through PROXY_FIX=1, as behind a reverse proxy), so the per-address sign-in limit is theirs alone.

    .venv/bin/python bench/soak.py --applicants 50 --minutes 5 [--database-url postgresql://…/test_x]

Prints the figures recorded in bench/RESULTS.md. Exit status 1 on any error.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.servers import ROOT, Server, rss_mib
from tests.helpers import REGISTRATION_STEPS

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
PAGES = ["/", "/requests", "/services", "/services/passport", "/account", "/profile"]


def national_code(number: int) -> str:
    body = f"{number:09d}"[-9:]
    remainder = sum(int(d) * (10 - i) for i, d in enumerate(body)) % 11
    return body + str(remainder if remainder < 2 else 11 - remainder)


class Applicant(threading.Thread):
    """One simulated applicant with their own browser session and address."""

    def __init__(self, index: int, base: str, read_code, until: float, stats: Counter, latencies: list) -> None:
        super().__init__(daemon=True)
        self.index, self.base, self.read_code, self.until = index, base, read_code, until
        self.stats, self.latencies = stats, latencies
        self.http = requests.Session()
        self.http.headers["X-Forwarded-For"] = f"198.18.{index // 250}.{index % 250 + 1}"
        self.email = f"soak{index}@example.com"

    def call(self, method: str, path: str, **kwargs) -> requests.Response | None:
        started = time.perf_counter()
        try:
            response = self.http.request(method, self.base + path, timeout=30, allow_redirects=True, **kwargs)
        except requests.RequestException as exc:
            self.stats[f"error {type(exc).__name__}"] += 1
            return None
        self.latencies.append(time.perf_counter() - started)
        self.stats["requests"] += 1
        if response.status_code >= 500:
            self.stats[f"error {response.status_code} {method} {path.split('?')[0]}"] += 1
        return response

    def post_form(self, path: str, data: dict) -> requests.Response | None:
        page = self.call("GET", path)
        token = CSRF.search(page.text) if page is not None else None
        return self.call("POST", path, data={**data, "csrf_token": token.group(1) if token else ""})

    def run(self) -> None:
        code = national_code(100_000 + self.index)
        self.post_form("/sign-in", {"national_code": code, "email": self.email})
        otp = self.read_code(self.email)
        if not otp:
            self.stats["error no code"] += 1
            return
        signed = self.post_form("/sign-in/code", {"code": otp})
        self.stats["signed in" if signed is not None and "/sign-in" not in signed.url else "error not signed in"] += 1
        for step, data in REGISTRATION_STEPS.items():
            self.post_form(f"/register/step/{step}", {**data, "email": self.email, "action": "next"})
        self.post_form("/register/review", {})
        while time.monotonic() < self.until:
            self.call("GET", random.choice(PAGES))
            if random.random() < 0.2:
                self.post_form("/register/step/residence", {**REGISTRATION_STEPS["residence"], "action": "next"})
            time.sleep(random.uniform(0.5, 1.5))


def code_reader(database_url: str):
    """Return a function reading the newest one-time password sent to an address from the outbox."""
    if database_url.startswith("sqlite:///"):
        import sqlite3
        path = database_url[len("sqlite:///"):]

        def query(sql: str, email: str):
            with sqlite3.connect(path, timeout=10) as connection:
                return connection.execute(sql.replace("%s", "?"), (email,)).fetchone()
    else:
        import psycopg2

        def query(sql: str, email: str):
            with psycopg2.connect(database_url) as connection, connection.cursor() as cursor:
                cursor.execute(sql, (email,))
                return cursor.fetchone()

    def read(email: str) -> str | None:
        for _ in range(50):
            row = query('SELECT body_text FROM mail_message WHERE "to" = %s ORDER BY id DESC LIMIT 1', email)
            found = re.search(r"(?<!\d)(\d{6})(?!\d)", row[0]) if row else None
            if found:
                return found.group(1)
            time.sleep(0.2)
        return None
    return read


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--applicants", type=int, default=50)
    parser.add_argument("--minutes", type=float, default=5)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    instance = Path(tempfile.mkdtemp(prefix="mikhak-soak-"))
    database_url = args.database_url or f"sqlite:///{instance / 'soak.db'}"
    env = {"DATABASE_URL": database_url, "MIKHAK_INSTANCE": str(instance), "PROXY_FIX": "1",
           "MAIL_BACKEND": "file", "MAIL_FILE_DIR": str(instance / "mail"), "UPLOAD_DIR": str(instance / "up")}
    flask = [sys.executable, "-m", "flask", "--app", "app"]
    if database_url.startswith("postgres"):
        import psycopg2
        with psycopg2.connect(database_url) as connection, connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    for command in (["db", "upgrade"], ["demo", "load"]):
        subprocess.run([*flask, *command], cwd=ROOT, env={**os.environ, **env}, check=True,
                       capture_output=True)
    server = Server("soak", "app:create_app()", ROOT, env, workers=2)
    stats, latencies, samples = Counter(), [], []
    try:
        until = time.monotonic() + args.minutes * 60
        read = code_reader(database_url)
        crowd = [Applicant(n, server.base, read, until, stats, latencies) for n in range(args.applicants)]
        for person in crowd:
            person.start()
            time.sleep(0.05)
        started = time.monotonic()
        while time.monotonic() < until:
            samples.append((time.monotonic() - started, [rss_mib(pid) for pid in server.worker_pids()]))
            time.sleep(10)
        for person in crowd:
            person.join(60)
    finally:
        server.stop()
    errors = {k: v for k, v in stats.items() if k.startswith("error")}
    warm = [s for s in samples if s[0] >= 60]  # after the first minute
    first, last = warm[0][1] if warm else [], warm[-1][1] if warm else []
    latencies.sort()
    print(f"applicants {args.applicants}, {args.minutes:g} min, database {database_url.split(':')[0]}")
    print(f"signed in {stats['signed in']} of {args.applicants}; requests {stats['requests']}, "
          f"errors {sum(errors.values())} {errors or ''}")
    if latencies:
        print(f"latency p50 {statistics.median(latencies) * 1000:.0f} ms, "
              f"p99 {latencies[int(len(latencies) * 0.99)] * 1000:.0f} ms")
    print("RSS per worker (MiB) at " + ", ".join(f"{t:.0f}s {[f'{r:.1f}' for r in rss]}" for t, rss in samples))
    if first and last:
        growth = [b - a for a, b in zip(first, last, strict=False)]
        print(f"RSS growth per worker after warm-up (1 min → end): {[f'{g:+.1f}' for g in growth]} MiB")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
