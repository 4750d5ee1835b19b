"""Real storage faults for tests: a small tmpfs to fill (a full disk), a read-only bind mount.

Mounting needs root (or CAP_SYS_ADMIN); where it is not allowed the test is skipped, with the
reason. Every mount is undone by the `mounts` fixture (tests/conftest.py), newest first.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest


class Mounts:
    """The mounts one test made."""

    def __init__(self) -> None:
        self._made: list[Path] = []

    def tmpfs(self, where: Path, size_kib: int) -> Path:
        """A tmpfs of `size_kib` KiB at `where` (created), mode 0700: fill() makes it full."""
        where.mkdir(parents=True, exist_ok=True)
        self._mount("-t", "tmpfs", "-o", f"size={size_kib}k,mode=0700", "tmpfs", str(where))
        self._made.append(where)
        return where

    def read_only(self, folder: Path) -> Path:
        """`folder` bind-mounted over itself, read-only: the storage refuses writes while the
        files in it are fine."""
        self._mount("--bind", str(folder), str(folder))
        self._made.append(folder)
        self._mount("-o", "remount,bind,ro", str(folder))
        return folder

    def writable(self, folder: Path) -> None:
        """Make a read-only bind mount writable again (the storage recovered)."""
        self._mount("-o", "remount,bind,rw", str(folder))

    @staticmethod
    def _mount(*args: str) -> None:
        if os.geteuid() != 0:
            pytest.skip("mounting needs root")
        done = subprocess.run(["mount", *args], capture_output=True, text=True, check=False)
        if done.returncode != 0:
            pytest.skip(f"cannot mount here: {done.stderr.strip()}")

    def undo(self) -> None:
        while self._made:
            subprocess.run(["umount", "-l", str(self._made.pop())], check=False)


def fill(folder: Path) -> None:
    """Fill the file system of `folder` to the last byte: the next write gets ENOSPC."""
    fd = os.open(folder / "filler", os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    try:
        for size in (65536, 4096, 1):
            try:
                while True:
                    os.write(fd, b"\0" * size)
            except OSError:
                continue
    finally:
        os.close(fd)
