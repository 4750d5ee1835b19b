"""Which tray backends we drive on this platform, best first: our StatusNotifierItem and pystray's.

Rules:

1. Every platform decision about the tray is made here, in `tray_backends()`'s one
   `if sys.platform == ...` block: ui/tray.py and ui/doctor.py read the answer's fields and
   never test the platform themselves.
2. Nothing is imported or probed here: pystray, GTK and X are ui/tray.py's to try (it keeps
   a reason for each backend it could not use). Called when the tray is chosen or probed,
   never at import.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import Final


@dataclass(frozen=True, slots=True, kw_only=True)
class TrayBackends:
    """The tray backends we drive on one platform: "sni" (ours, ui/sni.py) and pystray's by
    pystray's names for them."""

    #: What `run` tries, in this order, when POSTURE_GUARD_TRAY or PYSTRAY_BACKEND pins none
    #: of `pinnable`.
    candidates: tuple[str, ...]
    #: Every backend we drive here, best first: `doctor` gives each one a line.
    known: tuple[str, ...]
    #: The backends POSTURE_GUARD_TRAY (or, for pystray's, PYSTRAY_BACKEND) may pin `run` to
    #: (then tried alone). Empty: the platform has one backend, and neither is read at all.
    pinnable: frozenset[str]
    #: Whether the icon shows only inside a tray host the desktop may not run (a
    #: StatusNotifierWatcher on the session bus, or an XEmbed tray on the X display), so
    #: `doctor` looks for one; False where the OS draws the tray itself.
    needs_tray_host: bool


#: Linux (and the other Unixes): our StatusNotifierItem wherever a StatusNotifierWatcher runs
#: (a real menu over D-Bus, no GTK, re-registers when the panel restarts), else pystray's
#: xorg for an XEmbed-only tray (a left click opens our menu window). pystray's appindicator
#: and gtk (PyGObject) are used only when pinned.
_UNIX: Final = TrayBackends(
    candidates=("sni", "xorg"),
    known=("sni", "appindicator", "gtk", "xorg"),
    pinnable=frozenset({"sni", "appindicator", "gtk", "xorg"}),
    needs_tray_host=True,
)
_WINDOWS: Final = TrayBackends(
    candidates=("win32",), known=("win32",), pinnable=frozenset(), needs_tray_host=False
)
_MACOS: Final = TrayBackends(
    candidates=("darwin",), known=("darwin",), pinnable=frozenset(), needs_tray_host=False
)


def tray_backends() -> TrayBackends:
    """The tray backends we drive on this platform (see `TrayBackends`)."""
    if sys.platform == "win32":
        return _WINDOWS
    elif sys.platform == "darwin":
        return _MACOS
    else:
        return _UNIX
