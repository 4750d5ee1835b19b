"""Storage faults on real mounts (issue 18): a read-only data folder (a bind mount) and a full
disk (a small tmpfs, filled). The database is fine; its storage is not. Every command names
what is wrong in one line, the diary can still be read, and `run` goes on with reminders.

Needs root to mount (skipped otherwise, with the reason)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from posture_guard.app.store import FULL, MISSING, NEWER, NOT_OURS, READ_ONLY, Store
from posture_guard.core.errors import StoreError
from tests.app import App, read_until
from tests.storage import Mounts, fill

pytestmark = pytest.mark.e2e


def _data(app: App) -> Path:
    return Path(app.env["XDG_DATA_HOME"])


def _database(app: App) -> Path:
    return _data(app) / "posture-guard" / "posture-guard.sqlite3"


def _with_an_episode(app: App) -> None:
    done = app.cli("episode", "start", "--pain", "3", "--at", "2026-01-05T09:00+00:00")
    assert done.returncode == 0, done.stderr


def test_read_only_data_folder_reads_the_diary_and_names_the_fault(
    app: App, mounts: Mounts
) -> None:
    # Protects: on a read-only mount every command said "not a Posture Guard database (unable
    # to open database file)"; now reading works and a write names the read-only storage
    _with_an_episode(app)
    folder = _database(app).parent
    mounts.read_only(_data(app))
    listed = app.cli("episode", "list")
    assert listed.returncode == 0, listed.stderr
    assert "5 January 2026, 09:00" in listed.stdout
    assert listed.stderr == ""
    update = app.cli("episode", "update", "--pain", "4")
    assert update.returncode == 1
    assert update.stderr.strip() == (
        f"posture-guard episode update: {_database(app)}: can't update the episode: the folder"
        f" {folder} is on read-only storage or not writable for you (the files in it are fine);"
        " nothing new is saved until it is writable"
    )
    assert "Traceback" not in update.stderr


def test_run_goes_on_with_reminders_on_a_read_only_data_folder(app: App, mounts: Mounts) -> None:
    # Protects: `run` refused to start on read-only storage: no reminders at all
    _with_an_episode(app)
    mounts.read_only(_data(app))
    proc = app.start("--headless")
    lines = read_until(proc, "Posture Guard is running", timeout=20)
    assert any("is on read-only storage" in line and "Reminders go on" in line for line in lines)
    status = app.cli("status")
    assert status.returncode == 0, status.stderr
    assert not any("Traceback" in line for line in lines)


def test_full_disk_reads_the_diary_and_names_the_fault(
    app: App, mounts: Mounts, tmp_path: Path
) -> None:
    # Protects: a full disk is named as such, and the diary can still be read
    disk = mounts.tmpfs(tmp_path / "small-disk", size_kib=512)
    app.env["XDG_DATA_HOME"] = str(disk)
    _with_an_episode(app)
    fill(disk)
    listed = app.cli("episode", "list")
    assert listed.returncode == 0, listed.stderr
    assert "5 January 2026, 09:00" in listed.stdout
    update = app.cli("episode", "update", "--pain", "4")
    assert update.returncode == 1
    assert update.stderr.strip() == (
        f"posture-guard episode update: {_database(app)}: can't update the episode: the disk"
        f" holding {_database(app).parent} is full; free some space"
    )
    (disk / "filler").unlink()
    assert app.cli("episode", "update", "--pain", "4").returncode == 0


def test_store_faults_are_named(tmp_path: Path, mounts: Mounts) -> None:
    # Protects: each kind of fault has its own name: read-only, full, missing, not ours, newer
    path = tmp_path / "data" / "posture-guard.sqlite3"
    with pytest.raises(StoreError) as missing:
        Store.open_for_reading(path)
    assert missing.value.fault == MISSING
    Store.open(path).close()
    mounts.read_only(path.parent)
    with pytest.raises(StoreError) as read_only:
        Store.open(path)
    assert read_only.value.fault == READ_ONLY
    with Store.open_for_reading(path) as reading:
        assert reading.episodes() == []
    other = tmp_path / "other.sqlite3"
    other.write_bytes(b"not a database at all" * 100)
    with pytest.raises(StoreError) as not_ours:
        Store.open(other)
    assert not_ours.value.fault == NOT_OURS
    newer = tmp_path / "newer.sqlite3"
    with sqlite3.connect(newer) as db:
        db.execute("PRAGMA user_version = 999")
    with pytest.raises(StoreError) as from_newer:
        Store.open(newer)
    assert from_newer.value.fault == NEWER
    disk = mounts.tmpfs(tmp_path / "disk", size_kib=256)
    fill(disk)
    with pytest.raises(StoreError) as full:
        Store.open(disk / "posture-guard.sqlite3")
    assert full.value.fault == FULL
