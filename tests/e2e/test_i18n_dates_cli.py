"""The CLI says dates and numbers in the reader's language (core/localeforms.py,
localeforms.format_date_time); ISO stays where a moment is to be typed back (a refusal's `--at` value).

The episode's moments are given with `--at` in a fixed zone (TZ=Asia/Tokyo), so the expected
lines hold whatever today and the machine's zone are; the stats' period and the check-in's moment
come from the `now` fixture (marked date_sensitive), worded by the catalogue in this process.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime, time, timedelta

import pytest

from posture_guard.core import i18n
from posture_guard.core.localeforms import format_date, format_percent, format_short_date
from posture_guard.core.timer import day_of
from posture_guard.desktop import language
from tests.app import App
from tests.e2e.test_i18n_cli import cli_in
from tests.e2e.test_stats_cli import write_history

pytestmark = pytest.mark.e2e


@pytest.fixture(autouse=True)
def english_after() -> Iterator[None]:
    yield
    i18n.use(i18n.English(), "en")


def said_in(code: str) -> None:
    """Word what follows in language `code`, as the CLI does under LANGUAGE=code."""
    catalogue, found = language.catalogue_for([code])
    i18n.use(catalogue, found)


def ok_in(app: App, code: str, *args: str) -> str:
    done = cli_in(app, code, *args)
    assert done.returncode == 0, done.stderr
    return done.stdout


def diary_of_march(app: App) -> None:
    app.env["TZ"] = "Asia/Tokyo"
    ok_in(app, "en", "episode", "start", "--pain", "6", "--at", "2026-03-02T09:00")
    ok_in(app, "en", "episode", "update", "--pain", "4", "--at", "2026-03-03T18:30")
    ok_in(app, "en", "episode", "end", "--at", "2026-04-05T08:15")


def test_i18n_dates_episode_list_and_show_in_german_hindi_and_english(app: App) -> None:
    diary_of_march(app)
    german = ok_in(app, "de", "episode", "show")
    assert "2. März 2026, 09:00" in german, german
    assert "3. März 2026, 18:30" in german, german
    assert "5. April 2026, 08:15" in german, german
    hindi = ok_in(app, "hi", "episode", "show")
    assert "2 मार्च 2026, 09:00" in hindi, hindi
    assert "3 मार्च 2026, 18:30" in hindi, hindi
    assert "5 अप्रैल 2026, 08:15" in hindi, hindi
    english = ok_in(app, "en", "episode", "show")
    assert english.splitlines()[0] == (
        "Episode 1: started 2 March 2026, 09:00, ended 5 April 2026, 08:15"
    )
    assert "  - 3 March 2026, 18:30: pain 4" in english
    for listed, start in (
        (ok_in(app, "de", "episode", "list"), "2. März 2026, 09:00"),
        (ok_in(app, "hi", "episode", "list"), "2 मार्च 2026, 09:00"),
    ):
        assert re.match(rf" +1  {start}  ", listed), listed
    for out in (german, hindi, english):
        assert not re.search(r"\d{4}-\d\d-\d\d", out), out


def test_i18n_dates_a_refusal_names_the_moment_in_iso_in_every_language(app: App) -> None:
    """The moment to type back with --at stays ISO (and the ASCII digits) in German too."""
    app.env["TZ"] = "Asia/Tokyo"
    ok_in(app, "en", "episode", "start", "--pain", "6", "--at", "2026-03-02T09:00")
    for code in ("de", "hi"):
        done = cli_in(app, code, "episode", "update", "--pain", "4", "--at", "2026-03-01T08:00")
        assert done.returncode == 1
        assert "2026-03-01 08:00+09:00" in done.stderr, done.stderr
        assert "2026-03-02 09:00+09:00" in done.stderr, done.stderr


@pytest.mark.date_sensitive
def test_i18n_dates_stats_and_advice_in_german_and_hindi(app: App, now: datetime) -> None:
    last = day_of(now, time(4))
    write_history(app, last)
    ok_in(app, "en", "check-in", "--pain", "3", "--stiffness", "mild", "--trend", "same",
          "--age", "42", "--yes")  # fmt: skip
    first = last - timedelta(days=2)
    for code, head in (("de", "Letzte 3 Tage: {first} bis {last} "), ("hi", "पिछले 3 दिन: ")):
        stats = ok_in(app, code, "stats", "--days", "3").splitlines()
        said_in(code)
        whole = (format_date(first), format_date(last))
        days = [format_short_date(last - timedelta(days=n)) for n in (2, 1, 0)]
        half = format_percent(50)
        i18n.use(i18n.English(), "en")
        if code == "de":
            assert stats[0].startswith(head.format(first=whole[0], last=whole[1])), stats[0]
            assert half == "50\u00a0%"
        else:
            assert stats[0].startswith(head), stats[0]
            assert whole[0] in stats[0], stats[0]
            assert whole[1] in stats[0], stats[0]
        if first.year == last.year:  # the days' short form (written whole across a new year)
            assert [line.split("  ")[0] for line in stats[3:6]] == days, stats
        assert any(line.endswith(f"  {half}") for line in stats), stats
        advice = next(line for line in stats if "posture-guard advice" in line)
        moment = (
            r"\d{1,2}\. \S+ \d{4}, \d\d:\d\d" if code == "de" else r"\d{1,2} \S+ \d{4}, \d\d:\d\d"
        )
        assert re.search(moment, advice), advice
        assert not re.search(r"\d{4}-\d\d-\d\d", "\n".join(stats)), stats
