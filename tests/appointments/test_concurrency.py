"""Several processes booking at once (same SQLite file, or PostgreSQL): never over capacity, never locked out."""

from __future__ import annotations

import datetime as dt
import multiprocessing

import peewee as pw
import pytest

from core.models import Appointment, Slot
from tests.appointments.conftest import make_applicant, make_office, make_request, make_staff

PROCESSES = 4
PER_PROCESS = 12
SLOTS = [dt.datetime(2026, 12, 2, 8, 0), dt.datetime(2026, 12, 2, 8, 30), dt.datetime(2026, 12, 2, 9, 0)]


def _booker(config: dict, request_ids: list[int], staff_id: int, fixed: bool, start, results) -> None:
    """Book each request (at a contested fixed slot, or the next free one) from a separate process."""
    from app import create_app
    from appointments import booking
    from appointments.booking import SlotUnavailable
    from appointments.notice import spec_of
    from core.models import ServiceRequest, Staff

    app = create_app(config)
    booked = full = 0
    errors: list[str] = []
    with app.test_request_context("/"):
        staff = Staff.get_by_id(staff_id)
        start.wait(60)
        for index, request_id in enumerate(request_ids):
            req = ServiceRequest.get_by_id(request_id)
            try:
                booking.issue_appointment(req, spec_of(req), SLOTS[index % len(SLOTS)] if fixed else None, staff=staff)
                booked += 1
            except SlotUnavailable:
                full += 1
            except Exception as exc:  # reported to the parent, which fails the test
                errors.append(f"{type(exc).__name__}: {exc}")
    results.put((booked, full, errors))


def _run(app, test_config: dict, fixed: bool) -> tuple[int, int, list[str]]:
    with app.test_request_context("/"):
        office = make_office(slot_capacity=2)
        staff = make_staff(office)
        ids = [make_request(office, make_applicant(), "travel_document", status="in_review").id
               for _ in range(PROCESSES * PER_PROCESS)]
    spawn = multiprocessing.get_context("spawn")
    start, results = spawn.Barrier(PROCESSES), spawn.Queue()
    workers = [spawn.Process(target=_booker, args=(test_config, ids[n::PROCESSES], staff.id, fixed, start, results))
               for n in range(PROCESSES)]
    for worker in workers:
        worker.start()
    outcomes = [results.get(timeout=240) for _ in workers]
    for worker in workers:
        worker.join(30)
        assert worker.exitcode == 0
    results.close()
    results.join_thread()
    booked = sum(o[0] for o in outcomes)
    full = sum(o[1] for o in outcomes)
    errors = [error for o in outcomes for error in o[2]]
    return booked, full, errors


def _check_invariants(app, capacity: int = 2) -> None:
    with app.app_context():
        live = (Appointment.select(Appointment.slot, pw.fn.COUNT(Appointment.id).alias("n"))
                .where(Appointment.status == "booked").group_by(Appointment.slot))
        counts = {row.slot_id: row.n for row in live}
        for slot in Slot.select():
            assert slot.booked == counts.get(slot.id, 0) <= capacity


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_contested_slots_are_never_over_capacity(app, test_config):
    booked, full, errors = _run(app, test_config, fixed=True)
    assert errors == [], errors[:5]
    assert booked == len(SLOTS) * 2 and full == PROCESSES * PER_PROCESS - booked
    _check_invariants(app)


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_next_free_slot_under_contention_books_everyone_within_capacity(app, test_config):
    booked, full, errors = _run(app, test_config, fixed=False)
    assert errors == [], errors[:5]
    assert (booked, full) == (PROCESSES * PER_PROCESS, 0)
    _check_invariants(app)
    with app.app_context():
        assert Appointment.select().where(Appointment.status == "booked").count() == booked
