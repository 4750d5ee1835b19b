"""A clock that ran ahead (issue 18): a check-in saved while the system clock was a year ahead (a
wrong clock, a dead CMOS battery) hid every later check-in, so `advice` kept the stale
"self-care" though the newest answers said "book"; an episode started then could not be ended,
and no new one could start. Here libfaketime (Debian's `faketime`) moves the clock of the real
CLI ahead, then the same diary is used at the real time: the newest record is the one entered
last, and a record dated in the future is flagged in one line (core/clock_ahead.py)."""

from __future__ import annotations

import re
import shutil
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.app import App
from tests.e2e.test_diary_cli import BOOK_HEAD, TINGLING, database, ok

pytestmark = pytest.mark.e2e

AHEAD_S = 400 * 86_400  # the clock a little over a year ahead
SELF_CARE = ("check-in", "--pain", "2", "--stiffness", "mild", "--trend", "improving",
             "--age", "42", "--yes")  # fmt: skip
BOOK = ("check-in", "--pain", "7", "--stiffness", "moderate", *TINGLING, "--yes")
FLAG = re.compile(r"entered while the clock was ahead: dated \d{1,2} \w+ \d{4}, \d\d:\d\d")


def ahead(app: App, *args: str, more_s: int = 0) -> str:
    """`posture-guard ARGS` with the clock AHEAD_S (and `more_s`) ahead; returns its output."""
    faketime = shutil.which("faketime")
    assert faketime is not None, "faketime is missing: tests/run.sh installs Debian's faketime"
    env = {k: v for k, v in app.env.items() if not k.startswith("FAKETIME")}
    done = subprocess.run(
        [faketime, "-f", f"+{AHEAD_S + more_s}s", sys.executable, "-m", "posture_guard",
         "--config", str(app.config), *args],
        env=env, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_a_check_in_from_the_future_never_hides_a_later_one(app: App, tmp_path: Path) -> None:
    # Protects: a check-in dated ahead is flagged and the one entered after it gives the advice
    ahead(app, *SELF_CARE)
    with sqlite3.connect(database(app)) as db:  # it really is dated a year ahead
        (year,) = db.execute("SELECT substr(at, 1, 4) FROM check_ins").fetchone()
    assert int(year) > datetime.now(UTC).year, year
    ok(app, *BOOK)
    out = ok(app, "advice")
    assert f"{BOOK_HEAD}\n" in out, out
    assert "Look after it yourself" not in out
    left_out = [line for line in out.splitlines() if line.startswith("Left out")]
    assert len(left_out) == 1, out
    assert FLAG.search(left_out[0]), left_out
    # the report says the same in its advice line
    report = tmp_path / "report.html"
    ok(app, "report", "--format", "html", "--out", str(report))
    page = report.read_text(encoding="utf-8")
    assert "Book an appointment within the next few days" in page
    assert FLAG.search(page), "the report does not flag the check-in dated ahead"
    # the newest check-in is trusted even when it is the one dated ahead, and flagged then
    ahead(app, *SELF_CARE)
    out = ok(app, "advice")
    assert "Advice: Look after it yourself for now\n" in out
    assert FLAG.search(out.splitlines()[-1]), out
    assert sum(1 for line in out.splitlines() if line.startswith("Left out")) == 1


def test_an_episode_from_the_future_can_be_ended_and_never_blocks_a_new_one(app: App) -> None:
    # Protects: an episode started with the clock ahead ends (at its own start, flagged), and
    # starting a new one ends it the same way instead of refusing
    ahead(app, "episode", "start", "--pain", "4")
    listed = ok(app, "episode", "list")
    assert FLAG.search(listed), listed
    ended = ok(app, "episode", "end")
    assert ended.startswith("Ended episode 1 at "), ended
    assert FLAG.search(ended.splitlines()[1]), ended
    # a day further ahead: within the same second as episode 1 it would start inside it (an
    # episode that ended as it started holds that moment)
    ahead(app, "episode", "start", "--pain", "5", more_s=86400)
    started = ok(app, "episode", "start", "--pain", "6")
    first, second = started.splitlines()[:2]
    assert first.startswith("Episode 2 was ended at its own start (entered while the clock"), first
    assert second.startswith("Started episode 3 at "), second
    listed = ok(app, "episode", "list").splitlines()  # as entered: the newest comes last
    numbers = [line.split()[0] for line in listed if not line.startswith(" " * 5)]
    assert numbers == ["1", "2", "3"], listed
    assert " open " in listed[-1]
    assert len([line for line in listed if FLAG.search(line)]) == 2
    ok(app, "episode", "end")  # the real one ends as any other


def test_an_episode_from_the_future_can_be_updated_as_it_can_be_ended(app: App) -> None:
    # Protects: an update (the form's or `episode update`) to an episode started with the clock
    # ahead is taken (it was refused as "before it started"), dated at the episode's own last
    # moment and flagged, as ending it is
    ahead(app, "episode", "start", "--pain", "4")
    updated = ok(app, "episode", "update", "--pain", "3", "--notes", "clock was wrong")
    head, flag = updated.splitlines()[:2]
    assert head.startswith("Updated episode 1 ("), updated
    assert FLAG.search(flag), updated
    assert "now 3, peak 4" in updated, updated
    ended = ok(app, "episode", "end")
    assert ended.startswith("Ended episode 1 at "), ended
    assert FLAG.search(ended.splitlines()[1]), ended


def test_once_the_real_time_passes_an_episode_entered_ahead_it_blocks_nothing(app: App) -> None:
    # Protects: an episode entered with the clock ahead, then a real one entered with the right
    # clock: when the real time has passed the first one's date, the real one can still be
    # updated and ended after it (it was refused as overlapping it), the first one stays
    # flagged, and the current episode is the one entered last, never the one dated latest
    ahead(app, "episode", "start", "--pain", "4")
    ok(app, "episode", "end")  # at its own start, a year ahead
    ok(app, "episode", "start", "--pain", "5")  # the real one, entered now
    # a day after the first one's date: the real time has passed it
    updated = ahead(app, "episode", "update", "--pain", "3", more_s=86_400)
    assert updated.startswith("Updated episode 2 ("), updated
    assert not FLAG.search(updated), updated
    ended = ahead(app, "episode", "end", more_s=86_400)
    assert ended.startswith("Ended episode 2 at "), ended
    listed = ahead(app, "episode", "list", more_s=2 * 86_400).splitlines()
    assert [line.split()[0] for line in listed if not line.startswith(" " * 5)] == ["1", "2"]
    assert FLAG.search(listed[1]), listed  # the first one, still flagged
    assert len([line for line in listed if FLAG.search(line)]) == 1, listed
    shown = ahead(app, "episode", "show", more_s=2 * 86_400)
    assert shown.startswith("Episode 2: started "), shown
    # and now, at the real time, too: the current one is the one entered last
    assert ok(app, "episode", "show").startswith("Episode 2: started "), shown
    started = ahead(app, "episode", "start", "--pain", "2", more_s=2 * 86_400)
    assert started.startswith("Started episode 3 at "), started


GENTLE = "Only gentle exercises, because"


def test_a_pain_dated_ahead_never_wins_over_a_check_in_entered_after_it(app: App) -> None:
    # Protects: the exercise picker's latest pain is the one entered last (clock_ahead Rule 6):
    # an episode update with pain 8 entered while the clock ran 2 days ahead, then a calm
    # check-in entered with the clock right; the calm one counts now (the 8 is dated ahead) and
    # still once the real time has passed the 8's date (then it won by its date)
    ok(app, "episode", "start", "--pain", "3")
    two_days = 2 * 86_400 - AHEAD_S  # `ahead` adds AHEAD_S
    updated = ahead(app, "episode", "update", "--pain", "8", more_s=two_days)
    assert updated.startswith("Updated episode 1 ("), updated
    ended = ok(app, "episode", "end")  # at the update's own date, flagged
    assert FLAG.search(ended), ended
    ok(app, *SELF_CARE)  # pain 2
    now = ok(app, "exercises", "--for-break", "stretch")
    assert now.startswith("For a stretch break ("), now
    assert GENTLE not in now, now
    thursday = ahead(app, "exercises", "--for-break", "stretch", more_s=3 * 86_400 - AHEAD_S)
    assert thursday.startswith("For a stretch break ("), thursday
    assert GENTLE not in thursday, thursday
    # a sore rating entered last still counts, whatever the dates
    ok(app, "episode", "start", "--pain", "8")
    ok(app, "episode", "end")
    later = ahead(app, "exercises", "--for-break", "stretch", more_s=3 * 86_400 - AHEAD_S)
    assert f"{GENTLE} your latest pain is 8." in later, later
