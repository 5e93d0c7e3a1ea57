"""Labels shown for revocation reasons, in the reader's language."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from documents.spec import REVOCATION_REASONS

REASON_LABELS = {
    "error": _l("Issued in error"),
    "replaced": _l("Replaced"),
    "fraud": _l("Obtained by fraud or false statements"),
    "withdrawn": _l("Withdrawn at the holder's request"),
    "court_order": _l("By order of a court or authority"),
    "other": _l("Other reason"),
}
assert set(REASON_LABELS) == set(REVOCATION_REASONS)  # nosec B101 # one list of reasons


def reason_label(code: str) -> str:
    """The label of a revocation reason (the code itself when unknown)."""
    label = REASON_LABELS.get(code)
    return str(label) if label is not None else code
