"""Closed days from YAML: the shipped file loads, errors carry file:line:col, loading twice updates."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from appointments.holidays import import_file, load_holidays, store_holidays
from core.models import ClosedDay
from forms.errors import SchemaErrors
from tests.appointments.conftest import make_office

SHIPPED = Path(__file__).resolve().parents[2] / "schemas" / "holidays.yaml"


def test_shipped_file_loads_and_reloads(ctx, runner):
    added, updated = import_file(SHIPPED)
    assert added > 30 and updated == 0
    assert ClosedDay.get(ClosedDay.key == "iran::2027-03-21").name_fa.startswith("عید نوروز")
    assert ClosedDay.get(ClosedDay.key == "country:DE:2027-10-03").name_en == "German Unity Day"
    assert import_file(SHIPPED) == (0, added)
    result = runner.invoke(args=["appointments", "holidays", str(SHIPPED)])
    assert result.exit_code == 0 and f"0 added, {added} updated" in result.output


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "holidays.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_every_error_is_located(ctx, tmp_path):
    make_office(code="de-berlin")
    path = write(tmp_path, """\
iran:
  - {date: tomorrow, fa: x, en: x}
  - {date: 2027-02-11, fa: "", en: Revolution Day}
countries:
  de:
    - {date: 2027-01-01, fa: x, en: x}
offices:
  xx-nowhere:
    - {date: 2027-01-01, fa: x, en: x}
  de-berlin:
    - {date: 2027-01-02, fa: x, en: x, colour: red}
    - {date: 2027-01-03, fa: x, en: x}
    - {date: 2027-01-03, fa: y, en: y}
holidays: []
""")
    with pytest.raises(SchemaErrors) as caught:
        load_holidays(path, {"de-berlin"})
    lines = [str(error).split(": ", 1) for error in caught.value.errors]
    where = {location.rsplit(":", 2)[1] for location, _message in lines}
    assert {"2", "3", "5", "8", "11", "13", "14"} <= where
    text = str(caught.value)
    assert f"{path}:2:" in text and "'date' must be a date" in text
    assert "'de' is not an ISO 3166-1 alpha-2 country code" in text
    assert "no office has the code 'xx-nowhere'" in text
    assert "unknown key 'colour'" in text and "unknown key 'holidays'" in text
    assert "listed twice" in text


def test_impossible_dates_are_located(ctx, tmp_path):
    path = write(tmp_path, "iran:\n  - {date: 2027-01-01, fa: x, en: x}\n  - {date: 2027-13-01, fa: x, en: x}\n")
    with pytest.raises(SchemaErrors) as caught:
        load_holidays(path)
    assert str(caught.value).startswith(f"{path}:3:12: '2027-13-01' is not a date that exists")


def test_syntax_errors_are_located(ctx, tmp_path):
    path = write(tmp_path, "iran:\n  - {date: 2027-01-01, fa: x\n")
    with pytest.raises(SchemaErrors) as caught:
        load_holidays(path)
    assert str(caught.value).startswith(f"{path}:3:")


def test_the_cli_reports_errors(ctx, runner, tmp_path):
    path = write(tmp_path, "iran: {date: 2027-01-01}\n")
    result = runner.invoke(args=["appointments", "holidays", str(path)])
    assert result.exit_code == 1 and f"{path}:1:7: expected a list" in result.output


def test_store_updates_names(ctx, tmp_path):
    store_holidays(load_holidays(write(tmp_path, "iran:\n  - {date: 2027-02-11, fa: الف, en: A}\n")))
    store_holidays(load_holidays(write(tmp_path, "iran:\n  - {date: 2027-02-11, fa: ب, en: B}\n")))
    row = ClosedDay.get(ClosedDay.day == dt.date(2027, 2, 11))
    assert (row.name_fa, row.name_en, ClosedDay.select().count()) == ("ب", "B", 1)
