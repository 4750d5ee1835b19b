"""Idle time on X11 from the MIT-SCREEN-SAVER extension, read with python-xlib.

Xlib is imported when a source is built, not when this module is imported, so importing this
module needs neither python-xlib nor a display. When the X server goes away (logout, a crash,
a restarted Xvfb) the source answers None and reopens the display on a later query.

Threading: the source holds a share of the process's connection to its display (xconn), which
the full-screen busy source may hold too. Query and close it from the service's worker thread
(it may be built on the main thread before that starts).
"""

from __future__ import annotations

import logging
from typing import Final

from posture_guard.core.errors import IdleSourceUnavailable
from posture_guard.desktop.xconn import XUnavailable, share_display

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
        try:
            shared = share_display(display)
        except XUnavailable as exc:
            raise IdleSourceUnavailable(str(exc)) from exc
        conn = shared.get()
        if conn is None or not conn.has_extension(SCREEN_SAVER_EXTENSION):
            shared.close()
            raise IdleSourceUnavailable(
                f"display {shared.name!r} has no {SCREEN_SAVER_EXTENSION} extension, so it cannot report idle time"
            )
        self.display_name: str = shared.name
        self._display = shared

    def idle_seconds(self) -> float | None:
        """Seconds since the last input on the display, or None when it cannot be read.

        One round trip to the X server (well under a millisecond locally). Never raises: a
        closed source, a lost connection or any X error gives None; a lost display is
        reopened by a later call once it is back.
        """
        conn = self._display.get()
        if conn is None:
            return None
        try:
            return float(conn.screen().root.screensaver_query_info().idle) / 1000
        except Exception as exc:  # ConnectionClosedError, XError, OSError...: "cannot tell"
            self._display.drop(exc)
            return None

    def close(self) -> None:
        """Give back the share of the X connection; later `idle_seconds()` calls return None.
        Idempotent."""
        self._display.close()
