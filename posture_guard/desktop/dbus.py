"""A small blocking D-Bus client over jeepney: one lazy connection per bus, calls with a timeout.

Every adapter that asks the desktop something over D-Bus (GNOME and freedesktop idle time, the
screen lock, logind, do-not-disturb) goes through `Bus`, so each has the same rules:

1. Nothing is autolaunched. The session bus is found as libdbus and GDBus find it, short of
   their autolaunch (which starts a private bus nobody watches): `$DBUS_SESSION_BUS_ADDRESS`, else the
   systemd user bus `$XDG_RUNTIME_DIR/bus` when that is a socket of ours, else there is none.
   `session_bus_address()` is that rule, for every adapter (tray, notices, idle, busy, look,
   doctor); a child process that talks to the bus gets the same address (`session_bus_env()`).
   The system bus is `$DBUS_SYSTEM_BUS_ADDRESS` or the standard socket.
2. Every failure (no bus, a refused connection, an error reply, a timeout, a lost connection)
   is one `DBusError` whose message says what failed; a lost connection is reopened by the
   next call, so a restarted bus or service is picked up again.
3. jeepney is imported when a `Bus` is built, so importing this module needs no jeepney.

Threading: a `Bus` is not shared between threads; the service's worker thread owns its buses.
"""

from __future__ import annotations

import contextlib
import os
import stat
import sys
from collections.abc import Mapping
from typing import Any, Final

from posture_guard.core.i18n import N_, _

#: The longest a call waits for its reply. The worker thread calls the desktop every few
#: seconds; a hung service must not stall it for long.
CALL_TIMEOUT_S: Final = 0.5
DBUS_NAME: Final = "org.freedesktop.DBus"
PROPERTIES: Final = "org.freedesktop.DBus.Properties"
#: Why there is no session bus: what every adapter says then (`doctor` shows it), in English;
#: `no_session_bus()` says it in the language in use.
NO_SESSION_BUS: Final = N_(
    "no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is not set, and $XDG_RUNTIME_DIR/bus is not"
    " a socket of ours)"
)


def no_session_bus() -> str:
    """NO_SESSION_BUS in the language in use (the variables' names stay as written)."""
    return _(NO_SESSION_BUS)


class DBusError(Exception):
    """A D-Bus call failed; the message says which call and why."""


def session_bus_address(env: Mapping[str, str] | None = None) -> str | None:
    """The session bus address (rule 1), or None when there is no session bus to use.

    `$DBUS_SESSION_BUS_ADDRESS` when set; else `unix:path=$XDG_RUNTIME_DIR/bus` when that is
    a socket owned by this user (libdbus checks the same, GDBus the path); else None.
    """
    env = os.environ if env is None else env
    address = env.get("DBUS_SESSION_BUS_ADDRESS")
    if address:
        return address
    runtime_dir = env.get("XDG_RUNTIME_DIR")
    if not runtime_dir:
        return None
    path = os.path.join(runtime_dir, "bus")
    try:
        info = os.stat(path)
    except (OSError, ValueError):
        return None
    if not stat.S_ISSOCK(info.st_mode):
        return None
    if sys.platform != "win32":
        if info.st_uid != os.getuid():  # someone else's bus is not our session's
            return None
    return f"unix:path={path}"


def session_bus_env(env: Mapping[str, str] | None = None) -> dict[str, str] | None:
    """`env` (default: this process's) for a child that talks to the session bus, with
    `$DBUS_SESSION_BUS_ADDRESS` set to `session_bus_address(env)`; None when there is no bus
    (then the child must not be run: it could autolaunch one)."""
    env = os.environ if env is None else env
    address = session_bus_address(env)
    if address is None:
        return None
    return {**env, "DBUS_SESSION_BUS_ADDRESS": address}


def system_bus_address() -> str:
    """The system bus address: `$DBUS_SYSTEM_BUS_ADDRESS` or the standard socket."""
    return os.environ.get("DBUS_SYSTEM_BUS_ADDRESS") or "unix:path=/run/dbus/system_bus_socket"


class Bus:
    """One bus, connected on first use and reconnected after a failure."""

    def __init__(self, address: str, *, label: str = "session bus") -> None:
        """Remember `address` (e.g. "unix:path=/run/user/1000/bus"); nothing connects yet.

        Raises:
            ImportError: jeepney is not installed.
        """
        import jeepney  # noqa: F401, PLC0415 - fail at construction when jeepney is missing

        self.address = address
        self.label = label
        self._conn: Any = None

    def call(  # noqa: PLR0917 - the four parts of a D-Bus call, in their usual order
        self,
        destination: str,
        path: str,
        interface: str,
        method: str,
        /,
        signature: str | None = None,
        body: tuple[object, ...] = (),
        timeout: float = CALL_TIMEOUT_S,
    ) -> tuple[Any, ...]:
        """Call a method and return the reply's body.

        Raises:
            DBusError: no connection, an error reply or no reply in `timeout` seconds.
        """
        conn = self._connect()
        try:
            return call_through(
                conn, destination, path, interface, method, signature, body, timeout=timeout
            )
        except (OSError, EOFError, ValueError) as exc:  # the bus went away mid-call
            self.close()
            raise DBusError(
                f"{destination} {method}: {self.label} connection lost ({exc})"
            ) from exc

    def get_property(self, destination: str, path: str, interface: str, name: str) -> Any:
        """Read one property (org.freedesktop.DBus.Properties.Get); its unwrapped value.

        Raises:
            DBusError: as `call`.
        """
        (variant,) = self.call(destination, path, PROPERTIES, "Get", "ss", (interface, name))
        return variant[1]  # jeepney returns a variant as (signature, value)

    def has_owner(self, name: str) -> bool:
        """True when `name` is owned on this bus now (never activates it).

        Raises:
            DBusError: as `call`.
        """
        (owned,) = self.call(
            DBUS_NAME, "/org/freedesktop/DBus", DBUS_NAME, "NameHasOwner", "s", (name,)
        )
        return bool(owned)

    def close(self) -> None:
        """Close the connection, if open; the next call reconnects. Never raises."""
        conn, self._conn = self._conn, None
        if conn is not None:
            with contextlib.suppress(OSError):
                conn.close()

    def _connect(self) -> Any:
        if self._conn is not None:
            return self._conn
        from jeepney.io.blocking import open_dbus_connection  # noqa: PLC0415

        try:
            self._conn = open_dbus_connection(bus=self.address)
        except (OSError, RuntimeError, ValueError, KeyError, StopIteration) as exc:
            # Translators: {address} is the bus's address, {reason} the system's reason
            what = _("cannot connect to the system bus at {address}: {reason}")
            if self.label != "system bus":
                what = _("cannot connect to the session bus at {address}: {reason}")
            raise DBusError(what.format(address=self.address, reason=exc)) from exc
        return self._conn


def call_through(  # noqa: PLR0917 - the parts of a D-Bus call, as `Bus.call`
    sender: Any,
    destination: str,
    path: str,
    interface: str,
    method: str,
    signature: str | None = None,
    body: tuple[object, ...] = (),
    *,
    timeout: float = CALL_TIMEOUT_S,
) -> tuple[Any, ...]:
    """Call a method through `sender` (a jeepney blocking connection or threading router: what
    has `send_and_get_reply`) and return the reply's body.

    Raises:
        DBusError: an error reply, or no reply in `timeout` seconds. The connection's own
            errors (it went away) pass through, for the caller to name.
    """
    from jeepney import DBusAddress, new_method_call  # noqa: PLC0415
    from jeepney.wrappers import DBusErrorResponse, unwrap_msg  # noqa: PLC0415

    target = DBusAddress(path, bus_name=destination, interface=interface)
    message = new_method_call(target, method, signature, body)
    try:
        return tuple(unwrap_msg(sender.send_and_get_reply(message, timeout=timeout)))
    except DBusErrorResponse as exc:
        raise DBusError(f"{destination} {method}: {exc.name}") from exc
    except TimeoutError as exc:
        raise DBusError(f"{destination} {method}: no reply in {timeout:g} s") from exc


def session_bus(env: Mapping[str, str] | None = None) -> Bus:
    """The session bus (rule 1); nothing connects yet.

    Raises:
        DBusError: there is no session bus (nothing is autolaunched).
        ImportError: jeepney is not installed.
    """
    address = session_bus_address(env)
    if address is None:
        raise DBusError(no_session_bus())
    return Bus(address)
