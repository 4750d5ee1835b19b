"""Busy while the screen is locked: the session's screen saver, or logind's LockedHint.

Two independent ways to know, asked in this order; the first that says "locked" wins:
1. org.freedesktop.ScreenSaver GetActive (KDE, Xfce, ...) or org.gnome.ScreenSaver GetActive
   (GNOME), on the session bus;
2. logind: the LockedHint property of this login session, on the system bus (set by the
   desktop's locker; works for lockers that do not own a screen saver name).

Threading: used only by the service's worker thread (it owns its buses).
"""

from __future__ import annotations

import os
import sys
from typing import Final

from posture_guard.core.errors import BusySourceUnavailable
from posture_guard.core.i18n import _
from posture_guard.desktop.dbus import Bus, DBusError

REASON: Final = "screen locked"
#: (bus name, object path, interface) of the screen savers asked for GetActive.
SCREEN_SAVERS: Final = (
    ("org.freedesktop.ScreenSaver", "/org/freedesktop/ScreenSaver", "org.freedesktop.ScreenSaver"),
    ("org.freedesktop.ScreenSaver", "/ScreenSaver", "org.freedesktop.ScreenSaver"),
    ("org.gnome.ScreenSaver", "/org/gnome/ScreenSaver", "org.gnome.ScreenSaver"),
)
LOGIN1: Final = "org.freedesktop.login1"
LOGIN1_MANAGER: Final = "org.freedesktop.login1.Manager"
LOGIN1_SESSION: Final = "org.freedesktop.login1.Session"


class ScreenSaverLock:
    """Asks the session's screen saver whether it is active (the screen is locked/blanked)."""

    def __init__(self, bus: Bus) -> None:
        """Find a screen saver on `bus` that answers GetActive.

        Raises:
            BusySourceUnavailable: none answers.
        """
        self._bus = bus
        errors: list[str] = []
        absent: list[str] = []
        for target in SCREEN_SAVERS:
            try:
                if target[0] in absent or not bus.has_owner(target[0]):
                    absent.append(target[0])
                    continue
                bus.call(*target, "GetActive")
            except DBusError as exc:
                errors.append(f"{target[1]}: {exc}")
                continue
            self.target = target
            return
        if errors:
            # Translators: GetActive is a D-Bus method's name, keep it as written
            what = _("no screen saver answers GetActive")
            raise BusySourceUnavailable(_summary(what, errors))
        names = ", ".join(dict.fromkeys(absent))
        # Translators: {names} are D-Bus names, as written
        raise BusySourceUnavailable(
            _("no screen saver on the session bus ({names})").format(names=names)
        )

    def locked(self) -> bool:
        """True when the screen saver is active; False when not or it does not answer."""
        try:
            (active,) = self._bus.call(*self.target, "GetActive")
        except DBusError:
            return False
        return bool(active)


class LogindLock:
    """Reads LockedHint of this login session from logind."""

    def __init__(self, bus: Bus, session_id: str | None = None) -> None:
        """Find this process's login session on `bus` (logind's system bus).

        Args:
            session_id: the logind session id; None reads $XDG_SESSION_ID, and without it the
                session of this process, else the user's display session.

        Raises:
            BusySourceUnavailable: logind is not reachable or knows no session for us.
        """
        self._bus = bus
        session_id = session_id if session_id is not None else os.environ.get("XDG_SESSION_ID")
        try:
            self.session_path: str = self._find_session(session_id)
            self._read()
        except DBusError as exc:
            bus.close()
            raise BusySourceUnavailable(f"logind: {exc}") from None

    def _find_session(self, session_id: str | None) -> str:
        manager = "/org/freedesktop/login1"
        if session_id:
            (path,) = self._bus.call(
                LOGIN1, manager, LOGIN1_MANAGER, "GetSession", "s", (session_id,)
            )
            return str(path)
        try:
            (path,) = self._bus.call(
                LOGIN1, manager, LOGIN1_MANAGER, "GetSessionByPID", "u", (os.getpid(),)
            )
            return str(path)
        except DBusError:
            return self._display_session()

    def _display_session(self) -> str:
        """The user's graphical session, for a process outside any session (a user service)."""
        if sys.platform == "win32":
            raise DBusError(_("logind does not exist on Windows"))
        else:
            (user,) = self._bus.call(
                LOGIN1, "/org/freedesktop/login1", LOGIN1_MANAGER, "GetUser", "u", (os.getuid(),)
            )
            _session, path = self._bus.get_property(
                LOGIN1, user, "org.freedesktop.login1.User", "Display"
            )
            if path == "/":
                # Translators: logind is the name of Linux's login manager, keep it as written
                raise DBusError(_("logind knows no display session of this user"))
            return str(path)

    def locked(self) -> bool:
        """True when logind says the session is locked; False when not or it does not answer."""
        try:
            return self._read()
        except DBusError:
            return False

    def _read(self) -> bool:
        return bool(self._bus.get_property(LOGIN1, self.session_path, LOGIN1_SESSION, "LockedHint"))

    def close(self) -> None:
        """Close the bus connection. Idempotent."""
        self._bus.close()


class ScreenLockSource:
    """Says "screen locked" while the screen saver is active or logind says locked."""

    #: A short name for logs and `doctor`.
    name: str = "screen-lock"

    def __init__(
        self, session: Bus | None, system: Bus | None, session_id: str | None = None
    ) -> None:
        """Use whichever of the two ways works.

        Raises:
            BusySourceUnavailable: neither works; the message gives both reasons.
        """
        errors: list[str] = []
        self._checks: list[ScreenSaverLock | LogindLock] = []
        self._buses = [b for b in (session, system) if b is not None]
        if session is None:
            errors.append(_("no session bus"))
        else:
            try:
                self._checks.append(ScreenSaverLock(session))
            except BusySourceUnavailable as exc:
                session.close()
                errors.append(str(exc))
        if system is None:
            errors.append(_("no system bus"))
        else:
            try:
                self._checks.append(LogindLock(system, session_id))
            except BusySourceUnavailable as exc:
                errors.append(str(exc))
        if not self._checks:
            self.close()
            raise BusySourceUnavailable("; ".join(errors))
        #: How it tells, for `doctor` ("screen saver", "logind", or both).
        self.via = " + ".join(
            "screen saver" if isinstance(c, ScreenSaverLock) else "logind" for c in self._checks
        )

    def busy_reason(self) -> str | None:
        """ "screen locked" or None. Never raises."""
        return REASON if any(check.locked() for check in self._checks) else None

    def close(self) -> None:
        """Close the bus connections. Idempotent."""
        for bus in self._buses:
            bus.close()


def _summary(what: str, errors: list[str]) -> str:
    unique = list(dict.fromkeys(errors))
    return f"{what} ({'; '.join(unique)})" if unique else what
