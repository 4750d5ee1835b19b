"""Idle time from GNOME's compositor: org.gnome.Mutter.IdleMonitor over D-Bus (X11 and Wayland).

Threading: build, query and close it on the service's worker thread (it owns a `Bus`).
"""

from __future__ import annotations

from typing import Final

from posture_guard.desktop.dbus import Bus, DBusError, session_bus
from posture_guard.errors import IdleSourceUnavailable

SERVICE: Final = "org.gnome.Mutter.IdleMonitor"
PATH: Final = "/org/gnome/Mutter/IdleMonitor/Core"
INTERFACE: Final = "org.gnome.Mutter.IdleMonitor"


class GnomeIdleSource:
    """Milliseconds since the last input as GNOME Shell (Mutter) counts it, in seconds."""

    #: A short name for logs and `doctor`.
    name: str = "gnome"
    #: True: `idle_seconds()` reports real idle time while GNOME Shell runs.
    HAS_IDLE_TIME: Final = True

    def __init__(self, bus: Bus | None = None) -> None:
        """Connect to the session bus (or `bus`) and ask once, to be sure Mutter answers.

        Raises:
            IdleSourceUnavailable: no session bus, or no Mutter idle monitor on it.
            ImportError: jeepney is not installed.
        """
        try:
            self._bus = bus if bus is not None else session_bus()
        except DBusError as exc:
            raise IdleSourceUnavailable(str(exc)) from None
        try:
            self._ask()
        except DBusError as exc:
            self._bus.close()
            raise IdleSourceUnavailable(_why(exc)) from None

    def idle_seconds(self) -> float | None:
        """Seconds since the last input, or None when Mutter does not answer now. Never raises."""
        try:
            return self._ask()
        except DBusError:
            return None

    def close(self) -> None:
        """Close the bus connection. Idempotent."""
        self._bus.close()

    def _ask(self) -> float:
        (idle_ms,) = self._bus.call(SERVICE, PATH, INTERFACE, "GetIdletime")
        return parse_idle_ms(idle_ms)


def parse_idle_ms(value: object) -> float:
    """A D-Bus idle-time reply in milliseconds as seconds.

    Raises:
        DBusError: the reply is not a non-negative whole number.
    """
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise DBusError(f"expected idle milliseconds as a whole number, got {value!r}")
    return value / 1000


def _why(exc: DBusError) -> str:
    text = str(exc)
    if "ServiceUnknown" in text or "NameHasNoOwner" in text:
        return f"{SERVICE} is not on the session bus (not a GNOME session)"
    return text
