"""`make scan`: the app on 127.0.0.1 with demo data, scanned by wapiti and sqlmap as an applicant and as staff.

Builds a throw-away instance (SQLite, file mail), loads the demo data, serves it with gunicorn -w 2 on a
free loopback port, signs in an applicant (the one-time password read from the outbox) and the demo
administrator (password and TOTP), then runs, each bounded in time:

- wapiti (Debian) crawling and attacking as each identity, sign-out excluded, JSON report;
- sqlmap (Debian) on the parameters that reach the database: sign-in, staff search, list filters
  and sorting, tracking-code pages, with CSRF tokens refreshed.

Exit status 1 on any wapiti finding of level ≥ 2 (medium and up) or any injectable parameter.
Reports go to ``--out`` (default ``test-results/scan``); the summary is printed.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyotp
import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.servers import Server  # noqa: E402

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
NATIONAL_CODE, EMAIL = "0499370899", "scan@example.com"
# After a crawl that signed the applicant out, sqlmap signs in as a second applicant: the first one's
# sign-in may be held back by the limits the crawl itself tripped (resend wait, codes per hour).
SECOND_APPLICANT = ("0499370902", "scan2@example.com")
OTP = re.compile(r"(?<!\d)(\d{6})(?!\d)")


def post_form(http: requests.Session, base: str, path: str, data: dict) -> requests.Response:
    """GET the form, then POST it with its CSRF token."""
    token = CSRF.search(http.get(base + path, timeout=30).text)
    return http.post(base + path, data={**data, "csrf_token": token.group(1) if token else ""}, timeout=30)


def latest_mail_id(database: Path) -> int:
    """The id of the newest message in the outbox (0 when empty)."""
    with sqlite3.connect(database) as connection:
        return connection.execute("SELECT COALESCE(MAX(id), 0) FROM mail_message").fetchone()[0]


def wait_for_code(database: Path, email: str, after: int, seconds: float = 10) -> str:
    """The one-time password in the first mail to ``email`` newer than ``after``; fail clearly if none comes."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with sqlite3.connect(database) as connection:
            rows = connection.execute('SELECT body_text FROM mail_message WHERE "to" = ? AND id > ? ORDER BY id',
                                      (email, after)).fetchall()
        for (body,) in rows:
            if found := OTP.search(body or ""):
                return found.group(1)
        time.sleep(0.25)
    raise RuntimeError(f"no one-time password reached {email} within {seconds:.0f} s")


def applicant_session(base: str, database: Path, national_code: str = NATIONAL_CODE,
                      email: str = EMAIL) -> requests.Session:
    """Sign in and register an applicant (the code read from the outbox); return the browser session."""
    from tests.helpers import REGISTRATION_STEPS
    http = requests.Session()
    before = latest_mail_id(database)
    post_form(http, base, "/sign-in", {"national_code": national_code, "email": email})
    post_form(http, base, "/sign-in/code", {"code": wait_for_code(database, email, before)})
    for step, data in REGISTRATION_STEPS.items():
        post_form(http, base, f"/register/step/{step}", {**data, "email": email, "action": "next"})
    post_form(http, base, "/register/review", {})
    assert http.get(base + "/requests", timeout=30).url.endswith("/requests"), "applicant sign-in failed"
    return http


def staff_session(base: str, database: Path, email: str, password: str) -> requests.Session:
    """Sign in the demo administrator with password and TOTP."""
    http = requests.Session()
    post_form(http, base, "/admin/sign-in", {"email": email, "password": password})
    with sqlite3.connect(database) as connection:
        secret = connection.execute("SELECT totp_secret FROM staff WHERE email = ?", (email,)).fetchone()[0]
    post_form(http, base, "/admin/sign-in/code", {"code": pyotp.TOTP(secret).now()})
    assert "/admin/sign-in" not in http.get(base + "/admin/", timeout=30).url, "staff sign-in failed"
    return http


def cookie_header(http: requests.Session) -> str:
    return "; ".join(f"{c.name}={c.value}" for c in http.cookies)


def wapiti(base: str, cookie: str, out: Path, name: str, seconds: int) -> list[dict]:
    """Crawl and attack as the session in ``cookie``; return the findings of level 2 and up."""
    report = out / f"wapiti-{name}.json"
    # No -x for the sign-out forms: Debian's wapiti 3.0.4 fails on any --exclude under Python 3.11 (a
    # regular expression with "(?i)" not at its start); whether the session survived is reported instead.
    command = ["wapiti", "-u", base + "/", "--scope", "folder", "-H", f"Cookie: {cookie}",
               "-m", "sql,blindsql,xss,permanentxss,exec,file,crlf,redirect,ssrf,xxe,csrf,http_headers,cookieflags",
               "--max-scan-time", str(seconds), "--max-attack-time", str(max(10, seconds // 8)),
               "-d", "4", "--max-links-per-page", "30", "--flush-session", "-f", "json", "-o", str(report),
               "--store-session", str(out / "wapiti-session"), "-v", "0"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 180, check=False)  # noqa: S603
    if not report.exists():
        raise RuntimeError(f"wapiti wrote no report for {name}: {(done.stderr or done.stdout)[-2000:]}")
    data = json.loads(report.read_text())
    found = []
    for category, items in (data.get("vulnerabilities") or {}).items():
        found += [{"category": category, **item} for item in items if int(item.get("level", 0)) >= 2]
    return found


def sqlmap(base: str, cookie: str, out: Path, target: dict, seconds: int) -> str | None:
    """Run sqlmap on one target; return the injectable parameter it reports, if any."""
    command = ["sqlmap", "-u", base + target["url"], "--batch", "--level", "2", "--risk", "1",
               "--cookie", cookie, "--timeout", "10", "--retries", "0", "--threads", "2", "--smart",
               "--output-dir", str(out / "sqlmap"), "--disable-coloring", "--flush-session"]
    if "data" in target:
        command += ["--data", target["data"], "--csrf-token", "csrf_token", "--csrf-url", base + target["url"]]
    if "p" in target:
        command += ["-p", target["p"]]
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=seconds,  # noqa: S603
                                check=False)
        output = result.stdout
    except subprocess.TimeoutExpired as exc:
        output = (exc.stdout or b"").decode(errors="replace") if isinstance(exc.stdout, bytes) else exc.stdout or ""
    found = re.search(r"parameter '([^']+)' (?:is|appears to be) .*injectable", output)
    return found.group(1) if found and "not injectable" not in found.group(0) else None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=180, help="wapiti crawl+attack time per identity")
    parser.add_argument("--out", default=str(ROOT / "test-results" / "scan"))
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    instance = Path(tempfile.mkdtemp(prefix="mikhak-scan-"))
    database = instance / "scan.db"
    env = {"DATABASE_URL": f"sqlite:///{database}", "MIKHAK_INSTANCE": str(instance), "MAIL_BACKEND": "file",
           "MAIL_FILE_DIR": str(instance / "mail"), "UPLOAD_DIR": str(instance / "uploads")}
    flask = [sys.executable, "-m", "flask", "--app", "app"]
    for command in (["db", "upgrade"], ["demo", "load"]):
        subprocess.run([*flask, *command], cwd=ROOT, env={**os.environ, **env}, check=True,  # noqa: S603
                       capture_output=True)
    server = Server("scan", "app:create_app()", ROOT, env, workers=2)
    problems: list[str] = []
    try:
        from core.config import defaults
        settings = defaults(str(instance))
        base = server.base
        identities = {"applicant": applicant_session(base, database),
                      "staff": staff_session(base, database, settings["DEMO_STAFF_EMAIL"],
                                             settings["DEMO_STAFF_PASSWORD"])}
        with sqlite3.connect(database) as connection:
            row = connection.execute("SELECT tracking_code FROM service_request LIMIT 1").fetchone()
        code = row[0] if row else "ABCDEFGHJKM"
        targets = {
            "applicant": [{"url": "/sign-in", "data": f"national_code={NATIONAL_CODE}&email=x%40example.com"},
                          {"url": "/track?code=" + code, "p": "code"}, {"url": f"/requests/{code}"}],
            "staff": [{"url": "/admin/queue/?search=x&sort=0&desc=1", "p": "search,sort,desc"},
                      {"url": "/admin/requests/passport/?search=x&flt0_0=x", "p": "search,flt0_0"},
                      {"url": "/admin/audit/?search=x", "p": "search"}],
        }
        for name, http in identities.items():
            started = time.monotonic()
            findings = wapiti(base, cookie_header(http), out, name, args.seconds)
            alive = "/sign-in" not in http.get(base + ("/admin/" if name == "staff" else "/requests"), timeout=30).url
            print(f"wapiti as {name}: {len(findings)} finding(s) of level ≥ 2 in {time.monotonic() - started:.0f} s"
                  f" (session {'still signed in' if alive else 'signed out by the crawl'})")
            if not alive:  # sqlmap needs the identity: sign in again
                http = identities[name] = (
                    applicant_session(base, database, *SECOND_APPLICANT) if name == "applicant" else
                    staff_session(base, database, settings["DEMO_STAFF_EMAIL"], settings["DEMO_STAFF_PASSWORD"]))
            problems += [f"wapiti/{name}: {f['category']} {f.get('method')} {f.get('path')} {f.get('info')}"
                         for f in findings]
            for target in targets[name]:
                started = time.monotonic()
                injectable = sqlmap(base, cookie_header(http), out, target, max(60, args.seconds // 2))
                print(f"sqlmap as {name} {target['url'].split('?')[0]}: "
                      f"{'INJECTABLE ' + injectable if injectable else 'no injection'} "
                      f"({time.monotonic() - started:.0f} s)")
                if injectable:
                    problems.append(f"sqlmap/{name}: {target['url']} parameter {injectable}")
    finally:
        server.stop()
    for problem in problems:
        print("FINDING", problem)
    print(f"scan: {len(problems)} finding(s) of medium severity or above; reports in {out}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
