"""`posture-guard doctor` on a full virtual desktop: Xvfb, session bus, dunst, openbox, trayer."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path

import pytest

from tests.app import App, stop_process
from tests.desktop.conftest import start_session_bus, wait_until
from tests.desktop.test_fullscreen_busy import openbox
from tests.desktop.test_service_busy import dunst_on
from tests.e2e.test_doctor_cli import backends

pytestmark = pytest.mark.desktop

MakeXvfb = Callable[..., AbstractContextManager[tuple[str, subprocess.Popen[bytes]]]]
TRAYER = (
    "trayer", "--edge", "top", "--align", "right", "--widthtype", "request", "--height", "24",
    "--SetDockType", "true", "--transparent", "false", "--tint", "0x888888", "--expand", "true",
)  # fmt: skip


def _tray_owned(display: str) -> bool:
    from Xlib import display as xdisplay

    conn = xdisplay.Display(display)
    try:
        owner = conn.get_selection_owner(conn.intern_atom("_NET_SYSTEM_TRAY_S0"))
        return bool(getattr(owner, "id", owner))
    finally:
        conn.close()


def test_doctor_on_a_desktop_finds_x11_dunst_and_the_xembed_tray(
    app: App, make_xvfb: MakeXvfb, tmp_path: Path
) -> None:
    with (
        make_xvfb() as (display, _x),
        start_session_bus({**app.env, "DISPLAY": display}, tmp_path / "bus") as bus,
        dunst_on(bus),
        openbox(display, tmp_path),
    ):
        tray = subprocess.Popen(
            TRAYER, env={**bus.env, "DISPLAY": display},
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            wait_until(lambda: _tray_owned(display), "trayer to own the tray selection")
            app.env.update(DISPLAY=display, DBUS_SESSION_BUS_ADDRESS=bus.address)
            done = app.cli("doctor")
        finally:
            stop_process(tray)
    assert (done.returncode, done.stderr) == (0, "")
    print(done.stdout)
    lines = backends(done.stdout)
    assert lines[("idle", "x11")].startswith("ok  ")
    assert lines[("idle", "x11")].endswith("s since the last input  [used]")
    assert lines[("idle", "gnome")] == (
        "no  org.gnome.Mutter.IdleMonitor is not on the session bus (not a GNOME session)"
    )
    assert lines[("busy", "fullscreen-x11")] == "ok  not busy now  [used]"
    assert lines[("busy", "do-not-disturb")] == "ok  not busy now  [used]"  # dunst's paused
    assert lines[("notify", "plyer")] == "ok  a notification service answers  [used]"
    assert lines[("tray", "xorg")].startswith("ok  icon only: no menu;")
    assert ("tray", "headless") not in lines
    # the hint for the full tray appears exactly when PyGObject is what is missing
    hinted = any(line.startswith("hint: ") for line in done.stdout.splitlines())
    assert hinted == ("PyGObject (gi) is not installed" in lines[("tray", "appindicator")])
