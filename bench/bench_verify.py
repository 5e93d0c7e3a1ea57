"""Benchmark: verifying a code, known vs unknown vs malformed (timing must not leak existence); issuing a document.

Run: .venv/bin/python bench/bench_verify.py [--documents 10000] [--lookups 3000] [--no-write]

A temporary SQLite database (or DATABASE_URL's PostgreSQL, emptied first: use a test database) holds
``--documents`` issued documents (rows with a small PDF). Known, unknown and malformed lookups are interleaved
(so load on the shared machine hits all three alike) through ``documents.verify.by_code`` in a request context,
which is the whole lookup: normalization, the query, the answer, the audit row. Issuing one real document
(WeasyPrint render + pyHanko signature) is timed as well.
"""

from __future__ import annotations

import argparse
import datetime as dt
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


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    """Fill, measure, report."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--documents", type=int, default=10000)
    parser.add_argument("--lookups", type=int, default=3000)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp())
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{tmp / 'bench.db'}"
    from app import create_app

    app = create_app({"DATABASE_URL": url, "SIGNING_KEY_DIR": str(tmp / "signing"), "MAIL_BACKEND": "file",
                      "MAIL_FILE_DIR": str(tmp / "mail"), "VERIFY_RATE_LIMIT": 10**9})
    from core import migrations
    from core.db import database
    from core.models import Applicant, IssuedDocument, IssuedDocumentFile, Office, ServiceRequest, Staff
    from documents import codes, issue, verify
    from forms.registry import current_registry
    from wizard.snapshots import ensure_snapshot

    with app.test_request_context("/verify"):
        if not url.startswith("sqlite"):
            database.execute_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
        migrations.upgrade()
        office = Office.create(code="de-berlin", name_fa="برلین", name_en="Berlin", country="DE")
        staff = Staff.create(email="b@example.com", password_hash="-", office=office)  # noqa: S106 (never signs in)
        applicant = Applicant.create(national_code="0499370899", email="a@example.com",
                                     profile={"first_name": "سارا", "last_name": "رضایی"})
        spec = current_registry().services["no_criminal_record"]
        request = ServiceRequest.create(tracking_code="BENCH0000001", applicant=applicant, service_id=spec.id,
                                        version_key=ensure_snapshot(spec, "service"), office=office,
                                        status="completed", national_code=applicant.national_code,
                                        answers={"purpose": "study", "requesting_authority": "Uni", "copies": 1})
        started = time.perf_counter()
        issue.issue_document(request, spec, spec.issues[0], staff)
        issue_seconds = time.perf_counter() - started
        pdf = b"%PDF-1.7 bench\n" * 100
        known = []
        with database.atomic():
            for start in range(0, args.documents, 500):
                batch = [dict(code=codes.new_code(), request=request.id, office=office.id, service_id=spec.id,
                              document_type="no_criminal_record", title_fa="گواهی", title_en="Certificate",
                              holder_name_fa="سارا رضایی", holder_name_en="Sara Rezaei",
                              issued_at=dt.datetime(2026, 1, 1), sha256=f"{start + i:064x}", key_fingerprint="0" * 64)
                         for i in range(min(500, args.documents - start))]
                IssuedDocument.insert_many(batch).execute()
                known.extend(row["code"] for row in batch)
            ids = [row.id for row in IssuedDocument.select(IssuedDocument.id).where(IssuedDocument.id > 1)]
            for start in range(0, len(ids), 500):
                IssuedDocumentFile.insert_many([{"document": i, "pdf": pdf} for i in ids[start:start + 500]]).execute()
        kinds = {"known": lambda: random.choice(known), "unknown": codes.new_code, "malformed": lambda: "not-a-code"}
        times: dict[str, list[float]] = {kind: [] for kind in kinds}
        order = [kind for _ in range(args.lookups) for kind in kinds]
        random.shuffle(order)
        for kind in order:
            code = kinds[kind]()
            started = time.perf_counter()
            verify.by_code(code, "bench")
            times[kind].append(time.perf_counter() - started)
    rows = {kind: (statistics.median(v) * 1000, _percentile(v, 0.95) * 1000) for kind, v in times.items()}
    for kind, (median, p95) in rows.items():
        print(f"{kind:9} median {median:.3f} ms  p95 {p95:.3f} ms  ({len(times[kind])} lookups)")
    print(f"issuing one document (render + sign + store): {issue_seconds:.2f} s")
    if args.no_write:
        return
    engine = "PostgreSQL" if url.startswith("postgres") else "SQLite"
    line = (f"| {dt.date.today()} | {engine}, {args.documents} documents | "
            + " | ".join(f"{rows[k][0]:.3f} / {rows[k][1]:.3f} ms" for k in kinds)
            + f" | {issue_seconds:.2f} s | {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}, "
            f"Python {platform.python_version()} |\n")
    with open(ROOT / "bench" / "RESULTS.md", "a", encoding="utf-8") as results:
        results.write(line)


if __name__ == "__main__":
    main()
