"""Dates at the calendar's edges and typed wrong (issue 18): `--at 0001-...` gave a traceback, a
year typo (1026) was kept and made `report --since all` take 2 GB, and one episode dated in
year 1 made every report crash. Dates are bounded to 2000-01-01 .. now, with one clear line;
a record kept from before the bound is still reported, quickly."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest

from posture_guard.app.store import Store
from posture_guard.core.episodes import Episode
from tests.app import App
from tests.e2e.test_diary_cli import database, ok, refused

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize(
    ("at", "expected"),
    [
        ("0001-01-01T00:00", "expected a time on or after 2000-01-01"),
        ("0001-01-01T00:00+14:00", "expected a time on or after 2000-01-01"),
        ("1026-03-02T10:00", "expected a time on or after 2000-01-01"),
        ("1999-12-31T23:59:59", "expected a time on or after 2000-01-01"),
        ("9999-12-31T23:59:59", "expected a time that is not in the future"),
        ("9999-12-31T23:59:59-14:00", "expected a time that is not in the future"),
    ],
)
def test_dates_out_of_range_are_one_line_and_change_nothing(
    app: App, at: str, expected: str
) -> None:
    # Protects: the edges of the calendar and a year typo are refused in one line
    ok(app, "episode", "list")  # the store exists, so `refused` can compare its rows
    refused(
        app,
        "episode", "start", "--pain", "3", "--at", at,
        code=2,
        message=f'posture-guard episode start: at = "{at}": {expected}',
    )  # fmt: skip


def test_a_year_one_record_kept_from_before_never_makes_a_report_crash(app: App, tmp_path) -> None:
    # Protects: an episode stored in year 1 (before the bound) made every report crash
    with Store.open(database(app)) as store:
        store.start_episode(
            Episode(
                started=datetime(1, 1, 1, 12, tzinfo=UTC),
                pain_at_start=3,
                pain_peak=3,
                stiffness=None,
            )
        )
    for fmt in ("html", "pdf", "csv", "json"):
        started = time.monotonic()
        done = app.cli(
            "report", "--since", "all", "--format", fmt, "--out", str(tmp_path / f"r.{fmt}"),
            timeout=120,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr[-2000:]
        assert time.monotonic() - started < 60
