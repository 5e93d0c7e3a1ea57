"""`flask --app app workflow tick`: timers move requests, reminders go out, overdue requests are escalated.

Safe on several hosts at once and idempotent: every effect is claimed by a conditional UPDATE (the request is
still in the status it entered at that moment; the reminder or escalation is not yet marked) in the same
transaction as its timeline entry and e-mail. On PostgreSQL a second tick's UPDATE waits for the first's row
lock and then finds the condition false; on SQLite write transactions run one after the other. Either way
each request moves, is reminded and is escalated at most once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import peewee as pw

from casework.workflow import is_open_status, notify, record_event
from core import audit
from core.db import database
from core.models import Office, ServiceRequest, utcnow
from core.ratelimit import now
from forms.registry import current_registry
from mailer import queue_email
from workflow.targets import escalation_recipients

BATCH = 500


@dataclass
class TickReport:
    """What one tick did."""

    moved: int = 0
    reminded: int = 0
    escalated: int = 0


def _since() -> pw.Node:
    """When the request entered its status (older rows without it: their last change)."""
    return pw.fn.COALESCE(ServiceRequest.status_since, ServiceRequest.updated_at)


def _due(spec, status_id: str, before: dt.datetime, *, unreminded: bool = False) -> list[tuple[int, dt.datetime]]:
    """Up to BATCH requests of ``spec`` in ``status_id`` since ``before`` or earlier, as (id, since)."""
    query = (ServiceRequest.select(ServiceRequest.id, ServiceRequest.status_since, ServiceRequest.updated_at)
             .where((ServiceRequest.service_id == spec.id) & (ServiceRequest.status == status_id)
                    & (_since() <= before)).order_by(ServiceRequest.id).limit(BATCH))
    if unreminded:
        query = query.where(ServiceRequest.reminded_at.is_null())
    return [(row.id, row.status_since or row.updated_at) for row in query]


def _same_status(request_id: int, status_id: str, since: dt.datetime) -> pw.Expression:
    """The request is still in ``status_id``, entered at ``since`` (nobody moved it meanwhile)."""
    entered = (ServiceRequest.status_since == since) | (ServiceRequest.status_since.is_null()
                                                        & (ServiceRequest.updated_at == since))
    return (ServiceRequest.id == request_id) & (ServiceRequest.status == status_id) & entered


def _move(spec, status, request_id: int, since: dt.datetime, moment: dt.datetime) -> bool:
    """Move one request on its status's timer; False when another tick (or a person) got there first."""
    timer = status.timer
    opened = is_open_status(spec, timer.to)
    with database.atomic():
        claimed = (ServiceRequest.update(status=timer.to, status_since=moment, reminded_at=None, updated_at=utcnow(),
                                         is_open=opened, closed_at=None if opened else utcnow())
                   .where(_same_status(request_id, status.id, since)).execute())
        if not claimed:
            return False
        row = ServiceRequest.get_by_id(request_id)
        record_event(row, from_status=status.id, to_status=timer.to, actor_type="system",
                     system_note={"key": "timer", "days": timer.after_days})
        notify(row, spec, timer.to)
    return True


def _remind(spec, status, request_id: int, since: dt.datetime, moment: dt.datetime) -> bool:
    """Send the reminder of one request's timer once."""
    timer = status.timer
    with database.atomic():
        claimed = (ServiceRequest.update(reminded_at=moment)
                   .where(_same_status(request_id, status.id, since) & ServiceRequest.reminded_at.is_null())
                   .execute())
        if not claimed:
            return False
        row = ServiceRequest.get_by_id(request_id)
        applicant = row.applicant
        target = spec.workflow.status(timer.to)
        queue_email(applicant.email, "request_reminder", applicant.locale or "fa", name=applicant.display_name(),
                    tracking_code=row.tracking_code, service_title=spec.title.model_dump(),
                    status_label=status.label.model_dump(), next_label=target.label.model_dump(),
                    days_left=max((since + dt.timedelta(days=timer.after_days) - moment).days, 1),
                    what_now=(status.email or status.public_next).model_dump()
                    if (status.email or status.public_next) else None)
    return True


def _escalate(moment: dt.datetime) -> int:
    """Tell each overdue open request's office once; return how many were escalated."""
    done = 0
    registry = current_registry()
    query = (ServiceRequest.select(ServiceRequest.id).where(
        ServiceRequest.still_open() & (ServiceRequest.due_at < moment) & ServiceRequest.escalated_at.is_null())
        .order_by(ServiceRequest.due_at).limit(BATCH))
    for (request_id,) in list(query.tuples()):  # a tick escalates up to BATCH requests; the next one goes on
        with database.atomic():
            claimed = (ServiceRequest.update(escalated_at=moment)
                       .where((ServiceRequest.id == request_id) & ServiceRequest.escalated_at.is_null()).execute())
            if not claimed:
                continue
            row = ServiceRequest.get_by_id(request_id)
            spec = registry.services.get(row.service_id)
            office = Office.get_by_id(row.office_id)
            title = spec.title.model_dump() if spec else {"fa": row.service_id, "en": row.service_id}
            recipients = escalation_recipients(row.office_id)
            for staff in recipients:
                queue_email(staff.email, "request_escalated", "fa",
                            name=str(staff), tracking_code=row.tracking_code, service_title=title,
                            office_name={"fa": office.name_fa, "en": office.name_en}, due_at=row.due_at,
                            request_id=row.id, service_id=row.service_id)
            audit.record("request.escalated", actor="workflow tick", object_type="servicerequest", object_id=row.id,
                         office_id=row.office_id, tracking_code=row.tracking_code, due_at=row.due_at.isoformat(),
                         recipients=len(recipients))
            done += 1
    return done


def _drain(batch, act) -> int:
    """Apply ``act`` to batches from ``batch()`` until a batch brings nothing new; return how many acted."""
    done, seen = 0, set()
    while True:
        rows = [row for row in batch() if row[0] not in seen]
        if not rows:
            return done
        for request_id, since in rows:
            seen.add(request_id)
            done += act(request_id, since)


def _run_timer(spec, status, moment: dt.datetime, report: TickReport) -> None:
    """Move the requests whose time in ``status`` is up, then remind those whose reminder is due."""
    timer = status.timer
    deadline = moment - dt.timedelta(days=timer.after_days)
    report.moved += _drain(lambda: _due(spec, status.id, deadline),
                           lambda rid, since: _move(spec, status, rid, since, moment))
    if timer.remind_days_before:
        remind_from = moment - dt.timedelta(days=timer.after_days - timer.remind_days_before)
        report.reminded += _drain(lambda: _due(spec, status.id, remind_from, unreminded=True),
                                  lambda rid, since: _remind(spec, status, rid, since, moment))


def tick(moment: dt.datetime | None = None) -> TickReport:
    """Run every timer, reminder and escalation due at ``moment`` (the app's clock by default)."""
    moment = moment or now()
    report = TickReport()
    for spec in current_registry().services.values():
        for status in spec.workflow.statuses:
            if status.timer is not None:
                _run_timer(spec, status, moment, report)
    report.escalated = _escalate(moment)
    return report
