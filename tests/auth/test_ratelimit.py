"""Shared sliding-window counters: counting, waits, cleanup."""

from __future__ import annotations

import datetime as dt

from core import ratelimit
from core.models import RateEvent


def test_count_covers_only_the_window(app, clock):
    with app.app_context():
        ratelimit.hit("k")
        clock.advance(minutes=10)
        ratelimit.hit("k")
        ratelimit.hit("other")
        assert ratelimit.count("k", dt.timedelta(minutes=15)) == 2
        assert ratelimit.count("k", 300) == 1
        clock.advance(minutes=5)
        assert ratelimit.count("k", dt.timedelta(minutes=15)) == 1


def test_seconds_until_allowed_waits_for_the_oldest_counted_event_to_leave(app, clock):
    with app.app_context():
        assert ratelimit.seconds_until_allowed("k", 3, 900) == 0
        for _ in range(3):
            ratelimit.hit("k")
            clock.advance(seconds=100)
        # Events at 0, 100, 200; now 300: the one at 0 leaves the 900 s window at 900.
        assert ratelimit.seconds_until_allowed("k", 3, 900) == 600
        assert ratelimit.seconds_until_allowed("k", 4, 900) == 0
        clock.advance(seconds=599)
        assert ratelimit.seconds_until_allowed("k", 3, 900) == 1
        clock.advance(seconds=1)
        assert ratelimit.seconds_until_allowed("k", 3, 900) == 0


def test_last_returns_the_latest_event_in_the_window(app, clock):
    with app.app_context():
        assert ratelimit.last("k", 60) is None
        ratelimit.hit("k")
        first = clock()
        assert ratelimit.last("k", 60) == first
        clock.advance(seconds=61)
        assert ratelimit.last("k", 60) is None


def test_cleanup_deletes_only_old_events(app, clock):
    with app.app_context():
        ratelimit.hit("k")
        clock.advance(days=3)
        ratelimit.hit("k")
        assert ratelimit.cleanup(dt.timedelta(days=2)) == 1
        assert RateEvent.select().count() == 1


def test_cleanup_command(app, runner, clock):
    with app.app_context():
        ratelimit.hit("k")
    clock.advance(days=3)
    result = runner.invoke(args=["auth", "cleanup"])
    assert result.exit_code == 0, result.output
    assert "rate events: 1" in result.output
