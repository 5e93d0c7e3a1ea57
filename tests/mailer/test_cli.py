"""`flask mail send|list|retry|work`."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from core.models import MailMessage
from mailer import queue_raw

ROOT = Path(__file__).resolve().parents[2]


def test_send_delivers_everything_due_and_prints_counts(ctx, runner, smtp_server):
    for n in range(5):
        queue_raw(f"user{n}@example.com", f"message {n}", "text")
    result = runner.invoke(args=["mail", "send", "--batch", "2"])
    assert result.exit_code == 0
    assert result.output.strip() == "sent 5, failed 0"
    assert len(smtp_server.messages) == 5


def test_send_with_the_server_down_reports_failures_and_keeps_messages(ctx, runner, smtp_down):
    queue_raw("ali@example.com", "subject", "text")
    result = runner.invoke(args=["mail", "send"])
    assert result.exit_code == 0 and result.output.strip() == "sent 0, failed 1"
    assert MailMessage.get().status == "pending"


def test_list_shows_newest_first_with_status(ctx, runner, smtp_server):
    queue_raw("first@example.com", "first subject", "text")
    runner.invoke(args=["mail", "send"])
    queue_raw("second@example.com", "second subject", "text")
    lines = runner.invoke(args=["mail", "list"]).output.splitlines()
    assert "second@example.com" in lines[0] and "pending" in lines[0]
    assert "first@example.com" in lines[1] and "sent" in lines[1] and "attempts 1" in lines[1]
    only_sent = runner.invoke(args=["mail", "list", "--status", "sent"]).output
    assert "first subject" in only_sent and "second subject" not in only_sent


def test_list_on_an_empty_outbox(runner):
    assert runner.invoke(args=["mail", "list"]).output.strip() == "no messages"


def test_retry_with_nothing_failed(runner):
    result = runner.invoke(args=["mail", "retry"])
    assert result.exit_code == 0 and "0 failed message(s) queued again" in result.output


def test_work_sends_as_messages_arrive_and_stops_on_sigterm(app, test_config, tmp_path):
    mail_dir = tmp_path / "worker-mail"
    env = {**os.environ, "MIKHAK_INSTANCE": str(tmp_path / "instance"), "DATABASE_URL": test_config["DATABASE_URL"],
           "MAIL_BACKEND": "file", "MAIL_FILE_DIR": str(mail_dir), "PYTHONUNBUFFERED": "1"}
    worker = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "app", "mail", "work", "--interval", "0.1"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        with app.app_context():
            queue_raw("ali@example.com", "for the worker", "text")
            deadline = time.monotonic() + 30
            while not list(mail_dir.glob("*.eml")) and time.monotonic() < deadline:
                time.sleep(0.05)
            assert len(list(mail_dir.glob("*.eml"))) == 1
            worker.send_signal(signal.SIGTERM)
            out, err = worker.communicate(timeout=30)
            assert MailMessage.get().status == "sent"
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.communicate()
    assert worker.returncode == 0, err
    assert "mail worker started (backend file" in out
    assert "sent 1, failed 0" in out
    assert out.rstrip().endswith("mail worker stopped")
