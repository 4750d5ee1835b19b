"""A real StatusNotifierItem host: waybar's tray in headless sway, on a private session bus.

waybar (Debian's package) is its own StatusNotifierWatcher and host: it draws each item's
IconPixmap and shows the menu through libdbusmenu, as KDE's and GNOME's hosts do. Screenshots
come from grim (sway's screencopy). And `SniClient` reads an item as a host does, over jeepney:
the watcher's registered items, the item's properties, the menu's GetLayout, an Event.
"""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from PIL import Image

from tests.app import stop_process
from tests.desktop.compositors import grim_shot, sway

if TYPE_CHECKING:
    from collections.abc import Callable


def wait_until(predicate: Callable[[], object], what: str, timeout: float = 5.0) -> None:
    """conftest's `wait_until`, imported when called (conftest imports this module's fixture)."""
    from tests.desktop.conftest import wait_until as conftest_wait_until

    conftest_wait_until(predicate, what, timeout)


WATCHER = "org.kde.StatusNotifierWatcher"
WAYBAR_CONFIG = {
    "layer": "top",
    "position": "top",
    "height": 32,
    "modules-right": ["tray"],
    "tray": {"icon-size": 24, "spacing": 4},
}


@dataclass
class WaybarDesk:
    """Headless sway with waybar's tray; `env` reaches both and the private session bus."""

    env: dict[str, str]
    log_dir: Path
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    def start_waybar(self) -> None:
        with (self.log_dir / f"waybar-{time.monotonic_ns()}.log").open("wb") as log:
            self.processes["waybar"] = subprocess.Popen(
                ["waybar"], env=self.env, stdin=subprocess.DEVNULL, stdout=log,
                stderr=subprocess.STDOUT,
            )  # fmt: skip
        wait_until(lambda: SniClient(self.env).has_owner(WATCHER), "waybar's watcher", 15)

    def stop_waybar(self) -> None:
        stop_process(self.processes.pop("waybar"))
        wait_until(lambda: not SniClient(self.env).has_owner(WATCHER), "the watcher to go")

    def screenshot(self, name: str) -> Image.Image:
        """The whole output, saved as tests/artifacts/<name>.png."""
        return grim_shot(self.env, name)

    def tray_area(self, name: str) -> Image.Image:
        """The right end of the bar, where waybar's tray puts the first icon."""
        shot = self.screenshot(name)
        return shot.crop((shot.width - 48, 0, shot.width, WAYBAR_CONFIG["height"]))


@contextmanager
def waybar_desk(tmp: Path) -> Iterator[WaybarDesk]:
    from tests.desktop.conftest import start_session_bus

    with sway(tmp / "sway") as compositor:
        config = tmp / "config"
        (config / "waybar").mkdir(parents=True)
        (config / "waybar" / "config").write_text(json.dumps(WAYBAR_CONFIG))
        base = {**compositor.env, "XDG_CONFIG_HOME": str(config), "NO_AT_BRIDGE": "1"}
        with start_session_bus(base, tmp / "bus") as bus:
            desk = WaybarDesk(env=dict(bus.env), log_dir=tmp)
            try:
                desk.start_waybar()
                yield desk
            finally:
                for proc in desk.processes.values():
                    stop_process(proc)


@pytest.fixture
def waybar(tmp_path: Path) -> Iterator[WaybarDesk]:
    """Headless sway, a private session bus and waybar's tray on it."""
    with waybar_desk(tmp_path) as desk:
        yield desk


class SniClient:
    """What a host asks an item, over a connection of its own (one call each)."""

    def __init__(self, env: dict[str, str]) -> None:
        self.address = env["DBUS_SESSION_BUS_ADDRESS"]

    def call(  # noqa: PLR0917 - a D-Bus call's parts, in their usual order
        self, dest: str, path: str, interface: str, method: str, sig: str | None = None,
        body: tuple[Any, ...] = (),
    ) -> tuple[Any, ...]:  # fmt: skip
        from jeepney import DBusAddress, new_method_call
        from jeepney.io.blocking import open_dbus_connection
        from jeepney.wrappers import unwrap_msg

        with open_dbus_connection(bus=self.address) as conn:
            message = new_method_call(DBusAddress(path, dest, interface), method, sig, body)
            return tuple(unwrap_msg(conn.send_and_get_reply(message, timeout=5)))

    def has_owner(self, name: str) -> bool:
        bus = "org.freedesktop.DBus"
        return bool(self.call(bus, "/org/freedesktop/DBus", bus, "NameHasOwner", "s", (name,))[0])

    def items(self) -> list[str]:
        """The items the watcher has registered ("" list when none or no watcher)."""
        try:
            return list(self.prop(WATCHER, "/StatusNotifierWatcher", WATCHER,
                                  "RegisteredStatusNotifierItems"))  # fmt: skip
        except Exception:
            return []

    def prop(self, dest: str, path: str, interface: str, name: str) -> Any:
        (variant,) = self.call(
            dest, path, "org.freedesktop.DBus.Properties", "Get", "ss", (interface, name)
        )
        return variant[1]

    def item_service(self) -> tuple[str, str]:
        """(bus name, object path) of the one registered item (waybar keeps the path after
        the name when a client registered a path)."""
        (entry,) = self.items()
        name, _, path = entry.partition("/")
        return name, "/" + path if path else "/StatusNotifierItem"

    def layout(self, dest: str, menu_path: str) -> tuple[int, Any]:
        return self.call(  # type: ignore[return-value]
            dest, menu_path, "com.canonical.dbusmenu", "GetLayout", "iias", (0, -1, [])
        )

    def click(self, dest: str, menu_path: str, item: int) -> None:
        self.call(
            dest, menu_path, "com.canonical.dbusmenu", "Event", "isvu",
            (item, "clicked", ("i", 0), 0),
        )  # fmt: skip


def flatten(node: Any) -> list[tuple[int, dict[str, Any]]]:
    """A GetLayout node and its descendants, depth first: (id, {property: value})."""
    item, props, children = node
    found = [(item, {k: v[1] for k, v in props.items()})]
    for _sig, child in children:
        found += flatten(child)
    return found
