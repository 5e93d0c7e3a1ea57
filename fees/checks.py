"""Cross-reference checks of a service's `fees:`: conditions, `per` groups, ids, currencies, dated periods."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from forms.spec import Service


def check_fees(checker: Any, spec: Service) -> None:
    """Report every problem of ``spec.fees`` through ``checker`` (a forms.checks.Checker), as file:line:col."""
    if spec.fees is None:
        return
    from forms.checks import Scope

    top = dict(spec.fields_by_id)
    for i, schedule in enumerate(spec.fees.schedules):
        base = ("fees", "schedules", i)
        seen: dict[str, Any] = {}
        for part in ("items", "surcharges", "waivers"):
            for j, entry in enumerate(getattr(schedule, part)):
                path = (*base, part, j)
                checker.unique(seen, entry.id, (*path, "id"), "fee id")
                if entry.when is not None:
                    checker.condition(entry.when, (*path, "when"), Scope(top), f"fee {entry.id!r}")
                per = getattr(entry, "per", None)
                if per is not None:
                    target = top.get(per)
                    if target is None or target.type != "group":
                        checker.add((*path, "per"), f"'per' of fee {entry.id!r} must name a group field of this "
                                                    f"service, not {per!r}")
        _check_currencies(checker, schedule, base)
    _check_periods(checker, spec)
    known = {status.id for status in spec.workflow.all_statuses}
    for k, status_id in enumerate(spec.fees.paid_before):
        if status_id not in known:
            checker.add(("fees", "paid_before", k), f"paid_before names {status_id!r}, which is not a status of this "
                                                    "service's workflow")


def _check_currencies(checker: Any, schedule: Any, base: tuple) -> None:
    """Every fixed amount of a schedule must be given in the same currencies."""
    entries = [("items", j, e) for j, e in enumerate(schedule.items)]
    entries += [("surcharges", j, e) for j, e in enumerate(schedule.surcharges) if e.amount is not None]
    every = set().union(*(set(e.amount) for _p, _j, e in entries))
    for part, j, entry in entries:
        missing = sorted(every - set(entry.amount))
        if missing:
            checker.add((*base, part, j, "amount"), f"fee {entry.id!r} has no amount in {', '.join(missing)}, which "
                                                    "other fees of this schedule have")


def _check_periods(checker: Any, spec: Service) -> None:
    """Schedules may neither overlap nor leave days uncovered between them."""
    order = sorted(range(len(spec.fees.schedules)), key=lambda k: spec.fees.schedules[k].from_)
    for k in order:
        schedule = spec.fees.schedules[k]
        if schedule.to is not None and schedule.to < schedule.from_:
            checker.add(("fees", "schedules", k, "to"), f"the schedule ends ({schedule.to}) before it starts "
                                                        f"({schedule.from_})")
    for prev_k, next_k in itertools.pairwise(order):
        prev, nxt = spec.fees.schedules[prev_k], spec.fees.schedules[next_k]
        line = checker.line_of(("fees", "schedules", prev_k, "from"))
        where = ("fees", "schedules", next_k, "from")
        if prev.to is None or nxt.from_ <= prev.to:
            until = "until further notice" if prev.to is None else f"until {prev.to}"
            checker.add(where, f"fee schedule from {nxt.from_} overlaps the schedule from {prev.from_} (line {line}), "
                               f"in force {until}")
        elif nxt.from_ > prev.to + dt.timedelta(days=1):
            gap_end = nxt.from_ - dt.timedelta(days=1)
            checker.add(where, f"no fee schedule from {prev.to + dt.timedelta(days=1)} to {gap_end}: the schedule "
                               f"from {prev.from_} (line {line}) ends on {prev.to}")
