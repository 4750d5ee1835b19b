"""The database: one SQLite file for break events, active time per day and (later) the diary.

Rule 1: this is the only module that imports sqlite3. Everything else hands in and gets back plain
        values (the frozen dataclasses below, built from the timer's events), never rows, cursors
        or SQL.
Rule 2: one file, `Paths.database`, created mode 0600 in the 0700 data dir, before SQLite ever
        opens it. Its -wal and -shm files are 0600 too: SQLite gives them the database's mode, and
        `Store.open` tightens anything looser. A symlink or anything but a regular file at that
        path is refused.
Rule 3: `PRAGMA user_version` is the schema version. `MIGRATIONS[n]` takes version n to n + 1 and
        runs in one transaction together with the version bump, so a database is always at
        exactly one version and never half-migrated. A shipped migration is never edited; a new
        version is one more function at the end of the list.
Rule 4: a database from a newer version (or one that is not ours) is refused with a StoreError that
        names the file and both versions, and nothing in it changes.
Rule 5: every write is one transaction (BEGIN IMMEDIATE ... COMMIT): all of it lands or none of it
        does, and a failed write can simply be retried. A write that returned is committed: it
        survives the process being killed, and with synchronous=FULL (the default, see
        `Store.open`) a power cut too.
Rule 6: instants are stored in UTC as fixed-width ISO 8601 text (`2026-11-23T08:20:00.000000+00:00`),
        which sorts as time does and reads plainly in the sqlite3 shell; days as `YYYY-MM-DD`.
Rule 7: every failure is a StoreError that names the file and what went wrong; any other
        exception is a bug. A Store may be shared between threads (one lock guards the
        connection); in the running app the service's worker is its only user.

Theory of operation. The service builds a `BreakRecord` per break cycle from the timer's events
(`BreakDue` .. `BreakEnded`, or one `NaturalBreakRecorded`) and writes it when the cycle ends,
together with the day's figure (`DayActivity`, an upsert of the absolute value) in one
`Store.save`. Reports read them back with `breaks_between` and `activity_between`. The diary (v2)
keeps episodes, their updates, check-ins (with an `AdviceSummary` of the advice they produced) and
the clinic profile; each diary value is stored whole as its JSON record, beside the UTC columns
queries sort on. Work stretches (v3) are the active seconds between two rests, saved with the
breaks that end them, for the report's longest unbroken stretch; the one in progress is saved
too and replaced by each later save (`save(in_progress=, replacing=)`), so a killed process
loses only the time since. v4 gave stored check-ins the questions added since, as not asked; v5
keeps the clinic's pack, its phase changes and the exercise each break offered; v6 keeps the
clock's reading as each episode was entered (clock_ahead Rule 4); v7 numbers every episode,
update and check-in in the order they were entered, from one counter (clock_ahead Rule 6).
Episode changes read, let the
pure lifecycle of episodes.py decide, and write, in one transaction, so a refused change leaves
everything as it was. What is newest is what was entered last (the row order), never what is
dated latest: a record may be back-dated, or dated while the clock ran ahead.
"""

from __future__ import annotations

import contextlib
import errno
import json
import logging
import os
import sqlite3
import stat
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Final, Literal

from posture_guard.core.clinic import ClinicProfile
from posture_guard.core.clock_ahead import (
    ahead_open,
    end_ahead,
    last_moment,
    overlap_history,
    update_ahead,
)
from posture_guard.core.episodes import (
    TOLERANCE,
    CheckIn,
    Episode,
    EpisodeUpdate,
    current_episode,
    end_episode,
    is_ahead,
    open_episode,
    start_episode,
    update_episode,
)
from posture_guard.core.errors import (
    ClinicError,
    DiaryError,
    IllegalEpisodeChange,
    PostureGuardError,
    StoreError,
)
from posture_guard.core.i18n import _
from posture_guard.core.records import (
    AdviceSummary,
    BreakRecord,
    DayActivity,
    PainEntry,
    PhaseChange,
    PickerDiary,
    StoredCheckIn,
    StoredPack,
    in_utc,
)
from posture_guard.core.stretches import WorkStretch
from posture_guard.core.tiers import Tier
from posture_guard.core.timer import Outcome
from posture_guard.desktop.paths import ensure_private_dir

log = logging.getLogger(__name__)

#: Takes an open database from one schema version to the next, inside the caller's transaction.
#: It must only execute statements (never `executescript`, which commits) and never commit.
Migration = Callable[[sqlite3.Connection], None]
Synchronous = Literal["NORMAL", "FULL"]

#: How long a write waits for another writer (a CLI command writing the diary) before failing.
DEFAULT_TIMEOUT_S: Final = 2.0
_SIDE_FILES: Final = ("-wal", "-shm", "-journal")


def _instant(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


# --- schema ------------------------------------------------------------------------------------


def _v1_breaks_and_activity(db: sqlite3.Connection) -> None:
    """Version 1: one row per break cycle, and the active seconds of each working day."""
    db.execute(
        """
        CREATE TABLE break_events (
            id       INTEGER PRIMARY KEY,
            kind     TEXT    NOT NULL CHECK (kind <> ''),
            due      TEXT,                 -- instants: UTC, 2026-11-23T08:20:00.000000+00:00
            prompted TEXT,
            started  TEXT,
            ended    TEXT    NOT NULL,
            outcome  TEXT    NOT NULL
                     CHECK (outcome IN ('taken', 'natural', 'skipped', 'merged', 'cancelled')),
            snoozes  INTEGER NOT NULL DEFAULT 0 CHECK (snoozes >= 0)
        )
        """
    )
    db.execute("CREATE INDEX break_events_by_ended ON break_events (ended)")
    db.execute(
        """
        CREATE TABLE activity (
            day            TEXT PRIMARY KEY
                           CHECK (day GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
            active_seconds REAL NOT NULL CHECK (active_seconds >= 0)
        )
        """
    )


def _v2_diary(db: sqlite3.Connection) -> None:
    """Version 2: the diary. Episodes and their updates, check-ins with the advice they produced,
    and the one clinic profile.

    Each diary value is kept whole as its JSON record (`to_record`, Rule 4 of episodes.py: exact,
    with each time's own UTC offset); the columns beside it are what queries sort and join on,
    instants in UTC (Rule 6). An episode's row keeps its own fields only: its id is the row's,
    and its updates are rows of episode_updates.
    """
    db.execute(
        """
        CREATE TABLE episodes (
            id      INTEGER PRIMARY KEY,
            started TEXT NOT NULL,          -- UTC instant, as break_events
            ended   TEXT,                   -- NULL while the episode is open
            record  TEXT NOT NULL CHECK (json_valid(record))
        )
        """
    )
    db.execute("CREATE INDEX episodes_by_started ON episodes (started)")
    db.execute(
        """
        CREATE TABLE episode_updates (
            id         INTEGER PRIMARY KEY,
            episode_id INTEGER NOT NULL REFERENCES episodes (id) ON DELETE CASCADE,
            at         TEXT    NOT NULL,
            record     TEXT    NOT NULL CHECK (json_valid(record))
        )
        """
    )
    db.execute("CREATE INDEX episode_updates_by_episode ON episode_updates (episode_id, at)")
    db.execute(
        """
        CREATE TABLE check_ins (
            id       INTEGER PRIMARY KEY,
            at       TEXT NOT NULL,
            answers  TEXT NOT NULL CHECK (json_valid(answers)),
            tier     TEXT NOT NULL CHECK (tier IN ('self-care', 'book', 'prompt', 'emergency')),
            rule_ids TEXT NOT NULL CHECK (json_valid(rule_ids))   -- JSON list, as the advice gave
        )
        """
    )
    db.execute("CREATE INDEX check_ins_by_at ON check_ins (at)")
    db.execute(
        """
        CREATE TABLE clinic (
            only_row      INTEGER PRIMARY KEY CHECK (only_row = 1),
            name          TEXT NOT NULL,
            booking_url   TEXT,
            phone         TEXT,
            opening_hours TEXT
        )
        """
    )


def _v3_work_stretches(db: sqlite3.Connection) -> None:
    """Version 3: work stretches, the active seconds between two rests (stretches.py), so the
    report's "longest unbroken stretch" is measured, not estimated from break times."""
    db.execute(
        """
        CREATE TABLE work_stretches (
            id             INTEGER PRIMARY KEY,
            started        TEXT NOT NULL,   -- UTC instants, as break_events
            ended          TEXT NOT NULL,
            active_seconds REAL NOT NULL CHECK (active_seconds >= 0)
        )
        """
    )
    db.execute("CREATE INDEX work_stretches_by_ended ON work_stretches (ended)")


def _v4_check_in_answers(db: sqlite3.Connection) -> None:
    """Version 4: check-ins ask how long the pain has lasted, whether the injury hurt the head
    and about a recent neck manipulation, and the injury questions take "not sure". Each stored
    check-in's answers get the new keys as null (not asked then: never a made-up "no"), and its
    injury answers, true and false until now, become the words yes and no."""
    db.execute(
        """
        UPDATE check_ins SET answers = json_set(
            answers,
            '$.after_injury',
            CASE WHEN json_extract(answers, '$.after_injury') THEN 'yes' ELSE 'no' END,
            '$.high_risk_mechanism',
            CASE WHEN json_extract(answers, '$.high_risk_mechanism') THEN 'yes' ELSE 'no' END,
            '$.pain_lasted', NULL,
            '$.head_injury', NULL,
            '$.neck_manipulation', NULL
        )
        """
    )


def _v5_clinic_pack(db: sqlite3.Connection) -> None:
    """Version 5: the clinic's pack and its programme (core/pack.py). Which exercise each break
    offered (for the programme's adherence; '' for breaks saved before, and those offering
    none); the one pack in use (its files live in `folder` under the data folder); and each
    change of the programme's phase, so check-ins can be grouped by the phase in force."""
    db.execute("ALTER TABLE break_events ADD COLUMN exercise TEXT NOT NULL DEFAULT ''")
    db.execute(
        """
        CREATE TABLE clinic_pack (
            only_row INTEGER PRIMARY KEY CHECK (only_row = 1),
            pack_id  TEXT NOT NULL,
            version  TEXT NOT NULL,
            digest   TEXT NOT NULL,
            folder   TEXT NOT NULL,
            imported TEXT NOT NULL,      -- UTC instant, as break_events
            phases   TEXT NOT NULL       -- JSON list of the programme's phases, in order
        )
        """
    )
    db.execute(
        """
        CREATE TABLE programme_phases (
            id     INTEGER PRIMARY KEY,
            digest TEXT NOT NULL,        -- the pack it belongs to (clinic_pack.digest)
            at     TEXT NOT NULL,        -- UTC instant the phase came in force
            phase  TEXT NOT NULL
        )
        """
    )
    db.execute("CREATE INDEX programme_phases_by_at ON programme_phases (digest, at)")


def _v6_episode_entered(db: sqlite3.Connection) -> None:
    """Version 6: the clock's reading as each episode was entered (a UTC instant), which tells
    an episode dated while the clock ran ahead from a back-dated one (clock_ahead Rule 4).
    NULL for the episodes entered before: not known, never made up."""
    db.execute("ALTER TABLE episodes ADD COLUMN entered TEXT")


def _v7_entry_sequence(db: sqlite3.Connection) -> None:
    """Version 7: one counter of entries shared by episodes, episode updates and check-ins
    (`entry_sequence`, one row, raised in the transaction of each insert), and each row's
    place in it (`seq`): the order of entry across the three tables, which neither the dates
    nor the clock's readings give once the clock ran ahead and was corrected (clock_ahead
    Rule 6). NULL for the rows entered before: not known, never made up."""
    db.execute(
        """
        CREATE TABLE entry_sequence (
            only_row INTEGER PRIMARY KEY CHECK (only_row = 1),
            last     INTEGER NOT NULL CHECK (last >= 0)
        )
        """
    )
    db.execute("INSERT INTO entry_sequence (only_row, last) VALUES (1, 0)")
    for table in ("episodes", "episode_updates", "check_ins"):
        db.execute(f"ALTER TABLE {table} ADD COLUMN seq INTEGER")


#: `MIGRATIONS[n]` takes a database from schema version n to n + 1 (Rule 3).
MIGRATIONS: Final[tuple[Migration, ...]] = (
    _v1_breaks_and_activity,
    _v2_diary,
    _v3_work_stretches,
    _v4_check_in_answers,
    _v5_clinic_pack,
    _v6_episode_entered,
    _v7_entry_sequence,
)
#: The version this code writes; a database above it is refused (Rule 4).
SCHEMA_VERSION: Final = len(MIGRATIONS)
_V4: Final = 4
_BREAKS_SINCE_V4: Final = (
    "SELECT id, kind, due, prompted, started, ended, outcome, snoozes, exercise"
    " FROM break_events WHERE ended >= ? AND ended < ? ORDER BY ended, id"
)
_BREAKS_BEFORE_V4: Final = (
    "SELECT id, kind, due, prompted, started, ended, outcome, snoozes, ''"
    " FROM break_events WHERE ended >= ? AND ended < ? ORDER BY ended, id"
)


# --- the store ---------------------------------------------------------------------------------


class Store:
    """An open database. Get one from `Store.open(path)`; close it, or use it in `with`."""

    def __init__(self, db: sqlite3.Connection, path: Path, version: int = SCHEMA_VERSION) -> None:
        """Use `Store.open`; this only wraps a connection that it has set up (at `version`)."""
        self.path = path
        #: Breaks carry the exercise they offered from v5 on (a test may open an older schema).
        self._break_exercise = version >= _V4
        self._db: sqlite3.Connection | None = db
        self._lock = threading.Lock()
        #: Opened with `open_for_reading`: every write fails with a StoreError saying so.
        self.read_only = False

    @classmethod
    def open(
        cls,
        path: Path,
        *,
        migrations: Sequence[Migration] = MIGRATIONS,
        synchronous: Synchronous = "FULL",
        timeout_s: float = DEFAULT_TIMEOUT_S,
        read_only: bool = False,
    ) -> Store:
        """Open (creating if needed) the database at `path` and bring its schema up to date.

        Args:
            path: the database file; its folder is created 0700 if missing.
            migrations: the schema's migrations; tests pass their own list.
            synchronous: "FULL" (default) syncs the WAL on every commit, so a committed write
                also survives a power cut; "NORMAL" syncs only at checkpoints (survives a
                killed process, not a power cut). `bench/store.py` compares the two.
            timeout_s: how long a write waits for another writer before failing.
            read_only: only read it, never create, migrate or write it (`open_for_reading`).

        Raises:
            StoreError: the folder or file cannot be used, the file is not a database of ours, it
                is from a newer version (nothing is changed then), or a migration failed (that
                migration is rolled back; the earlier ones stay).
        """
        if synchronous not in ("NORMAL", "FULL"):
            raise ValueError(f"synchronous: expected NORMAL or FULL, got {synchronous!r}")
        if read_only:
            return cls._open_read_only(path, len(migrations), timeout_s)
        try:
            ensure_private_dir(path.parent)
            _create_private(path)
        except PostureGuardError as exc:
            raise StoreError(str(exc)) from None
        except OSError as exc:
            raise _storage_error(path, exc) from None
        try:
            db = sqlite3.connect(
                path, timeout=timeout_s, isolation_level=None, check_same_thread=False
            )
        except sqlite3.Error as exc:
            raise _storage_error(path, exc) from exc
        try:
            _check_version(db, path, len(migrations))
            db.execute("PRAGMA foreign_keys = ON")
            mode = db.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if str(mode).lower() != "wal":  # e.g. some network file systems
                log.warning("%s: WAL journal not available here; using %s", path, mode)
            db.execute(f"PRAGMA synchronous = {synchronous}")
            _migrate(db, path, migrations)
            _tighten_side_files(path)
        except sqlite3.Error as exc:
            db.close()
            raise _storage_error(path, exc) from exc
        except BaseException:
            db.close()
            raise
        return cls(db, path, len(migrations))

    @classmethod
    def open_for_reading(cls, path: Path, *, timeout_s: float = DEFAULT_TIMEOUT_S) -> Store:
        """Open the database at `path` only to read it: for storage that refuses writes (a
        read-only mount, a full disk), where the diary can still be read and reminders go on.
        Every write raises a StoreError that says the storage is read-only.

        Raises:
            StoreError: the file is missing, not ours, from another schema version, or cannot
                be read either.
        """
        return cls._open_read_only(path, len(MIGRATIONS), timeout_s)

    @classmethod
    def _open_read_only(cls, path: Path, known: int, timeout_s: float) -> Store:
        if not path.exists():
            raise StoreError(
                _("{path}: missing: there is no diary to read yet").format(path=path), fault=MISSING
            )
        # mode=ro reads a WAL database whose -shm can be made or exists; on storage where it
        # can be neither, immutable=1 reads the file as it stands (nothing can change it there)
        last: sqlite3.Error | None = None
        for options in ("mode=ro", "mode=ro&immutable=1"):
            try:
                db = sqlite3.connect(
                    f"{path.resolve().as_uri()}?{options}",
                    uri=True,
                    timeout=timeout_s,
                    isolation_level=None,
                    check_same_thread=False,
                )
            except sqlite3.Error as exc:
                last = exc
                continue
            try:
                _check_version(db, path, known)
                db.execute("SELECT count(*) FROM sqlite_master").fetchone()
            except sqlite3.Error as exc:
                db.close()
                last = exc
                continue
            except BaseException:
                db.close()
                raise
            found = _user_version(db)
            if found < known:  # older: reading it needs the upgrade writing would do
                db.close()
                raise StoreError(
                    _(
                        "{path}: the database needs an upgrade (schema version {found} to {known}),"
                        " which needs writable storage"
                    ).format(path=path, found=found, known=known),
                    fault=READ_ONLY,
                )
            store = cls(db, path, known)
            store.read_only = True
            return store
        assert last is not None
        raise _storage_error(path, last) from last

    def close(self) -> None:
        """Close the database (the WAL is folded into the file). Calling it again does nothing."""
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    @property
    def version(self) -> int:
        """The database's schema version (`PRAGMA user_version`)."""
        with self._using("read the schema version") as db:
            return _user_version(db)

    # --- writes (Rule 5: each call is one transaction) -----------------------------------------

    def save(
        self,
        *,
        breaks: Iterable[BreakRecord] = (),
        activity: Iterable[DayActivity] = (),
        stretches: Iterable[WorkStretch] = (),
        in_progress: WorkStretch | None = None,
        replacing: int | None = None,
    ) -> int | None:
        """Add `breaks` and `stretches` and set each day's active seconds, in one transaction.

        Args:
            in_progress: the work stretch still going on, so far: saved like a finished one,
                so that a process killed before it ends loses only the time since.
            replacing: the row an earlier save returned for the stretch in progress; it is
                deleted in the same transaction (its stretch is in `stretches` or
                `in_progress` now, or no longer counts).

        Returns:
            The row of `in_progress` (for the next save's `replacing`); None without one.

        Raises:
            StoreError: nothing was written (disk full, database locked...); retrying is safe.
        """
        break_rows: list[tuple[object, ...]] = [
            (
                r.kind,
                None if r.due is None else _instant(r.due),
                None if r.prompted is None else _instant(r.prompted),
                None if r.started is None else _instant(r.started),
                _instant(r.ended),
                r.outcome.value,
                r.snoozes,
                *((r.exercise,) if self._break_exercise else ()),
            )
            for r in breaks
        ]
        day_rows = [(a.day.isoformat(), a.active_s) for a in activity]
        stretch_rows = [(_instant(w.started), _instant(w.ended), w.active_s) for w in stretches]
        if not (break_rows or day_rows or stretch_rows or in_progress or replacing is not None):
            return None
        what = ", ".join(
            part
            for part in (
                _count(len(break_rows), "break"),
                _count(len(day_rows), "day"),
                _count(len(stretch_rows), "stretch"),
                "the stretch in progress" if in_progress or replacing is not None else "",
            )
            if part
        )
        row: int | None = None
        with self._using(f"save {what}") as db, _transaction(db):
            db.executemany(
                "INSERT INTO break_events"
                " (kind, due, prompted, started, ended, outcome, snoozes, exercise)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
                if self._break_exercise
                else "INSERT INTO break_events"
                " (kind, due, prompted, started, ended, outcome, snoozes)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                break_rows,
            )
            db.executemany(
                "INSERT INTO activity (day, active_seconds) VALUES (?, ?)"
                " ON CONFLICT (day) DO UPDATE SET active_seconds = excluded.active_seconds",
                day_rows,
            )
            if replacing is not None:
                db.execute("DELETE FROM work_stretches WHERE id = ?", (replacing,))
            if stretch_rows:
                db.executemany(
                    "INSERT INTO work_stretches (started, ended, active_seconds) VALUES (?, ?, ?)",
                    stretch_rows,
                )
            if in_progress is not None:
                row = db.execute(
                    "INSERT INTO work_stretches (started, ended, active_seconds) VALUES (?, ?, ?)",
                    (
                        _instant(in_progress.started),
                        _instant(in_progress.ended),
                        in_progress.active_s,
                    ),
                ).lastrowid
        return row

    def add_break(self, record: BreakRecord) -> None:
        """Add one break (one transaction). Raises StoreError as `save` does."""
        self.save(breaks=[record])

    def save_activity(self, activity: DayActivity) -> None:
        """Set one day's active seconds (one transaction). Raises StoreError as `save` does."""
        self.save(activity=[activity])

    # --- queries -------------------------------------------------------------------------------

    def breaks_between(self, start: datetime, end: datetime) -> list[BreakRecord]:
        """The breaks that ended in [start, end), oldest first (in the order saved, on a tie).

        Raises:
            ValueError: `start` or `end` is naive.
            StoreError: the database cannot be read, or holds a row this version cannot read.
        """
        bounds = (_instant(in_utc("start", start)), _instant(in_utc("end", end)))
        with self._using("read breaks") as db:
            rows = db.execute(
                _BREAKS_SINCE_V4 if self._break_exercise else _BREAKS_BEFORE_V4, bounds
            ).fetchall()
        return [self._break_from_row(row) for row in rows]

    def activity_between(self, first: date, last: date) -> list[DayActivity]:
        """The days from `first` to `last` (both included) that have a figure, oldest first.

        Days with no row (no use, or the service was not running) are left out, not zero.

        Raises:
            StoreError: the database cannot be read, or holds a row this version cannot read.
        """
        with self._using("read active time") as db:
            rows = db.execute(
                "SELECT day, active_seconds FROM activity WHERE day >= ? AND day <= ? ORDER BY day",
                (first.isoformat(), last.isoformat()),
            ).fetchall()
        return [self._activity_from_row(row) for row in rows]

    def stretches_between(self, start: datetime, end: datetime) -> list[WorkStretch]:
        """The work stretches that ended in [start, end), oldest first.

        Raises:
            ValueError: `start` or `end` is naive.
            StoreError: as `breaks_between`.
        """
        bounds = (_instant(in_utc("start", start)), _instant(in_utc("end", end)))
        with self._using("read work stretches") as db:
            rows = db.execute(
                "SELECT id, started, ended, active_seconds FROM work_stretches"
                " WHERE ended >= ? AND ended < ? ORDER BY ended, id",
                bounds,
            ).fetchall()
        found = []
        for row_id, started, ended, seconds in rows:
            try:
                if not isinstance(seconds, int | float):
                    raise TypeError(f"expected a number of seconds, got {seconds!r}")
                found.append(
                    WorkStretch(
                        started=datetime.fromisoformat(_text(started)),
                        ended=datetime.fromisoformat(_text(ended)),
                        active_s=seconds,
                    )
                )
            except (TypeError, ValueError) as exc:
                raise StoreError(
                    f"{self.path}: work_stretches row {row_id} is unreadable: {exc}"
                ) from exc
        return found

    def activity_on(self, day: date) -> DayActivity | None:
        """The figure saved for `day`, or None. Raises StoreError as `activity_between` does."""
        found = self.activity_between(day, day)
        return found[0] if found else None

    # --- the diary (v2) -------------------------------------------------------------------------
    #
    # Each change reads the diary, lets the pure lifecycle function of episodes.py decide, and
    # writes the result, all in one transaction: a refused change (IllegalEpisodeChange) rolls
    # back and changes nothing, and two writers cannot both start an episode.

    def start_episode(self, episode: Episode, *, now: datetime | None = None) -> Episode:
        """Add a new episode (`episodes.start_episode` decides); returns it with its id. With
        `now` (the clock's reading, kept as the episode's `entered`), an open episode that
        started in the future (entered while the clock ran ahead) is first ended at its own
        last moment, in the same transaction (clock_ahead Rule 3), and an ended one entered
        while the clock ran ahead does not block it (clock_ahead Rule 4).

        Raises:
            IllegalEpisodeChange: another episode is open, or this one starts inside an earlier
                one; nothing was written.
            StoreError: as `save`.
        """
        with self._using("start an episode") as db, _transaction(db):
            history = self._read_episodes(db)
            stale = None if now is None else ahead_open(history, now)
            if stale is not None:
                closed = end_episode(stale, last_moment(stale), history)
                assert closed.ended is not None
                db.execute(
                    "UPDATE episodes SET ended = ?, record = ? WHERE id = ?",
                    (_instant(closed.ended), _episode_json(closed), stale.id),
                )
                history = self._read_episodes(db)
            if now is not None:
                history = overlap_history(history, self._read_entered(db), now)
            start_episode(history, episode)
            cursor = db.execute(
                "INSERT INTO episodes (started, ended, record, entered, seq)"
                " VALUES (?, ?, ?, ?, ?)",
                (
                    _instant(episode.started),
                    None if episode.ended is None else _instant(episode.ended),
                    _episode_json(episode),
                    None if now is None else _instant(in_utc("now", now)),
                    _next_seq(db),
                ),
            )
            episode_id = _whole(cursor.lastrowid)
            for update in episode.updates:
                _insert_update(db, episode_id, update)
        return _with_id(episode, episode_id)

    def update_episode(
        self, update: EpisodeUpdate, *, episode_id: int | None = None, now: datetime | None = None
    ) -> Episode:
        """Add `update` to the episode `episode_id` (default: the open one); returns the episode
        as it is now (`episodes.update_episode` decides, and may raise the peak). With `now`,
        an update to an episode whose last moment is in the future is dated at that moment
        when it is asked for before it, and an ended episode entered while the clock ran ahead
        does not block it (clock_ahead Rules 3 and 4).

        Raises:
            IllegalEpisodeChange: no such episode or none open, it has ended, or the update is
                before its start or at or after a later episode's start; nothing was written.
            StoreError: as `save`.
        """
        with self._using("update the episode") as db, _transaction(db):
            episode = self._target(db, episode_id, "can't add an update")
            assert episode.id is not None  # read from the store
            history = self._read_episodes(db)
            if now is not None:
                update = replace(update, at=update_ahead(episode, update.at, now))
                history = overlap_history(history, self._read_entered(db), now)
            changed = update_episode(episode, update, history)
            _insert_update(db, episode.id, update)
            db.execute(
                "UPDATE episodes SET record = ? WHERE id = ?", (_episode_json(changed), episode.id)
            )
        return changed

    def end_episode(
        self, at: datetime, *, episode_id: int | None = None, now: datetime | None = None
    ) -> Episode:
        """End the episode `episode_id` (default: the open one) at `at`; returns it ended. With
        `now`, one whose last moment is in the future ends at that moment when `at` is before
        it, and an ended one entered while the clock ran ahead does not block it (clock_ahead
        Rules 3 and 4).

        Raises:
            IllegalEpisodeChange: no such episode or none open, it has already ended, or `at` is
                before its start or its last update, or at or after a later episode's start;
                nothing was written.
            StoreError: as `save`.
        """
        with self._using("end the episode") as db, _transaction(db):
            episode = self._target(db, episode_id, "can't end an episode")
            history = self._read_episodes(db)
            if now is not None:
                at = end_ahead(episode, at, now)
                history = overlap_history(history, self._read_entered(db), now)
            ended = end_episode(episode, at, history)
            assert ended.ended is not None
            db.execute(
                "UPDATE episodes SET ended = ?, record = ? WHERE id = ?",
                (_instant(ended.ended), _episode_json(ended), episode.id),
            )
        return ended

    def episodes(self) -> list[Episode]:
        """Every episode with its updates, by start time (oldest first).

        Raises:
            StoreError: the database cannot be read, or holds a row this version cannot read.
        """
        with self._using("read the episodes") as db:
            return self._read_episodes(db)

    def episode(self, episode_id: int) -> Episode | None:
        """The episode with this id (with its updates), or None. Raises as `episodes`."""
        with self._using("read the episode") as db:
            found = self._read_episodes(db, episode_id=episode_id)
        return found[0] if found else None

    def episodes_entered(self) -> dict[int, datetime]:
        """The clock's reading as each episode was entered, by id (clock_ahead Rule 4); those
        entered before schema v6 are missing. Raises as `episodes`."""
        with self._using("read the episodes") as db:
            return self._read_entered(db)

    def open_episode(self) -> Episode | None:
        """The open episode (the one entered last, should there be more), or None."""
        return open_episode(self.episodes())

    def has_open_episode(self) -> bool:
        """Whether an episode is open: one indexed look, not the whole diary decoded (the
        service asks each minute for the tray's badge). Raises as `episodes`."""
        with self._using("read the episodes") as db:
            found = db.execute("SELECT 1 FROM episodes WHERE ended IS NULL LIMIT 1").fetchone()
        return found is not None

    def add_check_in(self, check_in: CheckIn, advice: AdviceSummary) -> StoredCheckIn:
        """Keep a check-in's answers with the advice they produced (one transaction).

        Raises:
            StoreError: as `save`.
        """
        with self._using("save the check-in") as db, _transaction(db):
            cursor = db.execute(
                "INSERT INTO check_ins (at, answers, tier, rule_ids, seq) VALUES (?, ?, ?, ?, ?)",
                (
                    _instant(check_in.at),
                    json.dumps(check_in.to_record()),
                    advice.tier.value,
                    json.dumps(list(advice.rule_ids)),
                    _next_seq(db),
                ),
            )
            check_in_id = _whole(cursor.lastrowid)
        return StoredCheckIn(id=check_in_id, check_in=check_in, advice=advice)

    def check_ins(self) -> list[StoredCheckIn]:
        """Every check-in, oldest first (in the order saved, on a tie). Raises as `episodes`."""
        with self._using("read the check-ins") as db:
            rows = db.execute(
                "SELECT id, answers, tier, rule_ids FROM check_ins ORDER BY at, id"
            ).fetchall()
        return [self._check_in_from_row(row) for row in rows]

    def latest_check_in(self) -> StoredCheckIn | None:
        """The newest check-in: the one entered last (the highest id), whatever its date, so
        one dated while the clock ran ahead never hides those entered after it (clock_ahead
        Rule 1; `clock_ahead.newest_check_in` over `check_ins` in id order says the same), or
        None. Raises as `episodes`."""
        with self._using("read the latest check-in") as db:
            row = db.execute(
                "SELECT id, answers, tier, rule_ids FROM check_ins ORDER BY id DESC LIMIT 1"
            ).fetchone()
        return None if row is None else self._check_in_from_row(row)

    def picker_diary(self, *, now: datetime | None) -> PickerDiary:
        """What the exercise picker reads of the diary, from one snapshot: the current episode
        (`episodes.current_episode`), the check-in entered last, and the pain ratings with
        their place in the order of entry (clock_ahead Rule 6): the current episode's start
        and its updates with a pain; of the numbered check-ins the newest back to the first
        not dated ahead of `now` (`is_ahead`; None: the newest alone); of those entered before
        v7 (no number, ordered by date) the latest, and the latest not dated ahead of `now`.
        `clock_ahead.latest_pain(pains, now)`, at the same `now`, is then what it would be
        over every check-in, and a break reads a few rows however long the diary. Raises as
        `episodes`."""
        with self._using("read the diary") as db, _snapshot(db):
            current = current_episode(self._read_episodes(db))
            latest = db.execute(
                "SELECT id, answers, tier, rule_ids FROM check_ins ORDER BY id DESC LIMIT 1"
            ).fetchone()
            pains: list[PainEntry] = []
            if current is not None:
                pains += [
                    self._pain_from_row(
                        "episodes",
                        current.id,
                        seq,
                        _instant(current.started),
                        current.pain_at_start,
                    )
                    for (seq,) in db.execute("SELECT seq FROM episodes WHERE id = ?", (current.id,))
                ]
                pains += [
                    self._pain_from_row("episode_updates", *row)
                    for row in db.execute(
                        "SELECT id, seq, at, json_extract(record, '$.pain') FROM episode_updates"
                        " WHERE episode_id = ? AND json_extract(record, '$.pain') IS NOT NULL"
                        " ORDER BY id",
                        (current.id,),
                    )
                ]
            unnumbered = (
                "SELECT id, seq, at, json_extract(answers, '$.pain_now') FROM check_ins"
                " WHERE seq IS NULL {} ORDER BY at DESC, id DESC LIMIT 1"  # dates: UTC, sortable
            )
            before_v7 = db.execute(unnumbered.format("")).fetchall()
            if now is not None:
                trusted = unnumbered.format("AND at <= ?")
                before_v7 += db.execute(trusted, (_instant(now + TOLERANCE),)).fetchall()
            pains += [
                self._pain_from_row("check_ins", *row)
                for row in sorted(set(before_v7), key=lambda row: row[0])  # by id: entry order
            ]
            # ids and seqs of check-ins rise together (one insert sets both in one transaction),
            # so newest first by id walks the rowid with no sort.
            newest: list[PainEntry] = []
            for row in db.execute(
                "SELECT id, seq, at, json_extract(answers, '$.pain_now') FROM check_ins"
                " WHERE seq IS NOT NULL ORDER BY id DESC"
            ):
                newest.append(self._pain_from_row("check_ins", *row))
                if now is None or not is_ahead(newest[-1].at, now):
                    break
            pains += reversed(newest)
        return PickerDiary(
            current=current,
            latest=None if latest is None else self._check_in_from_row(latest),
            pains=tuple(pains),
        )

    def set_clinic(self, profile: ClinicProfile) -> None:
        """Make `profile` the clinic (replacing any before; one transaction). Raises as `save`."""
        with self._using("save the clinic") as db, _transaction(db):
            _upsert_clinic(db, profile)

    def clinic(self) -> ClinicProfile | None:
        """The clinic the user set, or None. Raises as `episodes`."""
        with self._using("read the clinic") as db:
            row = db.execute(
                "SELECT name, booking_url, phone, opening_hours FROM clinic WHERE only_row = 1"
            ).fetchone()
        if row is None:
            return None
        name, booking_url, phone, hours = row
        try:
            return ClinicProfile(
                name=_text(name),
                booking_url=_optional_text(booking_url),
                phone=_optional_text(phone),
                opening_hours=_optional_text(hours),
                stored=True,  # an http:// link saved before https:// was required still loads
            )
        except (TypeError, ClinicError) as exc:
            raise StoreError(f"{self.path}: the clinic row is unreadable: {exc}") from exc

    # --- the clinic's pack (v5) -------------------------------------------------------------

    def set_pack(self, pack: StoredPack, profile: ClinicProfile) -> None:
        """Make `pack` the pack in use and its clinic the clinic, its first phase in force from
        its import (the same pack imported again keeps its phase); one transaction (Rule 5).
        Raises as `save`."""
        with self._using("save the clinic's pack") as db, _transaction(db):
            before = db.execute("SELECT digest FROM clinic_pack").fetchone()
            _upsert_clinic(db, profile)
            db.execute(
                "INSERT INTO clinic_pack"
                " (only_row, pack_id, version, digest, folder, imported, phases)"
                " VALUES (1, ?, ?, ?, ?, ?, ?) ON CONFLICT (only_row) DO UPDATE SET"
                " pack_id = excluded.pack_id, version = excluded.version,"
                " digest = excluded.digest, folder = excluded.folder,"
                " imported = excluded.imported, phases = excluded.phases",
                (
                    pack.id,
                    pack.version,
                    pack.digest,
                    pack.folder,
                    _instant(pack.imported),
                    json.dumps(list(pack.phases)),
                ),
            )
            if before is None or before[0] != pack.digest:
                db.execute(
                    "INSERT INTO programme_phases (digest, at, phase) VALUES (?, ?, ?)",
                    (pack.digest, _instant(pack.imported), pack.phases[0]),
                )

    def pack(self) -> StoredPack | None:
        """The pack in use, or None. Raises as `episodes`."""
        with self._using("read the clinic's pack") as db:
            row = db.execute(
                "SELECT pack_id, version, digest, folder, imported, phases FROM clinic_pack"
                " WHERE only_row = 1"
            ).fetchone()
        if row is None:
            return None
        pack_id, version, digest, folder, imported, phases = row
        try:
            listed = json.loads(_text(phases))
            if not isinstance(listed, list) or not all(isinstance(p, str) for p in listed):
                raise TypeError(f"phases: expected a list of texts, got {listed!r}")
            return StoredPack(
                id=_text(pack_id),
                version=_text(version),
                digest=_text(digest),
                folder=_text(folder),
                imported=datetime.fromisoformat(_text(imported)),
                phases=tuple(listed),
            )
        except (TypeError, ValueError) as exc:
            raise StoreError(f"{self.path}: the clinic_pack row is unreadable: {exc}") from exc

    def set_phase(self, phase: str, at: datetime) -> None:
        """Put `phase` of the pack in use in force from `at` (one transaction).

        Raises:
            StoreError: no pack is in use, or nothing was written (as `save`).
            ValueError: `phase` is not one of the pack's phases (a caller's mistake).
        """
        with self._using("save the programme's phase") as db, _transaction(db):
            row = db.execute("SELECT digest, phases FROM clinic_pack").fetchone()
            if row is None:
                raise StoreError(f"{self.path}: can't set the phase: no clinic pack is in use")
            if phase not in json.loads(_text(row[1])):
                raise ValueError(f"phase: expected one of the pack's phases, got {phase!r}")
            db.execute(
                "INSERT INTO programme_phases (digest, at, phase) VALUES (?, ?, ?)",
                (row[0], _instant(in_utc("at", at)), phase),
            )

    def phase_changes(self) -> list[PhaseChange]:
        """The phase changes of the pack in use, in the order they were set ([] without a
        pack): each is dated by the clock as it is set, so the last one set is the phase in
        force, never one dated later while the clock ran ahead (clock_ahead Rule 1)."""
        with self._using("read the programme's phases") as db:
            rows = db.execute(
                "SELECT p.id, p.at, p.phase FROM programme_phases AS p"
                " JOIN clinic_pack AS c ON c.digest = p.digest ORDER BY p.id"
            ).fetchall()
        found = []
        for row_id, at, phase in rows:
            try:
                found.append(PhaseChange(at=datetime.fromisoformat(_text(at)), phase=_text(phase)))
            except (TypeError, ValueError) as exc:
                raise StoreError(
                    f"{self.path}: programme_phases row {row_id} is unreadable: {exc}"
                ) from exc
        return found

    # --- internals -----------------------------------------------------------------------------

    @contextlib.contextmanager
    def _using(self, doing: str) -> Iterator[sqlite3.Connection]:
        """The connection, under the lock; any SQLite failure becomes a StoreError (Rule 7)."""
        with self._lock:
            if self._db is None:
                raise StoreError(f"{self.path}: can't {doing}: the database is closed")
            try:
                yield self._db
            except sqlite3.Error as exc:
                fault = _fault(self.path, exc)
                if fault is None and self.read_only:
                    fault = READ_ONLY
                if fault is None:
                    raise StoreError(f"{self.path}: can't {doing}: {exc}") from exc
                reason = _fault_text(self.path, fault, exc)
                raise StoreError(f"{self.path}: can't {doing}: {reason}", fault=fault) from exc

    def _break_from_row(self, row: tuple[object, ...]) -> BreakRecord:
        row_id, kind, due, prompted, started, ended, outcome, snoozes, exercise = row
        try:
            return BreakRecord(
                kind=_text(kind),
                due=_moment(due),
                prompted=_moment(prompted),
                started=_moment(started),
                ended=datetime.fromisoformat(_text(ended)),
                outcome=Outcome(outcome),
                snoozes=_whole(snoozes),
                exercise=_text(exercise),
            )
        except (TypeError, ValueError) as exc:
            raise StoreError(
                f"{self.path}: break_events row {row_id} is unreadable: {exc}"
            ) from exc

    def _target(self, db: sqlite3.Connection, episode_id: int | None, doing: str) -> Episode:
        """The episode a change is for: `episode_id`, or the open one."""
        history = self._read_episodes(db)
        if episode_id is None:
            found = open_episode(history)
            if found is None:
                raise IllegalEpisodeChange(f"{doing}: no episode is open")
            return found
        for episode in history:
            if episode.id == episode_id:
                return episode
        raise IllegalEpisodeChange(f"{doing}: there is no episode {episode_id}")

    def _read_episodes(
        self, db: sqlite3.Connection, *, episode_id: int | None = None
    ) -> list[Episode]:
        where, args = ("", ()) if episode_id is None else (" WHERE id = ?", (episode_id,))
        rows = db.execute(
            f"SELECT id, record FROM episodes{where} ORDER BY started, id",  # noqa: S608 - fixed text
            args,
        ).fetchall()
        update_where = "" if episode_id is None else " WHERE episode_id = ?"
        updates: dict[object, list[object]] = {}
        for owner, update_id, record in db.execute(
            f"SELECT episode_id, id, record FROM episode_updates{update_where}"  # noqa: S608
            " ORDER BY episode_id, at, id",
            args,
        ):
            updates.setdefault(owner, []).append(self._json(record, "episode_updates", update_id))
        return [self._episode_from_row(row, updates.get(row[0], [])) for row in rows]

    def _read_entered(self, db: sqlite3.Connection) -> dict[int, datetime]:
        found: dict[int, datetime] = {}
        for row_id, entered in db.execute(
            "SELECT id, entered FROM episodes WHERE entered IS NOT NULL"
        ):
            try:
                found[_whole(row_id)] = datetime.fromisoformat(_text(entered))
            except (TypeError, ValueError) as exc:
                raise StoreError(
                    f"{self.path}: episodes row {row_id} is unreadable: entered: {exc}"
                ) from exc
        return found

    def _json(self, text: object, table: str, row_id: object) -> object:
        try:
            return json.loads(_text(text))
        except (TypeError, ValueError) as exc:
            raise StoreError(f"{self.path}: {table} row {row_id} is unreadable: {exc}") from exc

    def _episode_from_row(self, row: tuple[object, ...], updates: list[object]) -> Episode:
        row_id, text = row
        record = self._json(text, "episodes", row_id)
        try:
            if not isinstance(record, dict):
                raise DiaryError(f"expected an episode record, got {type(record).__name__}")
            return Episode.from_record({**record, "id": row_id, "updates": updates})
        except DiaryError as exc:
            raise StoreError(f"{self.path}: episodes row {row_id} is unreadable: {exc}") from exc

    def _check_in_from_row(self, row: tuple[object, ...]) -> StoredCheckIn:
        row_id, answers, tier, rule_ids = row
        try:
            ids = self._json(rule_ids, "check_ins", row_id)
            if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
                raise TypeError(f"rule_ids: expected a list of rule ids, got {ids!r}")
            return StoredCheckIn(
                id=_whole(row_id),
                check_in=CheckIn.from_record(self._json(answers, "check_ins", row_id)),
                advice=AdviceSummary(tier=Tier(tier), rule_ids=tuple(ids)),
            )
        except (TypeError, ValueError, DiaryError) as exc:
            raise StoreError(f"{self.path}: check_ins row {row_id} is unreadable: {exc}") from exc

    def _pain_from_row(
        self, table: str, row_id: object, seq: object, at: object, pain: object
    ) -> PainEntry:
        try:
            return PainEntry(
                seq=None if seq is None else _whole(seq),
                at=datetime.fromisoformat(_text(at)),
                pain=_whole(pain),
            )
        except (TypeError, ValueError) as exc:
            raise StoreError(f"{self.path}: {table} row {row_id} is unreadable: {exc}") from exc

    def _activity_from_row(self, row: tuple[object, ...]) -> DayActivity:
        day, seconds = row
        try:
            if not isinstance(seconds, int | float):
                raise TypeError(f"expected a number of seconds, got {seconds!r}")
            return DayActivity(day=date.fromisoformat(_text(day)), active_s=seconds)
        except (TypeError, ValueError) as exc:
            raise StoreError(f"{self.path}: activity row {day!r} is unreadable: {exc}") from exc


# --- helpers -----------------------------------------------------------------------------------


def _upsert_clinic(db: sqlite3.Connection, profile: ClinicProfile) -> None:
    db.execute(
        "INSERT INTO clinic (only_row, name, booking_url, phone, opening_hours)"
        " VALUES (1, ?, ?, ?, ?) ON CONFLICT (only_row) DO UPDATE SET"
        " name = excluded.name, booking_url = excluded.booking_url,"
        " phone = excluded.phone, opening_hours = excluded.opening_hours",
        (profile.name, profile.booking_url, profile.phone, profile.opening_hours),
    )


def _create_private(path: Path) -> None:
    """Create `path` empty with mode 0600 unless it exists; an existing one must be a regular
    file, and is tightened to 0600 if others could read it (Rule 2)."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        info = path.lstat()
        if not stat.S_ISREG(info.st_mode):
            raise StoreError(
                f"{path}: expected the database file, found a symlink or something else; "
                "refusing to use it"
            ) from None
        if info.st_mode & (stat.S_IRWXG | stat.S_IRWXO):
            path.chmod(0o600)
    else:
        os.close(fd)


def _tighten_side_files(path: Path) -> None:
    for suffix in _SIDE_FILES:
        side = path.with_name(path.name + suffix)
        with contextlib.suppress(FileNotFoundError):
            if side.lstat().st_mode & (stat.S_IRWXG | stat.S_IRWXO):
                side.chmod(0o600)


def _user_version(db: sqlite3.Connection) -> int:
    return int(db.execute("PRAGMA user_version").fetchone()[0])


def _check_version(db: sqlite3.Connection, path: Path, known: int) -> None:
    """Refuse, before anything is written, a database this code must not touch (Rule 4)."""
    try:
        found = _user_version(db)
        tables = db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        if _fault(path, exc) not in (None, NOT_OURS):
            raise  # the storage, not the file: Store.open names what is wrong
        raise StoreError(
            f"{path}: not a Posture Guard database ({exc}); nothing was changed", fault=NOT_OURS
        ) from exc
    if found > known:
        raise StoreError(
            f"{path}: the database is from a newer Posture Guard (schema version {found}; "
            f"this version reads up to {known}); nothing was changed. Update Posture Guard to use it.",
            fault=NEWER,
        )
    if found < 0 or (found == 0 and tables):
        raise StoreError(
            f"{path}: not a Posture Guard database (schema version {found} with "
            f"{tables} tables or indexes already in it); nothing was changed",
            fault=NOT_OURS,
        )


def open_or_read(path: Path, *, told: Callable[[StoreError], None] | None = None) -> Store:
    """`Store.open(path)`; on storage that refuses writes (read-only, full) the database opened
    only to read (`Store.open_for_reading`), after `told(why)` if given, so that the diary can
    be read and reminders go on.

    Raises:
        StoreError: as `Store.open` does, when the database cannot even be read.
    """
    try:
        return Store.open(path)
    except StoreError as exc:
        if exc.fault not in (READ_ONLY, FULL):
            raise
        try:
            reading = Store.open_for_reading(path)
        except StoreError:
            raise exc from None
        log.info("opened the database read-only: %s", exc)
        if told is not None:
            told(exc)
        return reading


# --- what is wrong with the storage ------------------------------------------------------------

#: StoreError.fault: what is wrong, so a caller can go on without writing (READ_ONLY, FULL).
READ_ONLY: Final = "read-only"
FULL: Final = "full"
MISSING: Final = "missing"
NOT_OURS: Final = "not ours"
NEWER: Final = "newer"

_READ_ONLY_ERRNOS: Final = frozenset({errno.EROFS, errno.EACCES, errno.EPERM})
_FULL_ERRNOS: Final = frozenset({errno.ENOSPC, errno.EDQUOT})


def _fault(path: Path, exc: BaseException) -> str | None:
    """What an error says about the storage under `path`: READ_ONLY, FULL, NOT_OURS or None
    (something else). SQLite's "unable to open database file" is read from the folder itself:
    the database is fine, its storage refuses the files SQLite must make beside it."""
    if isinstance(exc, OSError):
        if exc.errno in _FULL_ERRNOS:
            return FULL
        return READ_ONLY if exc.errno in _READ_ONLY_ERRNOS else None
    code = getattr(exc, "sqlite_errorcode", None)
    if code == sqlite3.SQLITE_FULL:
        return FULL
    if code == sqlite3.SQLITE_NOTADB:
        return NOT_OURS
    if code is None or (code & 0xFF) not in (
        sqlite3.SQLITE_CANTOPEN,
        sqlite3.SQLITE_READONLY,
        sqlite3.SQLITE_IOERR,
        sqlite3.SQLITE_PERM,
    ):
        return None
    return _folder_fault(path.parent)


def _folder_fault(folder: Path) -> str | None:
    """READ_ONLY when `folder`'s storage is mounted read-only or we may not write in it, FULL
    when it has no room left; None when it looks fine."""
    statvfs = getattr(os, "statvfs", None)  # none on Windows: the write permission only
    try:
        if statvfs is None:
            raise OSError
        info = statvfs(folder)
    except OSError:
        return None if os.access(folder, os.W_OK) else READ_ONLY
    if info.f_flag & getattr(os, "ST_RDONLY", 1) or not os.access(folder, os.W_OK):
        return READ_ONLY
    return FULL if info.f_bavail == 0 else None


def _fault_text(path: Path, fault: str, exc: BaseException) -> str:
    if fault == READ_ONLY:
        return _(
            "the folder {folder} is on read-only storage or not writable for you (the files in"
            " it are fine); nothing new is saved until it is writable"
        ).format(folder=path.parent)
    if fault == FULL:
        return _("the disk holding {folder} is full; free some space").format(folder=path.parent)
    return str(exc)


def _storage_error(path: Path, exc: BaseException) -> StoreError:
    """A StoreError naming what is wrong with the storage, else the error as it came."""
    if isinstance(exc, StoreError):
        return exc
    fault = _fault(path, exc)
    if fault == NOT_OURS:
        return StoreError(
            f"{path}: not a Posture Guard database ({exc}); nothing was changed", fault=NOT_OURS
        )
    if fault is not None:
        return StoreError(f"{path}: {_fault_text(path, fault, exc)}", fault=fault)
    if isinstance(exc, OSError):
        return StoreError(f"{exc.filename or path}: {exc.strerror or exc}")
    return StoreError(f"{path}: can't open the database: {exc}")


def _migrate(db: sqlite3.Connection, path: Path, migrations: Sequence[Migration]) -> None:
    """Apply the migrations the database lacks, each with its version bump in one transaction.
    An up-to-date database takes no write lock, so opening never waits for another writer."""
    while _user_version(db) < len(migrations):
        with _transaction(db):
            version = _user_version(db)  # again under the write lock: another process may have
            if version >= len(migrations):  # migrated since we looked
                continue
            migrations[version](db)
            db.execute(f"PRAGMA user_version = {int(version) + 1:d}")
        log.info("%s: schema upgraded from version %d to %d", path, version, version + 1)
    _check_version(db, path, len(migrations))


@contextlib.contextmanager
def _transaction(db: sqlite3.Connection) -> Iterator[None]:
    """BEGIN IMMEDIATE ... COMMIT; on any failure (COMMIT's too) roll back and re-raise."""
    db.execute("BEGIN IMMEDIATE")
    try:
        yield
        db.execute("COMMIT")
    except BaseException:
        if db.in_transaction:
            with contextlib.suppress(sqlite3.Error):
                db.execute("ROLLBACK")
        raise


@contextlib.contextmanager
def _snapshot(db: sqlite3.Connection) -> Iterator[None]:
    """A read transaction: the reads inside see one state of the database, whatever another
    process writes meanwhile."""
    db.execute("BEGIN")
    try:
        yield
    finally:
        if db.in_transaction:
            with contextlib.suppress(sqlite3.Error):
                db.execute("COMMIT")


def _episode_json(episode: Episode) -> str:
    """An episode's own fields as JSON: its id is the row's, its updates are rows of their own."""
    record = episode.to_record()
    del record["id"], record["updates"]
    return json.dumps(record)


def _insert_update(db: sqlite3.Connection, episode_id: int, update: EpisodeUpdate) -> None:
    db.execute(
        "INSERT INTO episode_updates (episode_id, at, record, seq) VALUES (?, ?, ?, ?)",
        (episode_id, _instant(update.at), json.dumps(update.to_record()), _next_seq(db)),
    )


def _next_seq(db: sqlite3.Connection) -> int:
    """The next place in the order of entry (schema v7), taken inside the caller's
    transaction: a change rolled back takes none, and two writers never share one."""
    db.execute("UPDATE entry_sequence SET last = last + 1 WHERE only_row = 1")
    return _whole(db.execute("SELECT last FROM entry_sequence WHERE only_row = 1").fetchone()[0])


def _with_id(episode: Episode, episode_id: int) -> Episode:
    return replace(episode, id=episode_id)


def _optional_text(value: object) -> str | None:
    return None if value is None else _text(value)


def _moment(value: object) -> datetime | None:
    return None if value is None else datetime.fromisoformat(_text(value))


def _text(value: object) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected text, got {value!r}")
    return value


def _whole(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"expected a whole number, got {value!r}")
    return value


def _count(n: int, noun: str) -> str:
    return "" if n == 0 else f"1 {noun}" if n == 1 else f"{n} {noun}s"
