"""Benchmark: the first page of back-office request lists at 1 thousand, 100 thousand and 1 million requests.

Measures, through the real app (test client, signed-in staff, full page render), the first page of:
a service's list (admin: every office; officer: one office), the "All requests" queue (admin and
officer), a service list filtered on a declared answer (through RequestAnswerIndex), and the dashboard.
As in a real office, requests of the last four months are half done and older ones closed (0.1 % left open).
Requests are bulk-inserted (executemany on SQLite, COPY on PostgreSQL) and grown in place
1k → 100k → 1M, with ANALYZE after each load (VACUUM (ANALYZE) on PostgreSQL, as autovacuum does after a
bulk insert, so that index-only scans need no heap visits).

Run:  .venv/bin/python bench/bench_admin_list.py [--sizes 1000,100000,1000000] [--db sqlite,postgresql]
      [--pg-url postgresql://postgres@127.0.0.1:5432/postgres] [--repeat 5] [--no-write] [--keep DIR]
PostgreSQL runs in a scratch database `mikhak_bench_admin` (created and dropped here). With --keep, the SQLite
file is written to DIR/bench.db and the PostgreSQL scratch database is left in place (for EXPLAIN afterwards;
drop it yourself). Every service's requests are spread evenly over the offices.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import pyotp  # noqa: E402

SCRATCH_DB = "mikhak_bench_admin"
OFFICES = 5
APPLICANTS = 2000
SPAN_SECONDS = 3 * 365 * 86400
END = dt.datetime.combine(dt.date.today(), dt.time())  # the requests span the three years up to today
START = END - dt.timedelta(seconds=SPAN_SECONDS)
RECENT_SECONDS = 120 * 86400


def build_app(url: str, instance: Path):
    """The real app on ``url`` with CSRF off (the client posts forms directly).

    The staff idle timeout is raised so that a long bulk load between two sizes cannot sign the clients out.
    """
    from app import create_app

    return create_app({"TESTING": False, "SECRET_KEY": "bench-secret-key", "DATABASE_URL": url,
                       "WTF_CSRF_ENABLED": False, "UPLOAD_DIR": str(instance / "uploads"),
                       "MAIL_BACKEND": "file", "MAIL_FILE_DIR": str(instance / "mail"),
                       "SESSION_IDLE_MINUTES": 24 * 60})


def base_data(app) -> dict:
    """Offices, applicants and two staff members (admin, officer of office 1)."""
    from admin import credentials
    from core import migrations
    from core.models import Applicant, Office, Staff

    with app.app_context():
        migrations.upgrade()
        Office.insert_many([{"code": f"office-{i}", "name_fa": f"نمایندگی {i}", "name_en": f"Office {i}",
                             "country": "DE"} for i in range(1, OFFICES + 1)]).execute()
        Applicant.insert_many([{"national_code": f"{i:010d}", "email": f"a{i}@example.com",
                                "profile": json.dumps({"first_name": "سارا", "last_name": f"نام{i}"})}
                               for i in range(1, APPLICANTS + 1)]).execute()
        secret = pyotp.random_base32()
        password = credentials.hash_password("bench password 123")
        for email, role, office in (("admin@bench", "admin", None), ("officer@bench", "officer", 1)):
            Staff.create(email=email, role=role, office=office, password_hash=password, totp_secret=secret,
                         totp_confirmed=True)
    return {"secret": secret}


def generate(app, start_id: int, count: int, rng: random.Random):
    """Rows of `service_request` and `request_answer_index` for ids start_id … start_id+count-1."""
    from casework.indexing import index_values
    from forms.registry import current_registry

    with app.app_context():
        services = list(current_registry().services.values())
    plans = []
    for spec in services:
        finals = [s.id for s in spec.workflow.all_statuses if s.final and s.id != "withdrawn"]
        opens = [s.id for s in spec.workflow.all_statuses if not s.final]
        keys = []
        for key in dict.fromkeys([*spec.staff.filters, *spec.staff.search]):
            field = spec.fields_by_id.get(key)
            if field is None:
                continue
            options = [o.value for o in getattr(field, "options", None) or []]
            keys.append((key, field.type, options))
        plans.append((spec.id, spec.version_key, finals or ["completed"], opens, keys, spec.processing_days or 30))
    requests, answers = [], []
    for rid in range(start_id, start_id + count):
        service_id, version, finals, opens, keys, days = plans[rid % len(plans)]
        age = rng.randrange(SPAN_SECONDS)
        submitted = END - dt.timedelta(seconds=age)
        # As in a real office: what came in over the last four months is half done, older requests are closed.
        closed = rng.random() < (0.5 if age < RECENT_SECONDS else 0.999)
        status = rng.choice(finals) if closed else rng.choice(opens)
        closed_at = min(submitted + dt.timedelta(days=rng.uniform(1, 2 * days)), END) if closed else None
        values = {}
        for key, kind, options in keys:
            if options:
                values[key] = rng.choice(options)
            elif kind == "yesno":
                values[key] = rng.random() < 0.5
            elif kind == "date":
                values[key] = (START + dt.timedelta(days=rng.randrange(2000))).date().isoformat()
            elif kind == "number":
                values[key] = rng.randrange(10)
            elif kind == "country":
                values[key] = rng.choice(["DE", "GB", "TR", "AE", "CA"])
            else:
                values[key] = f"n{rng.randrange(10**6):06d}"
        applicant = 1 + rid % APPLICANTS
        # Not rid % OFFICES: with 10 services and 5 offices that put every request of a service in one office.
        office = 1 + (rid // len(plans)) % OFFICES
        requests.append((rid, f"B{rid:012d}", applicant, service_id, version, office, status, not closed,
                         json.dumps(values, ensure_ascii=False), "{}", "[]", f"سارا نام{applicant}",
                         f"{applicant:010d}", submitted, closed_at or submitted, submitted + dt.timedelta(days=days),
                         closed_at))
        for key, value in values.items():
            for indexed in index_values(value):
                answers.append((rid, service_id, key, indexed))
    return requests, answers


REQUEST_COLUMNS = ("id", "tracking_code", "applicant_id", "service_id", "version_key", "office_id", "status", "is_open",
                   "answers", "staff_answers", "amend_fields", "applicant_name", "national_code", "submitted_at",
                   "updated_at", "due_at", "closed_at")
ANSWER_COLUMNS = ("request_id", "service_id", "key", "value")


def bulk_insert(app, requests: list, answers: list) -> None:
    """executemany on SQLite (one transaction), COPY on PostgreSQL."""
    from core.db import database, is_sqlite

    with app.app_context():
        if is_sqlite():
            with database.atomic():
                cursor = database.cursor()
                cursor.executemany(f"INSERT INTO service_request ({', '.join(REQUEST_COLUMNS)}) VALUES "  # nosec B608
                                   f"({', '.join('?' * len(REQUEST_COLUMNS))})", requests)
                cursor.executemany(f"INSERT INTO request_answer_index ({', '.join(ANSWER_COLUMNS)}) VALUES "  # nosec B608
                                   "(?, ?, ?, ?)", answers)
            database.execute_sql("ANALYZE")
            return
        connection = database.connection()
        with connection.cursor() as cursor:
            for table, columns, rows in (("service_request", REQUEST_COLUMNS, requests),
                                         ("request_answer_index", ANSWER_COLUMNS, answers)):
                buffer = io.StringIO()
                for row in rows:
                    buffer.write("\t".join(_copy_value(v) for v in row) + "\n")
                buffer.seek(0)
                cursor.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN", buffer)
            cursor.execute("SELECT setval('service_request_id_seq', (SELECT max(id) FROM service_request))")
        connection.commit()
        connection.autocommit = True
        with connection.cursor() as cursor:
            # What autovacuum does after a bulk insert: statistics, and the visibility map for index-only scans.
            cursor.execute("VACUUM (ANALYZE) service_request, request_answer_index")
        connection.autocommit = False


def _copy_value(value) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    return str(value).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")


def signed_in(app, email: str, secret: str):
    """A test client signed in through the real password + TOTP pages."""
    client = app.test_client()
    client.post("/admin/sign-in", data={"email": email, "password": "bench password 123"})
    for offset in (0, 1, 2, 3):  # a step not used yet by the previous sign-in
        code = pyotp.TOTP(secret).at(int(time.time()) + 30 * offset)
        if client.post("/admin/sign-in/code", data={"code": code}).status_code == 303:
            client.get("/lang/en")
            return client
    raise RuntimeError(f"could not sign in {email}")


def timed(client, url: str, repeat: int) -> tuple[float, float]:
    """(median, best) milliseconds of GET ``url`` after one warm-up; every answer must be 200."""
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    return statistics.median(times), min(times)


def filter_url(app) -> str:
    """The passport list filtered on its first declared filter (request_type = renewal)."""
    from admin import get_admin

    view = next(v for v in get_admin(app)._views if getattr(v, "endpoint", "") == "admin_service_passport")
    index = next(i for i, flt in enumerate(view._filters) if getattr(flt, "field", None) is not None
                 and flt.field.id == "request_type")
    return f"/admin/requests/passport/?flt0_{index}=renewal"


def run_database(kind: str, url: str, sizes: list[int], repeat: int, instance: Path, results: list[dict]) -> None:
    """Grow ``kind`` through ``sizes``, appending one row per size to ``results`` as soon as it is measured."""
    app = build_app(url, instance)
    secrets = base_data(app)
    admin = signed_in(app, "admin@bench", secrets["secret"])
    officer = signed_in(app, "officer@bench", secrets["secret"])
    pages = [("service list, admin", admin, "/admin/requests/passport/"),
             ("service list, officer", officer, "/admin/requests/passport/"),
             ("queue, admin", admin, "/admin/queue/"),
             ("queue, officer", officer, "/admin/queue/"),
             ("filtered service list, officer", officer, filter_url(app)),
             ("dashboard, admin", admin, "/admin/"),
             ("dashboard, officer", officer, "/admin/")]
    rng = random.Random(6)
    loaded = 0
    for size in sizes:
        started = time.perf_counter()
        requests, answers = generate(app, loaded + 1, size - loaded, rng)
        bulk_insert(app, requests, answers)
        load_seconds = time.perf_counter() - started
        loaded = size
        row = {"db": kind, "size": size, "load_s": load_seconds, "loadavg": os.getloadavg()[0], "pages": {}}
        for label, client, path in pages:
            row["pages"][label] = timed(client, path, repeat)
        results.append(row)
        print(f"{kind:10} {size:>9,} rows (loaded in {load_seconds:.1f} s, load average {row['loadavg']:.1f}): "
              + "; ".join(f"{label} {median:.0f} ms" for label, (median, _best) in row["pages"].items()), flush=True)


def postgres_scratch(base_url: str) -> str:
    """Create a fresh scratch database next to ``base_url`` and return its URL."""
    import psycopg2

    connection = psycopg2.connect(base_url)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{SCRATCH_DB}"')
        cursor.execute(f'CREATE DATABASE "{SCRATCH_DB}"')
    connection.close()
    return base_url.rsplit("/", 1)[0] + "/" + SCRATCH_DB


def drop_scratch(base_url: str) -> None:
    import psycopg2

    from core.db import database

    if not database.is_closed():
        database.close()
    if hasattr(database.obj, "close_all"):
        database.obj.close_all()
    connection = psycopg2.connect(base_url)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{SCRATCH_DB}" WITH (FORCE)')
    connection.close()


def write_results(results: list[dict], command: str, repeat: int, complete: bool) -> None:
    """Append this run's table to bench/RESULTS.md under its own heading."""
    path = ROOT / "bench" / "RESULTS.md"
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmark results\n"
    heading = "## Back office: first page of request lists"
    labels = list(results[0]["pages"])
    lines = [f"\n### {dt.date.today().isoformat()} · Python {platform.python_version()} · {os.cpu_count()} cores · "
             f"load average {min(r['loadavg'] for r in results):.1f}–{max(r['loadavg'] for r in results):.1f}"
             + ("" if complete else " · INCOMPLETE (the run failed after these rows)") + "\n",
             f"Command: `{command}`. Each cell: median of {repeat} full page renders after one warm-up "
             "(best in brackets). Load average: 1-minute, taken before each row's page timings.\n",
             "| database | requests | bulk load | load avg | " + " | ".join(labels) + " |",
             "|---|---|---|---|" + "---|" * len(labels)]
    for row in results:
        cells = [f"{median:.0f} ms (best {best:.0f})" for median, best in row["pages"].values()]
        lines.append(f"| {row['db']} | {row['size']:,} | {row['load_s']:.0f} s | {row['loadavg']:.1f} | "
                     + " | ".join(cells) + " |")
    block = "\n".join(lines) + "\n"
    if heading not in text:
        text = text.rstrip("\n") + f"\n\n{heading}\n\nReproduce: `{command}`\n"
    start = text.index(heading)
    end = text.find("\n## ", start + len(heading))
    end = len(text) if end == -1 else end
    text = text[:end].rstrip("\n") + "\n" + block + text[end:]
    path.write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,100000,1000000")
    parser.add_argument("--db", default="sqlite,postgresql")
    parser.add_argument("--pg-url", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--keep", metavar="DIR", help="keep the loaded databases (SQLite in DIR) for EXPLAIN")
    args = parser.parse_args()
    sizes = sorted(int(s) for s in args.sizes.split(","))
    command = " ".join([".venv/bin/python bench/bench_admin_list.py", *sys.argv[1:]])
    results: list[dict] = []
    complete = False
    try:
        with tempfile.TemporaryDirectory() as tmp:
            instance = Path(tmp)
            data_dir = Path(args.keep) if args.keep else instance
            data_dir.mkdir(parents=True, exist_ok=True)
            for stale in data_dir.glob("bench.db*"):  # a kept database of an earlier run
                stale.unlink()
            for kind in args.db.split(","):
                if kind == "sqlite":
                    run_database("sqlite", f"sqlite:///{data_dir / 'bench.db'}", sizes, args.repeat, instance,
                                 results)
                elif kind == "postgresql":
                    try:
                        run_database("postgresql", postgres_scratch(args.pg_url), sizes, args.repeat, instance,
                                     results)
                    finally:
                        if not args.keep:
                            drop_scratch(args.pg_url)
                else:
                    parser.error(f"unknown database {kind}")
        complete = True
    finally:  # rows already measured are recorded even if a later size fails
        if results and not args.no_write:
            write_results(results, command, args.repeat, complete)


if __name__ == "__main__":
    main()
