"""Concurrent submissions from several processes: no lost request, no duplicate tracking code, no lock errors."""

from __future__ import annotations

import multiprocessing

import pytest

from core.models import Applicant, MailMessage, Office, RequestEvent, ServiceRequest

PROCESSES, PER_PROCESS = 4, 50
NATIONAL_CODES = ["0499370899", "0790419904", "0084575948", "0963695398"]


def _submit_many(config: dict, national_code: str, count: int, queue) -> None:
    """Child process: build its own app on the shared database and submit ``count`` requests."""
    from app import create_app
    from casework.submission import submit_request
    from forms.registry import current_registry
    from wizard.drafts import start_draft

    app = create_app({**config, "MAIL_SEND_INLINE": False})
    errors = []
    with app.test_request_context():
        spec = current_registry().service("smart_card")
        applicant = Applicant.get(Applicant.national_code == national_code)
        office = Office.get(Office.code == "de-berlin")
        for _ in range(count):
            try:
                draft = start_draft(applicant, "service", spec, office=office)
                submit_request(applicant, office, spec, draft, {"note": "x"})
            except Exception as exc:
                errors.append(repr(exc))
    queue.put(errors)


@pytest.mark.slow
def test_four_processes_submitting_fifty_requests_each(app, test_config):
    with app.app_context():
        from cli import demo
        list(demo.load())
        for code in NATIONAL_CODES:
            Applicant.create(national_code=code, email=f"{code}@example.com", profile={"first_name": "x"})
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    workers = [context.Process(target=_submit_many, args=(test_config, code, PER_PROCESS, queue))
               for code in NATIONAL_CODES[:PROCESSES]]
    for worker in workers:
        worker.start()
    errors = [error for _ in workers for error in queue.get(timeout=240)]
    for worker in workers:
        worker.join(60)
    assert errors == []
    with app.app_context():
        codes = [r.tracking_code for r in ServiceRequest.select(ServiceRequest.tracking_code)]
        assert len(codes) == PROCESSES * PER_PROCESS
        assert len(set(codes)) == len(codes)
        assert RequestEvent.select().count() == PROCESSES * PER_PROCESS
        assert MailMessage.select().count() == PROCESSES * PER_PROCESS
