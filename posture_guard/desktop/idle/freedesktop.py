"""Idle time from org.freedesktop.ScreenSaver GetSessionIdleTime (KDE Plasma and others).

KDE answers in milliseconds; that is what this source expects. Desktops that implement only
part of the interface (GNOME's proxy answers Inhibit but not GetSessionIdleTime) are refused
when the source is built, with their error as the reason.

Threading: build, query and close it on the service's worker thread (it owns a `Bus`).
"""

from __future__ import annotations

from typing import Final

from posture_guard.desktop.dbus import Bus, DBusError, session_bus
from posture_guard.desktop.idle.gnome import parse_idle_ms
from posture_guard.errors import IdleSourceUnavailable

SERVICE: Final = "org.freedesktop.ScreenSaver"
INTERFACE: Final = "org.freedesktop.ScreenSaver"
#: Object paths in the order tried: the specified one, then the older KDE one.
PATHS: Final = ("/org/freedesktop/ScreenSaver", "/ScreenSaver")


class FreedesktopIdleSource:
    """Seconds since the last input as the session's screen saver service counts it."""

    #: A short name for logs and `doctor`.
    name: str = "freedesktop"
    #: True: `idle_seconds()` reports real idle time while the service answers.
    HAS_IDLE_TIME: Final = True

    def __init__(self, bus: Bus | None = None) -> None:
        """Connect to the session bus (or `bus`) and find the path that answers.

        Raises:
            IdleSourceUnavailable: no session bus, no such service, or it cannot tell idle time.
            ImportError: jeepney is not installed.
        """
        try:
            self._bus = bus if bus is not None else session_bus()
        except DBusError as exc:
            raise IdleSourceUnavailable(str(exc)) from None
        try:
            owned = self._bus.has_owner(SERVICE)
        except DBusError as exc:
            self._bus.close()
            raise IdleSourceUnavailable(str(exc)) from None
        if not owned:
            self._bus.close()
            raise IdleSourceUnavailable(f"{SERVICE} is not on the session bus")
        errors = []
        for path in PATHS:
            self._path = path
            try:
                self._ask()
            except DBusError as exc:
                errors.append(f"{path}: {exc}")
                continue
            return
        self._bus.close()
        raise IdleSourceUnavailable(f"{SERVICE} cannot tell idle time ({'; '.join(errors)})")

    def idle_seconds(self) -> float | None:
        """Seconds since the last input, or None when the service does not answer now.

        Never raises.
        """
        try:
            return self._ask()
        except DBusError:
            return None

    def close(self) -> None:
        """Close the bus connection. Idempotent."""
        self._bus.close()

    def _ask(self) -> float:
        (idle_ms,) = self._bus.call(SERVICE, self._path, INTERFACE, "GetSessionIdleTime")
        return parse_idle_ms(idle_ms)
