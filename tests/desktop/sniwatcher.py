"""A minimal StatusNotifierWatcher and host on a session bus, for the protocol test and the bench.

It owns org.kde.StatusNotifierWatcher, accepts RegisterStatusNotifierItem, and reads each
item as a host does: the item's properties (GetAll), then the menu (GetLayout), again after
each NewIcon, NewTitle, NewToolTip or LayoutUpdated. What it saw is kept for the caller.
Not a host that draws: the real host in the tests is waybar (snihost.py).

`python -m tests.desktop.sniwatcher` runs one until terminated (the footprint bench's host on
Xvfb, where waybar cannot run).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

WATCHER = "org.kde.StatusNotifierWatcher"
ITEM = "org.kde.StatusNotifierItem"
MENU = "com.canonical.dbusmenu"


@dataclass
class Seen:
    """What the stand-in host saw, newest last."""

    registered: list[str] = field(default_factory=list)
    properties: dict[str, Any] = field(default_factory=dict)
    layout: Any = None
    signals: list[str] = field(default_factory=list)
    reads: int = 0


class StandInWatcher:
    """The watcher and a reading host on `address`, on a thread of its own."""

    def __init__(self, address: str) -> None:
        from jeepney import message_bus
        from jeepney.io.threading import open_dbus_connection

        self.seen = Seen()
        self.changed = threading.Condition()
        self._conn = open_dbus_connection(bus=address)
        self._replies: dict[int, Any] = {}
        self._send(message_bus.RequestName(WATCHER, 4))  # DO_NOT_QUEUE
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._thread.start()

    def _send(self, message: Any) -> int:
        serial = next(self._conn.outgoing_serial)
        self._conn.send(message, serial=serial)
        return serial

    def close(self) -> None:
        self._conn.close()
        self._thread.join(5)

    def wait_for(self, predicate: Any, timeout: float = 5.0) -> bool:
        with self.changed:
            return self.changed.wait_for(lambda: predicate(self.seen), timeout)

    def _loop(self) -> None:
        from jeepney import HeaderFields, MatchRule, MessageType, message_bus
        from jeepney.io.threading import ReceiveStopped

        self._send(message_bus.AddMatch(MatchRule(type="signal", interface=ITEM)))
        self._send(message_bus.AddMatch(MatchRule(type="signal", interface=MENU)))
        try:
            while True:
                msg = self._conn.receive()
                kind = msg.header.message_type
                if kind is MessageType.method_call:
                    self._answer(msg)
                elif kind is MessageType.signal:
                    member = msg.header.fields.get(HeaderFields.member)
                    if msg.header.fields.get(HeaderFields.interface) in (ITEM, MENU):
                        with self.changed:
                            self.seen.signals.append(member)
                        self._read(msg.header.fields.get(HeaderFields.sender))
                else:
                    serial = msg.header.fields.get(HeaderFields.reply_serial)
                    what = self._replies.pop(serial, None)
                    if what is not None and kind is MessageType.method_return:
                        with self.changed:
                            if what == "props":
                                self.seen.properties = {k: v[1] for k, v in msg.body[0].items()}
                            elif what == "layout":
                                self.seen.layout = msg.body[1]
                                self.seen.reads += 1
                            self.changed.notify_all()
        except (ReceiveStopped, OSError, EOFError, ValueError):
            return

    def _answer(self, call: Any) -> None:
        from jeepney import HeaderFields, new_error, new_method_return

        fields = call.header.fields
        member = fields.get(HeaderFields.member)
        if member == "RegisterStatusNotifierItem":
            self._send(new_method_return(call))
            with self.changed:
                self.seen.registered.append(call.body[0])
                self.changed.notify_all()
            self._read(call.body[0])
        elif member in ("Get", "GetAll"):
            props = {
                "RegisteredStatusNotifierItems": ("as", list(self.seen.registered)),
                "IsStatusNotifierHostRegistered": ("b", True),
                "ProtocolVersion": ("i", 0),
            }
            if member == "GetAll":
                self._send(new_method_return(call, "a{sv}", (props,)))
            else:
                self._send(new_method_return(call, "v", (props[call.body[1]],)))
        else:
            self._send(new_error(call, "org.freedesktop.DBus.Error.UnknownMethod"))

    def _read(self, service: str) -> None:
        """Ask the item for its properties and its menu's layout, as a host does."""
        from jeepney import DBusAddress, new_method_call

        props = DBusAddress("/StatusNotifierItem", service, "org.freedesktop.DBus.Properties")
        self._replies[self._send(new_method_call(props, "GetAll", "s", (ITEM,)))] = "props"
        menu = DBusAddress("/MenuBar", service, MENU)
        call = new_method_call(menu, "GetLayout", "iias", (0, -1, []))
        self._replies[self._send(call)] = "layout"


def main() -> None:
    """Run a stand-in watcher on the session bus until terminated."""
    import os
    import signal

    watcher = StandInWatcher(os.environ["DBUS_SESSION_BUS_ADDRESS"])
    signal.signal(signal.SIGTERM, lambda *_: None)
    signal.pause()
    watcher.close()


if __name__ == "__main__":
    main()
