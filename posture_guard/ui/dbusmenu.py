"""The tray menu as com.canonical.dbusmenu sees it: ids, layouts and properties. No I/O.

The StatusNotifierItem tray (ui/sni.py) exports traymodel's `tray_menu` over D-Bus with this
module; the host (KDE, GNOME's AppIndicator extension, XFCE, waybar...) draws it and sends
back an Event("clicked") naming an item's id. The values returned here are jeepney's: a
variant is (signature, value), a struct a tuple, an array a list.

Rules:

1. Each `MenuEntry.id` keeps its integer id for the life of the process (a separator's by its
   place), so a click on a menu the host drew before the last change still finds its item.
   The root is 0, as the protocol says.
2. A changed menu is a new layout revision; the D-Bus side then sends LayoutUpdated and the
   host asks for the layout again (menus are small: no per-item updates).
3. Labels take dbusmenu's mnemonic rule: "_" marks an access key, so a literal one is "__".
4. Only an enabled item with an action acts on a click; anything else is ignored (a host may
   send an event for a layout that has changed since).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Final

from posture_guard.core.traymodel import Launch, MenuEntry, Submit

INTERFACE: Final = "com.canonical.dbusmenu"
#: The version of the protocol this export speaks.
VERSION: Final = 3
ROOT: Final = 0
#: One item of a layout: (id, properties, children as variants of the same).
NODE_SIGNATURE: Final = "(ia{sv}av)"

Props = dict[str, tuple[str, Any]]


class MenuExport:
    """The current menu, its revision and the ids the host knows its items by."""

    def __init__(self) -> None:
        self.revision = 0
        self._entries: tuple[MenuEntry, ...] = ()
        self._ids: dict[str, int] = {}  # rule 1
        self._by_id: dict[int, MenuEntry] = {}
        self._children: dict[int, list[int]] = {ROOT: []}

    def update(self, entries: tuple[MenuEntry, ...]) -> bool:
        """Take a new menu; True (and a new revision) when it differs from the current one."""
        if entries == self._entries and self.revision:
            return False
        self._entries = entries
        self._by_id = {}
        self._children = {}
        self._children[ROOT] = self._number(entries, "")
        self.revision += 1
        return True

    def _number(self, entries: Iterable[MenuEntry], parent: str) -> list[int]:
        ids = []
        for place, entry in enumerate(entries):
            key = f"{parent}/{entry.id}" if not entry.is_separator else f"{parent}/-{place}"
            number = self._ids.setdefault(key, len(self._ids) + 1)
            self._by_id[number] = entry
            if entry.children:
                self._children[number] = self._number(entry.children, key)
            ids.append(number)
        return ids

    def known(self, item: int) -> bool:
        """Whether `item` is the root or an item of the current menu."""
        return item == ROOT or item in self._by_id

    def entry(self, item: int) -> MenuEntry | None:
        """The entry an id stands for in the current menu (None: the root or unknown)."""
        return self._by_id.get(item)

    def action(self, item: int) -> Submit | Launch | None:
        """What a click on `item` does now (rule 4); None: nothing."""
        entry = self._by_id.get(item)
        if entry is None or not entry.enabled or entry.is_separator:
            return None
        return entry.action

    def properties(self, item: int, names: Iterable[str] = ()) -> Props:
        """The item's dbusmenu properties, only `names` when given (empty: all)."""
        props: Props
        entry = self._by_id.get(item)
        if entry is None:
            props = {"children-display": ("s", "submenu")} if item == ROOT else {}
        elif entry.is_separator:
            props = {"type": ("s", "separator")}
        else:
            props = {
                "label": ("s", entry.text.replace("_", "__")),  # rule 3
                "enabled": ("b", entry.enabled),
                "visible": ("b", True),
            }
            if entry.children:
                props["children-display"] = ("s", "submenu")
        wanted = set(names)
        return {k: v for k, v in props.items() if k in wanted} if wanted else props

    def layout(self, parent: int, depth: int, names: Iterable[str] = ()) -> tuple[Any, ...]:
        """GetLayout's reply body: (revision, (id, properties, children)); `depth` -1 is all.

        Raises:
            KeyError: `parent` is not an item of the current menu.
        """
        if not self.known(parent):
            raise KeyError(parent)
        return (self.revision, self._node(parent, depth, list(names)))

    def _node(self, item: int, depth: int, names: list[str]) -> tuple[int, Props, list[Any]]:
        children = []
        if depth != 0:
            for child in self._children.get(item, []):
                children.append((NODE_SIGNATURE, self._node(child, depth - 1, names)))
        return (item, self.properties(item, names), children)

    def group_properties(self, items: Iterable[int], names: Iterable[str] = ()) -> list[Any]:
        """GetGroupProperties' reply: [(id, properties)] for the known ones among `items`
        (empty `items`: every item)."""
        wanted = list(items) or [ROOT, *self._by_id]
        names = list(names)
        return [(i, self.properties(i, names)) for i in wanted if self.known(i)]
