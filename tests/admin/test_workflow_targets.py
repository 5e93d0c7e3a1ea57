"""Service-level targets in working days: the due date skips closed days; the queue, dashboard and escalation."""

from __future__ import annotations

import datetime as dt
import re

from core.models import ClosedDay, MailMessage, Office, ServiceRequest
from forms.registry import current_registry
from tests.admin.conftest import START, make_request, page
from workflow.targets import add_working_days, due_at, due_day
from workflow.timers import tick

WEEKDAYS = {day: [["09:00", "13:00"]] for day in ("mon", "tue", "wed", "thu", "fri")}
POA_ANSWERS = {"power_type": "property_sale", "agent_last_name": "Karimi"}


def _berlin(app, world, closed: bool) -> None:
    with app.app_context():
        Office.update(opening_hours=WEEKDAYS, timezone="Europe/Berlin").where(Office.id == world["berlin"]).execute()
        if closed:  # an office closure on Thursday 12 March
            ClosedDay.create(key="office:de-berlin:2026-03-12", day=dt.date(2026, 3, 12), scope="office",
                             office=world["berlin"], name_fa="تعطیل", name_en="Closed")


def test_working_days_skip_weekends_and_closed_days(app, world):
    _berlin(app, world, closed=False)
    with app.app_context():
        berlin = Office.get_by_id(world["berlin"])
        # Submitted Tuesday 10 March: five working days end on Tuesday 17 March, midnight in Berlin (23:00 UTC).
        assert add_working_days(berlin, START, 5) == dt.datetime(2026, 3, 17, 23, 0)
    _berlin(app, world, closed=True)
    with app.app_context():
        berlin = Office.get_by_id(world["berlin"])
        assert add_working_days(berlin, START, 5) == dt.datetime(2026, 3, 18, 23, 0)
        spec = current_registry().services["power_of_attorney"]
        assert due_at(spec, berlin, START) == dt.datetime(2026, 3, 18, 23, 0)
        passport = current_registry().services["passport"]
        assert passport.target.days_for("ca-ottawa") == 40 and passport.target.days_for("de-berlin") == 30
        assert due_day(dt.datetime(2026, 3, 18, 23, 0), berlin) == dt.date(2026, 3, 18)  # shown as the 18th
        toronto = Office(code="ca-ottawa", timezone="America/Toronto")
        assert due_day(dt.datetime(2026, 3, 19, 4, 0), toronto) == dt.date(2026, 3, 18)  # midnight there
        assert due_at(current_registry().services["death_registration"], berlin, START) == (
            START + dt.timedelta(days=current_registry().services["death_registration"].processing_days))


def _poa_request(app, world) -> int:
    rid = make_request(app, world["berlin"], world["applicant"], service_id="power_of_attorney",
                       answers=POA_ANSWERS, status="drafting")
    with app.app_context():
        berlin = Office.get_by_id(world["berlin"])
        due = due_at(current_registry().services["power_of_attorney"], berlin, START)
        ServiceRequest.update(due_at=due).where(ServiceRequest.id == rid).execute()
    return rid


def _escalations(app) -> list[MailMessage]:
    with app.app_context():
        return [m for m in MailMessage.select() if "گذشته از مهلت" in m.subject]


def test_escalation_waits_for_the_day_the_closure_added_then_tells_the_office_once(app, world, clock,
                                                                                    staff_client):
    _berlin(app, world, closed=True)
    rid = _poa_request(app, world)
    clock.set(dt.datetime(2026, 3, 18, 12, 0))  # without the closure it would be overdue by now
    with app.app_context():
        assert tick().escalated == 0
    officer = staff_client("berlin_officer")
    queue = page(officer.get("/admin/requests/power_of_attorney/"))
    assert 'badge-danger">Overdue' not in queue and "Escalated" not in queue
    clock.set(dt.datetime(2026, 3, 18, 23, 0, 1))
    with app.app_context():
        assert tick().escalated == 1
        assert tick().escalated == 0
    [mail] = _escalations(app)
    assert mail.to == "consul@mikhak.example"  # the office's consul; the officer and other offices are not told
    assert f"/admin/requests/power_of_attorney/details/?id={rid}" in mail.body_text
    officer = staff_client("berlin_officer")  # a new session: the clock moved past the idle timeout
    queue = page(officer.get("/admin/requests/power_of_attorney/"))
    assert 'badge-danger">Overdue' in queue and 'badge-warning">Escalated' in queue
    dashboard = page(officer.get("/admin/"))
    overdue_card = re.search(r"Overdue</p>\s*<p class=\"big-number[^\"]*\">([^<]+)<", dashboard)
    assert overdue_card and overdue_card.group(1) == "1"
    details = page(officer.get(f"/admin/requests/power_of_attorney/details/?id={rid}"))
    assert 'badge-warning">Escalated' in details


def test_without_a_consul_every_administrator_hears(app, world, clock):
    from core.models import Staff

    _berlin(app, world, closed=False)
    with app.app_context():
        Staff.update(work_roles=["officer"]).where(Staff.id == world["berlin_consul"]).execute()
    _poa_request(app, world)
    clock.set(dt.datetime(2026, 4, 1))
    with app.app_context():
        assert tick().escalated == 1
    assert [m.to for m in _escalations(app)] == ["admin@mikhak.example"]
