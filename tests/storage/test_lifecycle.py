"""Removing documents: discard before submitting, clean-up of orphans, the CLI command."""

from __future__ import annotations

import datetime as dt

import pytest

from core.models import Document, utcnow
from storage import accept_upload, cleanup_orphans, discard, get_storage

from .conftest import document_count, stored_blob_count, submit
from .samples import PDF, upload


def store(applicant, draft=None) -> Document:
    """Store a PDF through intake."""
    return accept_upload(upload(PDF, "form.pdf"), accept=["pdf"], max_bytes=1024 * 1024, applicant=applicant,
                         field_id="scan", draft=draft)


def age(document: Document, days: float) -> None:
    """Pretend the document was uploaded ``days`` ago."""
    Document.update(uploaded_at=utcnow() - dt.timedelta(days=days)).where(Document.id == document.id).execute()


@pytest.mark.parametrize("upload_backend", ["local", "database"])
def test_discard_removes_row_and_blob(applicant, draft, upload_backend: str) -> None:
    document = store(applicant, draft)
    assert discard(document) is True
    assert document_count() == 0
    assert not get_storage().exists(document.storage_key)
    assert discard(document) is False  # already gone


def test_a_submitted_document_can_be_discarded_by_its_request(applicant, office) -> None:
    request = submit(applicant, office)
    document = accept_upload(upload(PDF, "form.pdf"), accept=["pdf"], max_bytes=1024 * 1024, applicant=applicant,
                             field_id="scan", request=request)
    assert document.request_id == request.id
    assert discard(document) is True
    assert not get_storage().exists(document.storage_key)


def test_discard_leaves_a_document_submitted_meanwhile(applicant, office) -> None:
    document = store(applicant)
    Document.update(request=submit(applicant, office)).where(Document.id == document.id).execute()
    assert discard(document) is False  # the in-memory copy is stale: the row now belongs to a request
    assert document_count() == 1
    assert get_storage().exists(document.storage_key)


@pytest.mark.parametrize("upload_backend", ["local", "database"])
def test_cleanup_removes_only_old_orphans(applicant, draft, office, upload_backend: str) -> None:
    old_orphan, new_orphan, in_draft, submitted = (store(applicant), store(applicant), store(applicant, draft),
                                                   store(applicant))
    submitted.request = submit(applicant, office)
    submitted.save()
    for document in (old_orphan, in_draft, submitted):
        age(document, 40)
    age(new_orphan, 3)
    assert cleanup_orphans(30) == 1
    assert {d.id for d in Document.select()} == {new_orphan.id, in_draft.id, submitted.id}
    assert not get_storage().exists(old_orphan.storage_key)
    assert stored_blob_count() == 3


def test_documents_of_a_deleted_draft_become_orphans(applicant, draft) -> None:
    document = store(applicant, draft)
    age(document, 31)
    draft.delete_instance()
    assert Document.get_by_id(document.id).draft_id is None
    assert cleanup_orphans(30) == 1
    assert stored_blob_count() == 0


def test_cleanup_refuses_zero_days(ctx) -> None:
    with pytest.raises(ValueError, match="at least 1"):
        cleanup_orphans(0)


def test_cleanup_command(app, runner, applicant) -> None:
    age(store(applicant), 40)
    age(store(applicant), 10)
    result = runner.invoke(args=["storage", "cleanup", "--days", "30"])
    assert result.exit_code == 0, result.output
    assert "removed 1 orphaned document(s)" in result.output
    result = runner.invoke(args=["storage", "cleanup"])  # DRAFT_TTL_DAYS (30) by default
    assert "removed 0 orphaned document(s)" in result.output
    assert runner.invoke(args=["storage", "cleanup", "--days", "0"]).exit_code != 0
