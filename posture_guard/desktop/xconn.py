"""One X display connection that survives the X server going away: it is reopened later.

Used by the X11 idle source and the full-screen busy source. python-xlib is imported when a
connection is opened, so importing this module needs neither python-xlib nor a display.

Threading: a `Display` is used by one thread (python-xlib connections are not thread-safe);
the service's worker thread owns them.
"""

from __future__ import annotations

import logging
import os
import socket
import time
from typing import Any, Final

_log = logging.getLogger("posture_guard.x11")

#: After a lost connection, the longest time before the next attempt to reopen it. Attempts
#: are made only when asked, so a display that is gone costs one failed connect per interval.
REOPEN_AFTER_S: Final = 5.0


#: The X extensions the service process uses: MIT-SCREEN-SAVER (the X11 idle source). The tray
#: (pystray's xorg backend, our dock helper) and the full-screen busy source use core requests
#: only; the break window, which needs RANDR/XINERAMA, runs in a process of its own.
SERVICE_EXTENSIONS: Final = ("MIT-SCREEN-SAVER",)


def limit_extensions(names: tuple[str, ...] = SERVICE_EXTENSIONS) -> None:
    """Have every X connection this process opens from now on set up only the extensions `names`.

    python-xlib imports and initialises a module for each extension the server offers when a
    connection is opened (about 1.8 MiB of Python objects per process; ~0.8 MiB is saved by
    keeping only MIT-SCREEN-SAVER). Call once, early, in a process whose X users are all known.
    No-op without python-xlib.
    """
    try:
        import Xlib.ext  # noqa: PLC0415 - lazily: needs python-xlib
    except ImportError:
        return
    Xlib.ext.__extensions__ = [e for e in Xlib.ext.__extensions__ if e[0] in names]


class XUnavailable(Exception):
    """The display cannot be used; the message says why ("no DISPLAY set"...)."""


def open_display(name: str | None = None) -> tuple[str, Any]:
    """Open `name` (default: $DISPLAY); returns (name, python-xlib Display).

    Raises:
        XUnavailable: no name given or set, or the display cannot be opened.
        ImportError: python-xlib is not installed.
    """
    name = name if name is not None else os.environ.get("DISPLAY", "")
    if not name:
        raise XUnavailable("no DISPLAY set")
    from Xlib import display as xdisplay  # noqa: PLC0415 - lazily: needs python-xlib

    try:
        return name, xdisplay.Display(name)
    except Exception as exc:  # python-xlib raises DisplayError, OSError, XauthError...
        _close_sockets_left_in(exc)
        raise XUnavailable(f"cannot open display {name!r}: {exc}") from exc


class Display:
    """A display connection that is dropped on failure and reopened on a later `get()`."""

    def __init__(self, name: str, conn: Any) -> None:
        """Adopt an open connection (from `open_display`)."""
        self.name = name
        self._conn: Any = conn
        self._retry_at = 0.0
        self._closed = False

    def get(self) -> Any:
        """The open connection, reopened if it was lost and it is time to try; else None."""
        if self._conn is None and not self._closed and time.monotonic() >= self._retry_at:
            try:
                _, self._conn = open_display(self.name)
            except XUnavailable as exc:
                _log.debug("%s", exc)
                self._retry_at = time.monotonic() + REOPEN_AFTER_S
            else:
                _log.info("display %r is back", self.name)
        return self._conn

    def drop(self, why: object) -> None:
        """The connection failed: close it and try again after REOPEN_AFTER_S."""
        if self._conn is not None:
            _log.info("lost display %r (%s); will try to reopen it", self.name, why)
        close_quietly(self._conn)
        self._conn = None
        self._retry_at = time.monotonic() + REOPEN_AFTER_S

    def close(self) -> None:
        """Close for good; `get()` returns None from now on. Idempotent."""
        self._closed = True
        conn, self._conn = self._conn, None
        close_quietly(conn)


def close_quietly(conn: Any) -> None:
    """Close a python-xlib connection, if any; never raises."""
    if conn is None:
        return
    try:
        conn.close()
    except Exception as exc:  # closing a connection the server already dropped raises
        _log.debug("closing the X connection failed: %s", exc)


def _close_sockets_left_in(exc: BaseException) -> None:
    """Close the sockets a failed python-xlib connect left open.

    python-xlib 0.33 does not close the socket of a failed connect (nor that of its TCP
    fallback). They stay referenced from the traceback, and later the garbage collector
    closes them with a ResourceWarning, which is an error under our test settings.
    """
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        tb = current.__traceback__
        while tb is not None:
            for value in tb.tb_frame.f_locals.values():
                if isinstance(value, socket.socket):
                    value.close()
            tb = tb.tb_next
        current = current.__cause__ or current.__context__
