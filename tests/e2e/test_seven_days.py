"""The date-sensitive tests under each of 7 consecutive dates (issue 13).

A test that counted with today's date once passed on Mondays to Thursdays and failed on Fridays
to Sundays. Here libfaketime (Debian's `faketime`) moves the clock of a child pytest, and of every
process it starts (the CLI, Chromium), to each day of one week in turn, starting on a Monday; the
child runs the `date_sensitive` tests listed in COUNTING, which must pass on every day.

The time is 23:30 UTC: 08:30 the next day in Asia/Tokyo (the zone those tests and their CLI use),
so the local date is not UTC's. The clock is moved by an offset (FAKETIME="+Ns"), not set to a
fixed moment, so it still runs and agrees across the processes started at different times.

COUNTING holds the tests that compute with today's date (period ends, day counts, "days ago");
running every `date_sensitive` test 7 times would take over 10 minutes.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta

import pytest

from tests.app import ROOT

pytestmark = pytest.mark.e2e

MONDAY = datetime(2026, 12, 7, 23, 30, tzinfo=UTC)
COUNTING = (
    "tests/e2e/test_report_cli.py::test_report_json_carries_every_record_and_the_exact_figures",
    "tests/e2e/test_report_cli.py::test_report_csv_is_a_zip_of_tables_with_the_exact_rows",
    "tests/e2e/test_stats_cli.py::test_stats_cli_prints_the_exact_figures_of_a_known_history",
    "tests/e2e/test_stats_cli.py::test_stats_cli_shows_the_open_episode_and_the_latest_advice",
    "tests/e2e/test_diary_cli.py::test_diary_cli_episode_updates_over_days_then_arm_tingling_check_in_prints_the_link",
    "tests/e2e/test_i18n_dates_cli.py::test_i18n_dates_stats_and_advice_in_german_and_hindi",
    "tests/browser/test_report_page.py::test_report_page_of_five_years_still_works",
)


def under_faketime(moment: datetime, *args: str) -> subprocess.CompletedProcess[str]:
    """`ARGS` run with the clock moved to `moment` (and running on from there)."""
    faketime = shutil.which("faketime")
    assert faketime is not None, "faketime is missing: tests/run.sh installs Debian's faketime"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FAKETIME", "PYTEST_"))}
    env["TZ"] = "UTC"  # MONDAY is given in UTC; the tests set their own zone
    offset = round(moment.timestamp() - time.time())
    return subprocess.run(
        [faketime, "-f", f"{offset:+d}s", *args],
        env=env, cwd=ROOT, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip


def test_faketime_moves_the_date_of_a_python_process() -> None:
    done = under_faketime(
        MONDAY, sys.executable, "-c", "import datetime; print(datetime.date.today().isoformat())"
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "2026-12-07"


@pytest.mark.parametrize(
    "days", range(7), ids=lambda d: (MONDAY + timedelta(days=d)).strftime("%a")
)
def test_date_sensitive_tests_pass_on_each_day_of_a_week(days: int) -> None:
    moment = MONDAY + timedelta(days=days)
    done = under_faketime(
        moment, sys.executable, "-m", "pytest", "-m", "date_sensitive", "-q",
        "-p", "no:cacheprovider", *COUNTING,
    )  # fmt: skip
    summary = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else done.stderr
    assert done.returncode == 0, f"on {moment:%A %Y-%m-%d %H:%M} UTC:\n{done.stdout[-4000:]}"
    assert re.match(rf"{len(COUNTING)} passed\b", summary), summary  # none lost its mark
