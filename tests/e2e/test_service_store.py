"""The service records break outcomes and active time in a real database (fake clock and idle)."""

from __future__ import annotations

import io
import logging
import re
import sqlite3
import stat
import threading
import time
from collections.abc import Iterator
from contextlib import closing
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from posture_guard.app.control import encode_result
from posture_guard.app.service import Service
from posture_guard.app.store import SCHEMA_VERSION, Store
from posture_guard.cli import format_status
from posture_guard.core import config
from posture_guard.core.commands import BreakNow, Command, Skip, Snooze, Status
from posture_guard.core.ports import IdleSource
from posture_guard.core.records import BreakRecord, DayActivity
from posture_guard.core.settings import Settings
from posture_guard.core.stretches import WorkStretch
from posture_guard.core.timer import Outcome
from posture_guard.core.wording import check_in_notice
from posture_guard.desktop.idle.none import NoIdleSource
from posture_guard.desktop.notify import FallbackNotifier, TerminalNotifier
from posture_guard.testing import FakeClock, RecordingNotifier, ScriptedIdleSource
from tests.app import App

BERLIN = ZoneInfo("Europe/Berlin")
START = datetime(2026, 11, 23, 9, 0, tzinfo=BERLIN)  # a Monday, inside working hours
DAY = date(2026, 11, 23)
EVER = (START - timedelta(days=1), START + timedelta(days=2))


def at(hhmmss: str) -> datetime:
    """A time on the test's Monday, e.g. "09:37:30"."""
    h, m, s = (int(x) for x in (hhmmss + ":00")[:8].split(":"))
    return START.replace(hour=h, minute=m, second=s)


class Running:
    """The in-process service on a fake clock, recording into a real Store."""

    def __init__(
        self,
        store: Store,
        *,
        flush_every_s: int = 60,
        idle: IdleSource | None = None,
        settings: Settings | None = None,
        notices_fail: bool = False,
    ) -> None:
        self.clock = FakeClock(START)
        self.idle = ScriptedIdleSource([0.0])
        self.notifier = RecordingNotifier(fail=notices_fail)
        self.store = store
        self.service = Service(
            config.defaults() if settings is None else settings,
            self.clock,
            self.idle if idle is None else idle,
            self.notifier,
            store=store,
            flush_every_s=flush_every_s,
        )
        self.thread = threading.Thread(target=self.service.run, daemon=True)
        self.thread.start()
        # the worker's first observation must see START: wait for it before moving the clock
        self.ask(Status())

    def work(self, minutes: int) -> None:
        """Type for `minutes`, observed once a minute as the real loop would."""
        for _ in range(minutes):
            self.clock.advance(60)
            self.ask(Status())

    def away(self, seconds: int) -> None:
        """No input for `seconds`, seen by one observation at the end; then typing again."""
        self.idle.set(float(seconds))
        self.clock.advance(seconds)
        self.ask(Status())
        self.idle.set(0.0)

    def ask(self, command: Command) -> dict[str, object]:
        reply = encode_result(self.service.submit(command))
        assert reply["ok"] is True, reply
        return reply

    def active_s(self) -> float:
        snapshot = self.service.snapshot
        assert snapshot is not None
        return snapshot.status.active_today_s

    def stop(self) -> None:
        self.service.stop()
        self.thread.join(timeout=5)
        assert not self.thread.is_alive()

    def breaks(self) -> list[BreakRecord]:
        return self.store.breaks_between(*EVER)

    def figure(self) -> DayActivity | None:
        return self.store.activity_on(DAY)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "data" / "posture-guard.sqlite3") as opened:
        yield opened


def test_service_store_records_skipped_natural_and_taken_breaks_and_the_days_active_time(
    store: Store,
) -> None:
    running = Running(store)
    try:
        # 09:20 the posture check comes due and is prompted; snoozed 5 min, prompted again at
        # 09:25 (a reminder: `prompted` stays 09:20), then skipped
        running.work(20)
        running.ask(Snooze(seconds=300))
        running.work(5)
        assert [n.title for n in running.notifier.notices] == ["Posture and eyes check (20s)"] * 2
        running.ask(Skip())
        skipped = BreakRecord(
            kind="posture",
            due=at("09:20"),
            prompted=at("09:20"),
            ended=at("09:25"),
            outcome=Outcome.SKIPPED,
            snoozes=1,
            exercise="distance-gaze",  # the exercise it offered (store v4), the catalogue's first
        )
        # an outcome is saved at once, with the day's figure so far
        assert running.breaks() == [skipped]
        assert running.figure() == DayActivity(day=DAY, active_s=25 * 60)

        # 09:35 the user steps away for 2.5 min: a natural posture break and (120 s are a
        # stretch's length) a natural stretch break, neither of them asked for
        running.work(10)
        running.away(150)
        natural = [
            BreakRecord(
                kind=kind, started=at("09:35"), ended=at("09:37:30"), outcome=Outcome.NATURAL
            )
            for kind in ("posture", "stretch")
        ]
        assert running.breaks() == [skipped, *natural]
        assert running.figure() == DayActivity(day=DAY, active_s=35 * 60)  # away is not active

        # 09:57:30 the posture check is due again (20 min of work later) and taken at once; it
        # ends with the next observation, a minute later
        running.work(20)
        running.ask(BreakNow())
        running.work(1)
        taken = BreakRecord(
            kind="posture",
            due=at("09:57:30"),
            prompted=at("09:57:30"),
            started=at("09:57:30"),
            ended=at("09:58:30"),
            outcome=Outcome.TAKEN,
            exercise="blink-reset",  # the rotation's next
        )
        assert running.breaks() == [skipped, *natural, taken]
        assert running.figure() == DayActivity(day=DAY, active_s=56 * 60)

        # two more minutes of work: nothing ends, so nothing is saved until the exit
        running.work(2)
        assert running.active_s() == 58 * 60
        assert running.figure() == DayActivity(day=DAY, active_s=56 * 60)
    finally:
        running.stop()
    assert running.figure() == DayActivity(day=DAY, active_s=58 * 60)
    assert running.breaks() == [skipped, *natural, taken]


def test_service_store_flushes_the_days_figure_on_schedule(store: Store) -> None:
    running = Running(store, flush_every_s=1)  # the minute job, a minute made short
    try:
        running.work(3)
        deadline = time.monotonic() + 5
        while running.figure() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert running.figure() == DayActivity(day=DAY, active_s=180)
        assert running.breaks() == []
    finally:
        running.stop()


def test_service_store_saves_the_final_figure_of_a_day_at_rollover(store: Store) -> None:
    running = Running(store)
    try:
        running.work(30)  # Monday 09:00-09:30
        # lid closed; opened on Tuesday at 04:30, after the day start (04:00): one gap, time away
        running.clock.advance(19 * 3600)
        running.ask(Status())
        # Monday's final figure is saved at once, before anything else happens
        assert running.figure() == DayActivity(day=DAY, active_s=30 * 60)
        running.work(2)
    finally:
        running.stop()
    assert store.activity_between(DAY, DAY + timedelta(days=1)) == [
        DayActivity(day=DAY, active_s=30 * 60),
        DayActivity(day=DAY + timedelta(days=1), active_s=2 * 60),
    ]


def test_service_store_a_restart_adds_to_the_days_figure(store: Store) -> None:
    store.save_activity(DayActivity(day=DAY, active_s=3600))  # an earlier run today
    running = Running(store)
    try:
        running.work(5)
    finally:
        running.stop()
    assert running.figure() == DayActivity(day=DAY, active_s=3600 + 5 * 60)


def status_lines(running: Running) -> list[str]:
    """What `posture-guard status` prints for the running service (its reply's JSON)."""
    status = running.ask(Status())["status"]
    assert isinstance(status, dict)
    return format_status(status).splitlines()


def test_service_store_status_today_keeps_the_day_across_a_restart(store: Store) -> None:
    """Issue "The first day at the desk": `status` said "Today: 0s active" again after a
    restart while `stats` kept the day. Its figure now comes from the store (what `stats`
    reads) plus the unsaved part, so a restart does not reset it."""
    first = Running(store)
    try:
        first.work(25)  # the posture break comes due at 20 minutes
        first.ask(Skip())
        assert "Today:       25m active; breaks 0 taken, 0 natural, 1 skipped" in status_lines(
            first
        )
    finally:
        first.stop()
    again = Running(store)  # the service restarted on the same day, with the same store
    try:
        assert "Today:       25m active; breaks 0 taken, 0 natural, 1 skipped" in status_lines(
            again
        )
        again.work(2)  # the live, not yet saved part is added to the stored one
        assert "Today:       27m active; breaks 0 taken, 0 natural, 1 skipped" in status_lines(
            again
        )
    finally:
        again.stop()


def test_issue_14_the_daily_skip_cap_counts_todays_skips_of_an_earlier_run(store: Store) -> None:
    # Protects: `max_skips_per_day` counts the skips the store holds for today, so restarting
    # the service does not give skips back (it used to count from 0 again); yesterday's skips
    # do not count.
    defaults = config.defaults()
    capped = replace(defaults, timer=replace(defaults.timer, max_skips_per_day=1))
    store.add_break(  # yesterday evening's skip belongs to yesterday's working day
        BreakRecord(
            kind="posture", ended=at("09:00") - timedelta(hours=13), outcome=Outcome.SKIPPED
        )
    )
    first = Running(store, settings=capped)
    try:
        first.work(20)  # the posture break comes due
        assert first.ask(Status())["status"]["skip_allowed"] is True  # type: ignore[index]
        first.ask(Skip())  # the one skip of the day
    finally:
        first.stop()
    again = Running(store, settings=capped)  # restarted on the same working day
    try:
        again.work(20)
        status = again.ask(Status())["status"]
        assert isinstance(status, dict)
        assert (status["state"], status["skip_allowed"]) == ("break_due", False)
        refused = encode_result(again.service.submit(Skip()))
        assert refused["ok"] is False
        assert "max_skips_per_day" in str(refused["error"])
        assert [b.outcome for b in again.breaks()].count(Outcome.SKIPPED) == 2  # nothing added
    finally:
        again.stop()


def test_service_store_status_while_snoozed_says_when_the_snooze_ends(store: Store) -> None:
    """Issue "The first day at the desk": while snoozed, `status` showed the next break's
    interval ("Next break: posture in 0s of active time"). It says when the snooze ends, in
    real time on the clock and from now, and what comes then."""
    running = Running(store)
    try:
        running.work(20)  # 09:20: the posture break is due
        running.ask(Snooze(seconds=300))
        running.clock.advance(20)  # 09:20:20: 4m40s of the snooze left
        lines = status_lines(running)
    finally:
        running.stop()
    assert "State:       break snoozed, posture break" in lines
    assert "Snoozed until: 09:25 (in 4m40s), then the posture break is asked for again" in lines, (
        lines
    )
    assert not any(line.startswith("Next break:") for line in lines), lines


def test_service_without_idle_time_says_how_to_record_a_break(store: Store) -> None:
    """Issue "The first day at the desk": headless with no idle source (stepping away never
    counts), the prompt said "Step away now" and nothing said how to record the break. The
    prompt now names the command that records it, and `status` says that natural breaks
    cannot be seen and how to record one, from the snapshot's typed `sees_idle`."""
    running = Running(store, idle=NoIdleSource())
    try:
        running.work(20)
        lines = status_lines(running)
    finally:
        running.stop()
    prompt = running.notifier.notices[-1].message
    assert "`posture-guard break-now`" in prompt, prompt
    assert "only a break you record counts" in prompt
    assert "Step away now" not in prompt
    assert (
        "Idle time:   idle time cannot be read here: all time counts as active, and natural "
        "breaks (time away from the screen) are not seen, so only the breaks you record count"
    ) in lines
    assert (
        "Breaks:      run `posture-guard break-now` as you step away, so the break counts" in lines
    )


def test_service_with_idle_time_prompts_to_step_away_and_says_nothing_of_recording(
    store: Store,
) -> None:
    running = Running(store)
    try:
        running.work(20)
        lines = status_lines(running)
    finally:
        running.stop()
    assert "Step away now" in running.notifier.notices[-1].message
    assert not any(line.startswith(("Idle time:", "Breaks:")) for line in lines), lines


def test_service_store_a_locked_database_is_retried_and_loses_nothing(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="posture_guard.app.service")
    path = tmp_path / "data" / "posture-guard.sqlite3"
    with Store.open(path, timeout_s=0.05) as store:
        running = Running(store)
        try:
            with closing(sqlite3.connect(path, isolation_level=None)) as other:
                other.execute("BEGIN IMMEDIATE")  # another writer holds the lock
                running.work(20)
                running.ask(Skip())  # the outcome cannot be saved now
                assert running.thread.is_alive()
                assert running.ask(Status())["status"]["state"] == "working"  # type: ignore[index]
                other.execute("ROLLBACK")
            warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
            assert len(warnings) == 1
            assert re.fullmatch(
                rf"could not save; keeping the figures and retrying: {re.escape(str(path))}: "
                r"can't save 1 break, 1 day, the stretch in progress: database is locked",
                warnings[0],
            )
            assert running.breaks() == []
            running.work(1)
        finally:
            running.stop()  # the exit flush saves what was kept
        assert running.breaks() == [
            BreakRecord(
                kind="posture",
                due=at("09:20"),
                prompted=at("09:20"),
                ended=at("09:20"),
                outcome=Outcome.SKIPPED,
                exercise="distance-gaze",
            )
        ]
        assert running.figure() == DayActivity(day=DAY, active_s=21 * 60)
        assert store.stretches_between(*EVER) == [  # a skip is no rest: one stretch, once
            WorkStretch(started=START, ended=at("09:21"), active_s=21 * 60)
        ]
        assert "saving works again" in caplog.text


# --- the real process --------------------------------------------------------------------------


def _database(app: App) -> Path:
    return app.home / ".data" / "posture-guard" / "posture-guard.sqlite3"


@pytest.mark.e2e
def test_run_saves_the_days_active_time_in_a_private_database(app: App) -> None:
    proc = app.start("--headless")
    app.wait_running()
    assert app.cli("quit").returncode == 0
    assert proc.wait(timeout=15) == 0
    path = _database(app)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    with Store.open(path) as store:
        assert store.version == SCHEMA_VERSION
        days = store.activity_between(date.min, date.max)
    assert len(days) == 1  # today's figure, saved at exit


@pytest.mark.e2e
def test_run_with_a_database_from_a_newer_version_says_so_and_changes_nothing(app: App) -> None:
    path = _database(app)
    Store.open(path).close()
    with closing(sqlite3.connect(path)) as db:
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    before = path.read_bytes()
    result = app.cli("run", "--headless")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines() == [
        f"posture-guard: {path}: the database is from a newer Posture Guard (schema version "
        f"{SCHEMA_VERSION + 1}; this version reads up to {SCHEMA_VERSION}); nothing was changed. "
        "Update Posture Guard to use it."
    ]
    assert path.read_bytes() == before


def _open_episode(store: Store, days_ago: float, **fields: object) -> None:
    from posture_guard.core.episodes import Episode, Stiffness

    store.start_episode(
        Episode(
            started=START - timedelta(days=days_ago),
            pain_at_start=5,
            pain_peak=5,
            stiffness=Stiffness.MODERATE,
            **fields,  # type: ignore[arg-type]
        )
    )


def test_service_asks_for_a_check_in_once_a_day_while_an_episode_is_open(store: Store) -> None:
    _open_episode(store, days_ago=1.2)
    running = Running(store)
    try:
        asked = [n for n in running.notifier.notices if n.title == "How is your neck today?"]
        assert [n.message for n in asked] == [
            "Your episode began 1 day ago. Run `posture-guard check-in` to note how it is now "
            "and see what to do next."
        ]
        running.work(20)  # a break prompt later the same day: not asked again
        titles = [n.title for n in running.notifier.notices]
        assert titles.count("How is your neck today?") == 1
        assert "Posture and eyes check (20s)" in titles
    finally:
        running.stop()


def test_service_log_holds_nothing_of_the_diary(
    store: Store, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # Protects: with no notification daemon the check-in's notice ("Your episode began 2 days
    # ago") falls to the terminal notifier; neither it nor the service logs its words
    # (issue 18: the log held the reminder's text)
    _open_episode(store, days_ago=2.2, notes="woke up stiff")
    with caplog.at_level("DEBUG", logger="posture_guard"):
        running = Running(store, notices_fail=True)
        try:
            running.work(30)
        finally:
            running.stop()
        notifier = FallbackNotifier(RecordingNotifier(fail=True), TerminalNotifier(io.StringIO()))
        assert notifier.notify(*check_in_notice(2), tag=None)
    logged = caplog.text
    assert "notice not delivered" in logged
    assert "notice for the terminal" in logged
    for words in ("neck", "episode", "woke up stiff", "check-in"):
        assert words not in logged.lower()


def test_service_does_not_ask_for_a_check_in_for_a_fresh_episode(store: Store) -> None:
    _open_episode(store, days_ago=0.5)
    running = Running(store)
    try:
        running.work(20)
        assert "How is your neck today?" not in [n.title for n in running.notifier.notices]
    finally:
        running.stop()


def test_service_offers_only_gentle_exercises_while_an_episode_is_open(store: Store) -> None:
    from posture_guard.core.episodes import Symptom
    from posture_guard.core.exercises import Phase, load_catalogue

    _open_episode(store, days_ago=0.5, symptoms=frozenset({Symptom.TINGLING_NUMBNESS}))
    catalogue = load_catalogue()
    allowed = {  # gentle, and nothing cautioned for the arm symptoms on record
        e.name
        for e in catalogue.exercises
        if e.phase is Phase.ACUTE_GENTLE and "arm-symptoms" not in e.cautions
    }
    running = Running(store)
    try:
        running.work(40)  # the stretch break comes due
        stretch = [n for n in running.notifier.notices if n.title.startswith("Stretch break")]
        assert len(stretch) == 1
        assert stretch[0].message.split(":")[0] in allowed
    finally:
        running.stop()
