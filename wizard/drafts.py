"""Drafts saved at every step: finding, expiring, and carrying them across schema changes."""

from __future__ import annotations

import datetime as dt
import json

from flask import current_app

from models import Applicant, Draft, utcnow
from wizard.snapshots import ensure_snapshot, spec_for_version


def _expired(draft: Draft) -> bool:
    """Return whether a draft was abandoned longer than DRAFT_TTL_DAYS."""
    return draft.updated_at < utcnow() - dt.timedelta(days=current_app.config["DRAFT_TTL_DAYS"])


def find_draft(applicant: Applicant, kind: str, schema_id: str) -> Draft | None:
    """Return the applicant's live draft of a wizard, dropping it when expired."""
    draft = (Draft.select()
             .where((Draft.applicant == applicant) & (Draft.kind == kind) & (Draft.schema_id == schema_id))
             .order_by(Draft.updated_at.desc()).first())
    if draft is not None and _expired(draft):
        draft.delete_instance()
        return None
    return draft


def start_draft(applicant: Applicant, kind: str, spec, answers: dict | None = None, office=None) -> Draft:
    """Create a draft of ``spec`` (optionally pre-filled, e.g. from the profile when editing it)."""
    return Draft.create(applicant=applicant, kind=kind, schema_id=spec.id, version_key=ensure_snapshot(spec, kind),
                        answers=answers or {}, completed_steps=[], review_steps=[], office=office)


def purge_expired(days: int) -> int:
    """Delete drafts untouched for ``days`` days; return how many."""
    return Draft.delete().where(Draft.updated_at < utcnow() - dt.timedelta(days=days)).execute()


def _step_fingerprints(spec) -> dict[str, str]:
    """Return a comparable text per step (its fields as written), to see which steps changed."""
    return {step.id: json.dumps(step.model_dump(mode="json", by_alias=True, exclude_none=True), sort_keys=True)
            for step in spec.steps}


def _field_types(spec) -> dict[str, str]:
    """Return each top-level field's type by id."""
    return {field.id: field.type for _step, field in spec.iter_fields()}


def upgrade_draft(draft: Draft, spec) -> list[str]:
    """Carry a draft to the current schema version; return the ids of steps the applicant must review.

    Policy (docs/schemas.md, "Drafts in flight"): answers of fields that still exist with the same type
    are kept (and re-validated when the step is shown again); other answers are dropped; steps whose
    definition changed lose their "completed" mark and are listed for review.
    """
    if draft.version_key == spec.version_key:
        return list(draft.review_steps or [])
    old = spec_for_version(draft.kind, draft.schema_id, draft.version_key)
    old_types = _field_types(old) if old is not None and old.version_key != spec.version_key else {}
    new_types = _field_types(spec)
    draft.answers = {key: value for key, value in (draft.answers or {}).items()
                     if key in new_types and old_types.get(key) == new_types[key]}
    old_steps = _step_fingerprints(old) if old_types else {}
    changed = [step_id for step_id, text in _step_fingerprints(spec).items() if old_steps.get(step_id) != text]
    draft.completed_steps = [s for s in (draft.completed_steps or []) if s not in changed]
    draft.review_steps = changed
    draft.version_key = ensure_snapshot(spec, draft.kind)
    draft.updated_at = utcnow()
    draft.save()
    return list(draft.review_steps)
