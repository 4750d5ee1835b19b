"""A small real D-Bus service standing in for a desktop, for the idle, lock and DND adapters.

Run as `python -m tests.desktop.fake_desktop_bus STATE_FILE NAME...` with DBUS_SESSION_BUS_ADDRESS
set to the (private) bus to serve on. It owns each NAME and answers, reading STATE_FILE (JSON)
at every call so a test changes the desktop by rewriting it:

- org.gnome.Mutter.IdleMonitor  /org/gnome/Mutter/IdleMonitor/Core  GetIdletime -> t
  from "mutter_idle_ms";
- org.freedesktop.ScreenSaver  on each path in "screensaver_paths" (default both):
  GetSessionIdleTime -> u from "session_idle_ms" (absent: an error reply, as GNOME's proxy),
  GetActive -> b from "screensaver_active";
- org.gnome.ScreenSaver  /org/gnome/ScreenSaver  GetActive -> b from "screensaver_active";
- org.freedesktop.login1  GetSession(s) / GetSessionByPID(u) -> o "/org/freedesktop/login1/
  session/_31" (GetSessionByPID fails unless "pid_in_session"), GetUser(u), and the properties
  Session.LockedHint (b, "locked_hint") and User.Display ((so));
- org.freedesktop.Notifications  property Inhibited (b, "inhibited"; absent: no such property,
  as GNOME Shell), GetServerInformation -> ssss, its name from "server_name" (default
  "fake-desktop").

Every call is appended to STATE_FILE + ".calls" as "member path", so tests can assert what was
asked. It prints READY once it owns every name.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from jeepney import HeaderFields, MessageType, new_error, new_method_return
from jeepney.bus_messages import message_bus
from jeepney.io.blocking import open_dbus_connection

SESSION_PATH = "/org/freedesktop/login1/session/_31"
USER_PATH = "/org/freedesktop/login1/user/_1000"
UNKNOWN = "org.freedesktop.DBus.Error.UnknownMethod"


def answer(state: dict, dest: str, path: str, iface: str, member: str, body: tuple):  # noqa: PLR0917
    """(signature, body) of the reply, or (None, error name) for an error reply."""
    if member == "Get" and iface == "org.freedesktop.DBus.Properties":
        prop_iface, prop = body
        if (prop_iface, prop) == ("org.freedesktop.login1.Session", "LockedHint"):
            return "v", (("b", bool(state.get("locked_hint", False))),)
        if (prop_iface, prop) == ("org.freedesktop.login1.User", "Display"):
            return "v", (("(so)", ("31", SESSION_PATH)),)
        if (prop_iface, prop) == ("org.freedesktop.Notifications", "Inhibited") and (
            "inhibited" in state
        ):
            return "v", (("b", bool(state["inhibited"])),)
        return None, "org.freedesktop.DBus.Error.UnknownProperty"
    if dest == "org.gnome.Mutter.IdleMonitor" and member == "GetIdletime":
        return "t", (int(state["mutter_idle_ms"]),)
    if dest == "org.freedesktop.ScreenSaver":
        if path not in state.get(
            "screensaver_paths", ["/org/freedesktop/ScreenSaver", "/ScreenSaver"]
        ):
            return None, "org.freedesktop.DBus.Error.UnknownObject"
        if member == "GetSessionIdleTime":
            if "session_idle_ms" not in state:
                return None, "org.freedesktop.DBus.Error.NotSupported"
            return "u", (int(state["session_idle_ms"]),)
        if member == "GetActive":
            return "b", (bool(state.get("screensaver_active", False)),)
    if dest == "org.freedesktop.Notifications" and member == "GetServerInformation":
        return "ssss", (state.get("server_name", "fake-desktop"), "tests", "1", "1.2")
    if dest == "org.gnome.ScreenSaver" and member == "GetActive":
        return "b", (bool(state.get("screensaver_active", False)),)
    if dest == "org.freedesktop.login1":
        if member == "GetSession":
            return "o", (SESSION_PATH,)
        if member == "GetSessionByPID":
            if not state.get("pid_in_session", True):
                return None, "org.freedesktop.login1.NoSessionForPID"
            return "o", (SESSION_PATH,)
        if member == "GetUser":
            return "o", (USER_PATH,)
    return None, UNKNOWN


def main() -> None:
    state_file = Path(sys.argv[1])
    conn = open_dbus_connection(bus="SESSION")
    for name in sys.argv[2:]:
        reply = conn.send_and_get_reply(message_bus.RequestName(name))
        assert reply.body[0] == 1, f"could not own {name}: {reply.body}"
    print("READY", flush=True)
    calls = state_file.with_name(state_file.name + ".calls")
    while True:
        msg = conn.receive()
        if msg.header.message_type is not MessageType.method_call:
            continue
        fields = msg.header.fields
        dest = fields.get(HeaderFields.destination, "")
        path = fields.get(HeaderFields.path, "")
        iface = fields.get(HeaderFields.interface, "")
        member = fields.get(HeaderFields.member, "")
        with calls.open("a") as log:
            log.write(f"{member} {path}\n")
        state = json.loads(state_file.read_text())
        signature, body = answer(state, dest, path, iface, member, tuple(msg.body))
        if signature is None:
            conn.send(new_error(msg, body))
        else:
            conn.send(new_method_return(msg, signature, body))


if __name__ == "__main__":
    main()
