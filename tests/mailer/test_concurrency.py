"""Several sender processes draining one outbox (the same SQLite file, or PostgreSQL) never send twice."""

from __future__ import annotations

import multiprocessing
from collections import Counter

import pytest

from core.models import MailMessage
from mailer import queue_raw
from tests.mailer.conftest import SmtpServer

PROCESSES = 4
MESSAGES = 60


def _sender_process(config: dict, start, results) -> None:
    """Drain the outbox in small batches from a separate process with its own app and connection."""
    from app import create_app
    from mailer import deliver_pending

    app = create_app(config)
    sent_here = failed_here = 0
    with app.app_context():
        start.wait(60)  # every process is ready before any sends
        while True:
            sent, failed = deliver_pending(3)
            sent_here, failed_here = sent_here + sent, failed_here + failed
            if sent + failed == 0:
                break
    results.put((sent_here, failed_here))


@pytest.mark.slow
def test_concurrent_senders_deliver_each_message_exactly_once(app, test_config, smtp_port):
    server = SmtpServer(smtp_port)
    server.recorder.delay = 0.005
    server.start()
    try:
        with app.app_context():
            for n in range(MESSAGES):
                queue_raw(f"user{n}@example.com", f"message {n}", "text")
        spawn = multiprocessing.get_context("spawn")
        start, results = spawn.Barrier(PROCESSES), spawn.Queue()
        workers = [spawn.Process(target=_sender_process, args=(test_config, start, results)) for _ in range(PROCESSES)]
        for worker in workers:
            worker.start()
        counts = [results.get(timeout=120) for _ in workers]
        for worker in workers:
            worker.join(30)
            assert worker.exitcode == 0
        results.close()
        results.join_thread()
    finally:
        server.stop()

    assert sum(sent for sent, _failed in counts) == MESSAGES
    assert sum(failed for _sent, failed in counts) == 0
    received = Counter(message["Message-ID"] for message in server.messages)
    assert len(received) == MESSAGES and set(received.values()) == {1}
    with app.app_context():
        rows = list(MailMessage.select())
        assert {row.status for row in rows} == {"sent"} and {row.attempts for row in rows} == {1}
    assert sum(1 for sent, _failed in counts if sent) >= 2, "the work was shared between processes"
