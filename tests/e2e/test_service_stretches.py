"""Work stretches: the tracker on plain events (pure), and the service saving them into a real
store on a fake clock (the report's longest unbroken stretch, measured)."""

from __future__ import annotations

import signal
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from posture_guard.app.store import Store
from posture_guard.core.commands import BreakNow
from posture_guard.core.stretches import StretchTracker, WorkStretch
from posture_guard.core.timer import (
    BreakEnded,
    BreakPrompted,
    BreakStarted,
    DayRolledOver,
    NaturalBreakRecorded,
    Outcome,
)
from tests.app import App, read_until
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
            running.ask(BreakNow())
            running.work(1)  # taken, ends 09:33:30
            running.work(5)
        finally:
            running.stop()
        assert store.stretches_between(*EVER) == [
            WorkStretch(started=START, ended=at("09:10"), active_s=10 * M),
            WorkStretch(started=at("09:12:30"), ended=at("09:32:30"), active_s=20 * M),
            # still open at the stop: saved up to the last observation (issue 7 review)
            WorkStretch(started=at("09:33:30"), ended=at("09:38:30"), active_s=5 * M),
        ]


def test_stretch_tracker_close_hands_out_the_open_stretch_once() -> None:
    # Protects: the stretch still open when the service stops is saved, once (Rule 4).
    tracker = StretchTracker(START)
    natural = NaturalBreakRecorded(at=at("09:40"), kind="posture", idle_s=120)
    assert tracker.follow(natural, 38 * M) is not None
    assert tracker.close(at("10:05"), 63 * M) == WorkStretch(
        started=at("09:40"), ended=at("10:05"), active_s=25 * M
    )
    assert tracker.close(at("10:06"), 64 * M) is None
    # and nothing after the close ends another stretch
    later = NaturalBreakRecorded(at=at("10:30"), kind="posture", idle_s=120)
    assert tracker.follow(later, 80 * M) is None


def test_stretch_tracker_close_on_a_break_ends_the_stretch_when_the_break_began() -> None:
    tracker = StretchTracker(START)
    tracker.follow(BreakStarted(at=at("09:30"), kind="posture", length_s=20), 30 * M)
    assert tracker.close(at("09:31"), 31 * M) == WorkStretch(
        started=START, ended=at("09:30"), active_s=30 * M
    )


def test_stretch_tracker_close_right_after_a_rest_saves_nothing() -> None:
    # away since before the rest was recorded: no work since, no stretch
    tracker = StretchTracker(START)
    tracker.follow(NaturalBreakRecorded(at=at("09:40"), kind="posture", idle_s=120), 38 * M)
    assert tracker.close(at("09:38"), 38 * M) is None


@pytest.mark.e2e
def test_service_stopped_right_after_a_rest_saves_no_empty_stretch(tmp_path: Path) -> None:
    with Store.open(tmp_path / "data" / "posture-guard.sqlite3") as store:
        running = Running(store)
        try:
            running.work(10)
            running.away(100)  # 09:10-09:11:40: a natural posture break; then the stop
        finally:
            running.stop()
        assert store.stretches_between(*EVER) == [
            WorkStretch(started=START, ended=at("09:10"), active_s=10 * M),
        ]


@pytest.mark.e2e
def test_service_stopped_while_away_ends_the_open_stretch_when_input_stopped(
    tmp_path: Path,
) -> None:
    with Store.open(tmp_path / "data" / "posture-guard.sqlite3") as store:
        running = Running(store)
        try:
            running.work(2)  # 2 min: too little work for a 40 s pause to count as a rest
            running.idle.set(40.0)
            running.clock.advance(40)
        finally:
            running.stop()  # the final step sees the 40 s idle spell: not work
        assert store.stretches_between(*EVER) == [
            WorkStretch(started=START, ended=at("09:02"), active_s=2 * M),
        ]


@pytest.mark.e2e
def test_service_saves_the_stretch_in_progress_as_it_goes_and_lists_it_once(
    tmp_path: Path,
) -> None:
    # Protects: what a killed service leaves behind (every save is committed) holds the stretch
    # in progress up to the last minute's save, one row, replaced as the stretch grows.
    with Store.open(tmp_path / "data" / "posture-guard.sqlite3") as store:
        running = Running(store, flush_every_s=1)  # the minute job, a minute made short

        def saved_after(expected: list[WorkStretch]) -> list[WorkStretch]:
            deadline = time.monotonic() + 5
            while store.stretches_between(*EVER) != expected and time.monotonic() < deadline:
                time.sleep(0.05)
            return store.stretches_between(*EVER)

        try:
            running.work(10)
            so_far = WorkStretch(started=START, ended=at("09:10"), active_s=10 * M)
            assert saved_after([so_far]) == [so_far]
            running.work(5)
            so_far = WorkStretch(started=START, ended=at("09:15"), active_s=15 * M)
            assert saved_after([so_far]) == [so_far]
            running.away(150)  # a rest: the stretch ends at 09:15, saved at once
            running.work(3)
        finally:
            running.stop()
        assert store.stretches_between(*EVER) == [
            so_far,
            WorkStretch(started=at("09:17:30"), ended=at("09:20:30"), active_s=3 * M),
        ]


SERVICE_PLAN = """
[working_hours]
days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
start = "00:00"
end = "24:00"
[breaks.posture]
every = "1h"
length = "20s"
[breaks.stretch]
enabled = false
[breaks.movement]
enabled = false
"""


def _saved_stretches(app: App) -> list[WorkStretch]:
    database = app.home / ".data" / "posture-guard" / "posture-guard.sqlite3"
    with Store.open(database) as store:
        now = datetime.now(UTC)
        return store.stretches_between(now - timedelta(days=1), now + timedelta(days=1))


@pytest.mark.e2e
@pytest.mark.parametrize("how", ["quit", "SIGTERM"])
def test_real_service_saves_the_open_stretch_once_on_a_clean_stop(app: App, how: str) -> None:
    # Protects (issue 7 review): a stretch still open when the service stops reaches the store,
    # so the report's "longest unbroken stretch" sees it. Headless, the idle source is "none":
    # every second counts as active.
    app.config.write_text(SERVICE_PLAN)
    for run in (1, 2):
        proc = app.start("--headless")
        read_until(proc, "Posture Guard is running", timeout=15)
        app.wait_running()
        time.sleep(2.5)
        app.cli("status")  # one more observation: the last active moment
        if how == "quit":
            assert app.cli("quit").returncode == 0
        else:
            proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == 0
        stretches = _saved_stretches(app)
        assert len(stretches) == run  # one per run: saved once
        latest = stretches[-1]
        assert 2.0 <= latest.active_s <= 15.0
        assert latest.ended - latest.started >= timedelta(seconds=latest.active_s - 1)


KILL_PLAN = """
[working_hours]
days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
start = "00:00"
end = "24:00"
[breaks.posture]
every = "10s"
length = "5s"
[breaks.stretch]
enabled = false
[breaks.movement]
enabled = false
"""


@pytest.mark.e2e
def test_real_service_killed_keeps_the_stretch_up_to_its_last_save(app: App) -> None:
    # Protects: a crash loses at most the time since the last save. A skipped break (no rest)
    # makes the service save at once, the stretch in progress with it; then SIGKILL.
    app.config.write_text(KILL_PLAN)
    proc = app.start("--headless")
    read_until(proc, "Posture and eyes check", timeout=30)  # 10 s of work: due and asked for
    skipped = app.cli("skip")
    assert skipped.stdout.strip() == "Skipped the posture break.", skipped.stderr
    saved = _saved_stretches(app)
    proc.send_signal(signal.SIGKILL)
    assert proc.wait(timeout=10) == -signal.SIGKILL
    assert len(saved) == 1
    assert 10.0 <= saved[0].active_s <= 25.0
    assert _saved_stretches(app) == saved  # what the killed process left: committed
