"""Queueing: rendering in the recipient's language, and the outbox row living in the caller's transaction."""

from __future__ import annotations

import pytest

from core.db import database
from core.models import MailMessage
from mailer import queue_email, queue_raw, render_email

FOOTER_FA = "این نامه را سامانهٔ خدمات کنسولی میخک فرستاده است؛ لطفاً به آن پاسخ ندهید."


def test_queue_email_renders_persian_rtl_layout_and_both_parts(ctx):
    message = queue_email("ali@example.com", "test_notice", "fa", title="کد ورود", greeting="سلام <علی>",
                          code="123456")
    row = MailMessage.get_by_id(message.id)
    assert row.status == "pending" and row.attempts == 0
    assert row.subject == "میخک: کد ورود"
    assert row.body_text.startswith("سلام <علی>\nورود به سامانه: 123456\n")
    assert FOOTER_FA in row.body_text and "http://127.0.0.1:5000" in row.body_text
    assert '<html lang="fa" dir="rtl">' in row.body_html
    assert "<p>سلام &lt;علی&gt;</p>" in row.body_html
    assert FOOTER_FA in row.body_html
    assert "<table" not in row.body_html and "<script" not in row.body_html and "<style" not in row.body_html


def test_queue_email_in_english_is_left_to_right(ctx):
    message = queue_email("ali@example.com", "test_notice", "en", title="Your code", greeting="Hello", code="1")
    assert message.subject == "Mikhak: Your code"
    assert '<html lang="en" dir="ltr">' in message.body_html
    assert "This e-mail was sent by Mikhak" in message.body_text


def test_unknown_locale_falls_back_to_the_default_language_and_regions_are_ignored(ctx):
    assert render_email("test_notice", "xx", title="t", greeting="g", code="1")[0] == "میخک: t"
    assert render_email("test_notice", "en_GB", title="t", greeting="g", code="1")[0] == "Mikhak: t"


def test_template_without_html_part_queues_text_only(ctx):
    message = queue_email("ali@example.com", "text_only", "fa", title="  two\nlines  ", body="body")
    assert message.subject == "two lines"
    assert message.body_text == "body\n" and message.body_html == ""


def test_missing_template_is_an_error(ctx):
    with pytest.raises(Exception, match="no_such"):
        queue_email("ali@example.com", "no_such", "fa")


def test_queue_raw_keeps_the_given_parts(ctx):
    message = queue_raw("ali@example.com", "سلام", "متن", "<p>متن</p>")
    row = MailMessage.get_by_id(message.id)
    assert (row.subject, row.body_text, row.body_html, row.status) == ("سلام", "متن", "<p>متن</p>", "pending")


@pytest.mark.parametrize("to", ["", "no-at-sign", "a@example.com\r\nBcc: x@example.com", "a@x.example, b@x.example",
                                "Ali <a@example.com>", "a" * 250 + "@x.example"])
def test_anything_but_one_plain_address_is_refused(ctx, to):
    with pytest.raises(ValueError, match="address"):
        queue_raw(to, "subject", "text")
    assert MailMessage.select().count() == 0


def test_empty_subject_or_text_is_refused(ctx):
    with pytest.raises(ValueError, match="subject"):
        queue_raw("a@example.com", " \n ", "text")
    with pytest.raises(ValueError, match="text"):
        queue_raw("a@example.com", "subject", "")


def test_long_subject_is_cut_to_the_column(ctx):
    assert len(queue_raw("a@example.com", "س" * 400, "text").subject) == 255


def test_email_queued_in_a_transaction_that_rolls_back_never_exists(ctx):
    with pytest.raises(RuntimeError), database.atomic():
        queue_email("ali@example.com", "test_notice", "fa", title="t", greeting="g", code="1")
        assert MailMessage.select().count() == 1
        raise RuntimeError("the action failed")
    assert MailMessage.select().count() == 0


def test_email_queued_in_a_savepoint_that_rolls_back_is_gone_while_the_outer_work_commits(ctx):
    with database.atomic():
        queue_raw("first@example.com", "kept", "text")
        with pytest.raises(RuntimeError), database.atomic():
            queue_raw("second@example.com", "dropped", "text")
            raise RuntimeError("inner step failed")
    assert [m.to for m in MailMessage.select()] == ["first@example.com"]


def test_email_queued_in_a_committed_transaction_is_in_the_outbox(ctx):
    with database.atomic():
        queue_email("ali@example.com", "test_notice", "fa", title="t", greeting="g", code="1")
    database.close()
    assert MailMessage.select().where(MailMessage.status == "pending").count() == 1
