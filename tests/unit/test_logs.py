"""The service's log: a private file that rotates by size and never loses a line doing so."""

from __future__ import annotations

import logging
import stat
from pathlib import Path

import pytest

from posture_guard.app.logs import PrivateRotatingFile, setup_logging
from tests.storage import fill


@pytest.fixture
def logger():
    log = logging.getLogger("posture_guard.test-logs")
    log.propagate = False
    yield log
    for handler in list(log.handlers):
        log.removeHandler(handler)
        handler.close()


def lines_in(*files: Path) -> list[str]:
    return [line for f in files if f.exists() for line in f.read_text().splitlines()]


def test_the_log_rotates_before_a_line_would_pass_the_limit_and_keeps_every_line(tmp_path, logger):
    path = tmp_path / "service.log"
    handler = PrivateRotatingFile(path, max_bytes=200, backups=3)
    logger.addHandler(handler)
    for n in range(12):
        logger.warning("line %02d %s", n, "x" * 20)  # 29 bytes with the newline
    files = [path, *(tmp_path / f"service.log.{k}" for k in (1, 2, 3))]
    assert all(f.stat().st_size <= 200 for f in files if f.exists())
    assert path.exists()
    assert (tmp_path / "service.log.1").exists()
    # oldest first: .3, .2, .1, then the current file: nothing lost, nothing doubled
    kept = lines_in(*reversed(files))
    assert kept == [f"line {n:02d} {'x' * 20}" for n in range(12)]


def test_the_oldest_rotated_file_is_dropped_beyond_the_backups(tmp_path, logger):
    path = tmp_path / "service.log"
    logger.addHandler(PrivateRotatingFile(path, max_bytes=30, backups=2))
    for n in range(6):
        logger.warning("line %02d %s", n, "y" * 20)  # one line per file
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "service.log", "service.log.1", "service.log.2"
    ]  # fmt: skip
    assert lines_in(tmp_path / "service.log.2", tmp_path / "service.log.1", path) == [
        f"line {n:02d} {'y' * 20}" for n in (3, 4, 5)
    ]


def test_every_log_file_is_private_the_rotated_ones_and_their_successors_too(tmp_path, logger):
    path = tmp_path / "service.log"
    logger.addHandler(PrivateRotatingFile(path, max_bytes=30, backups=2))
    for n in range(4):
        logger.warning("line %02d %s", n, "z" * 20)
    for f in tmp_path.iterdir():
        assert stat.S_IMODE(f.stat().st_mode) == 0o600, f


def test_setup_logging_writes_the_service_log_with_time_level_and_name(tmp_path):
    path = tmp_path / "state" / "posture-guard.log"
    setup_logging(path, verbose=False)
    try:
        logging.getLogger("posture_guard.app.service").info("started")
        logging.getLogger("posture_guard.app.service").debug("not at INFO")
    finally:
        setup_logging(None, verbose=False)  # closes the file handler
    (line,) = path.read_text().splitlines()
    assert line.endswith(" INFO posture_guard.app.service: started")
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


def test_pystray_messages_go_to_our_log_and_a_failed_dock_is_one_line(tmp_path, capfd):
    """pystray logs a traceback on every try to dock while no tray host is there; the log
    keeps the line and drops the traceback, and nothing reaches the terminal without -v."""
    path = tmp_path / "posture-guard.log"
    setup_logging(path, verbose=False)
    try:
        try:
            raise AssertionError  # what pystray's _assert_docked raises
        except AssertionError:
            logging.getLogger("pystray._base").error("Failed to dock icon", exc_info=True)
            logging.getLogger("pystray._base").error("another problem", exc_info=True)
    finally:
        setup_logging(None, verbose=False)
    assert capfd.readouterr().err == ""
    text = path.read_text()
    assert " ERROR pystray._base: Failed to dock icon\n" in text
    assert text.count("Traceback") == 1  # the other error keeps its traceback
    assert text.index("another problem") < text.index("Traceback")


def test_a_log_deleted_or_moved_meanwhile_does_not_end_logging(tmp_path, logger, capfd):
    """logrotate or the user may move or delete the log; the next rotation finds nothing to
    rename, and every later line still lands in a (new) log file."""
    path = tmp_path / "service.log"
    logger.addHandler(PrivateRotatingFile(path, max_bytes=60, backups=2))
    logger.warning("first %s", "a" * 20)
    path.unlink()
    for n in range(5):
        logger.warning("line %02d %s", n, "b" * 20)
    assert capfd.readouterr().err == ""  # no "--- Logging error ---"
    kept = lines_in(tmp_path / "service.log.2", tmp_path / "service.log.1", path)
    assert kept[-3:] == [f"line {n:02d} {'b' * 20}" for n in (2, 3, 4)]
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_a_rotation_that_fails_is_reported_once_and_loses_no_line(tmp_path, logger, capfd):
    path = tmp_path / "service.log"
    logger.addHandler(PrivateRotatingFile(path, max_bytes=30, backups=2))
    logger.warning("line 00 %s", "c" * 20)
    (tmp_path / "service.log.1").mkdir()  # moving .1 onto a non-empty .2 fails
    (tmp_path / "service.log.2").mkdir()
    (tmp_path / "service.log.2" / "keep").write_text("x")
    logger.warning("line 01 %s", "c" * 20)  # its rotation fails: reported, not raised
    assert capfd.readouterr().err.startswith(f"posture-guard: can't rotate the log {path}: ")
    logger.warning("line 02 %s", "c" * 20)
    assert capfd.readouterr().err == ""
    assert lines_in(path) == [f"line {n:02d} {'c' * 20}" for n in range(3)]


def test_a_full_log_disk_says_so_in_one_line_and_logging_goes_on_after(
    tmp_path, logger, capfd, mounts
):
    # Protects: a full disk under the log prints one line naming the file and the reason, not
    # a "--- Logging error --- Traceback" block per line; once there is room, lines land again
    disk = mounts.tmpfs(tmp_path / "state", size_kib=64)
    path = disk / "service.log"
    logger.addHandler(PrivateRotatingFile(path, max_bytes=1_000_000, backups=1))
    logger.warning("before the disk filled")
    fill(disk)
    for n in range(20):
        logger.warning("line %02d %s", n, "d" * 200)
    err = capfd.readouterr().err
    assert "Traceback" not in err
    assert err == (
        f"posture-guard: can't write the log {path}: No space left on device; lines are left out"
        " until it can\n"
    )
    (disk / "filler").unlink()
    logger.warning("room again")
    assert capfd.readouterr().err == ""
    assert lines_in(path)[0] == "before the disk filled"
    assert lines_in(path)[-1] == "room again"
