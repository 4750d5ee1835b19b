"""Where the monitors are: one rectangle per monitor of the desktop, primary first.

On X11 the Xinerama screens (what window managers place windows by), else RandR 1.5
monitors, else the whole screen. Elsewhere (and when X cannot answer) the caller's fallback,
the screen size Tk reports. Never raises.
"""

from __future__ import annotations

import logging
import sys
from dataclasses import dataclass

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Monitor:
    x: int
    y: int
    width: int
    height: int

    @property
    def geometry(self) -> str:
        """As Tk's `wm geometry` wants it."""
        return f"{self.width}x{self.height}+{self.x}+{self.y}"


def monitors(fallback: Monitor, display: str | None = None) -> list[Monitor]:
    """The monitors of the desktop (at least one: `fallback` when nothing better is known)."""
    if sys.platform == "win32" or sys.platform == "darwin":
        return [fallback]
    else:
        found = _x11_monitors(display)
        return found or [fallback]


def _x11_monitors(display: str | None) -> list[Monitor]:
    try:
        from Xlib import display as xdisplay  # noqa: PLC0415 - X only where asked for
        from Xlib.ext import randr, xinerama  # noqa: F401, PLC0415 - registers the extensions
    except ImportError:
        return []
    try:
        conn = xdisplay.Display(display)
    except Exception as exc:  # Xlib raises several kinds; any of them means "cannot tell"
        log.debug("no X display for monitors: %s", exc)
        return []
    try:
        if conn.has_extension("XINERAMA") and conn.xinerama_is_active():
            screens = conn.xinerama_query_screens().screens
            return [Monitor(s.x, s.y, s.width, s.height) for s in screens]
        if conn.has_extension("RANDR"):
            root = conn.screen().root
            found = root.xrandr_get_monitors(is_active=True).monitors
            ordered = sorted(found, key=lambda m: not m.primary)
            return [Monitor(m.x, m.y, m.width_in_pixels, m.height_in_pixels) for m in ordered]
    except Exception as exc:
        log.debug("X could not list monitors: %s", exc)
    finally:
        conn.close()
    return []
