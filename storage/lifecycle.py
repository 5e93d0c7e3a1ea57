"""Removing documents: one the applicant replaces or removes, and orphans left by abandoned drafts."""

from __future__ import annotations

import datetime as dt
import logging

from core import db
from core.models import Document, utcnow
from storage.backends import get_storage

log = logging.getLogger(__name__)


def discard(document: Document) -> bool:
    """Remove a document (replaced or removed by the applicant): the row first, then the blob.

    The row is deleted only if it is still attached to the request it was loaded with (none for a
    draft's document), so a document submitted meanwhile by another request is left alone. Return
    whether this call removed it. If the blob cannot be removed after the row is gone, the error is
    logged and the orphaned blob is left (it is never served again).
    """
    attached = (Document.request == document.request_id) if document.request_id is not None else (
        Document.request.is_null())
    with db.database.atomic():
        removed = Document.delete().where((Document.id == document.id) & attached).execute()
    if removed:
        _delete_blob(document.storage_key)
    return bool(removed)


def cleanup_orphans(days: int, *, now: dt.datetime | None = None) -> int:
    """Remove documents attached to neither a draft nor a request and uploaded over ``days`` ago.

    A document becomes such an orphan when its draft is deleted (the foreign key is SET NULL) or
    when a form was never saved after the upload. Return how many were removed.
    """
    if days < 1:
        raise ValueError("days must be at least 1, so that uploads in progress are never removed")
    cutoff = (now or utcnow()) - dt.timedelta(days=days)
    orphan = Document.draft.is_null() & Document.request.is_null()
    candidates = list(Document.select(Document.id, Document.storage_key)
                      .where(orphan & (Document.uploaded_at < cutoff)).order_by(Document.id))
    removed = 0
    for document in candidates:
        with db.database.atomic():
            gone = Document.delete().where((Document.id == document.id) & orphan).execute()
        if gone:
            _delete_blob(document.storage_key)
            removed += 1
    if removed:
        log.info("removed %d orphaned document(s) older than %d day(s)", removed, days)
    return removed


def sweep_rowless_files(older_than: dt.timedelta = dt.timedelta(hours=1)) -> int:
    """Remove local files that no document row names (and temporary upload files), older than ``older_than``.

    They are left when a worker dies between writing an upload's bytes and committing its row (or during
    the write). The age keeps uploads in progress, whose row is not committed yet, out of reach.
    """
    from storage.backends import LocalStorage

    storage = get_storage()
    if not isinstance(storage, LocalStorage) or not storage.root.exists():
        return 0
    cutoff = dt.datetime.now(dt.UTC).timestamp() - older_than.total_seconds()
    files = [p for p in storage.root.glob("??/??/*") if p.is_file() and p.stat().st_mtime <= cutoff]
    names = [p.name for p in files if not p.name.startswith(".")]
    known = {row.storage_key for row in Document.select(Document.storage_key).where(Document.storage_key.in_(names))} \
        if names else set()
    removed = 0
    for path in files:
        if path.name in known:
            continue
        path.unlink(missing_ok=True)
        removed += 1
    if removed:
        log.warning("removed %d stored file(s) without a document row (a worker died mid-upload)", removed)
    return removed


def delete_blobs(keys: list[str]) -> None:
    """Delete the blobs of documents whose rows were deleted (failures are logged, not raised)."""
    for key in keys:
        _delete_blob(key)


def _delete_blob(key: str) -> None:
    """Delete a blob whose row is gone; log a failure instead of raising it."""
    try:
        get_storage().delete(key)
    except Exception:
        log.exception("could not remove blob %s; it is orphaned", key)
