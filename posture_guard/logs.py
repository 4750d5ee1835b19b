"""Logging: a rotating private file in the user's state dir, and the terminal with --verbose."""

from __future__ import annotations

import io
import logging
import logging.handlers
import os
import sys
from pathlib import Path

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class _PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """A rotating log whose every file, the rotated ones' successors included, is mode 0600."""

    def _open(self) -> io.TextIOWrapper:
        fd = os.open(self.baseFilename, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        return open(fd, "a", encoding=self.encoding, errors=self.errors)


def setup_logging(log_file: Path | None, *, verbose: bool) -> None:
    """Send our logs to `log_file` (1 MB x 3, mode 0600) and, when verbose, to stderr."""
    root = logging.getLogger("posture_guard")
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    root.propagate = False
    for handler in list(root.handlers):
        root.removeHandler(handler)
        handler.close()
    if log_file is not None:
        log_file.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        file_handler = _PrivateRotatingFileHandler(
            log_file, maxBytes=1_000_000, backupCount=3, encoding="utf-8"
        )
        file_handler.setFormatter(logging.Formatter(FORMAT))
        root.addHandler(file_handler)
    if verbose:
        stream = logging.StreamHandler(sys.stderr)
        stream.setFormatter(logging.Formatter(FORMAT))
        root.addHandler(stream)
