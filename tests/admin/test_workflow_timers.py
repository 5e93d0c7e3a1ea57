"""`workflow tick` with a frozen clock: timers move once, reminders go once, two ticks at once move a request once."""

from __future__ import annotations

import datetime as dt
import threading

from core.models import MailMessage, RequestEvent, ServiceRequest
from tests.admin.conftest import START, make_request, page
from workflow.timers import tick


def _waiting(app, world, count: int = 1) -> list[int]:
    """Passport requests that entered "more information needed" at START."""
    ids = [make_request(app, world["berlin"], world["applicant"], status="needs_info") for _ in range(count)]
    with app.app_context():
        ServiceRequest.update(status_since=START).where(ServiceRequest.id.in_(ids)).execute()
    return ids


def _tick(app):
    with app.app_context():
        return tick()


def _mails(app, word: str) -> list[MailMessage]:
    with app.app_context():
        return [m for m in MailMessage.select().where(MailMessage.to == "sara@example.com") if word in m.subject]


def test_a_timer_reminds_seven_days_before_and_moves_after_thirty(app, world, clock):
    [rid] = _waiting(app, world)
    clock.set(START + dt.timedelta(days=22, hours=23))
    assert (_tick(app).reminded, _tick(app).moved) == (0, 0)
    clock.set(START + dt.timedelta(days=23))
    assert _tick(app).reminded == 1
    assert _tick(app).reminded == 0  # once
    [reminder] = _mails(app, "یادآوری")
    assert "۷" in reminder.body_text and "بسته شد — بی‌پاسخ" in reminder.body_text
    clock.set(START + dt.timedelta(days=30) - dt.timedelta(seconds=1))
    assert _tick(app).moved == 0
    clock.set(START + dt.timedelta(days=30))
    report = _tick(app)
    assert (report.moved, report.reminded) == (1, 0)
    assert _tick(app).moved == 0  # idempotent
    with app.app_context():
        row = ServiceRequest.get_by_id(rid)
        assert (row.status, row.is_open, row.status_since) == ("closed_no_answer", False, clock())
        event = RequestEvent.select().where(RequestEvent.request == rid).order_by(RequestEvent.id.desc()).get()
        assert (event.from_status, event.to_status, event.actor_type) == ("needs_info", "closed_no_answer", "system")
    with app.app_context():
        assert MailMessage.select().where(MailMessage.to == "sara@example.com").count() == 2  # reminder + status


def test_the_timeline_shows_the_systems_move(app, world, clock, staff_client):
    [rid] = _waiting(app, world)
    clock.set(START + dt.timedelta(days=31))
    _tick(app)
    html = page(staff_client("berlin_officer").get(f"/admin/requests/passport/details/?id={rid}"))
    assert "Moved on its own after 30 days without a change." in html and "System" in html
    assert "Closed: no answer" in html


def test_a_request_someone_moved_meanwhile_keeps_its_new_status(app, world, clock):
    [rid] = _waiting(app, world)
    with app.app_context():
        ServiceRequest.update(status="in_review", status_since=START + dt.timedelta(days=5)).where(
            ServiceRequest.id == rid).execute()
    clock.set(START + dt.timedelta(days=40))
    assert _tick(app).moved == 0
    with app.app_context():
        assert ServiceRequest.get_by_id(rid).status == "in_review"


def test_two_ticks_at_once_move_each_request_once(app, world, clock):
    ids = _waiting(app, world, count=6)
    clock.set(START + dt.timedelta(days=31))
    start = threading.Barrier(2)
    reports, errors = [], []

    def run() -> None:
        try:
            with app.app_context():
                start.wait(timeout=10)
                reports.append(tick())
        except Exception as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    assert sum(r.moved for r in reports) == 6
    with app.app_context():
        moves = (RequestEvent.select().where(RequestEvent.request.in_(ids)
                                             & (RequestEvent.to_status == "closed_no_answer")).count())
        assert moves == 6
        assert ServiceRequest.select().where(ServiceRequest.id.in_(ids)
                                             & (ServiceRequest.status == "closed_no_answer")).count() == 6
        status_mails = MailMessage.select().where(MailMessage.to == "sara@example.com").count()
        assert status_mails == 6  # one status e-mail per request, no reminder (already past it)


def test_the_tick_command_says_what_it_did(app, world, clock):
    _waiting(app, world)
    clock.set(START + dt.timedelta(days=31))
    result = app.test_cli_runner().invoke(args=["workflow", "tick"])
    assert result.exit_code == 0 and "moved 1, reminded 0" in result.output
