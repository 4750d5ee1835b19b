"""The StatusNotifierItem tray against a real host: waybar's tray in headless sway (issue 15).

`posture-guard run` in a Wayland session with waybar chooses the sni backend by itself; the
icon shows in waybar (grim's screenshot), the menu read over dbusmenu as a host reads it is
traymodel's, a click on an item acts on the service, and the icon comes back when waybar
restarts. Screenshots land in tests/artifacts/tray-sni-*.png.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Final

import pytest

from posture_guard.core.traymodel import TrayStatus, tray_menu
from tests.app import ROOT, App, modules_at_exit, output_lines
from tests.desktop.conftest import wait_until
from tests.desktop.snihost import SniClient, WaybarDesk, flatten
from tests.desktop.test_tray import (
    PAUSED_GREY,
    PLAN,
    SLATE,
    loaded_pillow,
    start_finding_the_tray,
)
from tests.desktop.traydesk import share_near
from tests.e2e.test_report_cli import NOT_IN_THE_SERVICE, left_out

pytestmark = pytest.mark.desktop

#: Beside NOT_IN_THE_SERVICE, what the service with the sni tray leaves out: pystray (the xorg
#: and GTK backends') with our extras to it, and GTK.
NOT_WITH_THE_SNI_TRAY: Final = (
    "pystray",
    "gi",
    "Xlib.threaded",
    "posture_guard.ui.pystray_private",
)


def start_on(app: App, desk: WaybarDesk, preamble: str = "") -> subprocess.Popen[str]:
    """`posture-guard run` in the sway session (no X display), nothing pinned; `preamble` as
    `App.start` takes it."""
    for name in ("DBUS_SESSION_BUS_ADDRESS", "WAYLAND_DISPLAY", "SWAYSOCK"):
        app.env[name] = desk.env[name]
    app.env.pop("DISPLAY", None)
    app.env["XDG_SESSION_TYPE"] = "wayland"
    return start_finding_the_tray(app, "sni", preamble)


def status_json(app: App) -> dict[str, object]:
    """The service's status as the control socket gives it (the menu window reads the same)."""
    script = (
        "import json, sys\n"
        "from posture_guard.app import control\n"
        "from posture_guard.core.commands import Status\n"
        "from posture_guard.desktop.paths import default_paths\n"
        "paths = default_paths(config_file=__import__('pathlib').Path(sys.argv[1]))\n"
        "print(json.dumps(control.request(paths.socket, Status())['status']))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(app.config)],
        env=app.env, capture_output=True, text=True, timeout=30, check=True,
    )  # fmt: skip
    return json.loads(done.stdout)


def menu_of(client: SniClient) -> tuple[str, list[tuple[int, dict[str, object]]]]:
    name, path = client.item_service()
    menu_path = client.prop(name, path, "org.kde.StatusNotifierItem", "Menu")
    _revision, root = client.layout(name, menu_path)
    return menu_path, flatten(root)


def test_sni_tray_shows_in_waybar_its_menu_acts_and_it_comes_back_after_a_restart(
    app: App, waybar: WaybarDesk, tmp_path: Path
) -> None:
    # Protects: issue 15 acceptance 2: the default tray on a desktop with a StatusNotifierWatcher
    # is our StatusNotifierItem (no GTK, no Pillow in the service), its icon shows in a real
    # host, its dbusmenu is tray_menu's, a click acts, and it registers again after a restart;
    # and through all of it the service imports nothing it does not run (test_report_cli.py).
    dump = tmp_path / "modules.json"
    proc = start_on(app, waybar, preamble=modules_at_exit(dump))
    client = SniClient(waybar.env)
    wait_until(lambda: len(client.items()) == 1, "the item registered with waybar", 15)
    wait_until(
        lambda: share_near(waybar.tray_area("tray-sni-waybar"), SLATE) > 0.05,
        "the working icon in waybar's tray",
        15,
    )
    maps = Path(f"/proc/{proc.pid}/maps").read_text()
    assert "libgtk" not in maps  # no GTK in the service process
    assert "/gi/" not in maps
    assert loaded_pillow(proc.pid) == []

    # the menu as a host reads it: traymodel's entries, labels and enabled state
    name, path = client.item_service()
    menu_path, items = menu_of(client)
    expected = tray_menu(TrayStatus.from_json(status_json(app)))

    def flat(entries):
        for entry in entries:
            yield entry
            yield from flat(entry.children)

    wanted = list(flat(expected))
    got = items[1:]  # the root first
    assert len(got) == len(wanted)
    for (_id, props), entry in zip(got, wanted, strict=True):
        if entry.is_separator:
            assert props == {"type": "separator"}
        else:
            assert props["label"] == entry.text.replace("_", "__")
            assert props["enabled"] == entry.enabled
    ids = {entry.id: item for (item, _p), entry in zip(got, wanted, strict=True)}
    assert items[0][1] == {"children-display": "submenu"}
    assert dict(got)[ids["pause"]]["children-display"] == "submenu"

    # a click on Pause > For 30 minutes, as the host sends it
    client.click(name, menu_path, ids["pause-30m"])
    wait_until(lambda: "State:       paused" in app.cli("status").stdout, "the pause", 10)
    wait_until(
        lambda: share_near(waybar.tray_area("tray-sni-waybar-paused"), PAUSED_GREY) > 0.05,
        "the paused icon in waybar",
        10,
    )
    title = client.prop(name, path, "org.kde.StatusNotifierItem", "Title")
    assert "Paused until" in title
    _menu, items = menu_of(client)
    resume = dict(items)[ids["resume"]]
    assert resume["enabled"] is True  # the menu followed: Resume is on now

    # waybar restarts: the item registers again and the icon comes back
    waybar.stop_waybar()
    assert share_near(waybar.tray_area("tray-sni-no-waybar"), PAUSED_GREY) < 0.01
    waybar.start_waybar()
    wait_until(lambda: len(client.items()) == 1, "the item registered again", 15)
    wait_until(
        lambda: share_near(waybar.tray_area("tray-sni-waybar-restarted"), PAUSED_GREY) > 0.05,
        "the icon back in the restarted waybar",
        15,
    )
    assert "State:       paused" in app.cli("status").stdout  # the service went on

    # Quit from the menu ends the service, and the item goes from the watcher
    _menu, items = menu_of(client)
    client.click(name, menu_path, ids["quit"])
    assert proc.wait(timeout=15) == 0
    wait_until(lambda: client.items() == [], "the item to go from waybar")
    assert not [line for line in output_lines(proc) if "Traceback" in line]
    loaded = json.loads(dump.read_text())
    assert {"posture_guard.ui.sni", "posture_guard.ui.dbusmenu"} <= set(loaded)  # it ran
    assert left_out(loaded, NOT_IN_THE_SERVICE + NOT_WITH_THE_SNI_TRAY) == []


def test_a_fresh_pip_install_without_pygobject_gives_the_full_menu(
    app: App, waybar: WaybarDesk, tmp_path: Path
) -> None:
    # Protects: issue 15 acceptance 3: `pip install .` in a fresh venv (no [tray] extra, no
    # PyGObject, no root, nothing compiled) gives the full tray menu on an SNI host.
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    python = str(venv / "bin" / "python")
    done = subprocess.run(
        [python, "-m", "pip", "install", "-q", "--disable-pip-version-check", str(ROOT)],
        capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    no_gi = subprocess.run([python, "-c", "import gi"], capture_output=True, check=False)
    assert no_gi.returncode != 0  # PyGObject is not there
    app.env.pop("PYTHONPATH")  # the installed package, not the source tree
    for name in ("DBUS_SESSION_BUS_ADDRESS", "WAYLAND_DISPLAY"):
        app.env[name] = waybar.env[name]
    app.env.pop("DISPLAY", None)
    app.config.write_text(PLAN.format(every="20m"))
    proc = subprocess.Popen(
        [python, "-u", "-m", "posture_guard", "--config", str(app.config), "run"],
        env=app.env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        client = SniClient(waybar.env)
        wait_until(lambda: len(client.items()) == 1, "the item registered with waybar", 30)
        _menu, items = menu_of(client)
        labels = [p["label"] for _i, p in items[1:] if "label" in p]
        expected = [e.text for e in _flat(tray_menu(TrayStatus())) if not e.is_separator]
        assert labels[1:] == expected[1:]  # all but the status line (it names the next break)
        wait_until(
            lambda: share_near(waybar.tray_area("tray-sni-fresh-venv"), SLATE) > 0.05,
            "the icon in waybar",
            15,
        )
    finally:
        proc.terminate()
        out, _err = proc.communicate(timeout=15)
    assert "tray: sni" in out
    assert "Traceback" not in out


def _flat(entries):
    for entry in entries:
        yield entry
        yield from _flat(entry.children)
