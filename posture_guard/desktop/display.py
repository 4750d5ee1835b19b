"""Is there a desktop to show things on? (The answer differs per OS.)"""

from __future__ import annotations

import os
import sys


def display_available() -> bool:
    """True when a graphical session is there: always on Windows and macOS, $DISPLAY/$WAYLAND_DISPLAY elsewhere."""
    if sys.platform == "win32" or sys.platform == "darwin":
        return True
    else:
        return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
