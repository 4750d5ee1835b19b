"""The tray as a StatusNotifierItem with its menu over com.canonical.dbusmenu, on jeepney.

The tray of KDE, GNOME's AppIndicator extension, XFCE, Cinnamon and waybar: the icon, title
and menu are exported over the session bus, and the host draws them. Pure Python: no GTK, no
Pillow, nothing to compile (jeepney is a dependency on Linux).

Rules:

1. The view is traymodel's, as for every backend (trayview.py): the same icon states, title
   and menu. The icon is IconPixmap (tray_images.sni_pixmaps, 64, 32 and 16 px), the title
   goes to Title and ToolTip, the menu to /MenuBar (dbusmenu.py).
2. Threads: `run()` owns the main thread and answers the host's calls there (one jeepney
   connection, blocking in select; no timer, no poll). The worker thread's snapshots change
   the exported values under `_lock` and send the change signals themselves (NewIcon,
   NewTitle, NewToolTip, LayoutUpdated): jeepney's threading connection serialises sends.
   A click (Event "clicked") is answered first, then acted on, on the main thread.
3. The item registers with org.kde.StatusNotifierWatcher when it starts and again whenever
   the watcher's name gets a new owner (the panel restarted, or started after us).
4. ItemIsMenu is true: a host shows the menu on a click. A host that calls Activate or
   ContextMenu anyway gets our menu window (as the xorg tray's left click).
5. No IconAccessibleDesc: GNOME's AppIndicator extension (v46, Debian 12) asks for it after
   each NewIcon and logs the UnknownProperty, but when the item has it the extension fails
   ("Argument two may not be null"; listed by GetAll the icon never shows). Nor
   ProvideXdgActivationToken: our windows would not use the token, and UnknownMethod makes
   the extension stop sending one. (Tried in gnome-shell 43 --x11 on Xvfb.)
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Mapping
from typing import Any, Final

from posture_guard.core.traymodel import APP_TITLE, IconState, Launch
from posture_guard.ui.dbusmenu import INTERFACE as MENU_INTERFACE
from posture_guard.ui.dbusmenu import VERSION as MENU_VERSION
from posture_guard.ui.dbusmenu import MenuExport
from posture_guard.ui.launch import Launcher
from posture_guard.ui.tray_images import sni_pixmaps
from posture_guard.ui.trayview import FIRST_ICON, Submitter, TrayView

log = logging.getLogger(__name__)

WATCHER: Final = "org.kde.StatusNotifierWatcher"
WATCHER_PATH: Final = "/StatusNotifierWatcher"
ITEM_INTERFACE: Final = "org.kde.StatusNotifierItem"
ITEM_PATH: Final = "/StatusNotifierItem"
MENU_PATH: Final = "/MenuBar"
ITEM_ID: Final = "posture-guard"
_PROPERTIES: Final = "org.freedesktop.DBus.Properties"
_INTROSPECTABLE: Final = "org.freedesktop.DBus.Introspectable"
_PEER: Final = "org.freedesktop.DBus.Peer"

_ITEM_XML: Final = """<node><interface name="org.kde.StatusNotifierItem">
<property name="Category" type="s" access="read"/><property name="Id" type="s" access="read"/>
<property name="Title" type="s" access="read"/><property name="Status" type="s" access="read"/>
<property name="WindowId" type="i" access="read"/>
<property name="IconThemePath" type="s" access="read"/>
<property name="IconName" type="s" access="read"/>
<property name="IconPixmap" type="a(iiay)" access="read"/>
<property name="OverlayIconName" type="s" access="read"/>
<property name="OverlayIconPixmap" type="a(iiay)" access="read"/>
<property name="AttentionIconName" type="s" access="read"/>
<property name="AttentionIconPixmap" type="a(iiay)" access="read"/>
<property name="AttentionMovieName" type="s" access="read"/>
<property name="ToolTip" type="(sa(iiay)ss)" access="read"/>
<property name="ItemIsMenu" type="b" access="read"/><property name="Menu" type="o" access="read"/>
<method name="ContextMenu"><arg name="x" type="i"/><arg name="y" type="i"/></method>
<method name="Activate"><arg name="x" type="i"/><arg name="y" type="i"/></method>
<method name="SecondaryActivate"><arg name="x" type="i"/><arg name="y" type="i"/></method>
<method name="Scroll"><arg name="delta" type="i"/><arg name="orientation" type="s"/></method>
<signal name="NewTitle"/><signal name="NewIcon"/><signal name="NewAttentionIcon"/>
<signal name="NewOverlayIcon"/><signal name="NewToolTip"/>
<signal name="NewStatus"><arg name="status" type="s"/></signal>
</interface></node>"""

_MENU_XML: Final = """<node><interface name="com.canonical.dbusmenu">
<property name="Version" type="u" access="read"/>
<property name="TextDirection" type="s" access="read"/>
<property name="Status" type="s" access="read"/>
<property name="IconThemePath" type="as" access="read"/>
<method name="GetLayout"><arg type="i" name="parentId" direction="in"/>
<arg type="i" name="recursionDepth" direction="in"/>
<arg type="as" name="propertyNames" direction="in"/>
<arg type="u" name="revision" direction="out"/>
<arg type="(ia{sv}av)" name="layout" direction="out"/></method>
<method name="GetGroupProperties"><arg type="ai" name="ids" direction="in"/>
<arg type="as" name="propertyNames" direction="in"/>
<arg type="a(ia{sv})" name="properties" direction="out"/></method>
<method name="GetProperty"><arg type="i" name="id" direction="in"/>
<arg type="s" name="name" direction="in"/><arg type="v" name="value" direction="out"/></method>
<method name="Event"><arg type="i" name="id" direction="in"/>
<arg type="s" name="eventId" direction="in"/><arg type="v" name="data" direction="in"/>
<arg type="u" name="timestamp" direction="in"/></method>
<method name="EventGroup"><arg type="a(isvu)" name="events" direction="in"/>
<arg type="ai" name="idErrors" direction="out"/></method>
<method name="AboutToShow"><arg type="i" name="id" direction="in"/>
<arg type="b" name="needUpdate" direction="out"/></method>
<method name="AboutToShowGroup"><arg type="ai" name="ids" direction="in"/>
<arg type="ai" name="updatesNeeded" direction="out"/>
<arg type="ai" name="idErrors" direction="out"/></method>
<signal name="ItemsPropertiesUpdated"><arg type="a(ia{sv})" name="updatedProps"/>
<arg type="a(ias)" name="removedProps"/></signal>
<signal name="LayoutUpdated"><arg type="u" name="revision"/><arg type="i" name="parent"/></signal>
<signal name="ItemActivationRequested"><arg type="i" name="id"/>
<arg type="u" name="timestamp"/></signal>
</interface></node>"""


def _introspection(body: str) -> str:
    return body.replace(
        "<node>",
        '<node><interface name="org.freedesktop.DBus.Introspectable"><method name="Introspect">'
        '<arg type="s" name="xml" direction="out"/></method></interface>'
        '<interface name="org.freedesktop.DBus.Properties"><method name="Get">'
        '<arg type="s" direction="in"/><arg type="s" direction="in"/>'
        '<arg type="v" direction="out"/></method><method name="GetAll">'
        '<arg type="s" direction="in"/><arg type="a{sv}" direction="out"/></method></interface>',
        1,
    )


class _Failed(Exception):
    """A call we answer with a D-Bus error: (error name, message)."""

    def __init__(self, name: str, message: str) -> None:
        super().__init__(message)
        self.name = name


def _unknown_method(interface: str, member: str) -> _Failed:
    return _Failed("org.freedesktop.DBus.Error.UnknownMethod", f"no method {interface}.{member}")


class SniTray(TrayView):
    """One StatusNotifierItem and its dbusmenu, kept in step with the service's snapshots."""

    def __init__(
        self,
        submit: Submitter,
        launcher: Launcher,
        *,
        address: str,
        rhythm_s: float | None,
        locked: Mapping[str, str] | None = None,
    ) -> None:
        """Connect to the session bus at `address` and take the item's bus name; nothing is
        shown until `run()` registers it.

        Raises:
            OSError, ValueError, RuntimeError: the bus cannot be reached (jeepney's errors).
        """
        from jeepney import message_bus  # noqa: PLC0415 - Linux desktops only
        from jeepney.io.threading import open_dbus_connection  # noqa: PLC0415

        super().__init__("sni", submit, launcher, rhythm_s=rhythm_s, locked=locked, has_menu=True)
        self._conn: Any = open_dbus_connection(bus=address)
        self._pending: dict[int, str] = {}  # our calls' serials -> what they were
        self._early: list[Any] = []  # messages that came while we waited for a reply
        #: Our bus name, as the watcher knows the item (the spec's form).
        self.name = f"org.kde.StatusNotifierItem-{os.getpid()}-1"
        self._call_now(message_bus.RequestName(self.name), "RequestName")
        self._running = False
        self._stopping = False
        #: How often the item registered with a watcher (tests read this).
        self.registrations = 0
        # what is exported now; written under _lock (by whichever thread changed the view)
        self._icon_state: IconState = FIRST_ICON
        self._pixmaps = sni_pixmaps(FIRST_ICON)
        self._title = APP_TITLE
        self._menu = MenuExport()
        with self._lock:
            view = self._view
            self._title = view.title
            self._menu.update(view.menu or ())

    # --- the main thread ------------------------------------------------------------------------

    def run(self, on_ready: Callable[[], None], on_main_thread: Callable[[], None]) -> None:
        """Register the item and answer the host until `stop()`; blocks the main thread."""
        from jeepney import MatchRule, message_bus  # noqa: PLC0415
        from jeepney.io.threading import ReceiveStopped  # noqa: PLC0415

        on_main_thread()
        self._running = True
        log.info("tray: sni backend (%s)", self.name)
        try:
            rule = MatchRule(
                type="signal",
                sender="org.freedesktop.DBus",
                interface="org.freedesktop.DBus",
                member="NameOwnerChanged",
                path="/org/freedesktop/DBus",
            )
            rule.add_arg_condition(0, WATCHER)
            self._call_now(message_bus.AddMatch(rule), "AddMatch")
            self._register()
            early, self._early = self._early, []
            for message in early:
                self._dispatch(message)
            on_ready()
            while not self._stopping:
                self._dispatch(self._conn.receive())
        except ReceiveStopped:
            pass
        except (OSError, EOFError, ValueError) as exc:
            if not self._stopping:
                log.warning("tray: the session bus went away: %s", exc)
        finally:
            self._running = False
            self._conn.close()

    def _dispatch(self, message: Any) -> None:
        from jeepney import HeaderFields, MessageType  # noqa: PLC0415

        header = message.header
        kind = header.message_type
        if kind is MessageType.method_call:
            self._answer(message)
        elif kind is MessageType.signal:
            if header.fields.get(HeaderFields.member) == "NameOwnerChanged":
                name, _old, new = message.body
                if name == WATCHER and new:
                    log.info("tray: a StatusNotifierWatcher started: registering again")
                    self._register()
        else:  # the reply to a call of ours
            what = self._pending.pop(header.fields.get(HeaderFields.reply_serial, 0), None)
            if what is not None and kind is MessageType.error:
                error = header.fields.get(HeaderFields.error_name, "")
                log.info("tray: %s failed: %s %s", what, error, message.body)

    def _register(self) -> None:
        """Ask the watcher to show the item (rule 3); its answer comes to the loop."""
        from jeepney import DBusAddress, new_method_call  # noqa: PLC0415

        watcher = DBusAddress(WATCHER_PATH, bus_name=WATCHER, interface=WATCHER)
        call = new_method_call(watcher, "RegisterStatusNotifierItem", "s", (self.name,))
        self._pending[self._send(call)] = "RegisterStatusNotifierItem"
        self.registrations += 1

    def _call_now(self, message: Any, what: str) -> None:
        """Send a call and wait (at most 5 s) for its reply, keeping what else comes.

        Raises:
            OSError: the call failed or went unanswered.
        """
        from jeepney import HeaderFields, MessageType  # noqa: PLC0415

        serial = self._send(message)
        while True:
            try:
                reply = self._conn.receive(timeout=5)
            except TimeoutError as exc:
                raise OSError(f"{what}: no reply from the session bus") from exc
            if reply.header.fields.get(HeaderFields.reply_serial) != serial:
                self._early.append(reply)
                continue
            if reply.header.message_type is MessageType.error:
                raise OSError(f"{what}: {reply.header.fields.get(HeaderFields.error_name)}")
            return

    def _answer(self, call: Any) -> None:
        from jeepney import (  # noqa: PLC0415
            HeaderFields,
            MessageFlag,
            new_error,
            new_method_return,
        )

        fields = call.header.fields
        path = fields.get(HeaderFields.path, "")
        interface = fields.get(HeaderFields.interface, "")
        member = fields.get(HeaderFields.member, "")
        after: Callable[[], None] | None = None
        try:
            signature, body, after = self._reply(path, interface, member, call.body)
            reply = new_method_return(call, signature, body)
        except _Failed as failed:
            reply = new_error(call, failed.name, "s", (str(failed),))
        except Exception as exc:  # a bug of ours: the host gets an error, the tray goes on
            log.exception("tray: %s.%s on %s failed", interface, member, path)
            reply = new_error(call, "org.freedesktop.DBus.Error.Failed", "s", (str(exc),))
        if not call.header.flags & MessageFlag.no_reply_expected:
            self._send(reply)
        if after is not None:
            after()

    def _reply(
        self, path: str, interface: str, member: str, args: tuple[Any, ...]
    ) -> tuple[str | None, tuple[Any, ...], Callable[[], None] | None]:
        """(signature, body) of the reply to a call, and what to do once it is sent."""
        if interface == _PEER and member == "Ping":
            return None, (), None
        if path == ITEM_PATH:
            return self._item_call(interface, member, args)
        if path == MENU_PATH:
            return self._menu_call(interface, member, args)
        if path == "/" and interface == _INTROSPECTABLE and member == "Introspect":
            nodes = '<node><node name="StatusNotifierItem"/><node name="MenuBar"/></node>'
            return "s", (nodes,), None
        raise _Failed("org.freedesktop.DBus.Error.UnknownObject", f"no object at {path}")

    # --- org.kde.StatusNotifierItem ------------------------------------------------------------

    def _item_properties(self) -> dict[str, tuple[str, Any]]:
        with self._lock:
            pixmaps, title = self._pixmaps, self._title
        return {
            "Category": ("s", "ApplicationStatus"),
            "Id": ("s", ITEM_ID),
            "Title": ("s", title),
            "Status": ("s", "Active"),
            "WindowId": ("i", 0),
            "IconThemePath": ("s", ""),
            "IconName": ("s", ""),  # the pixmap shows the state; a theme icon would not
            "IconPixmap": ("a(iiay)", pixmaps),
            "OverlayIconName": ("s", ""),
            "OverlayIconPixmap": ("a(iiay)", []),
            "AttentionIconName": ("s", ""),
            "AttentionIconPixmap": ("a(iiay)", []),
            "AttentionMovieName": ("s", ""),
            "ToolTip": ("(sa(iiay)ss)", ("", [], title, "")),
            "ItemIsMenu": ("b", True),
            "Menu": ("o", MENU_PATH),
        }

    def _item_call(
        self, interface: str, member: str, args: tuple[Any, ...]
    ) -> tuple[str | None, tuple[Any, ...], Callable[[], None] | None]:
        if interface == _INTROSPECTABLE and member == "Introspect":
            return "s", (_introspection(_ITEM_XML),), None
        if interface == _PROPERTIES:
            return _properties_call(ITEM_INTERFACE, self._item_properties(), member, args)
        if interface in (ITEM_INTERFACE, ""):
            if member in ("Activate", "ContextMenu"):  # rule 4
                return None, (), lambda: self._activate("menu", Launch("menu"))
            if member in ("SecondaryActivate", "Scroll"):
                return None, (), None
        raise _unknown_method(interface, member)

    # --- com.canonical.dbusmenu ----------------------------------------------------------------

    def _menu_call(
        self, interface: str, member: str, args: tuple[Any, ...]
    ) -> tuple[str | None, tuple[Any, ...], Callable[[], None] | None]:
        if interface == _INTROSPECTABLE and member == "Introspect":
            return "s", (_introspection(_MENU_XML),), None
        if interface == _PROPERTIES:
            props = {
                "Version": ("u", MENU_VERSION),
                "TextDirection": ("s", "ltr"),
                "Status": ("s", "normal"),
                "IconThemePath": ("as", []),
            }
            return _properties_call(MENU_INTERFACE, props, member, args)
        if interface not in (MENU_INTERFACE, ""):
            raise _unknown_method(interface, member)
        with self._lock:
            menu = self._menu
            if member == "GetLayout":
                parent, depth, names = args
                try:
                    return "u(ia{sv}av)", menu.layout(parent, depth, names), None
                except KeyError:
                    raise _Failed(
                        "org.freedesktop.DBus.Error.InvalidArgs", f"no menu item {parent}"
                    ) from None
            if member == "GetGroupProperties":
                ids, names = args
                return "a(ia{sv})", (menu.group_properties(ids, names),), None
            if member == "GetProperty":
                item, name = args
                value = menu.properties(item, [name]).get(name)
                if value is None:
                    raise _Failed(
                        "org.freedesktop.DBus.Error.InvalidArgs", f"item {item} has no {name}"
                    )
                return "v", (value,), None
            if member == "AboutToShow":
                return "b", (False,), None
            if member == "AboutToShowGroup":
                (ids,) = args
                return "aiai", ([], [i for i in ids if not menu.known(i)]), None
            if member == "Event":
                item, event, _data, _time = args
                return None, (), self._clicks([(item, event)])
            if member == "EventGroup":
                (events,) = args
                unknown = [e[0] for e in events if not menu.known(e[0])]
                return "ai", (unknown,), self._clicks([(e[0], e[1]) for e in events])
        raise _unknown_method(interface, member)

    def _clicks(self, events: list[tuple[int, str]]) -> Callable[[], None] | None:
        """What the host's events do, once answered (holding `_lock`): each "clicked" on an
        item that acts now (dbusmenu rule 4). Other events (opened, closed, hovered) do
        nothing."""
        acts = []
        for item, event in events:
            action, entry = self._menu.action(item), self._menu.entry(item)
            if event == "clicked" and action is not None and entry is not None:
                acts.append((entry.id, action))
        if not acts:
            return None

        def act() -> None:
            for item_id, action in acts:
                self._activate(item_id, action)

        return act

    # --- any thread ------------------------------------------------------------------------------

    def _view_changed(self) -> None:
        """Export the new view and tell the host what changed (rule 2)."""
        from jeepney import DBusAddress, new_signal  # noqa: PLC0415

        item = DBusAddress(ITEM_PATH, interface=ITEM_INTERFACE)
        signals = []
        with self._lock:
            view = self._view
            if view.icon != self._icon_state:
                self._icon_state = view.icon
                self._pixmaps = sni_pixmaps(view.icon)
                self.redraws["icon"] += 1
                signals.append(new_signal(item, "NewIcon"))
            if view.title != self._title:
                self._title = view.title
                self.redraws["title"] += 1
                signals += [new_signal(item, "NewTitle"), new_signal(item, "NewToolTip")]
            if view.menu is not None and self._menu.update(view.menu):
                self.redraws["menu"] += 1
                menu = DBusAddress(MENU_PATH, interface=MENU_INTERFACE)
                signals.append(new_signal(menu, "LayoutUpdated", "ui", (self._menu.revision, 0)))
        for signal in signals:
            try:
                self._send(signal)
            except OSError as exc:  # the bus is going away; run() says so
                log.debug("tray: a change signal was not sent: %s", exc)
                return

    def _send(self, message: Any) -> int:
        """Send a message (any thread); its serial."""
        serial: int = next(self._conn.outgoing_serial)
        self._conn.send(message, serial=serial)
        return serial

    def stop(self) -> None:
        """End `run()` (from any thread); before `run()`, it ends as soon as it starts."""
        self._stopping = True
        self._conn.interrupt()


def _properties_call(
    interface: str, props: dict[str, tuple[str, Any]], member: str, args: tuple[Any, ...]
) -> tuple[str | None, tuple[Any, ...], None]:
    """org.freedesktop.DBus.Properties on an object whose properties are all read-only."""
    if member == "GetAll":
        (asked,) = args
        return "a{sv}", (props if asked in (interface, "") else {},), None
    if member == "Get":
        asked, name = args
        if asked in (interface, "") and name in props:
            return "v", (props[name],), None
        raise _Failed("org.freedesktop.DBus.Error.UnknownProperty", f"no property {name}")
    if member == "Set":
        raise _Failed("org.freedesktop.DBus.Error.PropertyReadOnly", "read-only properties")
    raise _unknown_method(_PROPERTIES, member)
