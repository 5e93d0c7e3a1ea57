"""Two worker processes on the same database share the limits: nothing is counted in process memory."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from auth import otp
from core.models import MailMessage, OtpChallenge, RateEvent
from tests.auth.conftest import VALID_CODES, national_code

WORKER = Path(__file__).with_name("worker.py")


def run_workers(test_config: dict, tmp_path: Path, request_lists: list[list[list[str]]]) -> list[list[int]]:
    """Start one process per request list, release them together, return each one's statuses."""
    start = tmp_path / "start"
    processes = []
    for requests in request_lists:
        spec = {"database_url": test_config["DATABASE_URL"], "secret_key": test_config["SECRET_KEY"],
                "start_file": str(start), "requests": requests}
        processes.append(subprocess.Popen([sys.executable, str(WORKER), json.dumps(spec)],
                                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
    for process in processes:
        assert process.stdout.readline().strip() == "ready", process.stderr.read()
    start.touch()
    results = []
    for process in processes:
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
        results.append(json.loads(out.strip().splitlines()[-1]))
    return results


@pytest.mark.slow
def test_two_workers_share_the_per_national_code_limit(app, test_config, tmp_path):
    nc = VALID_CODES[0]
    lists = [[[nc, "sara@example.com", f"198.51.100.{worker}"]] * 4 for worker in range(2)]
    results = run_workers(test_config, tmp_path, lists)
    statuses = results[0] + results[1]
    # 60 s between sends of one national code: of 8 simultaneous asks in two processes, exactly one sends.
    assert statuses.count(303) == 1 and statuses.count(429) == 7, results
    with app.app_context():
        assert MailMessage.select().count() == 1
        assert OtpChallenge.select().count() == 1
        assert RateEvent.select().where(RateEvent.key == otp.send_key(nc)).count() == 1


@pytest.mark.slow
def test_two_workers_share_the_per_ip_limit(app, test_config, tmp_path):
    lists = [[[national_code(812340000 + worker * 100 + n), f"p{worker}{n}@example.com", "203.0.113.77"]
              for n in range(8)] for worker in range(2)]
    results = run_workers(test_config, tmp_path, lists)
    statuses = results[0] + results[1]
    # 10 sends per IP per hour, counted together by both processes.
    assert statuses.count(303) == 10 and statuses.count(429) == 6, results
    with app.app_context():
        assert MailMessage.select().count() == 10
        assert RateEvent.select().where(RateEvent.key == otp.ip_key("203.0.113.77")).count() == 10
