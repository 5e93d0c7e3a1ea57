"""`make run`'s `flask documents dev-keys` on the demo offices: every office gets a key, whatever its name's length."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from cryptography import x509
from cryptography.x509.oid import NameOID

from documents.keys import fit_name

ROOT = Path(__file__).resolve().parents[2]


def test_dev_keys_after_demo_load_gives_every_demo_office_a_certificate(tmp_path):
    env = {**os.environ, "MIKHAK_INSTANCE": str(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path / 'run.db'}",
           "SIGNING_KEY_DIR": str(tmp_path / "signing"), "MAIL_BACKEND": "file"}
    flask = [sys.executable, "-m", "flask", "--app", "app"]
    for command in (["db", "upgrade"], ["demo", "load"], ["documents", "dev-keys"]):
        done = subprocess.run([*flask, *command], cwd=ROOT, env=env, capture_output=True, text=True, check=False)
        assert done.returncode == 0 and "Traceback" not in done.stderr, (command, done.stderr[-2000:])
    assert "6 made (ae-dubai, ca-ottawa, de-berlin, gb-london, tr-istanbul, default)" in done.stdout, done.stdout
    certificates = {path.parent.name: x509.load_pem_x509_certificate(path.read_bytes())
                    for path in (tmp_path / "signing").glob("*/cert.pem")}
    names = {code: cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value
             for code, cert in certificates.items()}
    assert len(names) == 6 and all(len(name) <= 64 for name in names.values()), names
    # Ottawa's 68-character name stopped `make run` here before it was shortened at a word.
    assert names["ca-ottawa"] == "Interests Section of the I.R. of Iran (consular services for…"


def test_a_name_is_shortened_at_a_word_and_short_names_are_kept():
    assert fit_name("Consular Section, Embassy of the I.R. of Iran, Berlin") == \
        "Consular Section, Embassy of the I.R. of Iran, Berlin"
    long = "Consular Section, Embassy of the Islamic Republic of Iran, Kuala Lumpur"
    assert len(fit_name(long)) <= 64 and fit_name(long).endswith("Iran…")
