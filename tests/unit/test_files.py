"""`files.write_file`: the whole file or nothing, with the right mode, on real files.

Failures are real ones: data that raises half way, a file-size limit that makes the disk
refuse a write half way (RLIMIT_FSIZE, in a child process), a rename onto a directory, a
missing folder. After each: the old content is intact and no temporary file is left.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from posture_guard.app.fleet import device_id
from posture_guard.desktop.autostart import FileLoginItem
from posture_guard.desktop.files import write_file
from tests.app import ROOT


def mode_of(path: Path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


@pytest.fixture
def umask_022() -> Iterator[None]:
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


def test_a_new_file_gets_the_content_and_0600(tmp_path: Path, umask_022: None) -> None:
    target = tmp_path / "diary.json"
    write_file(target, b'{"pain": 3}')
    assert target.read_bytes() == b'{"pain": 3}'
    assert mode_of(target) == 0o600
    assert os.listdir(tmp_path) == ["diary.json"]


def test_an_existing_file_is_replaced_and_gets_the_asked_mode(tmp_path: Path) -> None:
    target = tmp_path / "posture_guard_ab.prom"
    target.write_bytes(b"old\n")
    target.chmod(0o600)
    old = os.umask(0o077)  # the umask would take the group and others' read away
    try:
        write_file(target, b"new\n", mode=0o644)
    finally:
        os.umask(old)
    assert target.read_bytes() == b"new\n"
    assert mode_of(target) == 0o644
    assert os.listdir(tmp_path) == ["posture_guard_ab.prom"]


def test_chunks_are_written_in_order(tmp_path: Path) -> None:
    target = tmp_path / "report.csv"
    write_file(target, (f"row {n}\n".encode() for n in range(3)))
    assert target.read_bytes() == b"row 0\nrow 1\nrow 2\n"


def test_data_that_raises_half_way_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "report.html"
    target.write_bytes(b"the old report")

    def rows() -> Iterator[bytes]:
        yield b"<html>" * 1000
        raise RuntimeError("the renderer failed")

    with pytest.raises(RuntimeError, match=r"^the renderer failed$"):
        write_file(target, rows())
    assert target.read_bytes() == b"the old report"
    assert os.listdir(tmp_path) == ["report.html"]


def test_a_disk_that_refuses_half_way_leaves_the_old_file_and_no_temporary(
    tmp_path: Path,
) -> None:
    # RLIMIT_FSIZE makes write() fail with EFBIG past 64 KiB: a real short disk, in a child.
    target = tmp_path / "posture-guard-report.pdf"
    target.write_bytes(b"the old report")
    script = (
        "import resource, signal, sys\n"
        "from pathlib import Path\n"
        "from posture_guard.desktop.files import write_file\n"
        "signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
        "resource.setrlimit(resource.RLIMIT_FSIZE, (65536, 65536))\n"
        "try:\n"
        "    write_file(Path(sys.argv[1]), b'x' * 200_000)\n"
        "except OSError as exc:\n"
        "    print(exc.errno)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(target)],
        cwd=ROOT, capture_output=True, text=True, timeout=30, check=True,
    )  # fmt: skip
    assert done.stdout.strip() == str(27)  # EFBIG: the write failed half way
    assert target.read_bytes() == b"the old report"
    assert os.listdir(tmp_path) == ["posture-guard-report.pdf"]


def test_a_rename_that_fails_leaves_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "taken"
    target.mkdir()  # a directory where the file should go: os.replace fails at the end
    with pytest.raises(IsADirectoryError):
        write_file(target, b"data")
    assert os.listdir(tmp_path) == ["taken"]
    assert os.listdir(target) == []


def test_a_missing_folder_is_an_oserror_and_creates_nothing(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        write_file(tmp_path / "gone" / "file", b"data")
    assert os.listdir(tmp_path) == []


def test_exclusive_creates_a_new_file_0600(tmp_path: Path, umask_022: None) -> None:
    target = tmp_path / "posture-guard-report-2026-11-25.html"
    write_file(target, b"report", exclusive=True)
    assert target.read_bytes() == b"report"
    assert mode_of(target) == 0o600
    assert os.listdir(tmp_path) == [target.name]


def test_exclusive_never_replaces_a_file_or_a_symlink(tmp_path: Path) -> None:
    existing = tmp_path / "report.html"
    existing.write_bytes(b"someone's file")
    with pytest.raises(FileExistsError):
        write_file(existing, b"report", exclusive=True)
    assert existing.read_bytes() == b"someone's file"
    dangling = tmp_path / "link.html"
    dangling.symlink_to(tmp_path / "elsewhere.html")
    with pytest.raises(FileExistsError):
        write_file(dangling, b"report", exclusive=True)
    assert dangling.is_symlink()
    assert not (tmp_path / "elsewhere.html").exists()
    assert sorted(os.listdir(tmp_path)) == ["link.html", "report.html"]


def test_exclusive_that_fails_half_way_gives_the_name_back(tmp_path: Path) -> None:
    target = tmp_path / "report.html"

    def rows() -> Iterator[bytes]:
        yield b"<html>"
        raise ValueError("bad row")

    with pytest.raises(ValueError, match=r"^bad row$"):
        write_file(target, rows(), exclusive=True)
    assert os.listdir(tmp_path) == []  # neither the claimed name nor the temporary
    write_file(target, b"second try", exclusive=True)
    assert target.read_bytes() == b"second try"


def test_writers_racing_on_one_file_each_put_a_whole_file(tmp_path: Path) -> None:
    # Protects: temporary names are unique per call (the fleet file was per process only).
    target = tmp_path / "posture_guard_ab.prom"
    contents = [bytes([65 + n]) * 50_000 for n in range(8)]
    threads = [threading.Thread(target=write_file, args=(target, c)) for c in contents]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert target.read_bytes() in contents
    assert os.listdir(tmp_path) == [target.name]


@given(chunks=st.lists(st.binary(max_size=300), max_size=6))
def test_the_file_holds_exactly_the_chunks(
    tmp_path_factory: pytest.TempPathFactory, chunks: list[bytes]
) -> None:
    folder = tmp_path_factory.mktemp("chunks")
    write_file(folder / "f", iter(chunks))
    assert (folder / "f").read_bytes() == b"".join(chunks)


# --- the callers keep their own rules ----------------------------------------------------------


def test_autostart_entry_is_replaced_whole_and_stays_0644(tmp_path: Path) -> None:
    entry = tmp_path / "autostart" / "posture-guard.desktop"
    entry.parent.mkdir()
    entry.write_bytes(b"[Desktop Entry]\nX-Posture-Guard=1\nExec=old\n")
    item = FileLoginItem(
        entry, b"[Desktop Entry]\nX-Posture-Guard=1\nExec=new\n", b"X-Posture-Guard"
    )
    old = os.umask(0o077)
    try:
        assert item.enable() is True
    finally:
        os.umask(old)
    assert entry.read_bytes().endswith(b"Exec=new\n")
    assert mode_of(entry) == 0o644  # the desktop reads it; nothing private in it
    assert os.listdir(entry.parent) == ["posture-guard.desktop"]


def test_the_fleet_device_id_is_written_whole_and_private(tmp_path: Path) -> None:
    path = tmp_path / "state" / "device-id"
    path.parent.mkdir()
    path.write_text("damaged")
    new = device_id(path)
    assert path.read_text() == f"{new}\n"
    assert mode_of(path) == 0o600
    assert os.listdir(path.parent) == ["device-id"]
