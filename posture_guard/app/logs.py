"""Logging: a rotating private file in the user's state dir, and the terminal with --verbose.

pystray's own messages (about our tray icon) go the same way, rather than to the terminal
through logging's last resort; its "Failed to dock icon" traceback, logged on every try while
no tray host is there yet, becomes one line (the tray says in words what it does about it).
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import sys
from pathlib import Path
from typing import Final

from posture_guard.core.i18n import _

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


#: The log file's size before it is rotated, and how many rotated files are kept.
MAX_BYTES: Final = 1_000_000
BACKUPS: Final = 3


class PrivateRotatingFile(logging.FileHandler):
    """A log file that is renamed to .1 (.1 to .2, and so on; the oldest is dropped) before a
    line would take it past `max_bytes`. Every file is created mode 0600.

    Ours rather than logging.handlers.RotatingFileHandler: that module brings pickle and more
    (0.6 MiB measured) into the service, which lives for days.
    """

    def __init__(self, path: Path, *, max_bytes: int = MAX_BYTES, backups: int = BACKUPS) -> None:
        self._max_bytes = max_bytes
        self._backups = backups
        self._rotation_failed = False
        #: A line could not be written (disk full, file system gone read-only...): said once,
        #: until a line is written again.
        self._writing_failed = False
        super().__init__(path, mode="a", encoding="utf-8")

    def _open(self) -> io.TextIOWrapper:
        fd = os.open(self.baseFilename, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        return open(fd, "a", encoding=self.encoding, errors=self.errors)

    def emit(self, record: logging.LogRecord) -> None:
        """Write `record`, rotating first when it would not fit (called under the handler lock).
        A log moved or deleted meanwhile is started afresh; a rotation that fails otherwise is
        reported once, and the lines go on into the current file."""
        at: int | None = None
        try:
            data = (self.format(record) + self.terminator).encode()
            if self.stream is None:
                self.stream = self._open()
            size = self.stream.tell()
            if size and size + len(data) > self._max_bytes:
                try:
                    self._rotate()
                except OSError as exc:  # keep writing to the log as it is; say so once per run
                    if not self._rotation_failed:
                        self._rotation_failed = True
                        self._say(_("can't rotate the log {file}: {reason}"), exc)
            at = self.stream.tell()
            self.stream.write(data.decode())
            self.stream.flush()
        except OSError as exc:  # disk full, read-only...: one line, not a traceback per record
            self._drop_stream()
            if at is not None:  # no half line left behind for the next one to run into
                with contextlib.suppress(OSError):
                    os.truncate(self.baseFilename, at)
            if not self._writing_failed:
                self._writing_failed = True
                self._say(
                    _("can't write the log {file}: {reason}; lines are left out until it can"), exc
                )
        except Exception:  # as logging's own handlers: report it, never raise into the caller
            self.handleError(record)
        else:
            self._writing_failed = False

    def _drop_stream(self) -> None:
        """Forget the stream whose write failed (its buffer too): the next record reopens."""
        stream, self.stream = self.stream, None
        if stream is not None:
            with contextlib.suppress(OSError, ValueError):
                stream.close()

    def _say(self, template: str, exc: OSError) -> None:
        """One line on stderr (never a traceback), as logging's own handleError would print."""
        if not logging.raiseExceptions:
            return
        reason = exc.strerror or str(exc)
        line = template.format(file=self.baseFilename, reason=reason)
        with contextlib.suppress(Exception):
            sys.stderr.write(f"posture-guard: {line}\n")
            sys.stderr.flush()

    def _rotate(self) -> None:
        """.N-1 -> .N ... the log -> .1 (the oldest dropped), then a new log, opened even when a
        rename failed (the next record still has a file)."""
        if self.stream is not None:
            self.stream.close()
        base = self.baseFilename
        try:
            for number in range(self._backups - 1, 0, -1):
                if os.path.exists(f"{base}.{number}"):
                    os.replace(f"{base}.{number}", f"{base}.{number + 1}")
            with contextlib.suppress(FileNotFoundError):  # moved or deleted meanwhile: none to keep
                if self._backups:
                    os.replace(base, f"{base}.1")
                else:
                    os.unlink(base)
        finally:
            self.stream = self._open()


#: The loggers set up here: ours, and pystray's (its Icon logs as "pystray._base").
LOGGERS: Final = ("posture_guard", "pystray")


def _without_dock_tracebacks(record: logging.LogRecord) -> bool:
    if record.name.startswith("pystray") and record.getMessage() == "Failed to dock icon":
        record.exc_info, record.exc_text = None, None
    return True


def setup_logging(log_file: Path | None, *, verbose: bool) -> None:
    """Send our logs (and pystray's) to `log_file` (1 MB x 3, mode 0600) and, when verbose,
    to stderr."""
    handlers: list[logging.Handler] = []
    if log_file is not None:
        log_file.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        handlers.append(PrivateRotatingFile(log_file))
    if verbose:
        handlers.append(logging.StreamHandler(sys.stderr))
    for handler in handlers:
        handler.setFormatter(logging.Formatter(FORMAT))
        handler.addFilter(_without_dock_tracebacks)
    for name in LOGGERS:
        logger = logging.getLogger(name)
        logger.setLevel(logging.DEBUG if verbose else logging.INFO)
        logger.propagate = False
        for handler in list(logger.handlers):
            logger.removeHandler(handler)
            if handler not in handlers:
                handler.close()
        for handler in handlers:
            logger.addHandler(handler)
