"""The break log (service Rule 6): events in, records saved when due, nothing lost on a failure.

Each test narrates one morning in Berlin with the FakeClock, feeding the events the timer would
give and the timer readings the service would hand in.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from posture_guard.app.breaklog import BreakLog
from posture_guard.app.store import Store
from posture_guard.core.records import BreakRecord, DayActivity
from posture_guard.core.stretches import WorkStretch
from posture_guard.core.timer import (
    BreakDue,
    BreakEnded,
    BreakPrompted,
    BreakSnoozed,
    BreakStarted,
    DayRolledOver,
    NaturalBreakRecorded,
    Outcome,
    State,
    TimerStatus,
)
from posture_guard.testing import FakeClock

START = datetime(2026, 11, 23, 9, 0, tzinfo=ZoneInfo("Europe/Berlin"))  # a working Monday
DAY = date(2026, 11, 23)
EVER = (START - timedelta(days=30), START + timedelta(days=30))


def status(active_s: float, day: date | None = DAY) -> TimerStatus:
    """The timer's reading the service hands in (only the day and its active time matter)."""
    return TimerStatus(
        state=State.WORKING,
        current=None,
        next_kind=None,
        next_in_s=None,
        active_today_s=active_s,
        day=day,
        paused_until=None,
        outcomes_today={},
        allowed=frozenset(),
        snoozes_left=None,
        skip_allowed=True,
    )


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "pg.sqlite3", timeout_s=0.05) as opened:
        yield opened


def test_breaklog_gathers_a_cycle_into_one_record_saved_at_once(store: Store) -> None:
    clock = FakeClock(START)
    log = BreakLog(store, clock.now())
    clock.advance(20 * 60)  # 09:20 the posture break is due and asked for
    log.follow(BreakDue(at=clock.now(), kind="posture"), 1200)
    log.follow(BreakPrompted(at=clock.now(), kind="posture", reminder=False), 1200)
    assert log.flush_due is False  # nothing to save at once yet
    clock.advance(60)  # 09:21 snoozed, 09:26 asked again, 09:27 taken
    log.follow(BreakSnoozed(at=clock.now(), kind="posture", for_s=300), 1260)
    clock.advance(5 * 60)
    log.follow(BreakPrompted(at=clock.now(), kind="posture", reminder=True), 1560)
    clock.advance(60)
    started = clock.now()
    log.follow(BreakStarted(at=started, kind="posture", length_s=20), 1620)
    clock.advance(20)
    log.follow(BreakEnded(at=clock.now(), kind="posture", outcome=Outcome.TAKEN), 1620)
    assert log.flush_due is True
    assert log.flush(status(1620), started) is True
    assert log.flush_due is False
    assert store.breaks_between(*EVER) == [
        BreakRecord(
            kind="posture",
            due=START + timedelta(minutes=20),
            prompted=START + timedelta(minutes=20),  # the first prompt, not the reminder
            started=started,
            ended=started + timedelta(seconds=20),
            outcome=Outcome.TAKEN,
            snoozes=1,
        )
    ]
    assert store.activity_on(DAY) == DayActivity(day=DAY, active_s=1620)
    assert store.stretches_between(*EVER) == [
        WorkStretch(started=START, ended=started, active_s=1620)
    ]


def test_breaklog_break_taken_early_has_no_due_and_a_natural_break_starts_when_input_stopped(
    store: Store,
) -> None:
    clock = FakeClock(START)
    log = BreakLog(store, clock.now())
    clock.advance(10 * 60)  # 09:10 "Take a break now"
    log.follow(BreakStarted(at=clock.now(), kind="posture", length_s=20), 600)
    clock.advance(20)
    log.follow(BreakEnded(at=clock.now(), kind="posture", outcome=Outcome.TAKEN), 600)
    clock.advance(30 * 60)  # 09:40:20, away from the desk for 6 minutes
    log.follow(NaturalBreakRecorded(at=clock.now(), kind="movement", idle_s=360), 1800)
    assert log.flush(status(1800), clock.now()) is True
    early, natural = store.breaks_between(*EVER)
    assert (early.due, early.prompted, early.outcome) == (None, None, Outcome.TAKEN)
    assert natural == BreakRecord(
        kind="movement",
        started=clock.now() - timedelta(seconds=360),
        ended=clock.now(),
        outcome=Outcome.NATURAL,
    )


def test_breaklog_day_rollover_saves_the_day_that_ended_and_a_restart_adds_to_a_day(
    store: Store,
) -> None:
    store.save(activity=[DayActivity(day=DAY, active_s=3600)])  # an earlier run this morning
    clock = FakeClock(START)
    log = BreakLog(store, clock.now())
    assert log.flush(status(600), None) is True
    assert store.activity_on(DAY) == DayActivity(day=DAY, active_s=4200)
    clock.advance(20 * 3600)  # 05:00 the next morning: the day reset at 04:00
    log.follow(
        DayRolledOver(at=clock.now(), previous_day=DAY, day=DAY + timedelta(days=1), active_s=900),
        0,
    )
    assert log.flush_due is True
    assert log.flush(status(0, day=DAY + timedelta(days=1)), None) is True
    assert store.activity_on(DAY) == DayActivity(day=DAY, active_s=4500)
    assert store.activity_on(DAY + timedelta(days=1)) == DayActivity(
        day=DAY + timedelta(days=1), active_s=0
    )


def test_breaklog_failed_save_keeps_everything_says_so_once_and_saves_it_later(
    store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="posture_guard")
    clock = FakeClock(START)
    log = BreakLog(store, clock.now())
    clock.advance(20 * 60)
    log.follow(BreakDue(at=clock.now(), kind="posture"), 1200)
    log.follow(BreakEnded(at=clock.now(), kind="posture", outcome=Outcome.SKIPPED), 1200)
    with closing(sqlite3.connect(store.path, isolation_level=None)) as other:
        other.execute("BEGIN IMMEDIATE")  # another writer holds the lock
        assert log.flush(status(1200), clock.now()) is False
        assert log.flush(status(1260), clock.now()) is False  # retried: still locked
        other.execute("ROLLBACK")
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert warnings[0].startswith("could not save; keeping the figures and retrying: ")
    assert store.breaks_between(*EVER) == []
    assert log.flush(status(1260), clock.now()) is True
    assert [(r.kind, r.outcome) for r in store.breaks_between(*EVER)] == [
        ("posture", Outcome.SKIPPED)
    ]
    assert store.activity_on(DAY) == DayActivity(day=DAY, active_s=1260)
    assert any(r.getMessage().startswith("saving works again: ") for r in caplog.records)


def test_breaklog_flush_at_exit_closes_the_open_stretch_at_the_last_active_moment(
    store: Store,
) -> None:
    clock = FakeClock(START)
    log = BreakLog(store, clock.now())
    clock.advance(15 * 60)
    last_active = clock.now()  # 09:15 the last key press; then the service stops at 09:17
    clock.advance(120)
    log.flush_at_exit(status(900), last_active)
    assert store.stretches_between(*EVER) == [
        WorkStretch(started=START, ended=last_active, active_s=900)
    ]
    assert store.activity_on(DAY) == DayActivity(day=DAY, active_s=900)
