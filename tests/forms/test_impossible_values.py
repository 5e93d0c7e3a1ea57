"""A date that does not exist in a schema is an error at file:line:col, never a traceback: in the loader, the
checker (`python -m forms check`), `flask schemas check` and when the app starts."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.forms.conftest import errors_of, service_yaml, write_schemas

ROOT = Path(__file__).resolve().parents[2]
F = "schemas/services/sample.yaml"
FIELDS = """
    - id: born
      type: date
      label: {fa: تاریخ تولد, en: Birth date}
      min: 1900-02-30
      max: 2027-13-01
"""


def test_the_loader_locates_every_impossible_date(tmp_path: Path) -> None:
    errors = errors_of(write_schemas(tmp_path, {"sample": service_yaml(FIELDS)}))
    assert errors == [f"{F}:11:14: '1900-02-30' is not a date that exists (day is out of range for month)",
                      f"{F}:12:14: '2027-13-01' is not a date that exists (month must be in 1..12)"]


def _broken_copy(tmp_path: Path) -> Path:
    """The shipped schemas with one impossible date."""
    schema_dir = tmp_path / "schemas"
    shutil.copytree(ROOT / "schemas", schema_dir)
    path = schema_dir / "services" / "power_of_attorney.yaml"
    text = path.read_text(encoding="utf-8")
    assert 'min: "1900-01-01"' in text
    path.write_text(text.replace('min: "1900-01-01"', "min: 1900-02-30", 1), encoding="utf-8")
    return schema_dir


def _position_of_first_min() -> str:
    """'line:col' of the value of the first ``min: "1900-01-01"`` in the shipped power of attorney."""
    text = (ROOT / "schemas" / "services" / "power_of_attorney.yaml").read_text(encoding="utf-8")
    offset = text.index('min: "1900-01-01"') + len("min: ")
    line = text.count("\n", 0, offset) + 1
    return f"{line}:{offset - text.rfind(chr(10), 0, offset)}"


def _run(args: list[str], schema_dir: Path, tmp_path: Path) -> subprocess.CompletedProcess:
    """Run a command of the project with the broken schemas."""
    env = {**os.environ, "SCHEMA_DIR": str(schema_dir), "DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}"}
    return subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False)


def test_commands_report_the_impossible_date_without_a_traceback(tmp_path: Path) -> None:
    schema_dir = _broken_copy(tmp_path)
    where = f"power_of_attorney.yaml:{_position_of_first_min()}: '1900-02-30' is not a date that exists"
    flask = [sys.executable, "-m", "flask", "--app", "app"]
    for args in ([sys.executable, "-m", "forms", "check", "--dir", str(schema_dir)],
                 [*flask, "schemas", "check"],
                 [*flask, "db", "upgrade"]):  # what `make run` starts with: the app refuses to start
        result = _run(args, schema_dir, tmp_path)
        output = result.stdout + result.stderr
        assert result.returncode == 1, (args, output)
        assert where in output, (args, output)
        assert "Traceback" not in output, (args, output)
