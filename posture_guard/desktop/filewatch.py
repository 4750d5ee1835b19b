"""Waits until one of a few files may have changed: inotify on Linux, a timed look elsewhere.

Rule 1: on Linux each file's folder is watched (inotify, through libc with ctypes: nothing to
        compile), and only events that name one of the files wake the waiter (a save by rename,
        a write, a delete, a new file), or that say the folder itself went or the queue
        overflowed. A folder that does not exist yet is not watched until `rearm` finds it (the
        caller's minute check covers that gap); nothing else in the folder wakes anyone.
Rule 2: elsewhere (or where inotify cannot be had: no libc, or a folder that exists cannot be
        watched, the user's watch limit reached) `wait` returns after its timeout, capped at
        FALLBACK_S, as a timed look: the caller compares stamps.
Rule 3: `wait` says only "maybe changed", once the watched files have been quiet for SETTLE_S
        (a write in place truncates first: the caller must not read it then), SETTLE_MAX_S at
        most; the caller decides by the files' stamps. `close` from another thread ends a
        `wait` at once.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import os
import selectors
import struct
import sys
import threading
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Final

#: The timed look's step where there is no inotify (an edit is seen within this).
FALLBACK_S: Final = 1.0
#: How long the folder must be quiet after a change before `wait` says so (a save's steps).
SETTLE_S: Final = 0.2
#: The longest a stream of writes to a watched file holds `wait` back.
SETTLE_MAX_S: Final = 2.0

IN_MODIFY: Final = 0x00000002
IN_ATTRIB: Final = 0x00000004
IN_CLOSE_WRITE: Final = 0x00000008
IN_MOVED_FROM: Final = 0x00000040
IN_MOVED_TO: Final = 0x00000080
IN_CREATE: Final = 0x00000100
IN_DELETE: Final = 0x00000200
IN_DELETE_SELF: Final = 0x00000400
IN_MOVE_SELF: Final = 0x00000800
IN_Q_OVERFLOW: Final = 0x00004000
IN_IGNORED: Final = 0x00008000
IN_ONLYDIR: Final = 0x01000000
IN_NONBLOCK: Final = 0o4000
IN_CLOEXEC: Final = 0o2000000

#: What is asked of each folder: anything that can change one of its files' stamps.
DIR_MASK: Final = (
    IN_MODIFY | IN_ATTRIB | IN_CLOSE_WRITE | IN_MOVED_FROM | IN_MOVED_TO | IN_CREATE | IN_DELETE
    | IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR
)  # fmt: skip
#: Events about the watched folder itself (or the queue): always a reason to look.
_SELF_EVENTS: Final = IN_DELETE_SELF | IN_MOVE_SELF | IN_IGNORED | IN_Q_OVERFLOW
_HEADER: Final = struct.Struct("=iIII")  # struct inotify_event: wd, mask, cookie, len


def events(buffer: bytes) -> list[tuple[int, int, str]]:
    """The (watch, mask, name) of each inotify event in `buffer`, as read from the queue."""
    found: list[tuple[int, int, str]] = []
    offset = 0
    while offset + _HEADER.size <= len(buffer):
        wd, mask, _cookie, length = _HEADER.unpack_from(buffer, offset)
        offset += _HEADER.size
        raw = buffer[offset : offset + length].split(b"\0", 1)[0]
        offset += length
        found.append((wd, mask, os.fsdecode(raw)))
    return found


def concerns(found: Iterable[tuple[int, int, str]], names: dict[int, frozenset[str]]) -> bool:
    """Whether any event is about one of the watched files (`names`: each watch's file names),
    or about a watched folder itself or a lost event (overflow)."""
    return any(
        mask & _SELF_EVENTS or name in names.get(wd, frozenset()) for wd, mask, name in found
    )


def folders(files: Sequence[Path]) -> dict[Path, frozenset[str]]:
    """Each existing folder of `files`, with the names of the files in it to watch; a file that
    is a symbolic link (a dotfiles folder's) is watched where it points too."""
    by_folder: dict[Path, set[str]] = {}
    for file in files:
        by_folder.setdefault(file.parent, set()).add(file.name)
        if file.is_symlink():
            with contextlib.suppress(OSError, RuntimeError):  # a loop, or unreadable
                target = file.resolve()
                by_folder.setdefault(target.parent, set()).add(target.name)
    return {folder: frozenset(names) for folder, names in by_folder.items() if folder.is_dir()}


class FileWatch:
    """See the module's rules. `wait` from one thread; `rearm` on that thread too."""

    def __init__(self, files: Sequence[Path]) -> None:
        self._files = tuple(files)
        self._closed = threading.Event()
        self._wake_r, self._wake_w = os.pipe()
        self._fd = _inotify_init() if sys.platform == "linux" else -1
        self._names: dict[int, frozenset[str]] = {}
        self._armed: dict[Path, int] = {}
        self._missed = False  # a folder that exists could not be watched (Rule 2)
        self._selector = selectors.DefaultSelector()  # epoll on Linux: any fd number
        if self._fd >= 0:
            self._selector.register(self._fd, selectors.EVENT_READ)
            self._selector.register(self._wake_r, selectors.EVENT_READ)
        self.rearm()

    @property
    def notified(self) -> bool:
        """Whether changes to every file wake `wait` (inotify), rather than a timed look."""
        return self._fd >= 0 and not self._missed

    def rearm(self) -> None:
        """Watch the folders that exist now (one made since the start, or a link's new
        target, is found here)."""
        if self._fd < 0:
            return
        self._missed = False
        wanted = folders(self._files)
        self._forget({wd for folder, wd in self._armed.items() if folder not in wanted})
        for folder, names in wanted.items():
            wd = _add_watch(self._fd, folder)
            if wd < 0:  # unreadable, or the user's watch limit reached: timed looks (Rule 2)
                self._missed = True
                continue
            self._armed[folder] = wd
            self._names[wd] = names

    def wait(self, timeout: float | None) -> bool:
        """Until a watched file may have changed (True), the timeout ran out or `close` was
        called (False). Without inotify: False after the timeout, at most FALLBACK_S."""
        if not self.notified:
            step = FALLBACK_S if timeout is None else min(timeout, FALLBACK_S)
            self._closed.wait(step)
            return False
        deadline = None if timeout is None else time.monotonic() + timeout
        changed = False
        while not changed:  # events about other files in the folder wake nobody
            left = None if deadline is None else max(0.0, deadline - time.monotonic())
            if not self._ready(left):
                return False
            changed = self._drain()
        # A write in place is a truncation, then the new bytes: wait until the watched files
        # have been quiet for SETTLE_S, so that the caller never reads a file half written.
        quiet_from = time.monotonic()
        settled_by = quiet_from + SETTLE_MAX_S
        while (left := min(quiet_from + SETTLE_S, settled_by) - time.monotonic()) > 0:
            if not self._ready(left):
                break
            if self._drain():
                quiet_from = time.monotonic()
        return not self._closed.is_set()

    def _ready(self, timeout: float | None) -> bool:
        """Whether events wait to be read within `timeout` (False once closed)."""
        ready = {key.fd for key, _ in self._selector.select(timeout)}
        return self._fd in ready and self._wake_r not in ready and not self._closed.is_set()

    def _drain(self) -> bool:
        """Read every queued event; whether one concerns a watched file."""
        changed = False
        with contextlib.suppress(BlockingIOError):
            while True:
                found = events(os.read(self._fd, 65536))
                changed = changed or concerns(found, self._names)
                self._forget({wd for wd, mask, _ in found if mask & (IN_IGNORED | IN_MOVE_SELF)})
        return changed

    def give_up(self) -> None:
        """Stop using inotify: timed looks from now on (Rule 2). The waiting thread only."""
        if self._fd >= 0:
            with contextlib.suppress(KeyError, ValueError, OSError):
                self._selector.unregister(self._fd)
            with contextlib.suppress(OSError):
                os.close(self._fd)
        self._fd = -1
        self._armed.clear()
        self._names.clear()

    def close(self) -> None:
        """End a `wait` in progress, and every later one. Any thread."""
        if self._closed.is_set():
            return
        self._closed.set()
        with contextlib.suppress(OSError):
            os.write(self._wake_w, b"\0")

    def release(self) -> None:
        """Free the file descriptors, once no thread waits any more (after `close`)."""
        self._selector.close()
        for fd in (self._fd, self._wake_r, self._wake_w):
            if fd >= 0:
                with contextlib.suppress(OSError):
                    os.close(fd)
        self._fd = self._wake_r = self._wake_w = -1

    def _forget(self, gone: set[int]) -> None:
        """Drop the watches of folders gone or moved away (`rearm` watches their places anew)."""
        if not gone:
            return
        for folder, wd in list(self._armed.items()):
            if wd in gone:
                del self._armed[folder]
                self._names.pop(wd, None)
                _rm_watch(self._fd, wd)  # a moved folder's watch would follow it


@functools.cache
def _libc() -> ctypes.CDLL | None:
    try:
        return ctypes.CDLL(None, use_errno=True)
    except OSError:
        return None


def _inotify_init() -> int:
    libc = _libc()
    if libc is None or not hasattr(libc, "inotify_init1"):
        return -1
    fd = int(libc.inotify_init1(IN_NONBLOCK | IN_CLOEXEC))
    return fd if fd >= 0 else -1


def _rm_watch(fd: int, wd: int) -> None:
    libc = _libc()
    if libc is not None:
        libc.inotify_rm_watch(fd, wd)  # already gone (IN_IGNORED): EINVAL, nothing to do


def _add_watch(fd: int, folder: Path) -> int:
    libc = _libc()
    if libc is None:
        return -1
    return int(libc.inotify_add_watch(fd, os.fsencode(folder), ctypes.c_uint32(DIR_MASK)))
