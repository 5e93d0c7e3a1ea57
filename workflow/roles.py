"""Casework roles: who may take a move of a workflow.

A staff member's access level (``Staff.role``: ``admin`` for every office, ``officer`` for one) says which
pages they open; their casework roles (``Staff.work_roles``) say which moves they may make, at their office
(an admin's at every office). A transition's ``roles`` decide its moves; a transition without ``roles`` takes
the ``roles`` of the status it enters; neither: any staff member who can open the request may make the move.
"""

from __future__ import annotations

from collections.abc import Iterable
from types import MappingProxyType
from typing import Any

from flask_babel import lazy_gettext as _l

WORK_ROLES: MappingProxyType[str, Any] = MappingProxyType({
    "officer": _l("Consular officer (prepares and checks cases)"),
    "consul": _l("Consul (signs, approves and refuses)"),
    "cashier": _l("Cashier (records fees and waivers)"),
    "reception": _l("Reception (checks in visitors)"),
})
DEFAULT_WORK_ROLES = ("officer",)
SHORT_NAMES: MappingProxyType[str, tuple[str, str]] = MappingProxyType({  # (fa, en), for diagrams
    "officer": ("کارشناس", "officer"), "consul": ("کنسول", "consul"), "cashier": ("صندوقدار", "cashier"),
    "reception": ("پذیرش", "reception"),
})


def short_name(role: str, lang: str) -> str:
    """The role's one-word name in ``lang`` (the id for a role this version does not know)."""
    fa, en = SHORT_NAMES.get(role, (role, role))
    return fa if lang == "fa" else en


def role_label(role: str) -> str:
    """The role's name in the reader's language (the id for a role this version does not know)."""
    return str(WORK_ROLES.get(role, role))


def held_roles(staff: Any) -> frozenset[str]:
    """The casework roles ``staff`` holds (at their office; an admin at every office)."""
    if staff is None or not getattr(staff, "active", False):
        return frozenset()
    return frozenset(getattr(staff, "work_roles", None) or ())


def holds(staff: Any, role: str, office_id: int | None = None) -> bool:
    """Whether ``staff`` holds ``role`` at ``office_id`` (any office when None); the API other packages use."""
    if role not in held_roles(staff):
        return False
    return office_id is None or staff.role == "admin" or staff.office_id == office_id


def roles_for(workflow: Any, source: str, target: str) -> tuple[str, ...]:
    """The roles that may move a request from ``source`` to ``target`` (empty: any staff member)."""
    found: list[str] = []
    for transition in workflow.transitions_between(source, target):
        found.extend(r for r in transition.roles or () if r not in found)
    if found:
        return tuple(found)
    try:
        return tuple(workflow.status(target).roles or ())
    except KeyError:
        return ()


def may_move(staff: Any, workflow: Any, source: str, target: str, office_id: int | None) -> bool:
    """Whether ``staff`` may move a request of ``office_id`` from ``source`` to ``target``."""
    needed = roles_for(workflow, source, target)
    return not needed or any(holds(staff, role, office_id) for role in needed)


def describe(roles: Iterable[str]) -> str:
    """The roles as a list for people (“Consul …, Cashier …”)."""
    return ", ".join(role_label(r) for r in roles)
