"""Service-level targets: a due date counted in the office's working days, and the escalation recipients."""

from __future__ import annotations

import datetime as dt
from typing import Any

from appointments import calendar
from core.models import Office, Staff
from workflow.roles import holds

ESCALATION_ROLE = "consul"


def _is_working_day(office: Office, day: dt.date, closed: dict, any_hours: bool) -> bool:
    if day in closed:
        return False
    return not any_hours or bool(calendar.intervals(office, day.weekday()))


def add_working_days(office: Office, start: dt.datetime, days: int) -> dt.datetime:
    """The end (UTC, naive) of the ``days``-th working day of ``office`` after the day of ``start`` (UTC).

    Working days are days with opening hours that are not closed days; an office with no opening hours
    at all counts every day that is not closed.
    """
    local_day = calendar.to_local(start, office).date()
    any_hours = any(calendar.intervals(office, weekday) for weekday in range(7))
    span = days * 3 + 60
    closed = calendar.closed_days(office, local_day, local_day + dt.timedelta(days=span))
    day, counted = local_day, 0
    while counted < days:
        day += dt.timedelta(days=1)
        if day > local_day + dt.timedelta(days=span):  # a calendar closed for months: extend the look-up
            closed.update(calendar.closed_days(office, day, day + dt.timedelta(days=span)))
            span *= 2
        if _is_working_day(office, day, closed, any_hours):
            counted += 1
    midnight = dt.datetime.combine(day + dt.timedelta(days=1), dt.time())
    return (calendar.to_utc(midnight, calendar.zone(office))
            or midnight.replace(tzinfo=calendar.zone(office)).astimezone(dt.UTC).replace(tzinfo=None))


def due_at(spec: Any, office: Office, submitted_at: dt.datetime) -> dt.datetime | None:
    """When a request made now is due: the service's target in working days, else ``processing_days``."""
    if spec.target is not None:
        return add_working_days(office, submitted_at, spec.target.days_for(office.code))
    if spec.processing_days:
        return submitted_at + dt.timedelta(days=spec.processing_days)
    return None


def due_day(due: dt.datetime, office: Office | None) -> dt.date:
    """The last day a request due at ``due`` (UTC) may be finished, in the office's time zone."""
    if office is None:
        return due.date()
    return calendar.to_local(due - dt.timedelta(seconds=1), office).date()


def escalation_recipients(office_id: int) -> list[Staff]:
    """Who hears that a request passed its target: the office's consuls and its administrators, else all admins."""
    staff = list(Staff.select().where(Staff.active & ((Staff.office == office_id) | (Staff.role == "admin"))))
    chosen = [s for s in staff if (s.office_id == office_id and (s.role == "admin" or holds(s, ESCALATION_ROLE)))]
    return chosen or [s for s in staff if s.role == "admin"]
