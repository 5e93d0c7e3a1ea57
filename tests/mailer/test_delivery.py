"""Delivery against a real SMTP server: success, outage and recovery, back-off, give-up, reclaim, backends."""

from __future__ import annotations

import base64
import datetime as dt
import random
from email import policy
from email.parser import BytesParser
from email.utils import parsedate_to_datetime
from pathlib import Path

import pytest

from core.models import MailMessage, utcnow
from mailer import deliver_pending, queue_email, queue_raw, retry_failed
from mailer import outbox as outbox_module
from mailer.outbox import BACKOFF_CAP_SECONDS, CLAIM_TIMEOUT, MAX_ATTEMPTS, _claim, _mark_sent, backoff_seconds
from tests.mailer.conftest import SmtpServer, accept_only


def _queue_notice(to: str = "ali@example.com", locale: str = "fa") -> MailMessage:
    return queue_email(to, "test_notice", locale, title="کد ورود", greeting="سلام علی", code="424242")


def _later(monkeypatch, seconds: float) -> None:
    """Move the outbox's clock forward."""
    moment = utcnow() + dt.timedelta(seconds=seconds)
    monkeypatch.setattr(outbox_module, "utcnow", lambda: moment)


def test_delivers_persian_message_with_both_parts_and_proper_headers(ctx, smtp_server):
    queued = _queue_notice()
    assert deliver_pending() == (1, 0)

    [received] = smtp_server.messages
    assert smtp_server.recorder.envelopes == [("no-reply@mikhak.example", ["ali@example.com"])]
    assert received["Subject"] == "میخک: کد ورود"
    assert received["To"] == "ali@example.com"
    assert received["From"] == "Mikhak <no-reply@mikhak.example>"
    assert received["Message-ID"] == f"<mikhak.{queued.id}.{queued.created_at:%Y%m%d%H%M%S%f}@mikhak.example>"
    assert received["Auto-Submitted"] == "auto-generated"
    sent_date = parsedate_to_datetime(received["Date"])
    assert abs(sent_date - queued.created_at.replace(tzinfo=dt.UTC)) < dt.timedelta(seconds=1)
    assert received.get_content_type() == "multipart/alternative"
    text = received.get_body(preferencelist=("plain",))
    html = received.get_body(preferencelist=("html",))
    assert text.get_content_charset() == "utf-8" and html.get_content_charset() == "utf-8"
    assert "ورود به سامانه: 424242" in text.get_content()
    assert '<html lang="fa" dir="rtl">' in html.get_content() and "<strong>424242</strong>" in html.get_content()
    assert all(part["Content-Transfer-Encoding"] in {"base64", "quoted-printable", "7bit"}
               for part in received.iter_parts())

    row = MailMessage.get_by_id(queued.id)
    assert (row.status, row.attempts, row.last_error) == ("sent", 1, "")
    assert row.sent_at is not None
    assert deliver_pending() == (0, 0)
    assert len(smtp_server.messages) == 1


def test_server_down_keeps_the_message_with_back_off_then_delivers_when_it_is_back(ctx, smtp_down, runner):
    queued = _queue_notice()
    before = utcnow()
    assert deliver_pending() == (0, 1)

    row = MailMessage.get_by_id(queued.id)
    assert (row.status, row.attempts) == ("pending", 1)
    assert "SMTP server 127.0.0.1" in row.last_error and "unavailable" in row.last_error
    wait = (row.next_attempt_at - before).total_seconds()
    assert 22 <= wait <= 31

    assert deliver_pending() == (0, 0), "not due yet and the server still down: back-off is respected"
    assert smtp_down.messages == []

    smtp_down.start()  # the server's return cuts the back-off short (tests/security/test_mail_outage.py)
    result = runner.invoke(args=["mail", "send"])
    assert result.exit_code == 0 and "sent 1, failed 0" in result.output
    [received] = smtp_down.messages
    assert received["Subject"] == "میخک: کد ورود"
    row = MailMessage.get_by_id(queued.id)
    assert (row.status, row.attempts, row.last_error) == ("sent", 2, "")
    assert received["Message-ID"].startswith(f"<mikhak.{queued.id}.")


def test_an_outage_fails_the_whole_batch_at_once(ctx, smtp_down):
    for n in range(3):
        queue_raw(f"user{n}@example.com", "subject", "text")
    assert deliver_pending() == (0, 3)
    assert {m.status for m in MailMessage.select()} == {"pending"}
    assert all(m.attempts == 1 and m.last_error for m in MailMessage.select())


def test_back_off_doubles_from_30_seconds_up_to_one_hour_with_jitter():
    rng = random.Random(7)
    for attempts, ceiling in [(1, 30), (2, 60), (3, 120), (4, 240), (7, 1920), (8, 3600), (12, 3600), (40, 3600)]:
        waits = [backoff_seconds(attempts, rng) for _ in range(200)]
        assert all(0.75 * ceiling <= w <= ceiling for w in waits)
        assert max(waits) - min(waits) > 0.1 * ceiling, "jitter spreads retries"
    assert max(backoff_seconds(n) for n in range(1, 100)) <= BACKOFF_CAP_SECONDS


def test_after_max_attempts_the_message_is_failed_kept_and_retryable(ctx, smtp_down, runner):
    queued = _queue_notice()
    MailMessage.update(attempts=MAX_ATTEMPTS - 1).where(MailMessage.id == queued.id).execute()
    assert deliver_pending() == (0, 1)
    row = MailMessage.get_by_id(queued.id)
    assert (row.status, row.attempts) == ("failed", MAX_ATTEMPTS)
    assert row.last_error
    with pytest.MonkeyPatch.context() as mp:
        _later(mp, 10 * BACKOFF_CAP_SECONDS)
        assert deliver_pending() == (0, 0), "a failed message is not retried by itself"

    listing = runner.invoke(args=["mail", "list", "--status", "failed"])
    assert f"{queued.id}" in listing.output and "failed" in listing.output and "last error:" in listing.output

    result = runner.invoke(args=["mail", "retry"])
    assert result.exit_code == 0 and "1 failed message(s) queued again" in result.output
    row = MailMessage.get_by_id(queued.id)
    assert (row.status, row.attempts) == ("pending", 0)

    smtp_down.start()
    assert "sent 1, failed 0" in runner.invoke(args=["mail", "send"]).output
    assert MailMessage.get_by_id(queued.id).status == "sent"


def test_retry_by_id_touches_only_those(ctx):
    first, second = (queue_raw(f"u{n}@example.com", "s", "t") for n in range(2))
    MailMessage.update(status="failed", attempts=MAX_ATTEMPTS).execute()
    assert retry_failed([second.id]) == 1
    assert MailMessage.get_by_id(first.id).status == "failed"
    assert MailMessage.get_by_id(second.id).status == "pending"


def test_recipient_refused_for_good_fails_at_once_and_others_in_the_batch_still_go(ctx, smtp_server):
    refused = queue_raw("nobody@refused.example", "to nobody", "text")
    fine = queue_raw("ali@example.com", "to ali", "text")
    assert deliver_pending() == (1, 1)
    row = MailMessage.get_by_id(refused.id)
    assert (row.status, row.attempts) == ("failed", 1)
    assert "550" in row.last_error
    assert MailMessage.get_by_id(fine.id).status == "sent"
    assert [m["Subject"] for m in smtp_server.messages] == ["to ali"]


def test_stale_sending_message_of_a_crashed_worker_is_reclaimed(ctx, smtp_server):
    crashed = queue_raw("crashed@example.com", "left in sending", "text")
    busy = queue_raw("busy@example.com", "being sent right now", "text")
    now = utcnow()
    MailMessage.update(status="sending", attempts=1, next_attempt_at=now - dt.timedelta(seconds=1)).where(
        MailMessage.id == crashed.id).execute()
    MailMessage.update(status="sending", attempts=1, next_attempt_at=now + CLAIM_TIMEOUT).where(
        MailMessage.id == busy.id).execute()

    assert deliver_pending() == (1, 0)
    assert [m["To"] for m in smtp_server.messages] == ["crashed@example.com"]
    assert (MailMessage.get_by_id(crashed.id).status, MailMessage.get_by_id(crashed.id).attempts) == ("sent", 2)
    assert MailMessage.get_by_id(busy.id).status == "sending"


def test_a_worker_whose_claim_was_taken_over_records_nothing(ctx):
    queue_raw("ali@example.com", "subject", "text")
    [mine] = _claim(10)
    assert (mine.status, mine.attempts) == ("sending", 1)
    assert _claim(10) == [], "a claimed message is not claimed twice"
    with pytest.MonkeyPatch.context() as mp:
        _later(mp, CLAIM_TIMEOUT.total_seconds() + 1)
        [theirs] = _claim(10)
    assert theirs.attempts == 2
    _mark_sent(mine)
    assert MailMessage.get_by_id(mine.id).status == "sending", "the stale worker's result is ignored"
    _mark_sent(theirs)
    assert MailMessage.get_by_id(mine.id).status == "sent"


def test_smtp_login_uses_the_configured_credentials(app, smtp_port):
    server = SmtpServer(smtp_port, authenticator=accept_only("mikhak", "s3cret"),
                        auth_require_tls=False).start()
    try:
        with app.app_context():
            app.config.update(MAIL_USERNAME="mikhak", MAIL_PASSWORD="wrong")
            queue_raw("ali@example.com", "subject", "text")
            assert deliver_pending() == (0, 1)
            assert "Authentication" in MailMessage.get().last_error
            app.config.update(MAIL_PASSWORD="s3cret")
            MailMessage.update(next_attempt_at=utcnow()).execute()
            assert deliver_pending() == (1, 0)
        assert len(server.messages) == 1
    finally:
        server.stop()


def test_starttls_required_but_not_offered_never_sends_in_clear(ctx, smtp_server):
    ctx.config["MAIL_USE_TLS"] = True
    queue_raw("ali@example.com", "subject", "text")
    assert deliver_pending() == (0, 1)
    assert "STARTTLS" in MailMessage.get().last_error
    assert smtp_server.messages == []


def test_file_backend_writes_one_parseable_eml_per_message(ctx, tmp_path):
    ctx.config["MAIL_BACKEND"] = "file"
    queued = _queue_notice()
    queue_raw("bob@example.com", "plain only", "just text")
    assert deliver_pending() == (2, 0)
    files = sorted(Path(ctx.config["MAIL_FILE_DIR"]).glob("*.eml"))
    assert len(files) == 2
    assert not list(Path(ctx.config["MAIL_FILE_DIR"]).glob(".*"))
    parsed = [BytesParser(policy=policy.default).parsebytes(f.read_bytes()) for f in files]
    notice = next(m for m in parsed if m["To"] == "ali@example.com")
    assert b"\r\n" in files[0].read_bytes()
    assert notice["Subject"] == "میخک: کد ورود"
    assert notice["Message-ID"].startswith(f"<mikhak.{queued.id}.")
    assert "424242" in notice.get_body(preferencelist=("plain",)).get_content()
    assert "dir=\"rtl\"" in notice.get_body(preferencelist=("html",)).get_content()
    plain = next(m for m in parsed if m["To"] == "bob@example.com")
    assert plain.get_content_type() == "text/plain" and plain.get_content().strip() == "just text"


def test_file_backend_failure_keeps_the_message(ctx, tmp_path):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("x")
    ctx.config.update(MAIL_BACKEND="file", MAIL_FILE_DIR=str(blocker / "mail"))
    queue_raw("ali@example.com", "subject", "text")
    assert deliver_pending() == (0, 1)
    assert MailMessage.get().status == "pending" and "cannot write" in MailMessage.get().last_error


def test_console_backend_prints_headers_and_text(ctx, capsys):
    ctx.config["MAIL_BACKEND"] = "console"
    _queue_notice()
    assert deliver_pending() == (1, 0)
    out = capsys.readouterr().out
    assert "To: ali@example.com" in out
    assert "Subject: میخک: کد ورود" in out
    assert "ورود به سامانه: 424242" in out
    assert MailMessage.get().status == "sent"


def test_attachments_stored_with_the_message_are_sent(ctx, smtp_server):
    row = queue_raw("ali@example.com", "with a file", "see the attachment")
    pdf = b"%PDF-1.4 test"
    MailMessage.update(attachments=[{"filename": "notice.pdf", "content_type": "application/pdf",
                                     "data": base64.b64encode(pdf).decode()}]).where(MailMessage.id == row.id).execute()
    assert deliver_pending() == (1, 0)
    [attachment] = list(smtp_server.messages[0].iter_attachments())
    assert attachment.get_filename() == "notice.pdf" and attachment.get_content() == pdf


def test_a_malformed_message_fails_alone(ctx, smtp_server):
    bad = queue_raw("ali@example.com", "broken", "text")
    MailMessage.update(attachments=[{"filename": "x"}]).where(MailMessage.id == bad.id).execute()
    good = queue_raw("bob@example.com", "fine", "text")
    assert deliver_pending() == (1, 1)
    assert MailMessage.get_by_id(bad.id).status == "pending"
    assert "malformed attachment" in MailMessage.get_by_id(bad.id).last_error
    assert MailMessage.get_by_id(good.id).status == "sent"


def test_unknown_backend_refuses_to_start(test_config):
    from app import create_app

    test_config["MAIL_BACKEND"] = "pigeon"
    with pytest.raises(ValueError, match="MAIL_BACKEND"):
        create_app(test_config)


def test_a_one_time_password_leaves_no_copy_in_the_outbox_once_smtp_accepted_it(ctx, smtp_server):
    secret = queue_email("ali@example.com", "test_notice", "fa", sensitive=True, title="کد ورود", greeting="سلام",
                         code="535353")
    plain = _queue_notice()
    assert deliver_pending() == (2, 0)
    assert any("535353" in m.get_body(preferencelist=("plain",)).get_content() for m in smtp_server.messages)
    row = MailMessage.get_by_id(secret.id)
    assert row.status == "sent" and "535353" not in row.body_text + row.body_html
    assert "424242" in MailMessage.get_by_id(plain.id).body_text


def test_a_one_time_password_waiting_for_a_retry_is_kept(ctx, smtp_down):
    secret = queue_email("ali@example.com", "test_notice", "fa", sensitive=True, title="t", greeting="g",
                         code="535353")
    assert deliver_pending() == (0, 1)
    assert "535353" in MailMessage.get_by_id(secret.id).body_text


def test_ehlo_names_the_mail_from_domain_not_a_dns_look_up(ctx, smtp_server, monkeypatch):
    import socket

    def no_dns(*_args):
        raise AssertionError("socket.getfqdn() called: a reverse DNS look-up may hang")

    monkeypatch.setattr(socket, "getfqdn", no_dns)
    _queue_notice()
    assert deliver_pending() == (1, 0)
    assert smtp_server.recorder.ehlo == ["mikhak.example"]
