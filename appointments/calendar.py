"""Office calendars: opening hours per weekday in the office's timezone, closed days, slots stored in UTC.

Slots are generated from wall-clock opening hours in the office's timezone and converted to UTC with
zoneinfo, so they follow daylight saving time. A wall time that does not exist (the hour skipped when
clocks go forward) gives no slot; a wall time that happens twice (when clocks go back) gives one slot,
at its first occurrence. A slot must end by the end of its opening interval.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from core.models import ClosedDay, Office, Slot
from core.ratelimit import now

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
HORIZON_DAYS = 120


class CalendarError(ValueError):
    """An office's calendar settings are unusable (unknown timezone, malformed opening hours)."""


@dataclass(frozen=True)
class SlotInfo:
    """One slot of an office: start and end in UTC (naive), seats taken and the office's capacity."""

    office: Office
    starts_at: dt.datetime
    ends_at: dt.datetime
    booked: int
    capacity: int

    @property
    def free(self) -> int:
        """Seats still free."""
        return max(self.capacity - self.booked, 0)

    @property
    def local_start(self) -> dt.datetime:
        """The start in the office's timezone (aware)."""
        return to_local(self.starts_at, self.office)


def zone(office: Office) -> ZoneInfo:
    """Return the office's timezone."""
    try:
        return ZoneInfo(office.timezone or "UTC")
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise CalendarError(f"office {office.code}: unknown timezone {office.timezone!r}") from exc


def to_local(moment: dt.datetime, office: Office) -> dt.datetime:
    """Convert a naive UTC datetime to the office's local time (aware)."""
    return moment.replace(tzinfo=dt.UTC).astimezone(zone(office))


def to_utc(local: dt.datetime, tz: ZoneInfo) -> dt.datetime | None:
    """Convert a naive wall time in ``tz`` to naive UTC; None when that wall time does not exist."""
    aware = local.replace(tzinfo=tz, fold=0)
    utc = aware.astimezone(dt.UTC)
    if utc.astimezone(tz).replace(tzinfo=None) != local:
        return None
    return utc.replace(tzinfo=None)


def _minutes(text: object, office: Office) -> int:
    """Parse 'HH:MM' into minutes after midnight (24:00 allowed as an end)."""
    try:
        hours, minutes = str(text).split(":")
        value = int(hours) * 60 + int(minutes)
    except ValueError as exc:
        raise CalendarError(f"office {office.code}: opening hour {text!r} is not HH:MM") from exc
    if not 0 <= int(minutes) < 60 or not 0 <= value <= 24 * 60:
        raise CalendarError(f"office {office.code}: opening hour {text!r} is not HH:MM")
    return value


def intervals(office: Office, weekday: int) -> list[tuple[int, int]]:
    """Return the opening intervals of a weekday (0 = Monday) as (start, end) minutes."""
    found = []
    for interval in (office.opening_hours or {}).get(WEEKDAYS[weekday], []) or []:
        if not isinstance(interval, list | tuple) or len(interval) != 2:
            raise CalendarError(f"office {office.code}: opening interval {interval!r} is not [start, end]")
        start, end = (_minutes(value, office) for value in interval)
        if end <= start:
            raise CalendarError(f"office {office.code}: opening interval {interval!r} ends before it starts")
        found.append((start, end))
    return sorted(found)


def closed_days(office: Office, first: dt.date, last: dt.date) -> dict[dt.date, ClosedDay]:
    """Return the closed days between ``first`` and ``last`` (inclusive) that apply to ``office``."""
    applies = ((ClosedDay.scope == "iran")
               | ((ClosedDay.scope == "country") & (ClosedDay.country == office.country))
               | ((ClosedDay.scope == "office") & (ClosedDay.office == office.id)))
    rows = ClosedDay.select().where((ClosedDay.day >= first) & (ClosedDay.day <= last) & applies)
    return {row.day: row for row in rows}


def is_closed(office: Office, day: dt.date) -> bool:
    """Return whether ``office`` is closed on ``day`` (a holiday, or no opening hours that weekday)."""
    return bool(closed_days(office, day, day)) or not intervals(office, day.weekday())


def day_slots(office: Office, day: dt.date) -> list[dt.datetime]:
    """Return the UTC starts of the slots of a local ``day`` from opening hours, ignoring closed days."""
    tz = zone(office)
    length = office.slot_minutes
    if length <= 0:
        raise CalendarError(f"office {office.code}: slot length must be positive")
    midnight = dt.datetime.combine(day, dt.time())
    starts = []
    for start, end in intervals(office, day.weekday()):
        minute = start
        while minute + length <= end:
            utc = to_utc(midnight + dt.timedelta(minutes=minute), tz)
            if utc is not None and utc not in starts:
                starts.append(utc)
            minute += length
    return sorted(starts)


def local_today(office: Office) -> dt.date:
    """Return today's date at the office."""
    return to_local(now(), office).date()


def slot_times(office: Office, start: dt.date, days: int) -> list[dt.datetime]:
    """Return the UTC starts of the slots of ``days`` local days from ``start``, closed days left out."""
    last = start + dt.timedelta(days=days - 1)
    closed = closed_days(office, start, last)
    times: list[dt.datetime] = []
    for offset in range(days):
        day = start + dt.timedelta(days=offset)
        if day not in closed:
            times.extend(day_slots(office, day))
    return times


def is_slot(office: Office, starts_at: dt.datetime) -> bool:
    """Return whether ``starts_at`` (naive UTC) is the start of an open slot of ``office``."""
    day = to_local(starts_at, office).date()
    return not closed_days(office, day, day) and starts_at in day_slots(office, day)


def _booked(office: Office, times: list[dt.datetime]) -> dict[dt.datetime, int]:
    """Return the seats taken per slot start among ``times``."""
    if not times:
        return {}
    rows = Slot.select(Slot.starts_at, Slot.booked).where(
        (Slot.office == office.id) & (Slot.starts_at >= times[0]) & (Slot.starts_at <= times[-1]))
    return {row.starts_at: row.booked for row in rows}


def slots(office: Office, start: dt.date, days: int, *, after: dt.datetime | None = None) -> list[SlotInfo]:
    """Return every slot (full or not) of ``days`` local days from ``start`` that starts after ``after``."""
    after = now() if after is None else after
    times = [t for t in slot_times(office, start, days) if t > after]
    booked = _booked(office, times)
    length = dt.timedelta(minutes=office.slot_minutes)
    return [SlotInfo(office, t, t + length, booked.get(t, 0), office.slot_capacity) for t in times]


def free_slots(office: Office, start: dt.date | dt.datetime | None = None, days: int = 14) -> list[SlotInfo]:
    """Return the slots with a free seat over ``days`` local days from ``start`` (default today), future only.

    ``start`` is a date in the office's calendar, or a UTC datetime whose local date is used.
    """
    if start is None:
        start = local_today(office)
    elif isinstance(start, dt.datetime):
        start = to_local(start, office).date()
    return [slot for slot in slots(office, start, days) if slot.free > 0]


def next_free_slot(office: Office, after: dt.datetime | None = None, *, until: dt.datetime | None = None,
                   horizon_days: int = HORIZON_DAYS) -> SlotInfo | None:
    """Return the first slot with a free seat starting after ``after`` (naive UTC, default now)."""
    after = max(after or now(), now())
    day = to_local(after, office).date()
    checked = 0
    while checked < horizon_days:
        chunk = min(14, horizon_days - checked)
        for slot in slots(office, day, chunk, after=after):
            if until is not None and slot.starts_at > until:
                return None
            if slot.free > 0:
                return slot
        day += dt.timedelta(days=chunk)
        checked += chunk
    return None
