"""`posture-guard doctor` on a full virtual desktop: Xvfb, session bus, dunst, openbox, trayer."""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path

import pytest

from posture_guard.core.traymodel import HOW_TO_GET_THE_FULL_TRAY
from posture_guard.desktop.dbus import NO_SESSION_BUS
from tests.app import ROOT, App, stop_process
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
            # doctor loads GTK as `run` would (the tray probe): no AT-SPI bus here (NO_AT_BRIDGE)
            app.env.update(DISPLAY=display, DBUS_SESSION_BUS_ADDRESS=bus.address, NO_AT_BRIDGE="1")
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
    assert lines[("busy", "do-not-disturb")] == (
        "ok  not busy now (via org.dunstproject.cmd0 paused)  [used]"  # dunst's switch
    )
    assert lines[("notify", "freedesktop")] == "ok  a notification service answers  [used]"
    assert lines[("tray", "xorg")].startswith("ok  icon only: no menu;")
    assert ("tray", "headless") not in lines
    # an XEmbed tray only: the hint says the full menu needs a StatusNotifierItem host
    assert lines[("tray", "sni")].startswith("no  no StatusNotifierItem host")
    hints = [line for line in done.stdout.splitlines() if line.startswith("hint: ")]
    assert hints == [f"hint: {HOW_TO_GET_THE_FULL_TRAY}"]


def _probe_tray(env: dict[str, str]) -> str | None:
    """The backend `run` would pick (tray.probe_tray), asked in a process of its own; checks
    that doctor's walk over every backend (probe_tray_backends) says the same."""
    script = (
        "from posture_guard.ui.tray import probe_tray, probe_tray_backends\n"
        "every = probe_tray_backends()\n"
        "print(repr((probe_tray(), (every.used, every.notes))))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        env=env, cwd=ROOT, capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    run_would, doctor_says = ast.literal_eval(done.stdout.strip().splitlines()[-1])
    assert run_would == doctor_says
    return run_would[0]


@pytest.mark.parametrize(
    "case",
    [
        # no tray host yet: `run` takes xorg (it docks when a panel starts); doctor used to
        # call every backend broken and say headless
        (True, None, "xorg"),
        (False, None, "xorg"),
        # a pinned backend that cannot work: `run` goes headless; doctor used to mark it used
        (False, "gtk", None),
        (True, "xorg", "xorg"),
    ],
)
def test_doctor_marks_used_the_tray_backend_run_would_use(
    app: App, make_xvfb: MakeXvfb, tmp_path: Path, case: tuple[bool, str | None, str | None]
) -> None:
    bus_on, pinned, expected = case
    with (
        make_xvfb() as (display, _x),
        start_session_bus({**app.env, "DISPLAY": display}, tmp_path / "bus") as bus,
    ):
        app.env.update(DISPLAY=display, NO_AT_BRIDGE="1")
        if bus_on:
            app.env["DBUS_SESSION_BUS_ADDRESS"] = bus.address
        if pinned is not None:
            app.env["PYSTRAY_BACKEND"] = pinned
        done = app.cli("doctor")
        run_would_use = _probe_tray(app.env)
    assert (done.returncode, done.stderr) == (0, "")
    print(done.stdout)
    lines = backends(done.stdout)
    used = [name for (area, name), rest in lines.items() if area == "tray" and "[used]" in rest]
    assert used == [expected or "headless"]
    assert run_would_use == expected
    if expected is not None:
        assert lines[("tray", expected)].startswith("ok  ")
    if bus_on and pinned is None:  # nothing owns the tray selection: doctor says so
        assert lines[("tray", "appindicator")] == (
            "ok  menu on click; no tray host yet (no StatusNotifierWatcher, no XEmbed tray): "
            "it shows when one starts"
        )
        assert lines[("tray", "xorg")].endswith(
            "; no tray host yet: the icon shows when one starts  [used]"
        )
    if pinned is not None:
        assert lines[("tray", pinned)].endswith(
            "(PYSTRAY_BACKEND)" + ("  [used]" if expected else "")
        )
    if not bus_on:
        assert lines[("tray", "appindicator")] == f"no  {NO_SESSION_BUS}"
        assert lines[("tray", "sni")] == f"no  {NO_SESSION_BUS}"
    # the hint (a panel that shows StatusNotifierItems) only where that is what is missing
    hints = [line for line in done.stdout.splitlines() if line.startswith("hint: ")]
    assert bool(hints) == (bus_on and pinned is None)


def test_doctor_hints_how_to_get_the_full_tray_when_pygobject_is_missing(
    app: App, make_xvfb: MakeXvfb, tmp_path: Path
) -> None:
    # sys.modules["gi"] = None is how Python says "no such module": PyGObject is missing.
    script = (
        "import sys\n"
        "sys.modules['gi'] = None\n"
        "from posture_guard.ui.doctor import diagnose, format_report\n"
        "print(format_report(*diagnose()))\n"
    )
    with (
        make_xvfb() as (display, _x),
        start_session_bus({**app.env, "DISPLAY": display}, tmp_path / "bus") as bus,
    ):
        done = subprocess.run(
            [sys.executable, "-c", script],
            env={**bus.env, "NO_AT_BRIDGE": "1"},
            cwd=ROOT, capture_output=True, text=True, timeout=60, check=True,
        )  # fmt: skip
    print(done.stdout)
    lines = backends(done.stdout)
    assert lines[("tray", "appindicator")] == "no  PyGObject (gi) is not installed"
    assert lines[("tray", "gtk")] == "no  PyGObject (gi) is not installed"
    assert lines[("tray", "xorg")].endswith("[used]")
    hints = [line for line in done.stdout.splitlines() if line.startswith("hint: ")]
    assert hints == [f"hint: {HOW_TO_GET_THE_FULL_TRAY}"]
