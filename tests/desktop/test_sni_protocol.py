"""The StatusNotifierItem and its dbusmenu on a private session bus, read by a stand-in host.

The real host is waybar (test_tray_sni.py); here the protocol's details are checked one by one
against ui/sni.py running in this process, as the service runs it (its loop on one thread,
snapshots from another).
"""

from __future__ import annotations

import threading
from datetime import datetime

import pytest

from posture_guard.core import config
from posture_guard.core.commands import Pause, Snapshot
from posture_guard.core.records import DayTally
from posture_guard.core.timer import Command, State, TimerStatus
from posture_guard.core.traymodel import TrayStatus, tray_menu
from posture_guard.ui.launch import Launcher
from posture_guard.ui.sni import SniTray
from tests.desktop.snihost import SniClient, flatten
from tests.desktop.sniwatcher import StandInWatcher

pytestmark = pytest.mark.desktop


def snapshot(state: State, next_in: float) -> Snapshot:
    allowed = frozenset(
        {Command.PAUSE, Command.TAKE_NOW} if state is State.WORKING else {Command.RESUME}
    )
    status = TimerStatus(state=state, current=None, next_kind="posture", next_in_s=next_in,
                         active_today_s=0.0, day=None, paused_until=None, outcomes_today={},
                         allowed=allowed, snoozes_left=None, skip_allowed=False)  # fmt: skip
    return Snapshot(at=datetime.now().astimezone(), status=status, settings=config.defaults(),
                    idle_source="test", sees_idle=True, notifier="test",
                    today=DayTally(active_s=0.0, outcomes={}))  # fmt: skip


def test_item_registers_exports_icon_title_and_menu_acts_and_registers_again(session_bus):
    # Protects: issue 15: the item's properties, the IconPixmap sizes in ARGB32, the menu as
    # tray_menu's with ids a click maps back to, the change signals a host re-reads on,
    # clicks on disabled items ignored, and registering again when the watcher restarts.
    submitted = []
    watcher = StandInWatcher(session_bus.address)
    tray = SniTray(submitted.append, Launcher(), address=session_bus.address,
                   rhythm_s=1200)  # fmt: skip
    ready = threading.Event()
    loop = threading.Thread(target=tray.run, args=(ready.set, lambda: None), daemon=True)
    loop.start()
    try:
        assert ready.wait(5)
        assert watcher.wait_for(lambda s: s.registered == [tray.name] and s.layout is not None)
        props = watcher.seen.properties
        assert (props["Id"], props["Category"], props["Status"]) == (
            "posture-guard", "ApplicationStatus", "Active",
        )  # fmt: skip
        assert (props["ItemIsMenu"], props["Menu"]) == (True, "/MenuBar")
        sizes = [(w, h, len(data)) for w, h, data in props["IconPixmap"]]
        assert sizes == [(64, 64, 64 * 64 * 4), (32, 32, 32 * 32 * 4), (16, 16, 16 * 16 * 4)]
        pixels = props["IconPixmap"][0][2]
        assert pixels[0] == 0  # ARGB: a transparent corner's alpha comes first
        centre = (32 * 64 + 32) * 4
        assert pixels[centre] == 255  # an opaque centre

        tray.on_snapshot(snapshot(State.WORKING, 1200))
        assert watcher.wait_for(lambda s: "LayoutUpdated" in s.signals and s.reads >= 2)
        assert {"NewTitle", "NewToolTip"} <= set(watcher.seen.signals)
        client = SniClient(session_bus.env)
        title = client.prop(tray.name, "/StatusNotifierItem", "org.kde.StatusNotifierItem", "Title")
        assert title == "Posture Guard: Next break in 20 min (posture)"
        _rev, root = client.layout(tray.name, "/MenuBar")
        items = flatten(root)[1:]
        expected = tray_menu(TrayStatus.of(snapshot(State.WORKING, 1200)))
        labels = [p.get("label") for _i, p in items if p.get("type") != "separator"]
        assert labels[: len(expected) - 3][:4] == [
            "Next break in 20 min (posture)", "Take a break now", "Snooze", "Skip this break",
        ]  # fmt: skip
        by_label = {p.get("label"): i for i, p in items}
        client.click(tray.name, "/MenuBar", by_label["Snooze"])  # disabled: nothing happens
        client.click(tray.name, "/MenuBar", by_label["For 30 minutes"])
        assert _wait(lambda: submitted == [Pause(seconds=1800)])

        # a new watcher (the panel restarted): the item registers with it
        watcher.close()
        watcher = StandInWatcher(session_bus.address)
        assert watcher.wait_for(lambda s: s.registered == [tray.name] and s.layout is not None)
        assert tray.registrations == 2

        # what the item does not have is an error, not silence
        with pytest.raises(Exception, match="UnknownMethod"):
            client.call(tray.name, "/StatusNotifierItem", "org.kde.StatusNotifierItem", "Nope")
        xml = client.call(tray.name, "/MenuBar", "org.freedesktop.DBus.Introspectable",
                          "Introspect")[0]  # fmt: skip
        assert 'interface name="com.canonical.dbusmenu"' in xml
    finally:
        tray.stop()
        loop.join(5)
        watcher.close()
    assert not loop.is_alive()


def _wait(predicate, timeout: float = 5.0) -> bool:
    import time

    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True
