"""Command-line tools of cli/__init__.py: `flask drafts purge`, `flask db upgrade` re-deriving open flags."""

from __future__ import annotations

import datetime as dt

from core.models import Applicant, Document, Draft, ServiceRequest, utcnow
from storage import accept_upload, get_storage
from tests.helpers import passport_requests
from tests.storage.samples import PDF, upload


def draft_with_upload(app, days_old: int) -> tuple[int, str]:
    """Create a draft last saved ``days_old`` days ago holding one upload; return (draft id, blob key)."""
    with app.test_request_context("/"):
        applicant = Applicant.get_or_none() or Applicant.create(national_code="0499370899", email="s@example.org")
        draft = Draft.create(applicant=applicant, kind="service", schema_id="passport", version_key="v1",
                             updated_at=utcnow() - dt.timedelta(days=days_old))
        document = accept_upload(upload(PDF, "scan.pdf"), accept=["pdf"], max_bytes=1024 * 1024,
                                 applicant=applicant, field_id="scan", draft=draft)
        return draft.id, document.storage_key


def test_drafts_purge_deletes_abandoned_drafts_and_their_uploads(app, runner):
    _abandoned, abandoned_file = draft_with_upload(app, 31)
    recent, recent_file = draft_with_upload(app, 5)
    result = runner.invoke(args=["drafts", "purge"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "removed 1 draft(s) untouched for 30 day(s) and 1 uploaded document(s)"
    with app.app_context():
        assert [d.id for d in Draft.select()] == [recent]
        assert Document.select().count() == 1
        assert not get_storage().exists(abandoned_file) and get_storage().exists(recent_file)
    assert runner.invoke(args=["drafts", "purge"]).output.startswith("removed 0 draft(s)")


def test_drafts_purge_takes_the_age_in_days(app, runner):
    draft_with_upload(app, 5)
    assert runner.invoke(args=["drafts", "purge", "--days", "7"]).output.startswith("removed 0 draft(s)")
    result = runner.invoke(args=["drafts", "purge", "--days", "3"])
    assert result.output.strip() == "removed 1 draft(s) untouched for 3 day(s) and 1 uploaded document(s)"
    assert runner.invoke(args=["drafts", "purge", "--days", "0"]).exit_code != 0


def test_db_upgrade_marks_requests_open_or_closed_again_by_their_workflow(app, runner):
    """A flag left behind (as after a workflow edit made a status final) is put right by `db upgrade`."""
    with app.app_context():
        rows = passport_requests({status: {"is_open": is_open} for status, is_open in (
            ("completed", True), ("in_review", False), ("rejected", False))})
    result = runner.invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert "2 request(s) marked open or closed again after a workflow change" in result.output
    with app.app_context():
        assert {s: ServiceRequest.get_by_id(rid).is_open for s, rid in rows.items()} == {
            "completed": False, "in_review": True, "rejected": False}
    assert "marked open or closed" not in runner.invoke(args=["db", "upgrade"]).output
