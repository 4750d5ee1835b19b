"""The statistics window's description from plain summaries (core/statistics.py)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from posture_guard.core.form_view import Look
from posture_guard.core.records import BreakRecord, DayActivity
from posture_guard.core.statistics import ACTIVE_COLOUR, PERIODS, statistics_window
from posture_guard.core.stretches import WorkStretch
from posture_guard.core.summary import summarise
from posture_guard.core.timer import Outcome

BERLIN = ZoneInfo("Europe/Berlin")
TODAY = date(2026, 3, 9)  # a Monday
STARTS = time(4, 0)


def noon(day: date, minutes: int = 0) -> datetime:
    return datetime.combine(day, time(12, 0), tzinfo=BERLIN) + timedelta(minutes=minutes)


def week() -> tuple[list[BreakRecord], list[DayActivity], list[WorkStretch]]:
    """Day n back has n + 1 hours of work, two taken and one natural break; today and
    yesterday one skipped too; 40 days back (outside every period) a skip that must not count."""
    breaks, activity = [], []
    for n in range(7):
        day = TODAY - timedelta(days=n)
        activity.append(DayActivity(day=day, active_s=(n + 1) * 3600))
        outcomes = [Outcome.TAKEN, Outcome.TAKEN, Outcome.NATURAL]
        if n < 2:
            outcomes.append(Outcome.SKIPPED)
        breaks += [
            BreakRecord(kind="posture", ended=noon(day, 10 * i), outcome=o)
            for i, o in enumerate(outcomes)
        ]
    breaks.append(BreakRecord(kind="stretch", ended=noon(TODAY - timedelta(days=40)),
                              outcome=Outcome.SKIPPED))  # fmt: skip
    end = noon(TODAY - timedelta(days=1), -60)
    stretch = WorkStretch(started=end - timedelta(minutes=50), ended=end, active_s=3000)
    return breaks, activity, [stretch]


def summaries(breaks, activity, stretches):
    return [
        summarise(
            breaks,
            activity,
            [TODAY - timedelta(days=n) for n in range(count - 1, -1, -1)],
            STARTS,
            BERLIN,
            stretches=stretches,
        )
        for count in PERIODS
    ]


def test_statistics_rows_are_the_summary_figures_per_period_with_their_spoken_sentence():
    # Protects: the window's figures are the summaries' (the ones `stats` prints): active
    # time added up, the longest measured stretch, breaks by outcome, and adherence as
    # KindFigures defines it; each row carries the sentence a screen reader says.
    window = statistics_window(summaries(*week()))
    assert window.title == "Statistics"
    assert window.columns == ("Today", "Last 7 days", "Last 30 days")
    assert [(row.label, row.cells) for row in window.rows] == [
        ("active time", ("1h", "28h", "28h")),
        ("longest stretch", ("-", "50m", "50m")),
        ("taken", ("2", "14", "14")),
        ("natural", ("1", "7", "7")),
        ("skipped", ("1", "2", "2")),
        ("adherence", ("75%", "91%", "91%")),
    ]
    assert window.rows[0].spoken == "active time: Today 1h, Last 7 days 28h, Last 30 days 28h"
    assert window.notes[0].startswith("adherence = (taken + natural)")
    assert window.notes[1].startswith("longest stretch = the most active time")
    assert window.empty == ""
    assert [(a.id, a.key) for a in window.actions] == [("close", "escape")]


def test_statistics_bars_are_the_last_seven_days_scaled_to_the_tallest_in_the_reports_blue():
    # Protects: one bar per day of the last 7, oldest first, dated in the language's short
    # form, heights relative to the tallest; the report's blue, or the high-contrast accent.
    window = statistics_window(summaries(*week()))
    assert [(b.label, b.value) for b in window.bars] == [
        ("3 Mar", "7h"), ("4 Mar", "6h"), ("5 Mar", "5h"), ("6 Mar", "4h"),
        ("7 Mar", "3h"), ("8 Mar", "2h"), ("9 Mar", "1h"),
    ]  # fmt: skip
    assert [round(b.fraction, 3) for b in window.bars] == [round(n / 7, 3) for n in range(7, 0, -1)]
    assert window.bar_colour == ACTIVE_COLOUR
    assert window.bars_spoken.startswith("Active time per day, last 7 days: 3 Mar 7h, ")
    contrast = Look.of(high_contrast=True)
    assert statistics_window(summaries(*week()), look=contrast).bar_colour == contrast.accent


def test_statistics_with_no_records_says_so_and_falls_back_to_the_gap_as_stats_does():
    # Protects: an empty diary gives dashes and zeros, a line saying nothing is recorded,
    # flat bars, and (no stretch measured) the longest gap with its definition.
    window = statistics_window(summaries([], [], []))
    assert window.empty.startswith("no data yet")
    assert window.rows[0].cells == ("-", "-", "-")
    assert window.rows[1].label == "longest gap"
    assert window.rows[-1].cells == ("-", "-", "-")
    assert all(b.fraction == 0.0 and b.value == "-" for b in window.bars)
    assert window.notes[1].startswith("longest gap =")


def test_statistics_window_needs_summaries():
    with pytest.raises(ValueError, match=r"^summaries: expected one per period, got none$"):
        statistics_window([])
