"""The store on real SQLite files: round trips, migrations, refusals, file modes and crashes."""

from __future__ import annotations

import contextlib
import os
import random
import re
import signal
import sqlite3
import stat
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from posture_guard.app.store import MIGRATIONS, SCHEMA_VERSION, Store
from posture_guard.core.clinic import ClinicProfile
from posture_guard.core.episodes import Answer, Episode, EpisodeUpdate
from posture_guard.core.errors import StoreError
from posture_guard.core.records import (
    AdviceSummary,
    BreakRecord,
    DayActivity,
    PhaseChange,
    StoredPack,
)
from posture_guard.core.stretches import WorkStretch
from posture_guard.core.tiers import Tier
from posture_guard.core.timer import Outcome
from tests.store import crash_writer
from tests.unit.test_episodes import check_in as a_check_in

REPO = Path(__file__).resolve().parents[2]
BERLIN = ZoneInfo("Europe/Berlin")
AT = datetime(2026, 11, 23, 9, 20, tzinfo=BERLIN)
SELF_CARE = AdviceSummary(tier=Tier.SELF_CARE, rule_ids=())
EVER = (datetime(1900, 1, 1, tzinfo=UTC), datetime(2300, 1, 1, tzinfo=UTC))


def db_path(root: Path) -> Path:
    return root / "data" / "posture-guard.sqlite3"


def raw(path: Path) -> contextlib.closing[sqlite3.Connection]:
    """A plain sqlite3 connection, to look at or tamper with the file behind the store's back."""
    return contextlib.closing(sqlite3.connect(path, isolation_level=None))


def integrity(path: Path) -> list[tuple[object, ...]]:
    with raw(path) as db:
        return db.execute("PRAGMA integrity_check").fetchall()


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def a_break(minutes: int = 0, **changes: object) -> BreakRecord:
    ended = AT + timedelta(minutes=minutes)
    fields: dict[str, object] = {
        "kind": "posture",
        "due": ended - timedelta(minutes=5),
        "prompted": ended - timedelta(minutes=5),
        "ended": ended,
        "outcome": Outcome.SKIPPED,
        "snoozes": 1,
    }
    fields.update(changes)
    return BreakRecord(**fields)  # type: ignore[arg-type]


def test_store_is_the_only_module_that_imports_sqlite3() -> None:
    package = REPO / "posture_guard"
    importers = sorted(
        str(path.relative_to(package))
        for path in package.rglob("*.py")
        if re.search(r"^\s*(import|from) sqlite3\b", path.read_text(), re.MULTILINE)
    )
    assert importers == ["app/store.py"]


# --- values: exact round trips (hypothesis) ----------------------------------------------------

zones = st.one_of(
    st.timezones(),
    st.integers(-86_399, 86_399).map(lambda s: timezone(timedelta(seconds=s))),
)
moments = st.datetimes(
    min_value=datetime(1971, 1, 1), max_value=datetime(2200, 1, 1), timezones=zones
)
break_records = st.builds(
    BreakRecord,
    kind=st.text(min_size=1, max_size=12),
    ended=moments,
    outcome=st.sampled_from(Outcome),
    due=st.none() | moments,
    prompted=st.none() | moments,
    started=st.none() | moments,
    snoozes=st.integers(0, 2**63 - 1),
)
day_figures = st.builds(
    DayActivity,
    day=st.dates(),
    active_s=st.floats(min_value=0, allow_nan=False, allow_infinity=False),
)


@contextlib.contextmanager
def fresh_store(factory: pytest.TempPathFactory) -> Iterator[Store]:
    with Store.open(db_path(factory.mktemp("store"))) as store:
        yield store


@given(records=st.lists(break_records, max_size=6))
def test_store_break_records_round_trip_exactly(
    tmp_path_factory: pytest.TempPathFactory, records: list[BreakRecord]
) -> None:
    with fresh_store(tmp_path_factory) as store:
        store.save(breaks=records)
        assert store.breaks_between(*EVER) == sorted(records, key=lambda r: r.ended)


@given(figures=st.lists(day_figures, max_size=6, unique_by=lambda a: a.day))
def test_store_day_figures_round_trip_exactly(
    tmp_path_factory: pytest.TempPathFactory, figures: list[DayActivity]
) -> None:
    with fresh_store(tmp_path_factory) as store:
        store.save(activity=figures)
        assert store.activity_between(date.min, date.max) == sorted(figures, key=lambda a: a.day)
        for figure in figures:
            assert store.activity_on(figure.day) == figure


@given(first=day_figures, second=st.floats(min_value=0, allow_nan=False, allow_infinity=False))
def test_store_saving_a_day_again_replaces_its_figure(
    tmp_path_factory: pytest.TempPathFactory, first: DayActivity, second: float
) -> None:
    with fresh_store(tmp_path_factory) as store:
        store.save_activity(first)
        store.save_activity(DayActivity(day=first.day, active_s=second))
        assert store.activity_between(date.min, date.max) == [
            DayActivity(day=first.day, active_s=second)
        ]


def test_store_record_times_are_kept_in_utc_so_a_repeated_hour_stays_exact(tmp_path: Path) -> None:
    # 25 Oct 2026, Berlin: 02:30 happens twice; the second (fold=1) is 01:30 UTC
    second = datetime(2026, 10, 25, 2, 30, fold=1, tzinfo=BERLIN)
    record = BreakRecord(kind="posture", ended=second, outcome=Outcome.TAKEN)
    assert record.ended == datetime(2026, 10, 25, 1, 30, tzinfo=UTC)
    assert record.ended.tzinfo is UTC
    with Store.open(db_path(tmp_path)) as store:
        store.add_break(record)
        assert store.breaks_between(*EVER) == [record]


def test_store_breaks_between_is_half_open_and_ordered_by_end(tmp_path: Path) -> None:
    records = [a_break(10), a_break(0), a_break(5, kind="stretch"), a_break(5)]
    with Store.open(db_path(tmp_path)) as store:
        store.save(breaks=records)
        # [09:20, 09:30): the 09:30 one is out; the two 09:25 ones keep the order they were saved
        assert store.breaks_between(AT, AT + timedelta(minutes=10)) == [
            records[1],
            records[2],
            records[3],
        ]
        assert store.breaks_between(AT + timedelta(minutes=10), AT + timedelta(minutes=11)) == [
            records[0]
        ]
        assert store.breaks_between(AT, AT) == []


def test_store_activity_between_includes_both_ends_and_skips_missing_days(tmp_path: Path) -> None:
    days = [DayActivity(day=date(2026, 11, d), active_s=d * 100.0) for d in (20, 23, 24, 26)]
    with Store.open(db_path(tmp_path)) as store:
        store.save(activity=days)
        assert store.activity_between(date(2026, 11, 23), date(2026, 11, 26)) == days[1:]
        assert store.activity_on(date(2026, 11, 25)) is None


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"kind": ""}, "BreakRecord.kind: expected a break kind, got ''"),
        ({"outcome": "taken"}, "BreakRecord.outcome: expected an Outcome, got 'taken'"),
        ({"snoozes": -1}, "BreakRecord.snoozes: expected a whole number >= 0, got -1"),
        ({"snoozes": True}, "BreakRecord.snoozes: expected a whole number >= 0, got True"),
        (
            {"ended": datetime(2026, 11, 23, 9, 20)},
            "BreakRecord.ended: expected an aware datetime, got datetime.datetime(2026, 11, 23, 9, 20)",
        ),
        (
            {"due": datetime(2026, 11, 23, 9, 20)},
            "BreakRecord.due: expected an aware datetime, got datetime.datetime(2026, 11, 23, 9, 20)",
        ),
    ],
)
def test_store_break_record_refuses_bad_values(changes: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=rf"^{re.escape(message)}$"):
        a_break(**changes)


@pytest.mark.parametrize(
    ("day", "seconds", "message"),
    [
        (date(2026, 1, 1), -1.0, "DayActivity.active_s: expected seconds >= 0, got -1.0"),
        (date(2026, 1, 1), float("nan"), "DayActivity.active_s: expected seconds >= 0, got nan"),
        (date(2026, 1, 1), float("inf"), "DayActivity.active_s: expected seconds >= 0, got inf"),
        (
            datetime(2026, 1, 1, tzinfo=UTC),
            1.0,
            "DayActivity.day: expected a date, got "
            "datetime.datetime(2026, 1, 1, 0, 0, tzinfo=datetime.timezone.utc)",
        ),
    ],
)
def test_store_day_activity_refuses_bad_values(day: date, seconds: float, message: str) -> None:
    with pytest.raises(ValueError, match=rf"^{re.escape(message)}$"):
        DayActivity(day=day, active_s=seconds)


def test_store_a_failed_write_writes_nothing(tmp_path: Path) -> None:
    path = db_path(tmp_path)
    with Store.open(path) as store:
        store.add_break(a_break(0))
        with raw(path) as db:  # another writer holds the write lock
            db.execute("BEGIN IMMEDIATE")
            with (
                Store.open(path, timeout_s=0.05) as hurried,
                pytest.raises(
                    StoreError, match=rf"^{re.escape(str(path))}: can't save 1 break, 1 day: "
                ),
            ):
                hurried.save(breaks=[a_break(1)], activity=[DayActivity(day=AT.date(), active_s=1)])
            db.execute("ROLLBACK")
        # all or nothing, and a retry is safe
        assert store.breaks_between(*EVER) == [a_break(0)]
        assert store.activity_between(date.min, date.max) == []
        store.save(breaks=[a_break(1)])
        assert store.breaks_between(*EVER) == [a_break(0), a_break(1)]


def test_store_stretch_in_progress_is_replaced_by_each_later_save(tmp_path: Path) -> None:
    # Protects: the service saves the work stretch in progress as it goes (a killed process
    # keeps it up to the last save) without ever listing it twice.
    def stretch(minutes: int, started: datetime = AT) -> WorkStretch:
        return WorkStretch(
            started=started, ended=started + timedelta(minutes=minutes), active_s=minutes * 60
        )

    path = db_path(tmp_path)
    with Store.open(path) as store:
        row = store.save(in_progress=stretch(10))
        assert row is not None
        assert store.stretches_between(*EVER) == [stretch(10)]
        row = store.save(in_progress=stretch(11), replacing=row)
        assert store.stretches_between(*EVER) == [stretch(11)]
        # a failed save leaves the last one in place, and the retry replaces it
        with raw(path) as db:
            db.execute("BEGIN IMMEDIATE")
            with (
                Store.open(path, timeout_s=0.05) as hurried,
                pytest.raises(StoreError, match=r": can't save the stretch in progress: "),
            ):
                hurried.save(in_progress=stretch(12), replacing=row)
            db.execute("ROLLBACK")
        assert store.stretches_between(*EVER) == [stretch(11)]
        # the stretch ends: its final value replaces the one in progress; a new one begins
        later = AT + timedelta(minutes=20)
        assert row is not None
        assert store.save(stretches=[stretch(13)], replacing=row) is None
        assert store.stretches_between(*EVER) == [stretch(13)]
        row = store.save(in_progress=stretch(2, later))
        assert store.save(replacing=row) is None  # it did not count after all
        assert store.stretches_between(*EVER) == [stretch(13)]


def test_store_closed_store_says_so(tmp_path: Path) -> None:
    path = db_path(tmp_path)
    store = Store.open(path)
    store.close()
    store.close()  # again: nothing happens
    with pytest.raises(
        StoreError, match=rf"^{re.escape(str(path))}: can't read breaks: the database is closed$"
    ):
        store.breaks_between(*EVER)


def test_store_unreadable_row_is_a_store_error_naming_it(tmp_path: Path) -> None:
    path = db_path(tmp_path)
    with Store.open(path) as store:
        store.add_break(a_break(0))
        with raw(path) as db:
            db.execute("UPDATE break_events SET due = 'yesterday'")
        with pytest.raises(
            StoreError,
            match=rf"^{re.escape(str(path))}: break_events row 1 is unreadable: "
            r"Invalid isoformat string: 'yesterday'$",
        ):
            store.breaks_between(*EVER)


# --- migrations --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Seed:
    """Data put into a database at one schema version, and what the current code must read."""

    sql: Sequence[str]
    breaks: Sequence[BreakRecord]
    activity: Sequence[DayActivity]
    episodes: int = 0
    check_ins: int = 0
    clinic: str | None = None


#: One entry for every schema version before SCHEMA_VERSION (a test fails when one is missing):
#: when a migration is added, add a database of the version before it, with data in every table.
SEEDS: dict[int, Seed] = {
    0: Seed(sql=(), breaks=(), activity=()),  # a new, empty file, as `Store.open` creates it
    1: Seed(  # breaks and active time, as the v1 service wrote them, before the diary
        sql=(
            "INSERT INTO break_events (kind, due, prompted, started, ended, outcome, snoozes)"
            " VALUES ('stretch', '2026-11-23T08:00:00.000000+00:00',"
            " '2026-11-23T08:00:00.000000+00:00', '2026-11-23T08:06:00.000000+00:00',"
            " '2026-11-23T08:08:00.000000+00:00', 'taken', 1)",
            "INSERT INTO break_events (kind, due, prompted, started, ended, outcome, snoozes)"
            " VALUES ('movement', NULL, NULL, '2026-11-23T09:00:00.000000+00:00',"
            " '2026-11-23T09:05:00.000000+00:00', 'natural', 0)",
            "INSERT INTO activity (day, active_seconds) VALUES ('2026-11-23', 5400.5)",
        ),
        breaks=(
            BreakRecord(
                kind="stretch",
                due=datetime(2026, 11, 23, 8, 0, tzinfo=UTC),
                prompted=datetime(2026, 11, 23, 8, 0, tzinfo=UTC),
                started=datetime(2026, 11, 23, 8, 6, tzinfo=UTC),
                ended=datetime(2026, 11, 23, 8, 8, tzinfo=UTC),
                outcome=Outcome.TAKEN,
                snoozes=1,
            ),
            BreakRecord(
                kind="movement",
                started=datetime(2026, 11, 23, 9, 0, tzinfo=UTC),
                ended=datetime(2026, 11, 23, 9, 5, tzinfo=UTC),
                outcome=Outcome.NATURAL,
            ),
        ),
        activity=(DayActivity(day=date(2026, 11, 23), active_s=5400.5),),
    ),
}
# a v2 database: v1's breaks and active time, plus an episode, a check-in and the clinic
SEEDS[2] = Seed(
    sql=(
        *SEEDS[1].sql,
        "INSERT INTO episodes (started, ended, record) VALUES ('2026-11-23T08:00:00.000000+00:00',"
        ' NULL, \'{"started": "2026-11-23T09:00:00+01:00", "ended": null,'
        ' "pain_at_start": 5, "pain_peak": 5, "stiffness": "mild",'
        ' "range_of_motion": null, "areas": [], "triggers": [], "symptoms": [],'
        ' "helped": [], "notes": ""}\')',
        "INSERT INTO check_ins (at, answers, tier, rule_ids) VALUES"
        ' (\'2026-11-23T10:00:00.000000+00:00\', \'{"at": "2026-11-23T11:00:00+01:00",'
        ' "pain_now": 5, "stiffness": "mild", "symptoms": [], "trend": "same",'
        ' "pain_disturbs_sleep": false, "pain_stops_work": false,'
        ' "daily_life_affected": false, "home_care_days": 0, "after_injury": false,'
        ' "high_risk_mechanism": false, "risk_history": [], "age_band": "20-50"}\','
        " 'self-care', '[]')",
        "INSERT INTO clinic (only_row, name, booking_url) VALUES (1, 'Riverside',"
        " 'https://riverside.example/book')",
    ),
    breaks=SEEDS[1].breaks,
    activity=SEEDS[1].activity,
    episodes=1,
    check_ins=1,
    clinic="Riverside",
)


# a v3 database: v2's data, a work stretch, and a check-in after an injury (true and false, as
# the injury answers were until v4)
SEEDS[3] = Seed(
    sql=(
        *SEEDS[2].sql,
        "INSERT INTO work_stretches (started, ended, active_seconds) VALUES"
        " ('2026-11-23T08:08:00.000000+00:00', '2026-11-23T09:00:00.000000+00:00', 3000.0)",
        "INSERT INTO check_ins (at, answers, tier, rule_ids) VALUES"
        ' (\'2026-11-24T10:00:00.000000+00:00\', \'{"at": "2026-11-24T11:00:00+01:00",'
        ' "pain_now": 4, "stiffness": "mild", "symptoms": [], "trend": "same",'
        ' "pain_disturbs_sleep": false, "pain_stops_work": false,'
        ' "daily_life_affected": false, "home_care_days": 0, "after_injury": true,'
        ' "high_risk_mechanism": false, "risk_history": [], "age_band": "20-50"}\','
        " 'book', '[\"neck-injury\"]')",
    ),
    breaks=SEEDS[2].breaks,
    activity=SEEDS[2].activity,
    episodes=1,
    check_ins=2,
    clinic="Riverside",
)


# a v4 database: v3's rows but its check-ins, and one check-in with the v4 answers
SEEDS[4] = Seed(
    sql=(
        *(q for q in SEEDS[3].sql if not q.startswith("INSERT INTO check_ins")),  # v3's answers
        "INSERT INTO check_ins (at, answers, tier, rule_ids) VALUES"
        ' (\'2026-11-25T10:00:00.000000+00:00\', \'{"at": "2026-11-25T11:00:00+01:00",'
        ' "pain_now": 3, "stiffness": "mild", "symptoms": [], "trend": "improving",'
        ' "pain_disturbs_sleep": false, "pain_stops_work": false,'
        ' "daily_life_affected": false, "home_care_days": 0, "after_injury": "not-sure",'
        ' "high_risk_mechanism": "no", "pain_lasted": null, "head_injury": null,'
        ' "neck_manipulation": null, "risk_history": [], "age_band": "20-50"}\','
        " 'book', '[\"neck-injury\"]')",
    ),
    breaks=SEEDS[2].breaks,
    activity=SEEDS[2].activity,
    episodes=1,
    check_ins=1,
    clinic="Riverside",
)


# a v5 database: v4's rows (its breaks now offer an exercise, '' for these), with an episode
# that has no clock reading yet
SEEDS[5] = Seed(
    sql=SEEDS[4].sql,
    breaks=SEEDS[4].breaks,
    activity=SEEDS[4].activity,
    episodes=1,
    check_ins=1,
    clinic="Riverside",
)


def test_store_migration_6_keeps_episodes_with_no_made_up_reading(tmp_path: Path) -> None:
    """# Protects: an episode entered before v6 reads back unchanged with no clock reading (not
    known, never made up), and one started after it keeps the reading it was entered at."""
    path = db_path(tmp_path)
    build_at(path, 5)
    with raw(path) as db:
        for statement in SEEDS[5].sql:
            db.execute(statement)
    now = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
    with Store.open(path) as store:
        (old,) = store.episodes()
        assert store.episodes_entered() == {}
        store.end_episode(now - timedelta(hours=1))
        new = store.start_episode(
            Episode(started=now - timedelta(minutes=30), pain_at_start=3, pain_peak=3), now=now
        )
        assert old.id is not None
        assert new.id is not None
        assert store.episodes_entered() == {new.id: now}
    assert integrity(path) == [("ok",)]


# a v6 database: v5's rows, the episode with the clock's reading as it was entered and an
# update with a pain, none of them numbered in the order of entry yet
SEEDS[6] = Seed(
    sql=(
        *SEEDS[5].sql,
        "UPDATE episodes SET entered = '2026-11-23T08:00:05.000000+00:00'",
        "INSERT INTO episode_updates (episode_id, at, record) VALUES"
        ' (1, \'2026-11-23T12:00:00.000000+00:00\', \'{"at": "2026-11-23T13:00:00+01:00",'
        ' "pain": 4, "stiffness": null, "symptoms": [], "helped": [], "notes": ""}\')',
    ),
    breaks=SEEDS[5].breaks,
    activity=SEEDS[5].activity,
    episodes=1,
    check_ins=1,
    clinic="Riverside",
)


def test_store_migration_7_numbers_only_what_is_entered_after_it(tmp_path: Path) -> None:
    """# Protects: rows entered before v7 read back with no place in the order of entry (not
    known, never made up: the picker orders them by date, older than any numbered one), and
    the episode update and check-in entered after it are numbered 1 and 2 from one counter."""
    path = db_path(tmp_path)
    build_at(path, 6)
    with raw(path) as db:
        for statement in SEEDS[6].sql:
            db.execute(statement)
    start = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
    with Store.open(path) as store:
        before = store.picker_diary(now=None)
        assert before.current is not None
        assert before.current.id == 1
        assert [(p.seq, p.at, p.pain) for p in before.pains] == [
            (None, start, 5),
            (None, start + timedelta(hours=4), 4),
            (None, datetime(2026, 11, 25, 10, 0, tzinfo=UTC), 3),
        ]
        assert store.episodes_entered() == {1: start + timedelta(seconds=5)}
        store.update_episode(EpisodeUpdate(at=AT + timedelta(days=3), pain=6))
        store.add_check_in(a_check_in(at=AT + timedelta(days=3, minutes=1), pain_now=2), SELF_CARE)
        after = store.picker_diary(now=None).pains
    assert [(p.seq, p.pain) for p in after] == [(None, 5), (None, 4), (1, 6), (None, 3), (2, 2)]
    with raw(path) as db:
        assert db.execute("SELECT seq FROM episodes").fetchall() == [(None,)]
        assert db.execute("SELECT last FROM entry_sequence").fetchall() == [(2,)]
    assert integrity(path) == [("ok",)]


def test_store_migration_4_keeps_injury_answers_and_marks_new_questions_not_asked(
    tmp_path: Path,
) -> None:
    """# Protects: a check-in stored before the duration, head-injury and manipulation
    questions reads back with them as not asked (never a made-up "no"), and its injury answers
    (true, false) as yes and no."""
    path = db_path(tmp_path)
    build_at(path, 3)
    with raw(path) as db:
        for statement in SEEDS[3].sql:
            db.execute(statement)
    with Store.open(path) as store:
        first, second = (c.check_in for c in store.check_ins())
    assert (first.after_injury, first.high_risk_mechanism) == (Answer.NO, Answer.NO)
    assert (second.after_injury, second.high_risk_mechanism) == (Answer.YES, Answer.NO)
    for check_in in (first, second):
        assert (check_in.pain_lasted, check_in.head_injury, check_in.neck_manipulation) == (
            None,
            None,
            None,
        )


def build_at(path: Path, version: int) -> None:
    """A database at `version`, as the code of that version left it."""
    if version == 0:
        path.parent.mkdir(mode=0o700, parents=True)
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    else:
        Store.open(path, migrations=MIGRATIONS[:version]).close()


def test_store_has_a_migration_seed_for_every_earlier_version() -> None:
    assert sorted(SEEDS) == list(range(SCHEMA_VERSION))


@pytest.mark.parametrize("version", range(SCHEMA_VERSION))
def test_store_migrates_from_every_earlier_version(tmp_path: Path, version: int) -> None:
    path = db_path(tmp_path)
    build_at(path, version)
    seed = SEEDS[version]
    with raw(path) as db:
        for statement in seed.sql:
            db.execute(statement)
    with Store.open(path) as store:
        assert store.version == SCHEMA_VERSION
        assert store.breaks_between(*EVER) == list(seed.breaks)
        assert store.activity_between(date.min, date.max) == list(seed.activity)
        # the diary tables are there and usable, with what the seed put in them
        assert len(store.episodes()) == seed.episodes
        assert len(store.check_ins()) == seed.check_ins
        clinic = store.clinic()
        assert (None if clinic is None else clinic.name) == seed.clinic
        # and the work stretches (v3): the seed's, if any
        assert len(store.stretches_between(*EVER)) == (1 if version in (3, 4, 5, 6) else 0)
        # the clinic's pack (v5): none yet; older breaks offered no recorded exercise
        assert store.pack() is None
        assert store.phase_changes() == []
        assert all(b.exercise == "" for b in store.breaks_between(*EVER))
    assert integrity(path) == [("ok",)]


def test_store_current_database_opens_unchanged(tmp_path: Path) -> None:
    path = db_path(tmp_path)
    with Store.open(path) as store:
        store.add_break(a_break(0))
    before = path.read_bytes()
    with Store.open(path) as store:
        assert store.version == SCHEMA_VERSION
        assert store.breaks_between(*EVER) == [a_break(0)]
    assert path.read_bytes() == before


def _v2_notes(db: sqlite3.Connection) -> None:
    """A demonstration version 2: a table that refers to break events."""
    db.execute(
        "CREATE TABLE notes (id INTEGER PRIMARY KEY,"
        " break_id INTEGER NOT NULL REFERENCES break_events (id), text TEXT NOT NULL)"
    )
    db.execute("INSERT INTO notes (break_id, text) SELECT id, 'migrated' FROM break_events")


def _v2_broken(db: sqlite3.Connection) -> None:
    db.execute("CREATE TABLE half_done (id INTEGER PRIMARY KEY)")
    db.execute("INSERT INTO no_such_table VALUES (1)")


def test_store_a_later_migration_keeps_the_data_of_the_version_before(tmp_path: Path) -> None:
    path = db_path(tmp_path)
    v1 = [a_break(0), a_break(1, outcome=Outcome.NATURAL, due=None, prompted=None, snoozes=0)]
    with Store.open(path, migrations=MIGRATIONS[:1]) as store:
        store.save(breaks=v1, activity=[DayActivity(day=AT.date(), active_s=1500.0)])
    with Store.open(path, migrations=(*MIGRATIONS[:1], _v2_notes)) as store:
        assert store.version == 2
        assert store.breaks_between(*EVER) == v1
        assert store.activity_on(AT.date()) == DayActivity(day=AT.date(), active_s=1500.0)
    with raw(path) as db:
        assert db.execute("SELECT break_id, text FROM notes").fetchall() == [
            (1, "migrated"),
            (2, "migrated"),
        ]
    assert integrity(path) == [("ok",)]


def test_store_a_failing_migration_is_rolled_back_whole(tmp_path: Path) -> None:
    path = db_path(tmp_path)
    with Store.open(path, migrations=MIGRATIONS[:1]) as store:
        store.add_break(a_break(0))
    with pytest.raises(
        StoreError,
        match=rf"^{re.escape(str(path))}: can't open the database: no such table: no_such_table$",
    ):
        Store.open(path, migrations=(*MIGRATIONS[:1], _v2_broken))
    with raw(path) as db:
        assert db.execute("PRAGMA user_version").fetchone() == (1,)
        tables = db.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
        assert ("half_done",) not in tables
    with Store.open(path, migrations=MIGRATIONS[:1]) as store:
        assert store.breaks_between(*EVER) == [a_break(0)]


# --- refusals: the file is left as it was ------------------------------------------------------


def test_store_refuses_a_database_from_a_newer_version_and_changes_nothing(tmp_path: Path) -> None:
    path = db_path(tmp_path)
    with Store.open(path) as store:
        store.save(breaks=[a_break(0)], activity=[DayActivity(day=AT.date(), active_s=60)])
    newer = SCHEMA_VERSION + 1
    with raw(path) as db:
        db.execute(f"PRAGMA user_version = {newer}")
    before, files = path.read_bytes(), sorted(os.listdir(path.parent))
    with pytest.raises(
        StoreError,
        match=rf"^{re.escape(str(path))}: the database is from a newer Posture Guard "
        rf"\(schema version {newer}; this version reads up to {SCHEMA_VERSION}\); nothing was "
        r"changed\. Update Posture Guard to use it\.$",
    ):
        Store.open(path)
    assert path.read_bytes() == before
    assert sorted(os.listdir(path.parent)) == files


def test_store_refuses_a_file_that_is_not_a_database(tmp_path: Path) -> None:
    path = db_path(tmp_path)
    path.parent.mkdir(mode=0o700)
    path.write_bytes(b"my shopping list\n" * 100)
    path.chmod(0o600)
    with pytest.raises(
        StoreError,
        match=rf"^{re.escape(str(path))}: not a Posture Guard database \(file is not a database\); "
        r"nothing was changed$",
    ):
        Store.open(path)
    assert path.read_bytes() == b"my shopping list\n" * 100


def test_store_refuses_someone_elses_database_with_no_version(tmp_path: Path) -> None:
    path = db_path(tmp_path)
    path.parent.mkdir(mode=0o700)
    with raw(path) as db:
        db.execute("CREATE TABLE recipes (name TEXT)")
    before = path.read_bytes()
    with pytest.raises(
        StoreError,
        match=rf"^{re.escape(str(path))}: not a Posture Guard database \(schema version 0 with "
        r"1 tables or indexes already in it\); nothing was changed$",
    ):
        Store.open(path)
    assert path.read_bytes() == before


def test_store_refuses_a_symlink_in_place_of_the_database(tmp_path: Path) -> None:
    path = db_path(tmp_path)
    path.parent.mkdir(mode=0o700)
    target = tmp_path / "elsewhere.sqlite3"
    target.write_bytes(b"")
    path.symlink_to(target)
    with pytest.raises(
        StoreError,
        match=rf"^{re.escape(str(path))}: expected the database file, found a symlink or "
        r"something else; refusing to use it$",
    ):
        Store.open(path)
    assert target.read_bytes() == b""


# --- file modes --------------------------------------------------------------------------------


def test_store_files_are_0600_in_a_0700_dir_whatever_the_umask(tmp_path: Path) -> None:
    path = db_path(tmp_path)
    old = os.umask(0)
    try:
        with Store.open(path) as store:
            store.add_break(a_break(0))
            modes = {name: mode(path.parent / name) for name in os.listdir(path.parent)}
    finally:
        os.umask(old)
    assert modes == {
        "posture-guard.sqlite3": 0o600,
        "posture-guard.sqlite3-wal": 0o600,
        "posture-guard.sqlite3-shm": 0o600,
    }
    assert mode(path.parent) == 0o700


def test_store_tightens_a_database_and_dir_others_could_read(tmp_path: Path) -> None:
    path = db_path(tmp_path)
    Store.open(path).close()
    path.parent.chmod(0o755)
    path.chmod(0o644)
    with Store.open(path) as store:
        store.add_break(a_break(0))
        modes = {name: mode(path.parent / name) for name in os.listdir(path.parent)}
    assert set(modes.values()) == {0o600}
    assert len(modes) == 3
    assert mode(path.parent) == 0o700


def test_store_in_a_shared_sticky_dir_leaves_the_dir_alone(tmp_path: Path) -> None:
    """A database opened straight in a /tmp-like folder must not make /tmp private to us."""
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o1777)
    with Store.open(shared / "posture-guard.sqlite3") as store:
        store.add_break(a_break(0))
    assert stat.S_IMODE(shared.stat().st_mode) == 0o1777
    assert mode(shared / "posture-guard.sqlite3") == 0o600


def test_store_uses_wal_and_foreign_keys(tmp_path: Path) -> None:
    path = db_path(tmp_path)
    with Store.open(path) as store:
        db = store._db
        assert db is not None
        assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        assert db.execute("PRAGMA foreign_keys").fetchone() == (1,)
        assert db.execute("PRAGMA synchronous").fetchone() == (2,)  # FULL


# --- crashes -----------------------------------------------------------------------------------

CRASH_RUNS = 200


def test_store_keeps_every_acknowledged_write_when_the_writer_is_killed(tmp_path: Path) -> None:
    """SIGKILL a writer at random points, CRASH_RUNS times over one database; then the file is
    intact and holds every write the writer acknowledged (and at most the one in flight more)."""
    path = db_path(tmp_path)
    seed = random.randrange(2**32)
    rng = random.Random(seed)
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    acked: dict[int, list[int]] = {}
    began = time.monotonic()
    for run in range(CRASH_RUNS):
        proc = subprocess.Popen(
            [sys.executable, "-m", "tests.store.crash_writer", str(path), str(run)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
            cwd=REPO,
        )
        assert proc.stdout is not None
        assert proc.stderr is not None
        if rng.random() < 0.2:  # anywhere, opening (and on the first run migrating) included
            time.sleep(rng.uniform(0.0, 0.15))
        else:  # while writing
            assert proc.stdout.readline() == b"ready\n", proc.stderr.read().decode()
            time.sleep(rng.uniform(0.0, 0.04))
        proc.send_signal(signal.SIGKILL)
        out, err = proc.stdout.read(), proc.stderr.read()
        proc.wait(timeout=10)
        proc.stdout.close()
        proc.stderr.close()
        assert proc.returncode == -signal.SIGKILL, f"seed {seed} run {run}: {err.decode()}"
        acked[run] = [int(line.split()[1]) for line in out.decode().splitlines() if line != "ready"]
        first = run * crash_writer.STRIDE
        assert acked[run] == list(range(first, first + len(acked[run]))), f"seed {seed} run {run}"
    elapsed = time.monotonic() - began

    assert integrity(path) == [("ok",)], f"seed {seed}"
    with Store.open(path) as store:
        stored = store.breaks_between(*EVER)
        figures = {a.day: a.active_s for a in store.activity_between(date.min, date.max)}
    present = set(stored)
    assert len(present) == len(stored)  # no record twice
    written = 0
    for run, numbers in acked.items():
        first = run * crash_writer.STRIDE
        missing = [n for n in numbers if crash_writer.record(n) not in present]
        assert missing == [], f"seed {seed} run {run}: acknowledged but lost: {missing}"
        # what a run left is a prefix of its records: all acknowledged ones and at most one
        # more (committed, killed before it could say so)
        kept = [
            n for n in range(first, first + len(numbers) + 1) if crash_writer.record(n) in present
        ]
        assert kept == list(range(first, first + len(kept))), f"seed {seed} run {run}"
        assert len(numbers) <= len(kept) <= len(numbers) + 1, f"seed {seed} run {run}"
        # each transaction set the run's day figure with its record: they landed together
        assert figures.get(crash_writer.day_of_run(run)) == (float(kept[-1]) if kept else None), (
            f"seed {seed} run {run}"
        )
        written += len(kept)
    assert written == len(stored)
    assert sum(map(len, acked.values())) > CRASH_RUNS, "the kills should land mostly mid-write"
    assert {mode(p) for p in path.parent.iterdir()} == {0o600}
    print(f"{CRASH_RUNS} kills in {elapsed:.1f} s, {written} records kept, seed {seed}")


# --- the clinic's pack (v5) ----------------------------------------------------------------------


def test_store_keeps_the_pack_its_phases_and_each_breaks_exercise(tmp_path: Path) -> None:
    # Protects: a break's exercise round-trips; the pack in use, its clinic and phase changes
    # are kept; the same pack again adds no phase change; an unknown phase writes nothing.

    pack = StoredPack(
        id="riverside", version="1.2", digest="ab" * 32, folder="ab" * 16, imported=AT,
        phases=("acute", "recovery"),
    )  # fmt: skip
    clinic = ClinicProfile(name="Riverside", booking_url="https://riverside.example/book")
    with Store.open(db_path(tmp_path)) as store:
        store.add_break(a_break(0, exercise="chin-glide"))
        assert [b.exercise for b in store.breaks_between(*EVER)] == ["chin-glide"]
        store.set_pack(pack, clinic)
        store.set_pack(pack, clinic)
        assert store.pack() == pack
        assert store.clinic() == clinic
        store.set_phase("recovery", AT + timedelta(days=2))
        with pytest.raises(ValueError, match=r"^phase: expected one of the pack's phases"):
            store.set_phase("rehab", AT + timedelta(days=3))
        assert store.phase_changes() == [
            PhaseChange(at=AT, phase="acute"),
            PhaseChange(at=AT + timedelta(days=2), phase="recovery"),
        ]
