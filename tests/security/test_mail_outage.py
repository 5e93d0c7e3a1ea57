"""Mail after an SMTP outage: a real worker and a real SMTP server (aiosmtpd) on loopback, down then up."""

from __future__ import annotations

import email
import os
import subprocess
import sys
import time
from email.policy import default as default_policy
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from core.db import database
from core.models import MailMessage, OtpChallenge, RateEvent
from mailer import queue_email
from mailer.outbox import deliver_pending
from tests.auth.conftest import VALID_CODES, ask_code, page
from tests.security.conftest import free_port

ROOT = Path(__file__).resolve().parents[2]


class Received:
    """What the SMTP server was given."""

    def __init__(self) -> None:
        self.messages: list[email.message.Message] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content, policy=default_policy))
        return "250 OK"


@pytest.fixture()
def smtp_port() -> int:
    return free_port()


@pytest.fixture()
def test_config(test_config: dict, smtp_port: int) -> dict:
    test_config.update(MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_port, MAIL_TIMEOUT=3)
    return test_config


def start_smtp(port: int) -> tuple[Controller, Received]:
    received = Received()
    controller = Controller(received, hostname="127.0.0.1", port=port, server_hostname="smtp.test")
    controller.start()
    return controller, received


def queue_three(app) -> list[int]:
    """An OTP, the registration notice and a request receipt, as the app queues them."""
    with app.app_context(), database.atomic():
        rows = [queue_email("a@example.com", "otp", "fa", sensitive=True, code="123456", minutes=10,
                            national_code_end="0899"),
                queue_email("b@example.com", "registration_confirmed", "en", name="Sara"),
                queue_email("c@example.com", "request_status", "fa", tracking_code="ABCD-EFGH-JKM",
                            service_title="Passport", status_label="Submitted", url="http://x/",
                            note="", name="Sara")]
    return [row.id for row in rows]


def worker(app, tmp_path: Path) -> subprocess.Popen:
    """Start `flask mail work` as an operator would, with this test's database and SMTP settings."""
    env = {**os.environ, "DATABASE_URL": app.config["DATABASE_URL"], "MAIL_BACKEND": "smtp",
           "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(app.config["MAIL_PORT"]), "MAIL_TIMEOUT": "3",
           "SECRET_KEY": "test-secret-key", "MIKHAK_INSTANCE": str(tmp_path / "worker-instance"),
           "UPLOAD_DIR": str(tmp_path / "uploads")}
    return subprocess.Popen([sys.executable, "-m", "flask", "--app", "app", "mail", "work", "--interval", "0.5"],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def wait_until(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def statuses(app, ids: list[int]) -> list[tuple[str, int]]:
    with app.app_context():
        found = [(m.status, m.attempts) for m in MailMessage.select().where(MailMessage.id.in_(ids))
                 .order_by(MailMessage.id)]
        database.close()
        return found


def test_the_worker_delivers_every_held_message_once_within_seconds_of_the_server_returning(app, tmp_path, smtp_port):
    ids = queue_three(app)
    process = worker(app, tmp_path)
    try:
        wait_until(lambda: all(status == "pending" and attempts >= 1 for status, attempts in statuses(app, ids)),
                   30, "a first failed attempt of each message")
        time.sleep(1.5)  # the worker keeps checking; the server still down changes nothing
        assert all(attempts == 1 for _status, attempts in statuses(app, ids))
        controller, received = start_smtp(smtp_port)
        try:
            # The back-off after one failure is 22-30 s; the server's return cuts it short.
            wait_until(lambda: len(received.messages) >= 3, 10, "the three messages at the SMTP server")
            time.sleep(2)
            assert sorted(str(m["To"]) for m in received.messages) == ["a@example.com", "b@example.com",
                                                                       "c@example.com"]
            assert len({m["Message-ID"] for m in received.messages}) == 3
            assert [s for s, _a in statuses(app, ids)] == ["sent"] * 3
        finally:
            controller.stop()
    finally:
        process.terminate()
        process.wait(10)


def test_a_check_while_the_server_is_still_down_counts_no_attempt_and_keeps_the_back_off(app):
    ids = queue_three(app)
    with app.app_context():
        assert deliver_pending() == (0, 3)
        before = {m.id: m.next_attempt_at for m in MailMessage.select()}
        assert deliver_pending() == (0, 0)
        assert {m.id: m.next_attempt_at for m in MailMessage.select()} == before
        assert [m.attempts for m in MailMessage.select().order_by(MailMessage.id)] == [1, 1, 1]
    assert len(ids) == 3


@pytest.mark.parametrize("national_code,email", [(VALID_CODES[0], "sara@example.com"),
                                                 (VALID_CODES[1], "unknown@example.com")])
def test_sign_in_with_the_mail_server_down_says_at_once_that_no_code_was_sent(app, client, national_code, email):
    client.get("/lang/en")
    response = ask_code(client, national_code, email)
    assert response.status_code == 503 and response.headers["Retry-After"] == "60"
    assert "We cannot send emails at the moment, so no code was sent" in page(response)
    with app.app_context():
        assert OtpChallenge.select().count() == 0 and MailMessage.select().count() == 0
        assert RateEvent.select().count() == 0, "nothing counts against the applicant"


def test_the_same_in_persian_and_a_code_once_the_server_is_back(app, client, smtp_port):
    response = ask_code(client, VALID_CODES[0], "sara@example.com")
    assert response.status_code == 503 and "در حال حاضر نمی‌توانیم ایمیل بفرستیم" in page(response)
    controller, received = start_smtp(smtp_port)
    try:
        app.extensions.pop("mikhak_mail_health", None)  # the 5 s a "down" answer is reused, skipped
        response = ask_code(client, VALID_CODES[0], "sara@example.com")
        assert response.status_code == 303
        response.close()  # inline delivery runs once the response is closed
        wait_until(lambda: received.messages, 5, "the code at the SMTP server")
    finally:
        controller.stop()


def test_a_code_whose_email_failed_after_it_was_asked_for_is_flagged_on_the_code_page(app, client, smtp_port):
    controller, _received = start_smtp(smtp_port)
    client.get("/lang/en")
    response = ask_code(client, VALID_CODES[0], "sara@example.com")
    assert response.status_code == 303
    controller.stop()  # the server goes away before the code was delivered
    with app.app_context():
        MailMessage.update(status="pending").execute()
        assert deliver_pending() == (0, 1)
    html = page(client.get("/sign-in/code"))
    assert "the email with your code may not have been sent" in html
