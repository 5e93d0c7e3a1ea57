"""Slots from opening hours in the office's timezone, stored in UTC; closed days; free and next free slots."""

from __future__ import annotations

import datetime as dt

from appointments import calendar
from appointments.booking import reserve_seat
from core.db import database
from core.models import ClosedDay
from tests.appointments.conftest import make_office

SUNDAY_HOURS = {"sun": [["01:00", "04:00"]], "sat": [["09:00", "10:00"]], "mon": [["09:00", "10:00"]]}


def test_slots_follow_opening_hours_and_length(ctx):
    office = make_office(opening_hours={"tue": [["09:00", "10:00"], ["14:00", "15:10"]]}, slot_minutes=20)
    starts = calendar.day_slots(office, dt.date(2026, 12, 1))
    # Berlin is UTC+1 in December; 14:40–15:00 fits, 15:00–15:20 does not end by 15:10.
    assert starts == [dt.datetime(2026, 12, 1, hour, minute) for hour, minute in
                      ((8, 0), (8, 20), (8, 40), (13, 0), (13, 20), (13, 40))]
    assert calendar.day_slots(office, dt.date(2026, 12, 2)) == []


def test_berlin_spring_forward_skips_the_missing_hour(ctx):
    office = make_office(opening_hours=SUNDAY_HOURS, slot_minutes=30)
    # 29 March 2026 is the last Sunday of March: 02:00 CET jumps to 03:00 CEST.
    starts = calendar.day_slots(office, dt.date(2026, 3, 29))
    assert starts == [dt.datetime(2026, 3, 29, 0, 0), dt.datetime(2026, 3, 29, 0, 30),   # 01:00, 01:30 CET
                      dt.datetime(2026, 3, 29, 1, 0), dt.datetime(2026, 3, 29, 1, 30)]   # 03:00, 03:30 CEST
    assert [calendar.to_local(s, office).strftime("%H:%M") for s in starts] == ["01:00", "01:30", "03:00", "03:30"]
    # 09:00 local is 08:00 UTC the day before and 07:00 UTC the day after.
    assert calendar.day_slots(office, dt.date(2026, 3, 28))[0] == dt.datetime(2026, 3, 28, 8, 0)
    assert calendar.day_slots(office, dt.date(2026, 3, 30))[0] == dt.datetime(2026, 3, 30, 7, 0)


def test_berlin_fall_back_gives_one_slot_per_wall_time(ctx):
    office = make_office(opening_hours=SUNDAY_HOURS, slot_minutes=30)
    # 25 October 2026: 03:00 CEST goes back to 02:00 CET; 02:00 and 02:30 happen twice.
    starts = calendar.day_slots(office, dt.date(2026, 10, 25))
    local = [calendar.to_local(s, office).strftime("%H:%M") for s in starts]
    assert local == ["01:00", "01:30", "02:00", "02:30", "03:00", "03:30"]
    assert starts[2] == dt.datetime(2026, 10, 25, 0, 0)  # first 02:00 (CEST, UTC+2)
    assert len(set(starts)) == len(starts)


def test_other_timezones(ctx):
    dubai = make_office(timezone="Asia/Dubai", opening_hours={"fri": [["09:00", "10:00"]]}, slot_minutes=60)
    toronto = make_office(timezone="America/Toronto", opening_hours={"fri": [["09:00", "10:00"]]}, slot_minutes=60)
    assert calendar.day_slots(dubai, dt.date(2026, 12, 4)) == [dt.datetime(2026, 12, 4, 5, 0)]
    assert calendar.day_slots(toronto, dt.date(2026, 12, 4)) == [dt.datetime(2026, 12, 4, 14, 0)]
    assert calendar.day_slots(toronto, dt.date(2026, 7, 3)) == [dt.datetime(2026, 7, 3, 13, 0)]


def test_closed_days_apply_by_scope(ctx):
    berlin = make_office(country="DE")
    london = make_office(country="GB", timezone="Europe/London")
    ClosedDay.create(key="iran::2026-12-02", day=dt.date(2026, 12, 2), scope="iran", name_fa="x", name_en="x")
    ClosedDay.create(key="country:DE:2026-12-03", day=dt.date(2026, 12, 3), scope="country", country="DE",
                     name_fa="x", name_en="x")
    ClosedDay.create(key=f"office:{london.code}:2026-12-04", day=dt.date(2026, 12, 4), scope="office",
                     office=london, name_fa="x", name_en="x")
    assert calendar.is_closed(berlin, dt.date(2026, 12, 2)) and calendar.is_closed(london, dt.date(2026, 12, 2))
    assert calendar.is_closed(berlin, dt.date(2026, 12, 3)) and not calendar.is_closed(london, dt.date(2026, 12, 3))
    assert not calendar.is_closed(berlin, dt.date(2026, 12, 4)) and calendar.is_closed(london, dt.date(2026, 12, 4))
    assert calendar.is_closed(berlin, dt.date(2026, 12, 5))  # Saturday: no opening hours
    days = {s.local_start.date() for s in calendar.free_slots(berlin, dt.date(2026, 12, 1), 7)}
    assert days == {dt.date(2026, 12, 1), dt.date(2026, 12, 4), dt.date(2026, 12, 7)}
    assert not calendar.is_slot(berlin, dt.datetime(2026, 12, 2, 8, 0))
    assert calendar.is_slot(berlin, dt.datetime(2026, 12, 4, 8, 0))
    assert not calendar.is_slot(berlin, dt.datetime(2026, 12, 4, 8, 10))


def test_free_slots_leave_out_the_past_and_full_slots(ctx, clock):
    office = make_office(slot_capacity=1)
    clock.set(dt.datetime(2026, 12, 1, 9, 15))  # 10:15 in Berlin
    first = calendar.free_slots(office, None, 1)
    assert [s.local_start.strftime("%H:%M") for s in first] == ["10:30", "11:00", "11:30"]
    with database.atomic():
        reserve_seat(office, first[0].starts_at)
    assert [s.local_start.strftime("%H:%M") for s in calendar.free_slots(office, None, 1)] == ["11:00", "11:30"]
    assert calendar.next_free_slot(office).starts_at == first[1].starts_at


def test_next_free_slot_skips_closed_days_and_weekends(ctx, clock):
    office = make_office()
    clock.set(dt.datetime(2026, 12, 4, 12, 0))  # Friday after closing time
    ClosedDay.create(key="iran::2026-12-07", day=dt.date(2026, 12, 7), scope="iran", name_fa="x", name_en="x")
    found = calendar.next_free_slot(office)
    assert found.local_start.isoformat() == "2026-12-08T09:00:00+01:00"
    assert calendar.next_free_slot(office, until=dt.datetime(2026, 12, 7, 23, 0)) is None
    assert calendar.next_free_slot(make_office(opening_hours={})) is None
