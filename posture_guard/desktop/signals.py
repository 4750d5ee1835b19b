"""Stop signals (TERM, INT, HUP) turned into one call of `on_stop`, on a thread of its own.

Rule 1: the handler only writes the signal's number to a pipe: no lock, no logging, no call into
        the service. A handler runs in the main thread between two bytecodes, even inside
        another handler, so one that takes a lock can wait forever on the lock it interrupted
        (TERM then HUP did exactly that).
Rule 2: a reader thread turns the first byte into `on_stop(signal number)`, once; later signals
        are logged and change nothing.
Rule 3: `install` is called on the main thread (Python's rule for signal handlers); signals the
        platform lacks (SIGHUP on Windows) are skipped. `close` (main thread too) puts the
        previous handlers back before it closes the pipe, so a late signal never writes into a
        descriptor number the process has since reused, and a stop signal during the rest of
        the shutdown acts as it did before `install`.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import sys
import threading
from collections.abc import Callable
from types import FrameType
from typing import Any, Final

log = logging.getLogger(__name__)

STOP_SIGNALS: Final = ("SIGTERM", "SIGINT", "SIGHUP")


class StopSignals:
    """The stop signals' handlers and the thread that acts on them (see the module's rules)."""

    def __init__(self, on_stop: Callable[[int], None]) -> None:
        self._on_stop = on_stop
        self._previous: dict[int, Any] = {}
        self._read_fd, self._write_fd = os.pipe()
        if sys.platform != "win32":  # (Windows' pipes take no non-blocking mode before 3.12)
            os.set_blocking(self._write_fd, False)  # a full pipe drops a signal, never blocks
        self._thread = threading.Thread(
            target=self._read, name="posture-guard-signals", daemon=True
        )
        self._thread.start()

    def install(self) -> None:
        """Handle the stop signals from now on. Main thread only."""
        for name in STOP_SIGNALS:
            if hasattr(signal, name):
                number = getattr(signal, name)
                self._previous[number] = signal.signal(number, self._handle)

    def _handle(self, signum: int, _frame: FrameType | None) -> None:
        fd = self._write_fd
        if fd < 0:
            return  # closed: the previous handlers are back, or about to be
        with contextlib.suppress(OSError):  # full (signals pour in): nothing to add
            os.write(fd, bytes([signum & 0xFF]))

    def _read(self) -> None:
        stopped = False
        while True:
            try:
                data = os.read(self._read_fd, 64)
            except OSError:
                return
            if not data:
                return  # closed
            for signum in data:
                if stopped:
                    log.info("signal %d: already stopping", signum)
                    continue
                stopped = True
                log.info("signal %d: stopping", signum)
                try:
                    self._on_stop(signum)
                except Exception:
                    log.exception("stopping on signal %d failed", signum)

    def close(self) -> None:
        """Put the previous handlers back and stop the reader thread. Main thread only."""
        fd, self._write_fd = self._write_fd, -1
        for number, previous in self._previous.items():
            with contextlib.suppress(ValueError, TypeError, OSError):  # not the main thread
                signal.signal(number, previous if previous is not None else signal.SIG_DFL)
        self._previous.clear()
        with contextlib.suppress(OSError):
            os.close(fd)
        self._thread.join(timeout=2)
        with contextlib.suppress(OSError):
            os.close(self._read_fd)
