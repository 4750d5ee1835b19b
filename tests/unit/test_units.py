"""Durations and clock times as people write them."""

from __future__ import annotations

from datetime import time

import pytest

from posture_guard.core.units import format_clock, format_duration, parse_clock, parse_duration


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("20s", 20),
        ("45m", 2700),
        ("1h", 3600),
        ("1h30m", 5400),
        ("1h0m5s", 3605),
        (" 2M ", 120),
        ("90m", 5400),
    ],
)
def test_units_parse_duration(text: str, seconds: int) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "90x", "m", "1.5h", "30m1h", "-5m", "5", "h30m"])
def test_units_parse_duration_rejects(text: str) -> None:
    with pytest.raises(ValueError, match=r'^expected a duration like "45m" or "1h30m"$'):
        parse_duration(text)


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0, "0s"),
        (-3, "0s"),
        (20, "20s"),
        (125, "2m5s"),
        (2700, "45m"),
        (5400, "1h30m"),
        (3605, "1h"),
    ],
)
def test_units_format_duration(seconds: float, text: str) -> None:
    assert format_duration(seconds) == text


def test_units_clock_round_trip_and_end_of_day() -> None:
    assert parse_clock("04:00") == time(4, 0)
    assert parse_clock("24:00", allow_24=True) == time.max
    assert format_clock(time.max) == "24:00"
    assert format_clock(time(7, 5)) == "07:05"
    for bad in ("24:00", "7", "07:60", "25:00", "seven"):
        with pytest.raises(ValueError, match=r'^expected a time of day like "04:00" or "17:30"$'):
            parse_clock(bad)
