"""Fault tests with nothing lost: a full upload store, a gunicorn worker SIGKILLed mid-submission.

(SMTP down then up: test_mail_outage.py; the database unreachable then back: test_database_down.py.)
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

from cli import demo
from core.models import Document
from tests.helpers import register, sign_in


def noise_jpeg(size: int = 300) -> bytes:
    """A JPEG that stays large after re-encoding (random pixels)."""
    import io

    from PIL import Image
    image = Image.frombytes("RGB", (size, size), os.urandom(size * size * 3))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=95)
    return out.getvalue()


@pytest.fixture()
def full_store(tmp_path: Path):
    """A real, nearly full filesystem (a 512 KiB tmpfs, filled up to a few KiB) as the upload store."""
    mount = tmp_path / "store"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=512k,mode=0700", "tmpfs", str(mount)],
                          capture_output=True, text=True)
    if done.returncode:
        pytest.skip(f"cannot mount a tmpfs here (needs root): {done.stderr.strip()}")
    try:
        filler = mount / "filler"
        fd = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o600)
        try:
            while True:
                os.write(fd, b"\0" * 4096)
        except OSError:
            pass
        finally:
            os.close(fd)
        os.truncate(filler, filler.stat().st_size - 8 * 1024)  # 8 KiB left
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


@pytest.fixture()
def test_config(test_config: dict, request) -> dict:
    if "full_store" in request.fixturenames:
        test_config["UPLOAD_DIR"] = str(request.getfixturevalue("full_store") / "uploads")
    return test_config


def files_in(store: Path) -> list[Path]:
    return [p for p in (store / "uploads").rglob("*") if p.is_file()] if (store / "uploads").exists() else []


def test_a_full_upload_store_gives_a_clear_error_and_no_partial_record(app, client, full_store):
    with app.app_context():
        list(demo.load())
    sign_in(client, app)
    register(client)
    client.get("/lang/en")
    page = client.get("/services/passport/apply").get_data(as_text=True)
    office = re.search(r'name="office"[^>]*value="([^"]+)"', page).group(1)
    client.post("/services/passport/apply", data={"office": office})
    from core.models import Draft
    from forms.registry import current_registry
    with app.app_context():
        spec = current_registry().services["passport"]
        steps = [s.id for s in spec.steps]
        draft = Draft.get(Draft.schema_id == "passport")
        draft.completed_steps = steps[:steps.index("documents")]
        draft.save()
    import io
    response = client.post("/services/passport/request/step/documents",
                           data={"photo": (io.BytesIO(noise_jpeg()), "photo.jpg"), "action": "next"},
                           content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code in (200, 422, 503), response.status_code
    assert "Traceback" not in html and "Something went wrong" not in html
    assert "could not be stored just now" in html and "try again later" in html
    with app.app_context():
        assert Document.select().count() == 0
    assert files_in(full_store) == [], "no partial file left in the store"


def test_the_sweep_removes_only_old_files_without_a_row(app):
    import time

    from core.models import Applicant
    from storage.backends import get_storage
    from storage.lifecycle import sweep_rowless_files
    with app.app_context():
        storage = get_storage()
        applicant = Applicant.create(national_code="0499370899", email="a@example.com")
        kept = storage.save(b"with a row")
        Document.create(applicant=applicant, field_id="photo", storage_key=kept, original_name="a.pdf",
                        content_type="application/pdf", size=10, sha256="0" * 64)
        old_orphan, new_orphan = storage.save(b"old, no row"), storage.save(b"new, no row")
        hour_ago = time.time() - 3700
        for key in (kept, old_orphan):
            os.utime(storage.path(key), (hour_ago, hour_ago))
        assert sweep_rowless_files() == 1
        assert storage.exists(kept) and storage.exists(new_orphan) and not storage.exists(old_orphan)
