"""Drafts saved at every step: finding, expiring, and carrying them across schema changes."""

from __future__ import annotations

import datetime as dt
import json

from flask import current_app
from peewee import JOIN

from core.db import Prepared, database
from core.models import Applicant, Document, Draft, Office, utcnow
from storage.lifecycle import delete_blobs
from wizard.snapshots import ensure_snapshot, spec_for_version


def _cutoff(days: int | None = None) -> dt.datetime:
    """Return the moment before which an untouched draft counts as abandoned (DRAFT_TTL_DAYS by default)."""
    return utcnow() - dt.timedelta(days=current_app.config["DRAFT_TTL_DAYS"] if days is None else days)


def _expired(draft: Draft) -> bool:
    """Return whether a draft was abandoned longer than DRAFT_TTL_DAYS."""
    return draft.updated_at < _cutoff()


def live_drafts(applicant: Applicant, kind: str) -> list[Draft]:
    """Return the applicant's unexpired drafts of one kind, most recently saved first."""
    return list(Draft.select().where((Draft.applicant == applicant) & (Draft.kind == kind)
                                     & (Draft.updated_at >= _cutoff())).order_by(Draft.updated_at.desc()))


LATEST_DRAFT = Prepared(
    lambda applicant, kind, schema_id: (
        Draft.select(Draft, Office).join(Office, JOIN.LEFT_OUTER)
        .where((Draft.applicant == applicant) & (Draft.kind == kind) & (Draft.schema_id == schema_id))
        .order_by(Draft.updated_at.desc()).limit(1)),
    applicant=-7_700_000_001, kind="\x00kind\x00", schema_id="\x00schema\x00")


def find_draft(applicant: Applicant, kind: str, schema_id: str) -> Draft | None:
    """Return the applicant's live draft of a wizard (with its office, in the same query), dropping it when expired."""
    rows = LATEST_DRAFT.rows(applicant=applicant.id, kind=kind, schema_id=schema_id)
    draft = rows[0] if rows else None
    if draft is not None and _expired(draft):
        discard_draft(draft)
        return None
    return draft


def start_draft(applicant: Applicant, kind: str, spec, answers: dict | None = None, office=None) -> Draft:
    """Create a draft of ``spec`` (optionally pre-filled, e.g. from the profile when editing it)."""
    return Draft.create(applicant=applicant, kind=kind, schema_id=spec.id, version_key=ensure_snapshot(spec, kind),
                        answers=answers or {}, completed_steps=[], review_steps=[], office=office)


def discard_draft(draft: Draft) -> int:
    """Delete a draft and the documents uploaded to it; return how many documents were removed."""
    return _remove(draft.id, cutoff=None) or 0


def purge_expired(days: int | None = None) -> tuple[int, int]:
    """Delete drafts untouched for ``days`` days (DRAFT_TTL_DAYS by default) and their uploads.

    Return (drafts removed, documents removed). A draft saved again meanwhile is left alone.
    """
    cutoff = _cutoff(days)
    drafts = documents = 0
    for draft_id in [d.id for d in Draft.select(Draft.id).where(Draft.updated_at < cutoff)]:
        removed = _remove(draft_id, cutoff)
        if removed is not None:
            drafts, documents = drafts + 1, documents + removed
    return drafts, documents


def _remove(draft_id: int, cutoff: dt.datetime | None) -> int | None:
    """Delete one draft (only if untouched since ``cutoff``) with its documents; None when it was not deleted.

    The draft row goes first, so a draft saved again meanwhile keeps its uploads; an upload added in
    between is left as an orphan for `flask storage cleanup`.
    """
    condition = Draft.id == draft_id
    if cutoff is not None:
        condition &= Draft.updated_at < cutoff
    documents = list(Document.select(Document.id, Document.storage_key).where(Document.draft == draft_id))
    with database.atomic():
        if not Draft.delete().where(condition).execute():
            return None
        unsubmitted = Document.id.in_([d.id for d in documents] or [0]) & Document.request.is_null()
        keys = [d.storage_key for d in Document.select(Document.storage_key).where(unsubmitted)]
        Document.delete().where(unsubmitted).execute()
    delete_blobs(keys)
    return len(keys)


def _step_fingerprints(spec) -> dict[str, str]:
    """Return a comparable text per step (its fields as written), to see which steps changed."""
    return {step.id: json.dumps(step.model_dump(mode="json", by_alias=True, exclude_none=True), sort_keys=True)
            for step in spec.steps}


def _field_types(spec) -> dict[str, str]:
    """Return each top-level field's type by id."""
    return {field.id: field.type for _step, field in spec.iter_fields()}


def upgrade_draft(draft: Draft, spec) -> list[str]:
    """Carry a draft to the current schema version; return the ids of the steps this call marked for review.

    Policy (docs/schemas.md, "Drafts in flight"): answers of fields that still exist with the same type
    are kept (and re-validated when the step is shown again); other answers are dropped; steps whose
    definition changed lose their "completed" mark and are listed in ``draft.review_steps``. A draft
    already at the current version is left as it is and the result is empty, so callers announce the
    change once.
    """
    if draft.version_key == spec.version_key:
        return []
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
