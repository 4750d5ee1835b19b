"""The StatusNotifierItem tray in XFCE's panel, clicked in the menu the panel draws (issue 15).

xfce4-panel's Status Tray plugin (xfcepanel.py) is a second real host beside waybar
(test_tray_sni.py), and an X11 one. Here nothing is sent as a host would send it: xdotool
clicks the icon the panel drew, the panel builds its own GTK menu from our dbusmenu
(libdbusmenu-gtk) and xdotool clicks the items of that menu. Screenshots land in
tests/artifacts/tray-xfce-*.png.
"""

from __future__ import annotations

import subprocess
from typing import Any

import pytest

from tests.app import App, output_lines
from tests.desktop.conftest import wait_until
from tests.desktop.snihost import SniClient
from tests.desktop.test_tray import PAUSED_GREY, SLATE, start_finding_the_tray
from tests.desktop.xfcepanel import Box, MenuRow, XfceDesk, xfce

__all__ = ["xfce"]

pytestmark = pytest.mark.desktop

ITEM = "org.kde.StatusNotifierItem"


def start_on(app: App, desk: XfceDesk) -> subprocess.Popen[str]:
    """`posture-guard run` in the X session, nothing pinned: it finds the panel's watcher."""
    app.env.update(
        DISPLAY=desk.display,
        DBUS_SESSION_BUS_ADDRESS=desk.env["DBUS_SESSION_BUS_ADDRESS"],
        XDG_SESSION_TYPE="x11",
    )
    app.env.pop("WAYLAND_DISPLAY", None)
    return start_finding_the_tray(app, "sni")


def top_level(client: SniClient) -> list[dict[str, Any]]:
    """The menu's first level as the panel reads it (GetLayout), separators left out."""
    (entry,) = client.items()
    name = entry.partition("/")[0]
    menu_path = client.prop(name, "/StatusNotifierItem", ITEM, "Menu")
    _revision, (_root, _props, children) = client.layout(name, menu_path)
    items = [{k: v[1] for k, v in node[1].items()} for _sig, node in children]
    return [item for item in items if item.get("type") != "separator"]


def wait_icon(desk: XfceDesk, colour: tuple[int, int, int], name: str) -> Box:
    found: list[Box] = []

    def shown() -> bool:  # whole: the panel may draw it while it still lays the button out
        box = desk.icon_box(colour, name)
        found[:] = [box] if box else []
        width, height = (box[2] - box[0], box[3] - box[1]) if box else (0, 0)
        return width >= 16 and abs(width - height) <= 2

    wait_until(shown, f"the whole icon ({name}) in the panel", 15)
    return found[0]


def drawn_rows(desk: XfceDesk, menu: Box, count: int, name: str) -> list[MenuRow]:
    """The items drawn in `menu`, once there are `count` of them."""
    rows: list[MenuRow] = []

    def drawn() -> bool:
        rows[:] = desk.menu_rows(menu, name)
        return len(rows) == count

    wait_until(drawn, f"{count} items drawn in the menu", 10)
    return rows


def open_menu(
    desk: XfceDesk, icon: Box, button: int, count: int, name: str
) -> tuple[Box, list[MenuRow]]:
    """Click the icon with `button`; the menu the panel drew and its `count` items (the
    pointer stays on the icon, off the menu)."""
    desk.click((icon[0] + icon[2]) // 2, (icon[1] + icon[3]) // 2, button)
    wait_until(lambda: len(desk.popup_menus()) == 1, "the panel's menu", 10)
    (menu,) = desk.popup_menus()
    return menu, drawn_rows(desk, menu, count, name)


def test_the_menu_xfce_draws_is_ours_and_clicking_its_items_acts(app: App, xfce: XfceDesk):
    # Protects: issue 15 acceptance 2 on a second real host, with the host's own clicks: the
    # icon shows in xfce4-panel's Status Tray, a left click opens the panel's menu with our
    # items in order (greyed where disabled), clicking Pause > For 30 minutes in that drawn
    # menu pauses the service and greys the icon, a right click opens the same menu where
    # Resume acts, the icon comes back after the panel restarts, and Quit ends the service.
    proc = start_on(app, xfce)
    client = SniClient(xfce.env)
    wait_until(lambda: len(client.items()) == 1, "the item registered with the panel", 15)
    icon = wait_icon(xfce, SLATE, "tray-xfce-icon")
    assert icon[3] <= 32  # in the panel along the top

    # a left click: ItemIsMenu, so the panel shows the menu (it calls no Activate)
    items = top_level(client)
    labels = [item["label"] for item in items]
    assert labels[1:6] == ["Take a break now", "Snooze", "Skip this break", "Pause", "Resume"]
    menu, rows = open_menu(xfce, icon, 1, len(items), "tray-xfce-menu")
    assert [row.greyed for row in rows] == [not item["enabled"] for item in items]
    assert items[0]["enabled"] is False  # the status line: shown, greyed

    # Pause opens its submenu on hover; click its first item, For 30 minutes
    pause = rows[labels.index("Pause")]
    xfce.xdotool("mousemove", str((menu[0] + menu[2]) // 2), str(pause.middle))
    wait_until(lambda: len(xfce.popup_menus()) == 2, "the Pause submenu", 10)
    submenu = xfce.popup_menus()[1]
    sub_rows = drawn_rows(xfce, submenu, 3, "tray-xfce-pause")  # 30 minutes, 1 hour, tomorrow
    xfce.click((submenu[0] + submenu[2]) // 2, sub_rows[0].middle)
    wait_until(lambda: "State:       paused" in app.cli("status").stdout, "the pause", 10)
    wait_until(lambda: not xfce.popup_menus(), "the menu to close")
    paused_icon = wait_icon(xfce, PAUSED_GREY, "tray-xfce-paused")

    # a right click opens the same menu, now with Resume on; clicking it resumes
    items = top_level(client)
    assert [item["label"] for item in items][1:] == labels[1:]  # the status line changed
    menu, rows = open_menu(xfce, paused_icon, 3, len(items), "tray-xfce-menu-paused")
    resume = labels.index("Resume")
    assert not rows[resume].greyed
    assert rows[labels.index("Take a break now")].greyed
    xfce.click((menu[0] + menu[2]) // 2, rows[resume].middle)
    wait_until(lambda: "State:       working" in app.cli("status").stdout, "the resume", 10)
    wait_icon(xfce, SLATE, "tray-xfce-resumed")

    # the panel restarts: the item registers again and the icon comes back
    xfce.stop_panel()
    assert xfce.icon_box(SLATE, "tray-xfce-no-panel") is None
    xfce.start_panel()
    wait_until(lambda: len(client.items()) == 1, "the item registered again", 15)
    icon = wait_icon(xfce, SLATE, "tray-xfce-restarted")

    # Quit, clicked in the restarted panel's menu, ends the service
    menu, rows = open_menu(xfce, icon, 1, len(items), "tray-xfce-menu-restarted")
    xfce.click((menu[0] + menu[2]) // 2, rows[labels.index("Quit")].middle)
    assert proc.wait(timeout=15) == 0
    wait_until(lambda: client.items() == [], "the item to go from the panel")
    wait_until(lambda: xfce.icon_box(SLATE, "tray-xfce-quit") is None, "the icon to go")
    assert not [line for line in output_lines(proc) if "Traceback" in line]


def test_a_host_that_calls_activate_or_context_menu_gets_our_menu_window(app: App, xfce: XfceDesk):
    # Protects: sni rule 4: ItemIsMenu tells hosts to show the menu themselves (xfce's panel
    # does, above, and calls neither method), but a host that calls Activate (a left click
    # elsewhere) or ContextMenu instead still opens a menu: our own window, on the display.
    proc = start_on(app, xfce)
    client = SniClient(xfce.env)
    wait_until(lambda: len(client.items()) == 1, "the item registered with the panel", 15)
    name = client.items()[0].partition("/")[0]
    assert client.prop(name, "/StatusNotifierItem", ITEM, "ItemIsMenu") is True

    def our_windows() -> list[str]:
        done = subprocess.run(
            ["xdotool", "search", "--onlyvisible", "--class", "PostureGuardMenu"],
            env=xfce.env, capture_output=True, text=True, timeout=10, check=False,
        )  # fmt: skip
        return done.stdout.split()

    for method in ("Activate", "ContextMenu"):
        client.call(name, "/StatusNotifierItem", ITEM, method, "ii", (16, 16))
        wait_until(our_windows, f"our menu window after {method}", 15)
        xfce.screenshot(f"tray-xfce-{method.lower()}")
        xfce.xdotool("windowactivate", "--sync", our_windows()[0])
        xfce.xdotool("key", "Escape")
        wait_until(lambda: not our_windows(), "our menu window to close on Escape", 10)
    assert not xfce.popup_menus()  # the panel drew no menu of its own for these calls
    assert "State:       working" in app.cli("status").stdout
    assert proc.poll() is None
