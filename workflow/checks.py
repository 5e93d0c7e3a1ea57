"""Checker rules of workflow language 2: roles, requirements, timers, e-mail texts and the explicit keys.

Called by forms.checks for every service; positions come from the checker, so errors read file:line:col.
"""

from __future__ import annotations

import difflib
from typing import Any

from forms.spec import Service
from workflow.roles import WORK_ROLES

NO_SHOW = "no_show"


def _hint(value: str, known: list[str]) -> str:
    close = difflib.get_close_matches(value, known, n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else f" (known: {', '.join(known)})"


def check(checker: Any, spec: Service, custom: bool) -> None:
    """Every rule of this module for one service (``custom``: the file writes its own workflow)."""
    if custom:
        _check_moves(checker, spec)
        _check_statuses(checker, spec)
        _check_keys(checker, spec)


def _check_roles(checker: Any, roles: list[str] | None, path: tuple) -> None:
    for i, role in enumerate(roles or ()):
        if role not in WORK_ROLES:
            checker.add((*path, "roles", i), f"unknown role {role!r}{_hint(role, list(WORK_ROLES))}")


def _check_guards(checker: Any, spec: Service, guards: list | None, path: tuple) -> None:
    from forms.checks import Scope

    top = dict(spec.fields_by_id)
    for i, guard in enumerate(guards or ()):
        base = (*path, "requires", i)
        for j, ref in enumerate(guard.filled or ()):
            target = top.get(ref)
            if target is None:
                checker.add((*base, "filled", j), f"required field {ref!r} is not a field of this service"
                            f"{_hint(ref, sorted(top))}")
            elif not target.staff_only:
                checker.add((*base, "filled", j), f"required field {ref!r} is not staff_only: staff fill in only "
                                                  "staff-only fields")
        for j, ref in enumerate(guard.viewed if isinstance(guard.viewed, list) else ()):
            target = top.get(ref)
            if target is None or target.type != "file":
                checker.add((*base, "viewed", j), f"document {ref!r} is not a file field of this service")
        if guard.answers is not None:
            checker.condition(guard.answers, (*base, "answers"), Scope(top, applicant=False), "a requirement")
        if guard.paid and spec.fee is None and getattr(spec, "fees", None) is None:
            checker.add((*base, "paid"), "this service has no fee, so there is nothing to pay", warning=True)


def _check_moves(checker: Any, spec: Service) -> None:
    seen: dict[tuple[str, str], int] = {}
    for i, transition in enumerate(spec.workflow.transitions):
        base = ("workflow", "transitions", i)
        for j, target in enumerate(transition.to):
            move = (transition.from_, target)
            if move in seen:
                line = checker.line_of(("workflow", "transitions", seen[move], "from"))
                checker.add((*base, "to", j), f"the move {transition.from_!r} → {target!r} is listed twice (first "
                                              f"on line {line}); roles and requirements would be ambiguous")
            seen.setdefault(move, i)
        _check_roles(checker, transition.roles, base)
        _check_guards(checker, spec, transition.requires, base)


def _check_statuses(checker: Any, spec: Service) -> None:
    workflow = spec.workflow
    defined = {s.id: s for s in workflow.statuses}
    for i, status in enumerate(workflow.statuses):
        base = ("workflow", "statuses", i)
        _check_roles(checker, status.roles, base)
        _check_guards(checker, spec, status.requires, base)
        following = workflow.next_statuses(status.id)
        if status.resume is not None:
            if not status.amend:
                checker.add((*base, "resume"), f"'resume' is for amend statuses; {status.id!r} is not 'amend: true'")
            elif status.resume not in following:
                checker.add((*base, "resume"), f"'resume' must be a status {status.id!r} may move to; "
                                               f"{status.resume!r} is not (it may move to: "
                                               f"{', '.join(following) or 'nothing'})")
        elif status.amend:
            open_next = [s for s in following if s in defined and not defined[s].final]
            if len(open_next) > 1:
                checker.add((*base, "id"), f"where does an amended request resume? {status.id!r} may move to "
                                           f"{', '.join(open_next)}: write 'resume: <status>'")
        if status.timer is not None:
            timer = status.timer
            if status.final:
                checker.add((*base, "timer"), f"a final status never moves on; remove the timer of {status.id!r}")
            if timer.to not in defined:
                checker.add((*base, "timer", "to"), f"timer to undefined status {timer.to!r}"
                                                    f"{_hint(timer.to, sorted(defined))}")
            elif timer.to == status.id:
                checker.add((*base, "timer", "to"), "a timer must move the request to another status")
            if timer.remind_days_before is not None and timer.remind_days_before >= timer.after_days:
                checker.add((*base, "timer", "remind_days_before"), f"the reminder must come before the move: "
                                                                    f"fewer than {timer.after_days} days")
            if status.appointment:
                checker.add((*base, "timer"), "an appointment status is left at the office (check-in or no-show), "
                                              "not by a timer")


def _check_keys(checker: Any, spec: Service) -> None:
    """The appointment status, check-in, no-show and booking statuses: declared, or unambiguous."""
    workflow = spec.workflow
    defined = {s.id: s for s in workflow.statuses}
    flagged = [s.id for s in workflow.statuses if s.appointment]
    appointment = workflow.appointment_status
    if appointment is not None:
        if appointment not in defined:
            checker.add(("workflow", "appointment_status"), f"undefined status {appointment!r}"
                                                            f"{_hint(appointment, sorted(defined))}")
            return
        if not defined[appointment].appointment:
            checker.add(("workflow", "appointment_status"), f"status {appointment!r} is not marked "
                                                            "'appointment: true'")
    elif len(flagged) > 1:
        second = next(i for i, st in enumerate(workflow.statuses) if st.id == flagged[1])
        checker.add(("workflow", "statuses", second, "appointment"), f"several statuses are marked 'appointment: true' "
                                              f"({', '.join(flagged)}): say which one booking enters with "
                                              "'appointment_status: <status>'")
        return
    else:
        appointment = flagged[0] if flagged else None
    for key in ("check_in", "no_show", "booking_from"):
        if getattr(workflow, key) is not None and (appointment is None or spec.appointment is None):
            checker.add(("workflow", key), f"'{key}' needs an appointment status and an 'appointment' section")
    if appointment is None or spec.appointment is None:
        return
    following = workflow.next_statuses(appointment)
    no_show = workflow.no_show or (NO_SHOW if NO_SHOW in following else None)
    for key in ("check_in", "no_show"):
        value = getattr(workflow, key)
        if value is not None and value not in following:
            checker.add(("workflow", key), f"{value!r} is not a status the appointment status {appointment!r} may "
                                           f"move to ({', '.join(following) or 'none'})")
    if workflow.check_in is None:
        candidates = [s for s in following if s != no_show]
        if len(candidates) > 1:
            index = next(i for i, st in enumerate(workflow.statuses) if st.id == appointment)
            checker.add(("workflow", "statuses", index, "id"), f"where does check-in move a request? {appointment!r} "
                                                               f"may move to {', '.join(candidates)}: write "
                                                               "'check_in: <status>'")
    leading = [s.id for s in workflow.statuses if appointment in workflow.next_statuses(s.id)]
    if workflow.booking_from is not None:
        for i, status_id in enumerate(workflow.booking_from):
            if status_id not in leading:
                checker.add(("workflow", "booking_from", i), f"booking moves a request to {appointment!r}, and "
                                                             f"{status_id!r} may not move there")
    elif spec.appointment.mode == "applicant" and len(leading) > 1:
        checker.add(("appointment", "mode"), f"from which statuses may the applicant book? {', '.join(leading)} "
                                             f"all lead to {appointment!r}: write 'booking_from: [...]' in the "
                                             "workflow")
