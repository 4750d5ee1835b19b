"""A small blocking D-Bus client over jeepney: one lazy connection per bus, calls with a timeout.

Every adapter that asks the desktop something over D-Bus (GNOME and freedesktop idle time, the
screen lock, logind, do-not-disturb) goes through `Bus`, so each has the same rules:

1. Nothing is autolaunched: the session bus is `$DBUS_SESSION_BUS_ADDRESS` or nothing (G4 in
   DESKTOP-TESTING.md), the system bus `$DBUS_SYSTEM_BUS_ADDRESS` or the standard socket.
2. Every failure (no bus, a refused connection, an error reply, a timeout, a lost connection)
   is one `DBusError` whose message says what failed; a lost connection is reopened by the
   next call, so a restarted bus or service is picked up again.
3. jeepney is imported when a `Bus` is built, so importing this module needs no jeepney.

Threading: a `Bus` is not shared between threads; the service's worker thread owns its buses.
"""

from __future__ import annotations

import contextlib
import os
from typing import Any, Final

#: The longest a call waits for its reply. The worker thread calls the desktop every few
#: seconds; a hung service must not stall it for long.
CALL_TIMEOUT_S: Final = 0.5
DBUS_NAME: Final = "org.freedesktop.DBus"
PROPERTIES: Final = "org.freedesktop.DBus.Properties"


class DBusError(Exception):
    """A D-Bus call failed; the message says which call and why."""


def session_bus_address() -> str | None:
    """The session bus address from the environment, or None when none is set."""
    return os.environ.get("DBUS_SESSION_BUS_ADDRESS") or None


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
        from jeepney import DBusAddress, new_method_call  # noqa: PLC0415
        from jeepney.wrappers import DBusErrorResponse, unwrap_msg  # noqa: PLC0415

        target = DBusAddress(path, bus_name=destination, interface=interface)
        message = new_method_call(target, method, signature, body)
        conn = self._connect()
        try:
            reply = conn.send_and_get_reply(message, timeout=timeout)
            return tuple(unwrap_msg(reply))
        except DBusErrorResponse as exc:
            raise DBusError(f"{destination} {method}: {exc.name}") from exc
        except TimeoutError as exc:
            raise DBusError(f"{destination} {method}: no reply in {timeout:g} s") from exc
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
            raise DBusError(f"cannot connect to the {self.label} at {self.address}: {exc}") from exc
        return self._conn


def session_bus() -> Bus:
    """The session bus from the environment.

    Raises:
        DBusError: DBUS_SESSION_BUS_ADDRESS is not set (nothing is autolaunched).
        ImportError: jeepney is not installed.
    """
    address = session_bus_address()
    if address is None:
        raise DBusError("no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is not set)")
    return Bus(address)
