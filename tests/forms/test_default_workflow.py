"""The default workflow: every status tells the applicant what happens next, in both languages."""

from __future__ import annotations

from forms.spec import default_workflow


def test_every_default_status_has_a_bilingual_next_step() -> None:
    workflow = default_workflow()
    assert [s.id for s in workflow.statuses if s.public_next is None] == []
    for status in workflow.statuses:
        assert status.public_next.fa.strip() and status.public_next.en.strip(), status.id
        assert not set("يك") & set(status.public_next.fa), status.id  # Persian letters, not Arabic
    assert workflow.status("needs_info").public_next.en.startswith("Sign in")


def test_an_unknown_status_cannot_be_withdrawn() -> None:
    workflow = default_workflow()
    assert workflow.can_withdraw("submitted") and not workflow.can_withdraw("in_review")
    assert not workflow.can_withdraw("no_such_status")
