"""Guards: what a move requires before staff may make it, each kind a function in one registry.

A workflow lists requirements under ``requires:`` on a transition (its moves) or on a status (entering it).
Each requirement has one kind; ``GUARDS[kind](context, guard)`` returns what is missing in the reader's
language, or None when the requirement is met. Built in: ``filled`` (staff-only fields have a value),
``viewed`` (documents staff opened) and ``answers`` (a condition on the answers, with the author's
message). ``paid`` (fee paid or waived) is registered by the fees package::

    from workflow.guards import register_guard
    register_guard("paid", lambda context, guard: None if paid_or_waived(context.request) else _("…"))

Until something registers ``paid``, a move that requires it is refused (a payment nobody can check is not
a payment). Guards apply to staff moves; the applicant's moves (amendment, withdrawal) and timers have none.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _

from core.models import Document, ServiceRequest
from core.ratelimit import now
from forms.conditions import evaluate
from forms.spec import Guard
from i18n import current_language

GuardCheck = Callable[["GuardContext", Guard], str | None]
GUARDS: dict[str, GuardCheck] = {}


@dataclass(frozen=True)
class GuardContext:
    """What a guard may look at: the request, the spec of its answers, the spec moving it, who moves it."""

    request: ServiceRequest
    spec: Any          # the version the request was submitted with (its fields)
    flow: Any          # the spec whose workflow moves it
    staff: Any
    target: str


def register_guard(kind: str, check: GuardCheck) -> None:
    """Make ``check`` the function of requirement kind ``kind`` (a later registration replaces it)."""
    GUARDS[kind] = check


def requirements(workflow: Any, source: str, target: str) -> list[Guard]:
    """The requirements of moving from ``source`` to ``target``: its transitions' and the target status's."""
    found: list[Guard] = []
    for transition in workflow.transitions_between(source, target):
        found.extend(transition.requires or ())
    with contextlib.suppress(KeyError):
        found.extend(workflow.status(target).requires or ())
    return found


def missing(context: GuardContext) -> list[str]:
    """What the move still needs, one text per unmet requirement (empty: the move may be made)."""
    problems: list[str] = []
    for guard in requirements(context.flow.workflow, context.request.status, context.target):
        check = GUARDS.get(guard.kind)
        problem = check(context, guard) if check else _("This step needs a check this installation does not "
                                                        "have (%(kind)s).", kind=guard.kind)
        if problem and problem not in problems:
            problems.append(problem)
    return problems


def _label(spec: Any, field_id: str) -> str:
    field = spec.fields_by_id.get(field_id) if spec is not None else None
    return field.label.get(current_language()) if field is not None and hasattr(field, "label") else field_id


def _filled(context: GuardContext, guard: Guard) -> str | None:
    stored = context.request.staff_answers or {}
    empty = [_label(context.spec, f) for f in guard.filled or () if stored.get(f) in (None, "", [])]
    if not empty:
        return None
    return _("Fill in the staff fields first: %(fields)s.", fields="، ".join(empty) if current_language() == "fa"
             else ", ".join(empty))


def _viewed(context: GuardContext, guard: Guard) -> str | None:
    query = Document.select(Document.field_id).where((Document.request == context.request.id)
                                                     & Document.viewed_at.is_null())
    if guard.viewed != "all":
        query = query.where(Document.field_id.in_(list(guard.viewed or ())))
    unseen = sorted({_label(context.spec, field_id) for (field_id,) in query.tuples()})
    if not unseen:
        return None
    separator = "، " if current_language() == "fa" else ", "
    return _("Open these documents first: %(documents)s.", documents=separator.join(unseen))


def _answers(context: GuardContext, guard: Guard) -> str | None:
    profile = context.request.applicant.profile or {}
    answers = {**(context.request.answers or {}), **(context.request.staff_answers or {})}
    if evaluate(guard.answers, answers, profile, now().date()):
        return None
    return guard.message.get(current_language()) if guard.message else _("A condition on the answers is not met.")


def _no_fees(context: GuardContext, guard: Guard) -> str | None:
    return _("The fee cannot be checked: no payment records are installed.")


register_guard("filled", _filled)
register_guard("viewed", _viewed)
register_guard("answers", _answers)
GUARDS.setdefault("paid", _no_fees)
