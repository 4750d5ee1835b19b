"""Busy sources ("don't interrupt now"): one selector, one module per way of telling.

Rules:

1. This package is the only place that decides which busy sources run; the service calls
   `select_busy_source()` once at start, never at import.
2. Every source that works here is used, in a fixed order (full screen, screen locked, do not
   disturb, camera or microphone), behind one `CompositeBusySource`; each that does not work
   leaves a reason such as "fullscreen-x11: no DISPLAY set" for `doctor` and the log.
4. In a Wayland session the full-screen check sees only X11 apps (through XWayland); it is
   still used (a full-screen X11 game or film counts), and `doctor` says what it cannot see.
3. Backend modules import their libraries when a source is built, so importing this package
   needs no display, no D-Bus library and no desktop at all.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Final

from posture_guard.core.errors import BusySourceUnavailable
from posture_guard.core.i18n import _
from posture_guard.core.ports import BusySource
from posture_guard.desktop.busy.composite import CompositeBusySource
from posture_guard.desktop.programs import which

__all__ = [
    "BusySourceUnavailable",
    "CompositeBusySource",
    "probe_busy_sources",
    "select_busy_source",
]


def _make_fullscreen() -> BusySource:
    from posture_guard.desktop.busy.fullscreen import FullscreenSource  # noqa: PLC0415
    from posture_guard.desktop.idle import in_wayland_session  # noqa: PLC0415

    source = FullscreenSource()
    if in_wayland_session(os.environ):
        # Translators: how the full-screen check sees windows in a Wayland session (doctor
        # shows it after "via")
        source.via = _("XWayland: full-screen X11 apps only, not Wayland windows")
    return source


def _make_screen_lock() -> BusySource:
    from posture_guard.desktop.busy.locked import ScreenLockSource  # noqa: PLC0415
    from posture_guard.desktop.dbus import Bus, DBusError, session_bus  # noqa: PLC0415
    from posture_guard.desktop.dbus import system_bus_address as system  # noqa: PLC0415

    try:
        session: Bus | None = session_bus()
    except DBusError:
        session = None
    return ScreenLockSource(session, Bus(system(), label="system bus"))


def _make_dnd() -> BusySource:
    from posture_guard.desktop.busy.dnd import DoNotDisturbSource  # noqa: PLC0415
    from posture_guard.desktop.dbus import DBusError, session_bus  # noqa: PLC0415

    try:
        bus = session_bus()
    except DBusError as exc:
        raise BusySourceUnavailable(str(exc)) from None
    return DoNotDisturbSource(bus)


def _make_capture() -> BusySource:
    from posture_guard.desktop.busy.media import CaptureDeviceSource  # noqa: PLC0415

    return CaptureDeviceSource(Path("/proc"), Path("/dev"), which("pactl"))


def _make_windows() -> BusySource:
    from posture_guard.desktop.busy.windows import WindowsBusySource  # noqa: PLC0415

    return WindowsBusySource()


#: Every known busy source by name, in the order asked. Each factory raises
#: BusySourceUnavailable or ImportError.
FACTORIES: Final[dict[str, Callable[[], BusySource]]] = {
    "fullscreen-x11": _make_fullscreen,
    "screen-lock": _make_screen_lock,
    "do-not-disturb": _make_dnd,
    "camera-microphone": _make_capture,
    "windows-shell": _make_windows,
}


def _platform_candidates() -> tuple[list[str], list[str]]:
    if sys.platform == "linux":
        return ["fullscreen-x11", "screen-lock", "do-not-disturb", "camera-microphone"], []
    elif sys.platform == "win32":
        return ["windows-shell"], []
    else:  # an explicit else: mypy --platform X then skips the dead branch quietly
        return [], [f"busy: no busy source is implemented yet on {sys.platform}"]


def probe_busy_sources() -> list[tuple[str, BusySource | None, str]]:
    """Build every busy source of this platform, for `doctor`: (name, source or None, why not).

    The caller closes the sources it gets.
    """
    names, notes = _platform_candidates()
    found: list[tuple[str, BusySource | None, str]] = [("busy", None, note) for note in notes]
    for name in names:
        try:
            found.append((name, FACTORIES[name](), ""))
        except BusySourceUnavailable as exc:
            found.append((name, None, str(exc)))
        except ImportError as exc:
            found.append((name, None, f"a required module is missing ({exc})"))
    return found


def select_busy_source() -> tuple[CompositeBusySource, list[str]]:
    """Build every busy source that works here, and say why the others do not.

    Returns:
        One composite of the working sources (asking none, it is never busy) and one
        human-readable reason per source not used.
    """
    names, reasons = _platform_candidates()
    sources: list[BusySource] = []
    for name in names:
        try:
            sources.append(FACTORIES[name]())
        except BusySourceUnavailable as exc:
            reasons.append(f"{name}: {exc}")
        except ImportError as exc:
            # Translators: {error} is Python's message, naming the module
            missing = _("a required module is missing ({error})").format(error=exc)
            reasons.append(f"{name}: {missing}")
    return CompositeBusySource(sources), reasons
