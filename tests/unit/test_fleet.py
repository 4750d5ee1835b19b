"""Fleet figures, pure part: rounding, per-day counts and the exact Prometheus text."""

from __future__ import annotations

import os
import stat
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from posture_guard.app import fleet
from posture_guard.core.records import BreakRecord, DayActivity
from posture_guard.core.timer import Outcome

BERLIN = ZoneInfo("Europe/Berlin")
DAY = date(2026, 11, 24)


def _break(hour: float, outcome: Outcome, *, prompted: bool = True, day: date = DAY) -> BreakRecord:
    ended = datetime.combine(day, time(0), tzinfo=BERLIN) + timedelta(hours=hour)
    return BreakRecord(
        kind="stretch",
        due=ended - timedelta(minutes=2) if prompted else None,
        prompted=ended - timedelta(minutes=2) if prompted else None,
        started=ended - timedelta(minutes=1),
        ended=ended,
        outcome=outcome,
    )


@pytest.mark.parametrize(
    ("seconds", "minutes"),
    [
        (0, 0),
        (7 * 60 + 29, 0),
        (7 * 60 + 30, 15),
        (22 * 60 + 29, 15),
        (22 * 60 + 30, 30),
        (3 * 3600 + 100, 180),
    ],
)
def test_fleet_active_minutes_round_to_the_nearest_15(seconds: float, minutes: int) -> None:
    assert fleet.round_minutes(seconds) == minutes


@given(st.floats(min_value=0, max_value=48 * 3600))
def test_fleet_rounding_is_a_multiple_of_15_within_7_5_minutes(seconds: float) -> None:
    minutes = fleet.round_minutes(seconds)
    assert minutes % 15 == 0
    assert abs(minutes - seconds / 60) <= 7.5


def test_fleet_day_counts_per_working_day_and_outcome() -> None:
    breaks = [
        _break(9, Outcome.TAKEN),
        _break(10, Outcome.NATURAL, prompted=False),  # rested without a prompt: taken, not prompted
        _break(11, Outcome.SKIPPED),
        _break(12, Outcome.MERGED),
        _break(27.5, Outcome.TAKEN),  # 03:30 the next morning: still this working day
        _break(9, Outcome.TAKEN, day=DAY - timedelta(days=30)),  # outside the days asked for
    ]
    activity = [
        DayActivity(day=DAY, active_s=4 * 3600 + 8 * 60),
        DayActivity(day=DAY - timedelta(days=1), active_s=600),
    ]
    counts = fleet.day_counts(
        breaks, activity, fleet.days_back(DAY + timedelta(days=1)), time(4), BERLIN
    )
    assert counts == [
        fleet.DayCounts(
            day=DAY - timedelta(days=1), active_minutes=15, prompted=0, taken=0, skipped=0
        ),
        fleet.DayCounts(day=DAY, active_minutes=4 * 60 + 15, prompted=4, taken=3, skipped=1),
    ]


def test_fleet_render_is_the_prometheus_text_format_with_only_counts() -> None:
    counts = [fleet.DayCounts(day=DAY, active_minutes=255, prompted=4, taken=3, skipped=1)]
    assert fleet.render("0123456789abcdef", "finance", counts) == (
        "# HELP posture_guard_active_minutes Active screen minutes on the working day, rounded to 15.\n"
        "# TYPE posture_guard_active_minutes gauge\n"
        'posture_guard_active_minutes{device="0123456789abcdef",team="finance",day="2026-11-24"} 255\n'
        "# HELP posture_guard_breaks Breaks on the working day by outcome: prompted, taken (taken or natural), skipped.\n"
        "# TYPE posture_guard_breaks gauge\n"
        'posture_guard_breaks{device="0123456789abcdef",team="finance",day="2026-11-24",outcome="prompted"} 4\n'
        'posture_guard_breaks{device="0123456789abcdef",team="finance",day="2026-11-24",outcome="taken"} 3\n'
        'posture_guard_breaks{device="0123456789abcdef",team="finance",day="2026-11-24",outcome="skipped"} 1\n'
    )
    assert 'team="' not in fleet.render("d", None, counts)


def test_fleet_write_is_atomic_and_world_readable(tmp_path: Path) -> None:
    old = os.umask(0o077)  # even under a strict umask node_exporter must be able to read it
    try:
        path = fleet.write_atomically(tmp_path, "abc", "x 1\n")
    finally:
        os.umask(old)
    assert path == tmp_path / "posture_guard_abc.prom"
    assert path.read_text() == "x 1\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o644
    assert sorted(p.name for p in tmp_path.iterdir()) == ["posture_guard_abc.prom"]  # no temp left


def test_fleet_write_to_a_missing_directory_raises_and_leaves_nothing(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        fleet.write_atomically(tmp_path / "missing", "abc", "x 1\n")


def test_fleet_device_id_is_random_kept_private_and_stable(tmp_path: Path) -> None:
    path = tmp_path / "data" / "device-id"
    first = fleet.device_id(path)
    assert len(first) == 16
    assert int(first, 16) >= 0
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert fleet.device_id(path) == first
    other = fleet.device_id(tmp_path / "other" / "device-id")
    assert other != first
    path.write_text("garbage")
    assert fleet.device_id(path) not in (first, "garbage")
