"""Timeline notes the system writes, kept as a key and parameters (RequestEvent.system_note) and shown in the
reader's language. The text baked into ``public_note`` at the time (as e-mailed) stays for older events and for
keys this version does not know.

Keys: ``amended`` and ``withdrawn`` (the applicant's own actions); ``timer`` with ``days`` (a workflow timer);
``appointment.booked``, ``appointment.cancelled`` and ``appointment.no_show`` with ``starts_at`` (UTC, ISO) and
the office's ``timezone``. A feature that writes notes of its own registers their text with
``register_note_kind`` (appointments does, for its ``appointment.*`` keys), so casework imports no feature.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask_babel import gettext as _

from core.models import RequestEvent

NoteText = Callable[[str, dict[str, Any]], str]
_NOTE_KINDS: dict[str, NoteText] = {}


def register_note_kind(prefix: str, text: NoteText) -> None:
    """Show notes keyed ``<prefix>.<kind>`` with ``text(kind, note)`` (a feature's own timeline notes)."""
    _NOTE_KINDS[prefix] = text


def note_text(note: dict[str, Any] | None) -> str:
    """Return a system note in the active language ('' for none, or for a key this version does not know)."""
    key = (note or {}).get("key", "")
    if key == "amended":
        return _("The applicant sent the requested changes.")
    if key == "withdrawn":
        return _("Withdrawn by the applicant.")
    if key == "timer":
        from i18n import localized_digits

        return _("Moved on its own after %(days)s days without a change.",
                 days=localized_digits(note.get("days", "")))
    prefix, dot, kind = key.partition(".")
    text = _NOTE_KINDS.get(prefix) if dot else None
    return text(kind, note) if text else ""


def is_system_note(event: RequestEvent) -> bool:
    """Whether the event's public note was written by the system, not typed by staff to the applicant."""
    # Applicants write no notes: an older event of theirs with one (amendment, withdrawal) is the system's too.
    return bool(event.system_note) or (bool(event.public_note) and event.actor_type != "staff")


def public_text(event: RequestEvent) -> str:
    """Return the note the applicant is shown for an event: a system note in the reader's language, else as written."""
    return note_text(event.system_note) or event.public_note
