"""stats.summarise and format_summary over a known synthetic history (issue 5, acceptance 1).

The history is three working days in Tokyo (UTC+09:00 all year: no DST), a day starting at 04:00.
Every figure is worked out by hand in the comments and asserted exactly.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from posture_guard.core.episodes import Episode, Stiffness
from posture_guard.core.records import BreakRecord, DayActivity
from posture_guard.core.summary import (
    DayFigures,
    KindFigures,
    Summary,
    format_summary,
    period,
    summarise,
)
from posture_guard.core.timer import Outcome

TOKYO = ZoneInfo("Asia/Tokyo")
FOUR = time(4, 0)
DAYS = (date(2026, 3, 2), date(2026, 3, 3), date(2026, 3, 4))


def at(day: int, hour: int, minute: int = 0, second: int = 0) -> datetime:
    """A Tokyo wall time in March 2026."""
    return datetime(2026, 3, day, hour, minute, second, tzinfo=TOKYO)


def brk(
    kind: str, ended: datetime, outcome: Outcome, *, prompted: bool = True, snoozes: int = 0
) -> BreakRecord:
    """A break as the service records it; a prompted one came due and was shown a minute before."""
    before = ended - timedelta(minutes=1)
    return BreakRecord(
        kind=kind,
        ended=ended,
        outcome=outcome,
        due=before if prompted else None,
        prompted=before if prompted else None,
        started=before,
        snoozes=snoozes,
    )


T, N, S, M, C = Outcome.TAKEN, Outcome.NATURAL, Outcome.SKIPPED, Outcome.MERGED, Outcome.CANCELLED

HISTORY = (
    # Sun 1 March 03:59 belongs to the working day of 1 March: outside the period
    brk("posture", at(2, 3, 59), T),
    # Mon 2 March: rests end 09:20, 10:00, 11:30, 13:05 -> gaps 40m, 1h30m, 1h35m
    brk("posture", at(2, 9, 20), T),
    brk("posture", at(2, 10, 0), N, prompted=False),
    brk("stretch", at(2, 11, 30), T, snoozes=2),
    brk("posture", at(2, 12, 0), S, snoozes=1),
    brk("posture", at(2, 13, 0), M, prompted=False),  # the movement break covered it
    brk("movement", at(2, 13, 5), T),
    # Tue 3 March: one rest only (no gap); Wed 03:59:59 is still Tuesday's working day
    brk("eyes", at(3, 15, 0), C, prompted=False),  # a kind the config does not know
    brk("stretch", at(3, 18, 0), C),
    brk("posture", at(3, 22, 0), S, snoozes=3),
    brk("posture", at(4, 3, 59, 59), T),
    # Wed 4 March: 04:00 exactly starts the day; rests end 04:00, 06:30, 10:00 -> 2h30m, 3h30m
    brk("posture", at(4, 4, 0), T),
    brk("movement", datetime(2026, 3, 3, 21, 30, tzinfo=UTC), N, prompted=False),  # 06:30 Tokyo
    brk("posture", at(4, 10, 0), T),
    # Thu 5 March 04:00: the day after the period
    brk("posture", at(5, 4, 0), T),
)
ACTIVITY = (
    DayActivity(day=date(2026, 3, 1), active_s=999.0),  # outside the period
    DayActivity(day=date(2026, 3, 2), active_s=5 * 3600 + 12 * 60 + 3),
    DayActivity(day=date(2026, 3, 4), active_s=7200.0),
    # no figure for 3 March: the service did not run; shown as "-", not 0
)

EXPECTED = Summary(
    days=(
        DayFigures(
            day=date(2026, 3, 2), active_s=18723.0, taken=3, natural=1, skipped=1,
            longest_gap_s=95 * 60.0,
        ),
        DayFigures(
            day=date(2026, 3, 3), active_s=None, taken=1, natural=0, skipped=1,
            longest_gap_s=None,
        ),
        DayFigures(
            day=date(2026, 3, 4), active_s=7200.0, taken=2, natural=1, skipped=0,
            longest_gap_s=210 * 60.0,
        ),
    ),
    kinds=(
        KindFigures(kind="posture", prompted=6, taken=4, natural=1, skipped=2, snoozed=4,
                    merged=1, cancelled=0),
        KindFigures(kind="stretch", prompted=2, taken=1, natural=0, skipped=0, snoozed=2,
                    merged=0, cancelled=1),
        KindFigures(kind="movement", prompted=1, taken=1, natural=1, skipped=0, snoozed=0,
                    merged=0, cancelled=0),
        KindFigures(kind="eyes", prompted=0, taken=0, natural=0, skipped=0, snoozed=0,
                    merged=0, cancelled=1),
    ),
    day_starts_at=FOUR,
    has_data=True,
)  # fmt: skip

EXPECTED_TEXT = """\
Last 3 days: 2 March 2026 to 4 March 2026 (a day starts at 04:00)

day          active  taken  natural  skipped  longest gap
2 Mar         5h12m      3        1        1  1h35m
3 Mar             -      1        0        1  -
4 Mar            2h      2        1        0  3h30m
total         7h12m      6        2        2

kind        prompted  taken  natural  skipped  snoozed  merged  cancelled  adherence
posture            6      4        1        2        4       1          0        71%
stretch            2      1        0        0        2       0          1       100%
movement           1      1        1        0        0       0          0       100%
eyes               0      0        0        0        0       0          1          -

adherence = (taken + natural) / (taken + natural + skipped); merged and cancelled are left out
longest gap = the longest wall-clock time between the ends of two consecutive taken or natural breaks (any kind) on that day

Open episode: 1 since 3 March 2026, 08:00, pain 6 (peak 7)
Latest advice: book (test)"""


def test_stats_summarise_gives_every_figure_of_a_known_history() -> None:
    assert summarise(HISTORY, ACTIVITY, DAYS, FOUR, TOKYO) == EXPECTED


def test_stats_summarise_ignores_the_order_of_the_records() -> None:
    assert summarise(HISTORY[::-1], ACTIVITY[::-1], DAYS, FOUR, TOKYO) == EXPECTED


def test_stats_a_break_belongs_to_the_working_day_of_its_end_in_the_local_zone() -> None:
    # Tokyo 03:59:59 on Wed is Tuesday's working day; 04:00:00 is Wednesday's
    late, early = brk("posture", at(4, 3, 59, 59), T), brk("posture", at(4, 4, 0), T)
    got = summarise([late, early], [], DAYS, FOUR, TOKYO)
    assert [(d.day.day, d.taken) for d in got.days] == [(2, 0), (3, 1), (4, 1)]
    # 21:30 UTC on 3 March is 06:30 in Tokyo on the 4th, but still the 3rd's working day in UTC
    utc_evening = brk("movement", datetime(2026, 3, 3, 21, 30, tzinfo=UTC), N, prompted=False)
    assert [d.natural for d in summarise([utc_evening], [], DAYS, FOUR, TOKYO).days] == [0, 0, 1]
    assert [d.natural for d in summarise([utc_evening], [], DAYS, FOUR, UTC).days] == [0, 1, 0]


def test_stats_adherence_is_rested_over_rested_plus_skipped() -> None:
    # merged and cancelled breaks were never the person's choice: they do not count
    figures = KindFigures(kind="posture", prompted=9, taken=2, natural=1, skipped=1, snoozed=7,
                          merged=5, cancelled=5)  # fmt: skip
    assert figures.adherence == 0.75
    only_cancelled = KindFigures(kind="posture", prompted=1, taken=0, natural=0, skipped=0,
                                 snoozed=0, merged=2, cancelled=1)  # fmt: skip
    assert only_cancelled.adherence is None
    all_skipped = KindFigures(kind="posture", prompted=2, taken=0, natural=0, skipped=2,
                              snoozed=0, merged=0, cancelled=0)  # fmt: skip
    assert all_skipped.adherence == 0.0


def test_stats_format_summary_prints_the_table_the_definitions_the_episode_and_the_advice() -> None:
    episode = Episode(
        id=1, started=at(3, 8, 0), pain_at_start=6, pain_peak=7, stiffness=Stiffness.MODERATE
    )
    assert format_summary(EXPECTED, episode, "Latest advice: book (test)") == EXPECTED_TEXT


def test_stats_empty_store_gives_no_data_yet() -> None:
    empty = summarise([], [], DAYS, FOUR, TOKYO)
    assert not empty.has_data
    assert [d.active_s for d in empty.days] == [None, None, None]
    assert all(k.adherence is None for k in empty.kinds)
    assert format_summary(empty, None, None) == (
        "Last 3 days: 2 March 2026 to 4 March 2026 (a day starts at 04:00)\n"
        "no data yet: no active time or breaks recorded in this period\n"
        "\n"
        "Open episode: none\n"
        "Latest advice: none (no check-in yet)"
    )


def test_stats_records_only_outside_the_period_are_no_data() -> None:
    outside = summarise([HISTORY[0], HISTORY[-1]], [ACTIVITY[0]], DAYS, FOUR, TOKYO)
    assert not outside.has_data


def test_stats_summarise_needs_at_least_one_day() -> None:
    with pytest.raises(ValueError, match=r"^days: expected at least one day, got none$"):
        summarise(HISTORY, ACTIVITY, [], FOUR, TOKYO)


def test_stats_period_is_the_last_n_working_days_oldest_first() -> None:
    assert period(date(2026, 3, 4), 3) == DAYS
    assert period(date(2026, 3, 4), 1) == (date(2026, 3, 4),)
    assert len(period(date(2026, 3, 4), 3650)) == 3650
    for bad in (0, 3651, -1):
        with pytest.raises(
            ValueError, match=rf"^expected a whole number of days from 1 to 3650, got {bad}$"
        ):
            period(date(2026, 3, 4), bad)


def test_stats_shows_the_measured_longest_stretch_when_the_store_has_stretches() -> None:
    from posture_guard.core.stretches import WorkStretch

    stretches = [
        WorkStretch(started=at(2, 9, 0), ended=at(2, 10, 10), active_s=65 * 60),
        WorkStretch(started=at(2, 11, 0), ended=at(2, 12, 0), active_s=50 * 60),
        # ended 03:30 on the 4th: the 3rd's working day
        WorkStretch(started=at(4, 1, 0), ended=at(4, 3, 30), active_s=2 * 3600),
    ]
    got = summarise(HISTORY, ACTIVITY, DAYS, FOUR, TOKYO, stretches=stretches)
    assert got.stretch_measured
    assert [d.longest_stretch_s for d in got.days] == [65 * 60, 2 * 3600, None]
    assert [d.longest_gap_s for d in got.days] == [d.longest_gap_s for d in EXPECTED.days]
    lines = format_summary(got, None, None).splitlines()
    assert lines[2] == "day          active  taken  natural  skipped  longest stretch"
    assert lines[3].endswith("  1h5m")
    assert lines[5].endswith("  -")
    assert (
        "longest stretch = the most active time between two rests (a break taken, or stepping"
        " away for a break's length) on that day, as measured"
    ) in lines
    assert not EXPECTED.stretch_measured  # without stretches: the gap bound, as before
