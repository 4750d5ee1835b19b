"""Idle time asked of the desktop over D-Bus: GNOME's Mutter, or org.freedesktop.ScreenSaver.

Both answer one method with the milliseconds since the last input, so one source serves both;
what differs is data (`IdleCall`): the service, its object paths, the interface and method.

- `GNOME`: org.gnome.Mutter.IdleMonitor GetIdletime (GNOME Shell, X11 and Wayland).
- `FREEDESKTOP`: org.freedesktop.ScreenSaver GetSessionIdleTime (KDE Plasma and others). KDE
  answers in milliseconds; that is what this source expects. Desktops that implement only part
  of the interface (GNOME's proxy answers Inhibit but not GetSessionIdleTime) are refused when
  the source is built, with their error as the reason.

Threading: build, query and close a source on the service's worker thread (it owns a `Bus`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from posture_guard.core.errors import IdleSourceUnavailable
from posture_guard.desktop.dbus import Bus, DBusError, session_bus


@dataclass(frozen=True, slots=True, kw_only=True)
class IdleCall:
    """Where a desktop tells the idle time: a method that returns milliseconds."""

    #: The source's short name for logs and `doctor`.
    name: str
    service: str
    interface: str
    method: str
    #: Object paths in the order tried; the first that answers is kept.
    paths: tuple[str, ...]
    #: The reason given when the service is not on the session bus.
    absent: str


GNOME: Final = IdleCall(
    name="gnome",
    service="org.gnome.Mutter.IdleMonitor",
    interface="org.gnome.Mutter.IdleMonitor",
    method="GetIdletime",
    paths=("/org/gnome/Mutter/IdleMonitor/Core",),
    absent="org.gnome.Mutter.IdleMonitor is not on the session bus (not a GNOME session)",
)
FREEDESKTOP: Final = IdleCall(
    name="freedesktop",
    service="org.freedesktop.ScreenSaver",
    interface="org.freedesktop.ScreenSaver",
    method="GetSessionIdleTime",
    paths=("/org/freedesktop/ScreenSaver", "/ScreenSaver"),  # the specified one, old KDE's
    absent="org.freedesktop.ScreenSaver is not on the session bus",
)


class DBusIdleSource:
    """Seconds since the last input as the desktop's `IdleCall` service counts it."""

    #: True: `idle_seconds()` reports real idle time while the service answers.
    HAS_IDLE_TIME: Final = True

    def __init__(self, call: IdleCall, bus: Bus | None = None) -> None:
        """Connect to the session bus (or `bus`) and find the object path that answers.

        Raises:
            IdleSourceUnavailable: no session bus, the service is not on it, or it cannot
                tell idle time.
            ImportError: jeepney is not installed.
        """
        #: A short name for logs and `doctor` ("gnome", "freedesktop").
        self.name = call.name
        self._call = call
        try:
            self._bus = bus if bus is not None else session_bus()
        except DBusError as exc:
            raise IdleSourceUnavailable(str(exc)) from None
        try:
            owned = self._bus.has_owner(call.service)
        except DBusError as exc:
            self._bus.close()
            raise IdleSourceUnavailable(str(exc)) from None
        if not owned:
            self._bus.close()
            raise IdleSourceUnavailable(call.absent)
        errors = []
        for path in call.paths:
            self._path = path
            try:
                self._ask()
            except DBusError as exc:
                errors.append(f"{path}: {exc}")
                continue
            return
        self._bus.close()
        raise IdleSourceUnavailable(f"{call.service} cannot tell idle time ({'; '.join(errors)})")

    def idle_seconds(self) -> float | None:
        """Seconds since the last input, or None when the service does not answer now (the
        desktop shell restarting). Never raises."""
        try:
            return self._ask()
        except DBusError:
            return None

    def close(self) -> None:
        """Close the bus connection. Idempotent."""
        self._bus.close()

    def _ask(self) -> float:
        call = self._call
        (idle_ms,) = self._bus.call(call.service, self._path, call.interface, call.method)
        return parse_idle_ms(idle_ms)


def parse_idle_ms(value: object) -> float:
    """A D-Bus idle-time reply in milliseconds as seconds.

    Raises:
        DBusError: the reply is not a non-negative whole number.
    """
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise DBusError(f"expected idle milliseconds as a whole number, got {value!r}")
    return value / 1000
