"""Which toolkit draws our windows: GTK 3 on Linux where PyGObject is installed, Tk elsewhere.

Rule 1: GTK 3 (Pango and HarfBuzz shape every script; ATK exposes names and roles to screen
        readers over AT-SPI; it follows the desktop's theme, scale and Wayland) wherever it can
        be loaded; Tk (Python's own) on Windows and macOS, and on Linux without PyGObject, where
        Devanagari is drawn unshaped and screen readers see nothing (`limits` says so, and
        `doctor` prints it).
Rule 2: POSTURE_GUARD_TOOLKIT=gtk|tk chooses (the tests draw each window with both); a GTK that
        is asked for and cannot be loaded falls back to Tk, with the reason.
Rule 3: choosing never imports Gtk itself (that costs 20 MiB): it looks for PyGObject and the
        Gtk 3.0 typelib only.
Rule 4: Tk draws on an X display only. In a Wayland session without XWayland (WAYLAND_DISPLAY
        set, DISPLAY not) the window drawn by Tk alone (the menu window) is drawn by GTK, where
        GTK can be loaded (`tk_has_no_display`).
"""

from __future__ import annotations

import importlib.util
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Final, Literal

from posture_guard.core.i18n import _

Toolkit = Literal["gtk", "tk"]
ENV_VAR: Final = "POSTURE_GUARD_TOOLKIT"
_TYPELIB_DIRS: Final = ("/usr/lib/*/girepository-1.0", "/usr/lib/girepository-1.0",
                        "/usr/lib64/girepository-1.0", "/usr/local/lib/girepository-1.0")  # fmt: skip


@dataclass(frozen=True, slots=True)
class Choice:
    """The toolkit to use, and why not GTK when it is Tk ("" when GTK is used)."""

    toolkit: Toolkit
    why_not_gtk: str


def gtk_missing() -> str:
    """Why GTK 3 cannot be loaded here ("" when it can)."""
    if sys.platform == "linux":
        return _linux_gtk_missing()
    else:
        return _("GTK is used on Linux only")


def _linux_gtk_missing() -> str:
    if importlib.util.find_spec("gi") is None:
        return _("PyGObject is not installed")
    for pattern in _TYPELIB_DIRS:
        root = Path("/")
        if any(root.glob(f"{pattern.lstrip('/')}/Gtk-3.0.typelib")):
            return ""
    return _("the Gtk 3.0 typelib is not installed (Debian: gir1.2-gtk-3.0)")


def choose(env: Mapping[str, str] | None = None) -> Choice:
    """The toolkit for a window, by Rules 1 and 2."""
    environ = os.environ if env is None else env
    asked = environ.get(ENV_VAR, "").strip().lower()
    if asked == "tk":
        return Choice("tk", _("{name} is set to tk").format(name=ENV_VAR))
    missing = gtk_missing()
    return Choice("tk", missing) if missing else Choice("gtk", "")


def limits(choice: Choice) -> str:
    """One line for `doctor`: what the windows can do with the chosen toolkit."""
    if choice.toolkit == "gtk":
        return _(
            "windows: GTK 3 (shaped text in every script, screen readers, the desktop's theme)"
        )
    return _(
        "windows: Tk ({why}): Devanagari and other complex scripts are drawn unshaped, and "
        "screen readers cannot read the windows"
    ).format(why=choice.why_not_gtk)


def tk_has_no_display(env: Mapping[str, str] | None = None) -> bool:
    """True on Linux in a Wayland session with no X display for Tk to draw on (Rule 4)."""
    environ = os.environ if env is None else env
    return (
        sys.platform == "linux"
        and not environ.get("DISPLAY")
        and bool(environ.get("WAYLAND_DISPLAY"))
    )
