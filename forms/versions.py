"""Versions of the schema language: a stored snapshot is read by the rules of the version it was written with.

Policy (docs/design/schema-language.md, "Versioning"): a change that makes the language stricter or reads a
key differently raises ``CURRENT_VERSION`` by one and adds ``UPGRADES[old]``, a pure rewrite of a snapshot of
version ``old`` into one of ``old + 1`` that the new rules accept and that means the same. Snapshots record
their version under ``LANGUAGE_KEY`` (absent: version 1, the first); reading one applies every step from its
version up, so an old request always renders. Additive changes (a new optional key, a new field type) keep
the version.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

CURRENT_VERSION = 1
LANGUAGE_KEY = "$language"  # not a key of the language itself, so it never clashes with a spec key
# version → rewrite of a (kind, snapshot data) of that version into data of the next version.
UPGRADES: dict[int, Callable[[str, dict[str, Any]], dict[str, Any]]] = {}


class NewerLanguage(ValueError):
    """A snapshot written by a newer Mikhak than this one."""


def stamp(data: dict[str, Any]) -> dict[str, Any]:
    """The snapshot to store: the spec's data with the language version it was written with."""
    return {**data, LANGUAGE_KEY: CURRENT_VERSION}


def split(data: dict[str, Any]) -> tuple[dict[str, Any], int]:
    """A stored snapshot's spec data (as hashed into its version key) and its language version."""
    version = data.get(LANGUAGE_KEY, 1)
    return {key: value for key, value in data.items() if key != LANGUAGE_KEY}, version


def upgrade(kind: str, data: dict[str, Any], version: int,
            steps: dict[int, Callable[[str, dict[str, Any]], dict[str, Any]]] | None = None,
            current: int | None = None) -> dict[str, Any]:
    """Bring snapshot data of language ``version`` to the current version, one step at a time."""
    steps = UPGRADES if steps is None else steps
    current = CURRENT_VERSION if current is None else current
    if not isinstance(version, int) or version < 1:
        raise ValueError(f"not a schema-language version: {version!r}")
    if version > current:
        raise NewerLanguage(f"snapshot written with schema language {version}; this Mikhak reads up to {current}")
    for step in range(version, current):
        data = steps[step](kind, data)
    return data
