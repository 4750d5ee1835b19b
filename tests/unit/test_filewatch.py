"""desktop/filewatch.py against the real kernel's inotify: a settings file's change wakes the
waiter at once, and nothing else does (the settings poller's thread sleeps while nothing
changes: the service's wake-ups while idle, bench/footprint.py)."""

from __future__ import annotations

import os
import struct
import threading
import time
from pathlib import Path

import pytest

from posture_guard.desktop import filewatch
from posture_guard.desktop.filewatch import FileWatch, concerns, events, folders


def _watch(files: list[Path]) -> FileWatch:
    watch = FileWatch(files)
    assert watch.notified
    return watch


def _close(watch: FileWatch) -> None:
    watch.close()
    watch.release()


def test_a_save_by_rename_wakes_the_waiter_at_once(tmp_path: Path) -> None:
    # Protects: the settings window's save (a new file renamed over the old) is seen within the
    # second `status` needs, without any timed look.
    config = tmp_path / "config.toml"
    config.write_text("[timer]\n")
    watch = _watch([config])
    try:
        woke: list[bool] = []
        waiter = threading.Thread(target=lambda: woke.append(watch.wait(30)))
        waiter.start()
        time.sleep(0.2)
        started = time.monotonic()
        (tmp_path / "config.toml.new").write_text("[timer]\nidle_threshold = '4m'\n")
        os.replace(tmp_path / "config.toml.new", config)
        waiter.join(10)
        assert woke == [True]
        assert time.monotonic() - started < 5
    finally:
        _close(watch)


@pytest.mark.parametrize("change", ["write", "append", "delete", "create", "chmod"])
def test_every_kind_of_change_to_a_watched_file_wakes_it(tmp_path: Path, change: str) -> None:
    # Protects: a hand edit in any editor's way (write in place, append, delete, a new file,
    # a mode change) is a reason to look.
    config = tmp_path / "config.toml"
    if change != "create":
        config.write_text("a = 1\n")
    watch = _watch([config])
    try:
        match change:
            case "write" | "create":
                config.write_text("a = 2\n")
            case "append":
                with config.open("a") as out:
                    out.write("b = 3\n")
            case "delete":
                config.unlink()
            case "chmod":
                config.chmod(0o600)
        assert watch.wait(5) is True
    finally:
        _close(watch)


def test_other_files_in_the_folder_wake_nobody(tmp_path: Path) -> None:
    # Protects: a busy folder (~/.config holds every app's files) costs no wake-up: only events
    # naming a watched file count.
    config = tmp_path / "config.toml"
    config.write_text("a = 1\n")
    watch = _watch([config])
    try:
        for n in range(20):
            (tmp_path / f"other-{n}.json").write_text("{}")
        assert watch.wait(0.5) is False
    finally:
        _close(watch)


def test_close_ends_a_wait_from_another_thread(tmp_path: Path) -> None:
    # Protects: the service stops at once, not after the longest wait.
    watch = _watch([tmp_path / "config.toml"])
    result: list[bool] = []
    waiter = threading.Thread(target=lambda: result.append(watch.wait(None)))
    waiter.start()
    time.sleep(0.2)
    watch.close()
    waiter.join(5)
    assert result == [False]
    watch.release()


def test_a_folder_made_later_is_watched_after_rearm(tmp_path: Path) -> None:
    # Protects: a policy folder an administrator creates after the start is watched from the
    # next rearm on (until then the minute check covers it).
    policy = tmp_path / "etc" / "posture-guard" / "policy.toml"
    watch = _watch([policy])
    try:
        policy.parent.mkdir(parents=True)
        assert watch.wait(0.3) is False  # not watched yet: nothing there to hear
        watch.rearm()
        policy.write_text("[policy]\n")
        assert watch.wait(5) is True
    finally:
        _close(watch)


def test_the_folder_going_away_wakes_the_waiter(tmp_path: Path) -> None:
    # Protects: a removed settings folder is a change (its files' stamps change), and its
    # watch is dropped so that a folder of that name made again is watched anew.
    folder = tmp_path / "pg"
    folder.mkdir()
    watch = _watch([folder / "config.toml"])
    try:
        folder.rmdir()
        assert watch.wait(5) is True
        folder.mkdir()
        watch.rearm()
        (folder / "config.toml").write_text("x = 1\n")
        assert watch.wait(5) is True
    finally:
        _close(watch)


def test_without_inotify_wait_is_a_timed_look(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Protects: where inotify cannot be had (another OS, no watches left), `wait` returns
    # after at most FALLBACK_S, so the caller still looks every second.
    monkeypatch.setattr(filewatch, "_inotify_init", lambda: -1)
    watch = FileWatch([tmp_path / "config.toml"])
    assert not watch.notified
    started = time.monotonic()
    assert watch.wait(30) is False
    assert time.monotonic() - started < filewatch.FALLBACK_S + 5
    _close(watch)


def _event(wd: int, mask: int, name: str) -> bytes:
    raw = name.encode()
    length = (len(raw) + 1 + 15) // 16 * 16 if raw else 0
    return struct.pack("=iIII", wd, mask, 0, length) + raw.ljust(length, b"\0")


def test_events_are_parsed_as_the_kernel_packs_them() -> None:
    # Protects: the reading of struct inotify_event (padded names, nameless folder events).
    buffer = (
        _event(1, filewatch.IN_MOVED_TO, "config.toml")
        + _event(1, filewatch.IN_IGNORED, "")
        + _event(2, filewatch.IN_CREATE, "x" * 17)
    )
    assert events(buffer) == [
        (1, filewatch.IN_MOVED_TO, "config.toml"),
        (1, filewatch.IN_IGNORED, ""),
        (2, filewatch.IN_CREATE, "x" * 17),
    ]
    names = {1: frozenset({"config.toml"}), 2: frozenset({"policy.toml"})}
    assert concerns([(2, filewatch.IN_CREATE, "x" * 17)], names) is False
    assert concerns([(2, filewatch.IN_CREATE, "policy.toml")], names) is True
    assert concerns([(3, filewatch.IN_Q_OVERFLOW, "")], names) is True


def test_folders_groups_files_and_leaves_out_missing_folders(tmp_path: Path) -> None:
    # Protects: one watch per folder, naming each of its files; a missing folder is not asked.
    (tmp_path / "a").mkdir()
    found = folders([tmp_path / "a" / "one", tmp_path / "a" / "two", tmp_path / "b" / "three"])
    assert found == {tmp_path / "a": frozenset({"one", "two"})}


def test_a_write_in_place_is_said_only_once_the_file_is_whole(tmp_path: Path) -> None:
    # Protects: an editor that truncates and then writes is not caught between the two (the
    # service read an empty file as "all defaults" and applied it).
    config = tmp_path / "config.toml"
    config.write_text("a = 1\n")
    watch = _watch([config])
    whole = "[breaks.stretch]\nevery = '3m'\n"

    def save_slowly() -> None:
        with config.open("w") as out:  # truncated here
            time.sleep(0.02)
            out.write(whole)

    writer = threading.Thread(target=save_slowly)
    try:
        writer.start()
        assert watch.wait(5) is True
        assert config.read_text() == whole
    finally:
        writer.join()
        _close(watch)


def test_a_linked_settings_file_is_heard_where_it_points(tmp_path: Path) -> None:
    # Protects: a settings file that is a link into a dotfiles folder (GNU stow) is watched at
    # its target too: an edit there wakes the waiter, not only the minute check.
    dotfiles = tmp_path / "dotfiles"
    dotfiles.mkdir()
    (dotfiles / "pg.toml").write_text("a = 1\n")
    home = tmp_path / "config"
    home.mkdir()
    (home / "config.toml").symlink_to(dotfiles / "pg.toml")
    watch = _watch([home / "config.toml"])
    try:
        (dotfiles / "pg.toml").write_text("a = 2\n")
        assert watch.wait(5) is True
    finally:
        _close(watch)


def test_a_busy_folder_never_holds_a_wait_past_its_timeout(tmp_path: Path) -> None:
    # Protects: a settings file in a folder others write to all the time (a home folder, /tmp)
    # still lets `wait` end at its timeout; their events never count as the file's.
    config = tmp_path / "config.toml"
    config.write_text("a = 1\n")
    watch = _watch([config])
    stop = threading.Event()

    def noise() -> None:
        while not stop.is_set():
            (tmp_path / "other.log").write_text(str(time.monotonic()))
            time.sleep(0.05)

    writer = threading.Thread(target=noise)
    writer.start()
    try:
        started = time.monotonic()
        assert watch.wait(1.0) is False
        assert time.monotonic() - started < 5  # held by the noise, it would never end
        # a change amid the noise is said once the file itself is quiet, noise or not
        config.write_text("a = 2\n")
        started = time.monotonic()
        assert watch.wait(10) is True
        assert time.monotonic() - started < 5
    finally:
        stop.set()
        writer.join()
        _close(watch)


def test_a_stream_of_writes_to_the_file_holds_a_wait_at_most_settle_max(tmp_path: Path) -> None:
    # Protects: a program that rewrites the settings file without pause cannot keep the
    # service from ever looking: after SETTLE_MAX_S it says "changed" anyway.
    config = tmp_path / "config.toml"
    config.write_text("a = 1\n")
    watch = _watch([config])
    stop = threading.Event()

    def rewrite() -> None:
        while not stop.is_set():
            config.write_text(f"a = {time.monotonic_ns()}\n")
            time.sleep(0.05)

    writer = threading.Thread(target=rewrite)
    writer.start()
    try:
        started = time.monotonic()
        assert watch.wait(30) is True
        assert time.monotonic() - started < filewatch.SETTLE_MAX_S + 5
    finally:
        stop.set()
        writer.join()
        _close(watch)


def test_given_up_the_watch_is_a_timed_look(tmp_path: Path) -> None:
    # Protects: when inotify fails while running, the poller falls back to looking every
    # FALLBACK_S (never a spin, never a silent stop).
    watch = _watch([tmp_path / "config.toml"])
    watch.give_up()
    assert not watch.notified
    started = time.monotonic()
    assert watch.wait(30) is False
    assert 0.5 < time.monotonic() - started < filewatch.FALLBACK_S + 5
    _close(watch)
