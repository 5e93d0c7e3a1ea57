"""Drafts in flight (docs/schemas.md, "Versioning and drafts in flight") and removing drafts with their uploads."""

from __future__ import annotations

import datetime as dt

from core.models import Document, Draft, ServiceRequest, utcnow
from storage import accept_upload, get_storage
from tests.storage.samples import PDF, upload
from wizard.drafts import discard_draft, find_draft, live_drafts, purge_expired, start_draft, upgrade_draft

from .conftest import service

V1 = """
id: sample
title: {fa: نمونه, en: Sample}
category: travel
steps:
  - id: first
    title: {fa: یکم, en: First}
    fields:
      - {id: kept, type: text, label: {fa: نگه‌داشته, en: Kept}}
      - {id: removed, type: text, label: {fa: حذف‌شده, en: Removed}}
      - {id: retyped, type: number, label: {fa: تغییر نوع, en: Retyped}}
  - id: second
    title: {fa: دوم, en: Second}
    fields:
      - {id: untouched, type: text, label: {fa: دست‌نخورده, en: Untouched}}
  - id: third
    title: {fa: سوم, en: Third}
    fields:
      - {id: relabelled, type: yesno, label: {fa: برچسب, en: Label}}
"""
V2 = (V1.replace("      - {id: removed, type: text, label: {fa: حذف‌شده, en: Removed}}\n", "")
      .replace("{id: retyped, type: number", "{id: retyped, type: text")
      .replace("label: {fa: برچسب, en: Label}", "label: {fa: برچسب تازه, en: New label}"))
ANSWERS = {"kept": "a", "removed": "b", "retyped": 3, "untouched": "d", "relabelled": True}


def old_draft(applicant) -> Draft:
    """A draft of V1 with every step completed."""
    draft = start_draft(applicant, "service", service(V1), answers=dict(ANSWERS))
    draft.completed_steps = ["first", "second", "third"]
    draft.save()
    return draft


def test_a_changed_service_keeps_same_typed_answers_and_drops_removed_and_retyped_ones(applicant) -> None:
    draft = old_draft(applicant)
    upgrade_draft(draft, service(V2))
    assert Draft.get_by_id(draft.id).answers == {"kept": "a", "untouched": "d", "relabelled": True}


def test_changed_steps_are_marked_for_review_and_lose_their_completed_mark(applicant) -> None:
    draft = old_draft(applicant)
    new = service(V2)
    assert upgrade_draft(draft, new) == ["first", "third"]
    stored = Draft.get_by_id(draft.id)
    assert (stored.review_steps, stored.completed_steps, stored.version_key) == (
        ["first", "third"], ["second"], new.version_key)
    assert upgrade_draft(stored, new) == []  # already current: nothing new to announce
    assert Draft.get_by_id(draft.id).review_steps == ["first", "third"]


def test_a_service_level_change_keeps_every_answer_and_marks_no_step(applicant) -> None:
    draft = old_draft(applicant)
    new = service(V1 + "fee: {amount: 10, currency: EUR}\n")
    assert upgrade_draft(draft, new) == []
    stored = Draft.get_by_id(draft.id)
    assert (stored.answers, stored.review_steps, stored.version_key) == (ANSWERS, [], new.version_key)
    assert stored.completed_steps == ["first", "second", "third"]


def store(applicant, draft: Draft | None = None, request: ServiceRequest | None = None) -> Document:
    """Upload a PDF for the draft (or request)."""
    return accept_upload(upload(PDF, "scan.pdf"), accept=["pdf"], max_bytes=1024 * 1024, applicant=applicant,
                         field_id="scan", draft=draft, request=request)


def age(draft: Draft, days: int) -> None:
    """Pretend the draft was last saved ``days`` ago."""
    Draft.update(updated_at=utcnow() - dt.timedelta(days=days)).where(Draft.id == draft.id).execute()


def test_purge_removes_expired_drafts_with_their_files_and_keeps_live_ones(applicant) -> None:
    expired = start_draft(applicant, "service", service(V1))
    live = start_draft(applicant, "service", service(V1.replace("id: sample", "id: other")))
    gone, kept = store(applicant, expired), store(applicant, live)
    age(expired, 31)
    age(live, 29)
    assert purge_expired(30) == (1, 1)
    assert [d.id for d in Draft.select()] == [live.id]
    assert [d.id for d in Document.select()] == [kept.id]
    assert not get_storage().exists(gone.storage_key) and get_storage().exists(kept.storage_key)
    assert purge_expired(30) == (0, 0)


def test_an_expired_draft_is_not_listed_and_is_removed_with_its_files_when_opened(applicant) -> None:
    draft = start_draft(applicant, "service", service(V1))
    document = store(applicant, draft)
    age(draft, 31)
    assert live_drafts(applicant, "service") == []
    assert find_draft(applicant, "service", "sample") is None
    assert Draft.select().count() == 0 and Document.select().count() == 0
    assert not get_storage().exists(document.storage_key)


def test_discarding_a_draft_removes_its_uploads(applicant) -> None:
    draft = start_draft(applicant, "service", service(V1))
    documents = [store(applicant, draft), store(applicant, draft)]
    assert discard_draft(draft) == 2
    assert Draft.select().count() == 0 and Document.select().count() == 0
    assert not any(get_storage().exists(d.storage_key) for d in documents)
