"""A separate worker process for test_workers: its own app on the shared database, asking for codes.

Run as ``python tests/auth/worker.py '<json>'`` with database_url, secret_key, start_file and
requests ([national code, email, ip], …). Prints "ready", waits for the start file, then prints the
JSON list of response statuses.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from app import create_app


def main() -> None:
    spec = json.loads(sys.argv[1])
    scratch = tempfile.mkdtemp(prefix="mikhak-worker-")
    app = create_app({
        "TESTING": True, "SECRET_KEY": spec["secret_key"], "DATABASE_URL": spec["database_url"],
        "WTF_CSRF_ENABLED": False, "MAIL_BACKEND": "file", "MAIL_FILE_DIR": scratch, "MAIL_SEND_INLINE": False,
        "UPLOAD_DIR": scratch,
    })
    print("ready", flush=True)
    start = Path(spec["start_file"])
    deadline = time.monotonic() + 30
    while not start.exists() and time.monotonic() < deadline:
        time.sleep(0.005)
    statuses = []
    for national_code, email, ip in spec["requests"]:
        response = app.test_client().post("/sign-in", data={"national_code": national_code, "email": email},
                                          environ_base={"REMOTE_ADDR": ip})
        statuses.append(response.status_code)
    print(json.dumps(statuses), flush=True)


if __name__ == "__main__":
    main()
