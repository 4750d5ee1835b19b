"""Work stretches: the tracker on plain events (pure), and the service saving them into a real
store on a fake clock (the report's longest unbroken stretch, measured)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from posture_guard.store import Store
from posture_guard.stretches import StretchTracker, WorkStretch
from posture_guard.timer import (
    BreakEnded,
    BreakPrompted,
    BreakStarted,
    DayRolledOver,
    NaturalBreakRecorded,
    Outcome,
)
from tests.e2e.test_service_store import EVER, START, Running, at

M = 60.0


def test_stretch_tracker_ends_a_stretch_at_each_rest_only() -> None:
    tracker = StretchTracker(START)
    assert (
        tracker.follow(BreakPrompted(at=at("09:20"), kind="posture", reminder=False), 20 * M)
        is None
    )
    assert (
        tracker.follow(BreakEnded(at=at("09:21"), kind="posture", outcome=Outcome.SKIPPED), 21 * M)
        is None
    )
    # a natural break: the stretch ends when input stopped (idle_s before it was recorded)
    natural = NaturalBreakRecorded(at=at("09:40"), kind="posture", idle_s=120)
    assert tracker.follow(natural, 38 * M) == WorkStretch(
        started=START, ended=at("09:38"), active_s=38 * M
    )
    # the same step's natural stretch break ends no second stretch
    again = NaturalBreakRecorded(at=at("09:40"), kind="stretch", idle_s=120)
    assert tracker.follow(again, 38 * M) is None
    # a taken break: the stretch ends when the break began, not counting input during it
    assert tracker.follow(BreakStarted(at=at("10:00"), kind="posture", length_s=20), 58 * M) is None
    taken = BreakEnded(at=at("10:01"), kind="posture", outcome=Outcome.TAKEN)
    assert tracker.follow(taken, 59 * M) == WorkStretch(
        started=at("09:40"), ended=at("10:00"), active_s=20 * M
    )
    # a break started, then cancelled, is no rest: the stretch runs on from 10:01
    tracker.follow(BreakStarted(at=at("10:30"), kind="posture", length_s=20), 88 * M)
    tracker.follow(BreakEnded(at=at("10:31"), kind="posture", outcome=Outcome.CANCELLED), 89 * M)
    due_natural = BreakEnded(at=at("11:00"), kind="posture", outcome=Outcome.NATURAL)
    assert tracker.follow(due_natural, 100 * M) == WorkStretch(
        started=at("10:01"), ended=at("11:00"), active_s=41 * M
    )


def test_stretch_tracker_carries_a_stretch_over_the_days_rollover() -> None:
    tracker = StretchTracker(START, active_today_s=100 * M)
    late = START.replace(hour=3, minute=50) + timedelta(days=1)
    rollover = DayRolledOver(at=late + timedelta(minutes=10), previous_day=date(2026, 11, 23),
                             day=date(2026, 11, 24), active_s=130 * M)  # fmt: skip
    assert tracker.follow(rollover, 0.0) is None
    natural = NaturalBreakRecorded(at=late + timedelta(minutes=30), kind="posture", idle_s=60)
    stretch = tracker.follow(natural, 15 * M)
    assert stretch is not None
    assert stretch.active_s == 30 * M + 15 * M  # 30 min before 04:00, 15 after


def test_work_stretch_refuses_naive_times_and_negative_seconds() -> None:
    with pytest.raises(ValueError, match=r"^WorkStretch.started: expected an aware datetime"):
        WorkStretch(started=START.replace(tzinfo=None), ended=START, active_s=1)
    with pytest.raises(ValueError, match=r"^WorkStretch.active_s: expected seconds >= 0, got -1$"):
        WorkStretch(started=START, ended=START, active_s=-1)


@pytest.mark.e2e
def test_service_saves_the_active_time_between_rests(tmp_path: Path) -> None:
    with Store.open(tmp_path / "data" / "posture-guard.sqlite3") as store:
        running = Running(store)
        try:
            running.work(10)
            running.away(150)  # 09:10-09:12:30: a natural posture (and stretch) break
            running.work(20)  # 09:32:30: the posture check comes due
            running.ask("break-now")
            running.work(1)  # taken, ends 09:33:30
            running.work(5)
        finally:
            running.stop()
        assert store.stretches_between(*EVER) == [
            WorkStretch(started=START, ended=at("09:10"), active_s=10 * M),
            WorkStretch(started=at("09:12:30"), ended=at("09:32:30"), active_s=20 * M),
        ]
