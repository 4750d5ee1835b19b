"""Idle time on X11 from the MIT-SCREEN-SAVER extension, read with python-xlib.

Xlib is imported when a source is built, not when this module is imported, so importing this
module needs neither python-xlib nor a display.

Threading: one `X11IdleSource` owns one X connection, which python-xlib does not share safely
between threads. Build it, query it and close it from the service's worker thread.
"""

from __future__ import annotations

import logging
import os
import socket
from typing import Any, Final

from posture_guard.desktop.idle import IdleSourceUnavailable

_log = logging.getLogger("posture_guard.idle")

#: The X extension that reports the time since the last input event.
SCREEN_SAVER_EXTENSION: Final = "MIT-SCREEN-SAVER"


class X11IdleSource:
    """Seconds since the last keyboard or pointer input on an X display.

    The server counts input from every client, including synthetic XTEST input (xdotool),
    for the whole display, not for one window.
    """

    #: A short name for logs and `doctor`.
    name: str = "x11"
    #: True: `idle_seconds()` reports real idle time while the display is up.
    HAS_IDLE_TIME: Final = True

    def __init__(self, display: str | None = None) -> None:
        """Open `display` (default: $DISPLAY) and check that it can report idle time.

        Args:
            display: An X display name such as ":0"; None reads $DISPLAY.

        Raises:
            IdleSourceUnavailable: no display name was given or set, the display cannot be
                opened, or it lacks the MIT-SCREEN-SAVER extension. The message says which.
            ImportError: python-xlib is not installed.
        """
        name = display if display is not None else os.environ.get("DISPLAY", "")
        if not name:
            raise IdleSourceUnavailable("no DISPLAY set")
        from Xlib import display as xdisplay  # noqa: PLC0415 - lazily: needs python-xlib

        try:
            conn = xdisplay.Display(name)
        except Exception as exc:  # python-xlib raises DisplayError, OSError, XauthError...
            _close_sockets_left_in(exc)
            raise IdleSourceUnavailable(f"cannot open display {name!r}: {exc}") from exc
        if not conn.has_extension(SCREEN_SAVER_EXTENSION):
            _close_quietly(conn)
            raise IdleSourceUnavailable(
                f"display {name!r} has no {SCREEN_SAVER_EXTENSION} extension, so it cannot report idle time"
            )
        self.display_name: str = name
        self._conn: Any = conn
        self._root: Any = conn.screen().root

    def idle_seconds(self) -> float | None:
        """Seconds since the last input on the display, or None when it cannot be read.

        One round trip to the X server (well under a millisecond locally). Never raises: a
        closed source, a lost connection or any X error gives None.
        """
        if self._conn is None:
            return None
        try:
            return float(self._root.screensaver_query_info().idle) / 1000
        except Exception as exc:  # ConnectionClosedError, XError, OSError...: "cannot tell"
            _log.debug("x11 idle query on %r failed: %s", self.display_name, exc)
            return None

    def close(self) -> None:
        """Close the X connection; later `idle_seconds()` calls return None. Idempotent."""
        conn, self._conn = self._conn, None
        if conn is not None:
            _close_quietly(conn)


def _close_quietly(conn: Any) -> None:
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
