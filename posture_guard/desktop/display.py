"""Is there a desktop to show things on, and which OS is it? (The answers differ per OS.)"""

from __future__ import annotations

import os
import sys


def display_available() -> bool:
    """True when a graphical session is there: always on Windows and macOS, $DISPLAY/$WAYLAND_DISPLAY elsewhere."""
    if sys.platform == "win32" or sys.platform == "darwin":
        return True
    else:
        return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def under_xwayland() -> bool:
    """True when an X display is XWayland: a Wayland session's X server for X clients (Tk
    there), whose compositor keeps X11's window-manager hints only in part."""
    return sys.platform == "linux" and bool(
        os.environ.get("DISPLAY") and os.environ.get("WAYLAND_DISPLAY")
    )


def platform_name() -> str:
    """The platform as Python names it ("linux", "darwin", "win32"), for `doctor`'s header."""
    return sys.platform
