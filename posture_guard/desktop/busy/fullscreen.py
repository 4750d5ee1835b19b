"""Busy while the active window is full screen (a film, a presentation, a game), on X11.

Reads the root's _NET_ACTIVE_WINDOW and that window's _NET_WM_STATE, as an EWMH window
manager keeps them. Without a window manager there is no active window, so never busy; a
stale _NET_ACTIVE_WINDOW left by a window manager that exited names a destroyed window, which
reads as not busy.

Threading: a share of the process's connection to the display (xconn), which the X11 idle
source may hold too; used only by the service's worker thread.
"""

from __future__ import annotations

from typing import Any, Final

from posture_guard.core.errors import BusySourceUnavailable
from posture_guard.desktop.xconn import XUnavailable, share_display

REASON: Final = "fullscreen"


class FullscreenSource:
    """Says "fullscreen" while the active window is in the full-screen state."""

    #: A short name for logs and `doctor`.
    name: str = "fullscreen-x11"
    #: What it sees, for `doctor`, where that is less than every window (set by the selector
    #: in a Wayland session, where the display is XWayland's); None on X11.
    via: str | None = None

    def __init__(self, display: str | None = None) -> None:
        """Open `display` (default: $DISPLAY).

        Raises:
            BusySourceUnavailable: no display set, or it cannot be opened.
            ImportError: python-xlib is not installed.
        """
        try:
            self._display = share_display(display)
        except XUnavailable as exc:
            raise BusySourceUnavailable(str(exc)) from exc
        self._atoms: dict[str, int] = {}
        self._atoms_of: int | None = None  # the opening of the connection they came from

    def busy_reason(self) -> str | None:
        """ "fullscreen" when the active window is full screen, else None. Never raises."""
        conn = self._display.get()
        if conn is None:
            return None
        from Xlib.error import BadWindow  # noqa: PLC0415 - python-xlib is there: conn is

        if self._display.generation != self._atoms_of:  # reopened (by any share): new atoms
            self._atoms.clear()
            self._atoms_of = self._display.generation
        try:
            return REASON if self._active_is_fullscreen(conn) else None
        except BadWindow:  # the active window went away between the two reads, or is stale
            return None
        except Exception as exc:  # a lost connection: None now, reopened later
            self._display.drop(exc)
            self._atoms.clear()
            self._atoms_of = None
            return None

    def close(self) -> None:
        """Give back the share of the X connection. Idempotent."""
        self._display.close()

    def _atom(self, conn: Any, name: str) -> int:
        if name not in self._atoms:
            self._atoms[name] = conn.intern_atom(name)
        return self._atoms[name]

    def _active_is_fullscreen(self, conn: Any) -> bool:
        from Xlib import X  # noqa: PLC0415

        root = conn.screen().root
        active = root.get_full_property(self._atom(conn, "_NET_ACTIVE_WINDOW"), X.AnyPropertyType)
        if active is None or not active.value or not active.value[0]:
            return False
        window = conn.create_resource_object("window", int(active.value[0]))
        state = window.get_full_property(self._atom(conn, "_NET_WM_STATE"), X.AnyPropertyType)
        if state is None:
            return False
        return self._atom(conn, "_NET_WM_STATE_FULLSCREEN") in [int(a) for a in state.value]
