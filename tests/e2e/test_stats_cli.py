"""`posture-guard stats` through the real CLI, over a known history written into a real store at
the app's database path (issue 5, acceptance 1: the figures in stats, exactly)."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from posture_guard.app.store import Store
from posture_guard.core.localeforms import format_date, format_short_date
from posture_guard.core.records import BreakRecord, DayActivity
from posture_guard.core.timer import Outcome, day_of
from tests.app import App
from tests.e2e.test_diary_cli import database, ok

pytestmark = [pytest.mark.e2e, pytest.mark.date_sensitive]

TOKYO = ZoneInfo("Asia/Tokyo")  # no DST, so the expected lines do not depend on the date


def today() -> date:
    return day_of(datetime.now(TOKYO), time(4))


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=TOKYO)


def write_history(app: App, last: date) -> None:
    """Three working days ending `last`: the one before has no activity figure."""
    first, middle = last - timedelta(days=2), last - timedelta(days=1)
    after = last + timedelta(days=1)

    def prompted(kind: str, ended: datetime, outcome: Outcome, snoozes: int = 0) -> BreakRecord:
        shown = ended - timedelta(seconds=30)
        return BreakRecord(kind=kind, ended=ended, outcome=outcome, due=shown, prompted=shown,
                           started=shown, snoozes=snoozes)  # fmt: skip

    def natural(kind: str, ended: datetime) -> BreakRecord:
        return BreakRecord(kind=kind, ended=ended, outcome=Outcome.NATURAL,
                           started=ended - timedelta(minutes=10))  # fmt: skip

    breaks = [
        prompted("posture", at(first, 3, 50), Outcome.TAKEN),  # the day before the period
        prompted("posture", at(first, 9, 0), Outcome.TAKEN),
        prompted("posture", at(first, 9, 40), Outcome.SKIPPED, snoozes=2),
        natural("movement", at(first, 12, 10)),
        prompted("stretch", at(middle, 10, 0), Outcome.TAKEN, snoozes=1),
        prompted("posture", at(middle, 10, 0), Outcome.MERGED),
        prompted("posture", at(after, 3, 59), Outcome.TAKEN),  # 03:59: still `last`'s day
        prompted("posture", at(last, 4, 0), Outcome.SKIPPED),
        prompted("movement", at(last, 8, 0), Outcome.CANCELLED),
    ]
    activity = [
        DayActivity(day=first, active_s=3 * 3600 + 25 * 60 + 59),
        DayActivity(day=last, active_s=45 * 60),
    ]
    with Store.open(database(app)) as store:
        store.save(breaks=breaks, activity=activity)


def test_stats_cli_prints_the_exact_figures_of_a_known_history(app: App) -> None:
    app.env["TZ"] = "Asia/Tokyo"
    for _attempt in range(2):  # should 04:00 Tokyo pass between writing and reading, go again
        last = today()
        write_history(app, last)
        out = ok(app, "stats", "--days", "3")
        if today() == last:
            break
        database(app).unlink()
    first, middle = last - timedelta(days=2), last - timedelta(days=1)
    # the days in their short form ("2 Mar"); written whole when the period spans a new year
    short = first.year == last.year
    cells = [format_short_date(d) if short else format_date(d) for d in (first, middle, last)]
    width = max(10, *(len(cell) for cell in cells))
    assert out.splitlines() == [
        f"Last 3 days: {format_date(first)} to {format_date(last)} (a day starts at 04:00)",
        "",
        f"{'day':<{width}}   active  taken  natural  skipped  longest gap",
        f"{cells[0]:<{width}}    3h25m      1        1        1  3h10m",
        f"{cells[1]:<{width}}        -      1        0        0  -",
        f"{cells[2]:<{width}}      45m      1        0        1  -",
        f"{'total':<{width}}    4h10m      3        1        2",
        "",
        "kind        prompted  taken  natural  skipped  snoozed  merged  cancelled  adherence",
        "posture            5      2        0        2        2       1          0        50%",
        "stretch            1      1        0        0        1       0          0       100%",
        "movement           1      0        1        0        0       0          1       100%",
        "",
        "adherence = (taken + natural) / (taken + natural + skipped); merged and cancelled are left out",
        "longest gap = the longest wall-clock time between the ends of two consecutive taken or natural breaks (any kind) on that day",
        "",
        "Open episode: none",
        "Latest advice: none (no check-in yet)",
    ]


def test_stats_cli_shows_the_open_episode_and_the_latest_advice(app: App) -> None:
    app.env["TZ"] = "Asia/Tokyo"
    ok(app, "episode", "start", "--pain", "6", "--at", "2026-03-02T09:00")
    ok(
        app,
        "check-in",
        "--pain",
        "3",
        "--stiffness",
        "mild",
        "--trend",
        "same",
        "--age",
        "42",
        "--yes",
    )
    lines = ok(app, "stats").splitlines()
    assert lines[0].startswith("Last 7 days: ")
    assert lines[1] == "no data yet: no active time or breaks recorded in this period"
    assert lines[3] == "Open episode: 1 since 2 March 2026, 09:00, pain 6 (peak 6)"
    assert re.fullmatch(
        r"Latest advice: (self-care|book|prompt|emergency) \(check-in of \d{1,2} \w+ \d{4}, \d\d:\d\d; `posture-guard advice` for the details\)",
        lines[4],
    ), lines[4]


@pytest.mark.parametrize("bad", ["0", "3651", "-2", "week"])
def test_stats_cli_refuses_a_bad_day_count_as_a_usage_error(app: App, bad: str) -> None:
    done = app.cli("stats", "--days", bad)
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.splitlines()[-1] == (
        "posture-guard stats: error: argument --days: expected a whole number of days from 1"
        f" to 3650, got '{bad}'"
    )
    assert not database(app).exists()  # nothing was opened, let alone written
