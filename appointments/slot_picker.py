"""Free times grouped by the office's local day, for the day-then-time choice (applicant and staff pages).

The pages list the days as links (``?day=YYYY-MM-DD``, plain GET, no script needed) and show the chosen
day's times as large radio buttons; the earliest free time is offered first.
"""

from __future__ import annotations

import datetime as dt
from itertools import groupby

from appointments import notice
from appointments.calendar import SlotInfo
from core.models import Office
from i18n import localized_digits

SLOT_FORMAT = "%Y-%m-%dT%H:%M"


def slot_value(slot: SlotInfo) -> str:
    """Return the form value of a slot (its UTC start, minutes precision)."""
    return slot.starts_at.strftime(SLOT_FORMAT)


def group_by_day(slots: list[SlotInfo], office: Office, language: str) -> list[dict]:
    """Return one entry per local day: {iso, date, gregorian, count, slots: [{value, time, free, free_text}]}."""
    days = []
    for day, group in groupby(slots, key=lambda slot: slot.local_start.date()):
        entries = []
        label: dict[str, str] = {}
        for slot in group:
            moment = notice.when(slot.starts_at, slot.ends_at, office, language)
            label = label or moment
            entries.append({"value": slot_value(slot), "time": moment["start"], "free": slot.free,
                            "free_text": localized_digits(slot.free)})
        days.append({"iso": day.isoformat(), "date": label["date"], "gregorian": label["gregorian"],
                     "count": len(entries), "slots": entries})
    return days


def pick_day(days: list[dict], asked: str | None, selected: str = "") -> dict | None:
    """Return the day asked for (?day=), else the day holding ``selected``; None when neither is offered."""
    try:
        wanted = dt.date.fromisoformat(str(asked or "")[:10]).isoformat()
    except ValueError:
        wanted = selected[:10]
    return next((day for day in days if day["iso"] == wanted), None)


def neighbours(days: list[dict], day: dict | None) -> tuple[dict | None, dict | None]:
    """Return the offered days before and after ``day``."""
    if day is None:
        return None, None
    index = days.index(day)
    return (days[index - 1] if index > 0 else None), (days[index + 1] if index + 1 < len(days) else None)
