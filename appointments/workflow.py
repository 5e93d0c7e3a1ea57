"""Which workflow statuses mean 'appointment', 'attended', 'no-show' and 'completed' for a service.

Status ids differ per service. Each is a workflow key (docs/schemas.md), else derived when unambiguous
(the checker refuses a workflow where the derivation would have to guess):

- appointment: ``appointment_status``, else the status marked ``appointment: true``;
- no-show: ``no_show``, else the status ``no_show`` when the appointment status may move to it (None
  otherwise: the request then stays in the appointment status and can be given a new appointment);
- attended (where check-in moves): ``check_in``, else the one status the appointment status may move to
  that is not the no-show status (``attended`` in the default workflow);
- booking: the applicant may book from ``booking_from``, else from any status that may move to the
  appointment status (and in the appointment status itself, once a booking was cancelled);
- completed: the first status the attended status may move to (``completed`` by default), or None
  when the attended status is already final.
"""

from __future__ import annotations

NO_SHOW = "no_show"


def appointment_status(spec) -> str | None:
    """Return the id of the service's appointment status, or None."""
    if spec.workflow.appointment_status:
        return spec.workflow.appointment_status
    return next((status.id for status in spec.workflow.statuses if status.appointment), None)


def no_show_status(spec) -> str | None:
    """Return the status for a missed appointment, or None if the workflow has none."""
    target = appointment_status(spec)
    if target and spec.workflow.no_show:
        return spec.workflow.no_show
    return NO_SHOW if target and NO_SHOW in spec.workflow.next_statuses(target) else None


def attended_status(spec) -> str | None:
    """Return the status a checked-in request moves to."""
    target = appointment_status(spec)
    if target is None:
        return None
    if spec.workflow.check_in:
        return spec.workflow.check_in
    missed = no_show_status(spec)
    return next((s for s in spec.workflow.next_statuses(target) if s != missed), None)


def booking_statuses(spec) -> list[str]:
    """Return the statuses from which the applicant may book (besides the appointment status itself)."""
    target = appointment_status(spec)
    if target is None:
        return []
    if spec.workflow.booking_from is not None:
        return list(spec.workflow.booking_from)
    return [s.id for s in spec.workflow.statuses if target in spec.workflow.next_statuses(s.id)]


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
