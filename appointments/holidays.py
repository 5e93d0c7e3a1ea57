"""Closed days from a YAML file (safe loader, every error as file:line:col) into the ClosedDay table.

File shape (see schemas/holidays.yaml)::

    iran:                       # every office
      - {date: 2026-03-21, fa: نوروز, en: Nowruz}
    countries:                  # every office in that host country (ISO 3166-1 alpha-2)
      DE:
        - {date: 2026-10-03, fa: روز وحدت آلمان, en: German Unity Day}
    offices:                    # one office, by code
      de-berlin:
        - {date: 2026-12-24, fa: تعطیلی دفتر, en: Office closed}
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pycountry

from core.db import database
from core.models import ClosedDay, Office
from forms.errors import SchemaError, SchemaErrors
from forms.loader import Document, read_document

TOP_KEYS = ("iran", "countries", "offices")
SCOPES = {"countries": "country", "offices": "office"}
ENTRY_KEYS = ("date", "fa", "en")
NAME_MAX = ClosedDay.name_fa.max_length


@dataclass(frozen=True)
class Holiday:
    """One closed day read from the file."""

    scope: str
    target: str
    day: dt.date
    name_fa: str
    name_en: str
    line: int

    @property
    def key(self) -> str:
        """The row's unique key: scope, target and ISO date."""
        return f"{self.scope}:{self.target}:{self.day.isoformat()}"


def _entries(doc: Document, path: tuple, scope: str, target: str, errors: list[SchemaError]) -> list[Holiday]:
    """Read a list of {date, fa, en} entries at ``path``."""
    value = doc.data
    for part in path:
        value = value[part]
    if not isinstance(value, list):
        errors.append(doc.error(path, "expected a list of {date: YYYY-MM-DD, fa: …, en: …}"))
        return []
    found = []
    for index, entry in enumerate(value):
        where = (*path, index)
        if not isinstance(entry, dict):
            errors.append(doc.error(where, "expected {date: YYYY-MM-DD, fa: …, en: …}"))
            continue
        for key in entry:
            if key not in ENTRY_KEYS:
                errors.append(doc.error((*where, key), f"unknown key {key!r} (expected date, fa, en)", key=True))
        try:
            day = dt.date.fromisoformat(str(entry.get("date", "")))
        except ValueError:
            errors.append(doc.error((*where, "date"), f"'date' must be a date YYYY-MM-DD, got {entry.get('date')!r}"))
            continue
        names = {}
        for language in ("fa", "en"):
            name = entry.get(language)
            if not isinstance(name, str) or not name.strip() or len(name) > NAME_MAX:
                errors.append(doc.error((*where, language), f"{language!r} must be a text of 1 to {NAME_MAX} "
                                                            "characters"))
            names[language] = str(name or "").strip()
        found.append(Holiday(scope, target, day, names["fa"], names["en"], doc.where(where)[0]))
    return found


def parse_holidays(doc: Document, office_codes: set[str] | None = None) -> list[Holiday]:
    """Validate a parsed holidays document; raise SchemaErrors listing every problem."""
    errors: list[SchemaError] = []
    data = doc.data if doc.data is not None else {}
    if not isinstance(data, dict):
        raise SchemaErrors([doc.error((), "expected a mapping with 'iran', 'countries' and/or 'offices'")])
    found: list[Holiday] = []
    for key in data:
        if key not in TOP_KEYS:
            errors.append(doc.error((key,), f"unknown key {key!r} (expected iran, countries, offices)", key=True))
    if "iran" in data:
        found += _entries(doc, ("iran",), "iran", "", errors)
    for section in ("countries", "offices"):
        groups = data.get(section)
        if groups is None:
            continue
        if not isinstance(groups, dict):
            errors.append(doc.error((section,), f"'{section}' must map codes to lists of days"))
            continue
        for code in groups:
            if section == "countries" and not (len(code) == 2 and code.isupper()
                                               and pycountry.countries.get(alpha_2=code)):
                errors.append(doc.error((section, code), f"{code!r} is not an ISO 3166-1 alpha-2 country code",
                                        key=True))
                continue
            if section == "offices" and office_codes is not None and code not in office_codes:
                errors.append(doc.error((section, code), f"no office has the code {code!r}", key=True))
                continue
            found += _entries(doc, (section, code), SCOPES[section], code, errors)
    seen: dict[str, int] = {}
    for holiday in found:
        if holiday.key in seen:
            errors.append(SchemaError(doc.name, holiday.line, 1, f"{holiday.day} is listed twice for this "
                                                                 f"scope (first on line {seen[holiday.key]})"))
        seen.setdefault(holiday.key, holiday.line)
    if errors:
        raise SchemaErrors(errors)
    return found


def load_holidays(path: Path | str, office_codes: set[str] | None = None) -> list[Holiday]:
    """Read and check a holidays YAML file; raise SchemaErrors with file:line:col messages."""
    path = Path(path)
    return parse_holidays(read_document(path, str(path)), office_codes)  # impossible dates located by the loader


def store_holidays(holidays: list[Holiday]) -> tuple[int, int]:
    """Insert or update the closed days in one transaction; return (added, updated)."""
    offices = {office.code: office for office in Office.select()}
    added = updated = 0
    with database.atomic():
        for holiday in holidays:
            values = dict(day=holiday.day, scope=holiday.scope, name_fa=holiday.name_fa, name_en=holiday.name_en,
                          country=holiday.target if holiday.scope == "country" else "",
                          office=offices[holiday.target] if holiday.scope == "office" else None)
            if ClosedDay.update(**values).where(ClosedDay.key == holiday.key).execute():
                updated += 1
            else:
                ClosedDay.create(key=holiday.key, **values)
                added += 1
    return added, updated


def import_file(path: Path | str) -> tuple[int, int]:
    """Check a holidays file against the offices in the database and store it; return (added, updated)."""
    codes = {office.code for office in Office.select(Office.code)}
    return store_holidays(load_holidays(path, codes))
