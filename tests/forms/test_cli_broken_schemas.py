"""`flask schemas check`, `python -m forms check` and app start-up on a broken schema directory, run as an
administrator runs them: one summary line per file, every error once, exit status 1, never a traceback."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FLASK = [sys.executable, "-m", "flask", "--app", "app"]
COMMA = "{fa: وزارت علوم, en: Ministry of Science, Research and Technology}"


def run(args: list[str], schema_dir: Path, tmp_path: Path) -> subprocess.CompletedProcess:
    """Run a command from the project root on ``schema_dir`` (SQLite in ``tmp_path``)."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "MIKHAK_INSTANCE")}
    env.update(SCHEMA_DIR=str(schema_dir), MIKHAK_INSTANCE=str(tmp_path / "instance"),
               HOLIDAYS_FILE=str(schema_dir / "holidays.yaml"))
    return subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def broken_copy(tmp_path: Path) -> Path:
    """The shipped schemas with every kind of breakage at once."""
    schema_dir = tmp_path / "schemas"
    shutil.copytree(ROOT / "schemas", schema_dir)
    services = schema_dir / "services"
    (schema_dir / "categories.yaml").write_text("", encoding="utf-8")
    (schema_dir / "holidays.yaml").write_text("iran: [\n", encoding="utf-8")
    (services / "folder.yaml").mkdir()
    (services / "binary.yaml").write_bytes(b"\x89PNG\r\n\x1a\n\xff\xfe")
    (services / "control.yaml").write_text("id: a\ntitle: x\x00y\n", encoding="utf-8")
    passport = services / "passport.yaml"
    passport.write_text(passport.read_text(encoding="utf-8").replace("id: passport", "id: [1, 2]", 1)
                        + "titel: x\n", encoding="utf-8")
    smart = services / "smart_card.yaml"
    smart.write_text(re.sub(r"^title: .*$", f"title: {COMMA}", smart.read_text(encoding="utf-8"), count=1,
                            flags=re.M), encoding="utf-8")
    return schema_dir


def assert_clean_report(result: subprocess.CompletedProcess) -> list[str]:
    """Exit 1, no traceback, no line twice; the lines printed."""
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "Traceback" not in output and "Error:" not in output, output
    lines = [line for line in output.splitlines() if line.strip()]
    assert len(lines) == len(set(lines)), output
    return lines


@pytest.fixture(scope="module")
def broken(tmp_path_factory) -> Path:
    """One broken schema directory for every command."""
    return broken_copy(tmp_path_factory.mktemp("broken"))


@pytest.mark.parametrize("command", [[*FLASK, "schemas", "check"], [sys.executable, "-m", "forms", "check"]])
def test_schemas_check_prints_a_summary_per_file_and_every_error_once(broken, tmp_path, command):
    args = command if command[2] == "flask" else [*command, str(broken)]
    lines = assert_clean_report(run(args, broken, tmp_path))
    assert "schemas/categories.yaml: 1 error" in lines
    assert "schemas/categories.yaml:1:1: file is empty" in lines
    assert "schemas/holidays.yaml: 1 error" in lines
    assert "schemas/holidays.yaml:2:1: YAML syntax error: did not find expected node content" in lines
    assert "schemas/services/folder.yaml:1:1: is a directory, not a file: rename or remove it" in lines
    assert "schemas/services/binary.yaml:1:1: file is not valid UTF-8 (byte 0)" in lines
    assert ("schemas/services/control.yaml:2:9: the character U+0000 is not allowed in YAML "
            "(a control character: delete it)") in lines
    assert "schemas/services/passport.yaml: 2 errors" in lines
    assert any(re.fullmatch(r"schemas/services/passport\.yaml:\d+:1: unknown key 'titel'; did you mean 'title'\?",
                            line) for line in lines), lines
    assert "schemas/services/passport.yaml:7:5: expected a text, got a list" in lines
    assert any(line.startswith("schemas/services/smart_card.yaml:") and line.endswith(
        "unknown key 'Research and Technology' (allowed here: fa, en, or a language code like de); "
        "a comma inside {…} starts a new key: if it belongs to the text before it, put that text in quotes "
        "(en: \"…, …\")") for line in lines), lines
    assert re.search(r"^schemas/services/death_registration\.yaml: ok \(service death_registration", "\n".join(lines),
                     re.M)


def test_start_up_refuses_with_the_errors_and_no_traceback(broken, tmp_path):
    lines = assert_clean_report(run([*FLASK, "db", "upgrade"], broken, tmp_path))
    assert lines[0].startswith("Mikhak cannot start: the schema files have ")
    assert "schemas/services/folder.yaml:1:1: is a directory, not a file: rename or remove it" in lines


@pytest.mark.parametrize("name", ["categories.yaml", "registration.yaml", "holidays.yaml"])
def test_a_directory_in_place_of_a_top_level_file(tmp_path, name):
    schema_dir = tmp_path / "schemas"
    shutil.copytree(ROOT / "schemas", schema_dir)
    (schema_dir / name).unlink()
    (schema_dir / name).mkdir()
    lines = assert_clean_report(run([sys.executable, "-m", "forms", "check", str(schema_dir)], schema_dir, tmp_path))
    assert f"schemas/{name}: 1 error" in lines
    assert f"schemas/{name}:1:1: is a directory, not a file: rename or remove it" in lines


def test_demo_load_with_a_broken_holidays_file(tmp_path):
    schema_dir = tmp_path / "schemas"
    shutil.copytree(ROOT / "schemas", schema_dir)
    (schema_dir / "holidays.yaml").write_text("iran:\n  - {date: 2026-02-30, fa: x, en: y}\n", encoding="utf-8")
    assert run([*FLASK, "db", "upgrade"], schema_dir, tmp_path).returncode == 0
    lines = assert_clean_report(run([*FLASK, "demo", "load"], schema_dir, tmp_path))
    assert "1 error in the closed days file:" in lines
    assert any(re.fullmatch(r".*holidays\.yaml:2:\d+: .*", line) for line in lines), lines
