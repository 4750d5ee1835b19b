"""Where the monitors are: one rectangle per monitor of the desktop, primary first.

On X11 the Xinerama screens (what window managers place windows by), else RandR 1.5
monitors, else the whole screen. Elsewhere (and when X cannot answer) the caller's fallback,
the screen size Tk reports. Never raises.
"""

from __future__ import annotations

import logging
import re
import sys
from dataclasses import dataclass

from posture_guard.desktop.xconn import XUnavailable, close_quietly, open_display

log = logging.getLogger(__name__)
_GEOMETRY = re.compile(r"^(\d+)x(\d+)\+(\d+)\+(\d+)$")


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
    """The monitors to cover (at least one: `fallback` when nothing better is known); a
    monitor inside another (mirrored, cloned) is left out, so nothing covers the main one."""
    if sys.platform == "win32" or sys.platform == "darwin":
        return [fallback]
    else:
        return distinct(_x11_monitors(display)) or [fallback]


def distinct(found: list[Monitor]) -> list[Monitor]:
    """`found` without the monitors that lie inside an earlier (or larger) one; order kept."""
    kept: list[Monitor] = []
    for monitor in sorted(found, key=lambda m: -(m.width * m.height)):
        if not any(_inside(monitor, other) for other in kept):
            kept.append(monitor)
    return [m for i, m in enumerate(found) if m in kept and m not in found[:i]]


def _inside(inner: Monitor, outer: Monitor) -> bool:
    return (
        outer.x <= inner.x
        and outer.y <= inner.y
        and inner.x + inner.width <= outer.x + outer.width
        and inner.y + inner.height <= outer.y + outer.height
    )


def parse_monitors(text: str) -> list[Monitor]:
    """ "1280x800+0+0,1024x768+1280+0" as monitors (the --monitors option).

    Raises:
        ValueError: a part is not WxH+X+Y.
    """
    found = []
    for part in text.split(","):
        match = _GEOMETRY.match(part.strip())
        if match is None:
            raise ValueError(f"--monitors: expected WxH+X+Y[,WxH+X+Y...], got {part!r}")
        width, height, x, y = (int(g) for g in match.groups())
        found.append(Monitor(x, y, width, height))
    return found


def _x11_monitors(display: str | None) -> list[Monitor]:
    """Needs the XINERAMA or RANDR module set up on the connection: in a process that called
    xconn.limit_extensions() without them (the service) this finds nothing, never raises."""
    try:
        _name, conn = open_display(display)
    except (XUnavailable, ImportError) as exc:
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
        close_quietly(conn)
    return []
