"""Writing a whole file in one step: readers see the old content or the new, never a part.

`write_file` writes a temporary file in the target's folder, created exclusively (O_EXCL, a
name no one else uses) with the final mode from the start (0600 by default, so health data is
never readable by others even half-written), fsyncs it, and then puts it in place by a rename
(`os.replace`), and fsyncs the folder so the rename survives a power cut. With `exclusive=True` an existing file is never replaced: the name is first
claimed by creating it empty (O_EXCL; FileExistsError when taken), so until the rename a reader
may see an empty new file, never a part. When anything fails (the data raises half way, the
disk is full, the folder is read-only) the temporary file is removed, a claimed name too, and
the target is as it was.

Only `os` is imported (no tempfile, no shutil): the service imports this module.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Final

#: The temporary file's name ends so; collectors that read `*.prom`, `*.desktop`... skip it.
PART_SUFFIX: Final = ".part"
_NOFOLLOW: Final = getattr(os, "O_NOFOLLOW", 0)
_BINARY: Final = getattr(os, "O_BINARY", 0)  # Windows: no newline translation on write
_NAME_TRIES: Final = 100


def write_file(
    path: Path, data: bytes | Iterable[bytes], *, mode: int = 0o600, exclusive: bool = False
) -> None:
    """Write `data` (bytes, or chunks of it) to `path` in one step, with permission `mode`.

    Args:
        path: the file; its folder must exist.
        data: the content, or an iterable of chunks (written as they come).
        mode: the file's permissions, set exactly (the umask does not narrow them).
        exclusive: True: never replace an existing `path` (FileExistsError instead).

    Raises:
        FileExistsError: `exclusive` and `path` exists (a symlink counts, even a broken one).
        OSError: the folder is missing or not writable, the disk is full...
        Exception: whatever iterating `data` raised.
        In every case the temporary file is gone and `path` is untouched.
    """
    temp: Path | None = None
    claimed = False
    try:
        if exclusive:  # claim the name first: an empty file of ours, replaced below
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW, mode))
            claimed = True
        temp, fd = _open_temporary(path, mode)
        with os.fdopen(fd, "wb") as file:
            if isinstance(data, bytes):
                file.write(data)
            else:
                for chunk in data:
                    file.write(chunk)
            file.flush()
            if hasattr(os, "fchmod"):  # POSIX: on the open file, not by name
                os.fchmod(file.fileno(), mode)  # the umask may have taken bits away
            os.fsync(file.fileno())
        if not hasattr(os, "fchmod"):  # Windows: only the read-only bit means anything
            os.chmod(temp, mode)
        os.replace(temp, path)
        temp, claimed = None, False  # in place: from here on nothing is undone
        _sync_folder(path.parent)  # the rename itself survives a power cut
    except BaseException:
        for leftover in (temp, path if claimed else None):
            if leftover is not None:
                with contextlib.suppress(OSError):
                    os.unlink(leftover)
        raise


def _sync_folder(folder: Path) -> None:
    """fsync a folder so a rename in it is on disk (POSIX; Windows cannot open a folder)."""
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _open_temporary(path: Path, mode: int) -> tuple[Path, int]:
    """A new file beside `path` that no one else has opened: its path and a write descriptor."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _BINARY
    for _ in range(_NAME_TRIES):
        # pid: no clash between processes; random: none between threads or a reused pid
        temp = path.with_name(f".{path.name}.{os.getpid()}-{os.urandom(4).hex()}{PART_SUFFIX}")
        try:
            return temp, os.open(temp, flags, mode)
        except FileExistsError:
            continue
    raise FileExistsError(f"{path.parent}: no free temporary name after {_NAME_TRIES} tries")
