"""Which workflow statuses mean 'appointment', 'attended', 'no-show' and 'completed' for a service.

Status ids differ per service, so they are derived from the service's workflow:

- appointment: the first status marked ``appointment: true``;
- no-show: the status ``no_show`` when the appointment status may move to it (None otherwise: the
  request then stays in the appointment status and can be given a new appointment);
- attended: the first status the appointment status may move to that is not the no-show status
  (``attended`` in the default workflow, ``signed`` for a power of attorney, ``issued`` for a
  travel document);
- completed: the first status the attended status may move to (``completed`` by default), or None
  when the attended status is already final.
"""

from __future__ import annotations

NO_SHOW = "no_show"


def appointment_status(spec) -> str | None:
    """Return the id of the service's appointment status, or None."""
    return next((status.id for status in spec.workflow.statuses if status.appointment), None)


def no_show_status(spec) -> str | None:
    """Return the status for a missed appointment, or None if the workflow has none."""
    target = appointment_status(spec)
    return NO_SHOW if target and NO_SHOW in spec.workflow.next_statuses(target) else None


def attended_status(spec) -> str | None:
    """Return the status a checked-in request moves to."""
    target = appointment_status(spec)
    if target is None:
        return None
    return next((s for s in spec.workflow.next_statuses(target) if s != NO_SHOW), None)


def completion_status(spec) -> str | None:
    """Return the status that closes a request after attendance, or None when attendance already closes it."""
    attended = attended_status(spec)
    if attended is None or spec.workflow.status(attended).final:
        return None
    return next(iter(spec.workflow.next_statuses(attended)), None)


def office_statuses(spec) -> set[str]:
    """Return the statuses reached only through booking and check-in at the office, never by a plain button.

    Giving an appointment books a slot and e-mails the notice; check-in and no-shows happen on the day view.
    Empty for a service without an ``appointment`` section.
    """
    if getattr(spec, "appointment", None) is None:
        return set()
    return {sid for sid in (appointment_status(spec), attended_status(spec), no_show_status(spec)) if sid}
