"""The real tray: `posture-guard run` docks its icon in trayer, its menu acts on the service.

Every test starts openbox and trayer (plus dunst or not) on the session's Xvfb and the app with
PYSTRAY_BACKEND pinned; screenshots land in tests/artifacts/tray-*.png.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from posture_guard.core.traymodel import HOW_TO_GET_THE_FULL_TRAY
from posture_guard.ui.icons import OPAQUE_BACKGROUND
from tests.app import App, read_until
from tests.desktop.conftest import wait_until
from tests.desktop.traydesk import (
    TrayDesktop,
    app_env,
    grab,
    share_near,
    tray_icons,
    wait_for_icon,
)
from tests.desktop.xclients import x_connections_of

pytestmark = pytest.mark.desktop

#: Breaks all day, every day; one kind only, every EVERY of active time.
PLAN = """
[working_hours]
days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
start = "00:00"
end = "24:00"
[breaks.posture]
every = "{every}"
length = "5s"
[breaks.stretch]
enabled = false
[breaks.movement]
enabled = false
"""
SLATE = (38, 50, 56)  # the icon's disc while working
PAUSED_GREY = (120, 144, 156)


def start_tray_app(app: App, desk: TrayDesktop, backend: str, every: str = "20m", **env: str):
    app.env.update(app_env(app.env, desk, backend))
    app.env.update(env)
    app.config.write_text(PLAN.format(every=every))
    app.not_first_run()  # the welcome window has tests of its own
    proc = app.start()
    assert f"tray: {backend}" in running_line(proc)
    app.wait_running()
    return proc


def loaded_pillow(pid: int) -> list[str]:
    """Pillow's files the process has mapped: its C core and bundled libraries (none expected:
    the tray draws pre-drawn pictures without it, tray_images.py)."""
    maps = Path(f"/proc/{pid}/maps").read_text().splitlines()
    return sorted({line.split()[-1] for line in maps if "/PIL/" in line or "pillow.libs" in line})


def running_line(proc) -> str:
    lines = read_until(proc, "Posture Guard is running", timeout=20)
    return next(line for line in lines if "Posture Guard is running" in line)


def start_finding_the_tray(app: App, tray: str, preamble: str = "") -> subprocess.Popen[str]:
    """`posture-guard run` after its first run (the welcome window has tests of its own) with
    nothing pinned, on a plan of every 20 min; asserts it chose the `tray` backend by itself.
    `preamble` as `App.start` takes it."""
    for name in ("PYSTRAY_BACKEND", "POSTURE_GUARD_TRAY"):
        app.env.pop(name, None)
    app.env["NO_AT_BRIDGE"] = "1"
    app.config.write_text(PLAN.format(every="20m"))
    app.not_first_run()
    proc = app.start(preamble=preamble)
    assert f"tray: {tray}" in running_line(proc)
    app.wait_running()
    return proc


def status_of(app: App) -> str:
    return app.cli("status").stdout


def wait_status(app: App, needle: str, timeout: float = 10) -> None:
    wait_until(lambda: needle in status_of(app), f"status to say {needle!r}", timeout)


def test_appindicator_tray_docks_opens_its_menu_and_pauses_the_service(
    app: App, tray_desktop: TrayDesktop
):
    proc = start_tray_app(app, tray_desktop, "appindicator", POSTURE_GUARD_IDLE="x11")
    icon = wait_for_icon(tray_desktop.display)
    wait_until(
        lambda: "Next break in" in tray_icons(tray_desktop.display)[0].title, "the status title"
    )
    assert share_near(grab(tray_desktop.display, icon.box), SLATE) > 0.2
    assert loaded_pillow(proc.pid) == []
    tray_desktop.screenshot("tray-appindicator-docked")

    # a left click opens the GTK menu; keys walk it: Take a break now, (Snooze is disabled),
    # Pause -> its submenu -> For 30 minutes
    tray_desktop.xdotool("mousemove", str(icon.center[0]), str(icon.center[1]), "click", "1")
    wait_until(
        lambda: tray_desktop.xdotool("search", "--onlyvisible", "--class", "posture-guard"),
        "the menu to open",
    )
    time.sleep(0.3)
    tray_desktop.screenshot("tray-appindicator-menu")
    tray_desktop.xdotool("key", "--delay", "150", "Down", "Down", "Right")
    time.sleep(0.3)
    tray_desktop.screenshot("tray-appindicator-pause-submenu")
    tray_desktop.xdotool("key", "Return")
    wait_status(app, "State:       paused")
    assert "Paused until:" in status_of(app)

    # the icon shows it: the paused disc, and the title says until when
    wait_until(
        lambda: share_near(grab(tray_desktop.display, icon.box), PAUSED_GREY) > 0.2,
        "the paused icon",
    )
    assert "Paused until" in tray_icons(tray_desktop.display)[0].title
    tray_desktop.screenshot("tray-appindicator-paused")
    # GTK's own connection and the one the X11 idle and full-screen busy sources share
    assert x_connections_of(tray_desktop.display, proc.pid) == 2
    # issue 13: GTK's known complaint about the XEmbed fallback icon printed "Gdk-CRITICAL" on
    # every start; it goes to the log at debug level now, and nothing else of GDK's is hidden
    said = read_until(proc, "Posture Guard is running", timeout=1)
    assert [line for line in said if "Gdk-" in line or "Gtk-" in line] == []


def test_appindicator_tray_docks_again_when_the_tray_host_restarts(
    app: App, tray_desktop: TrayDesktop
):
    start_tray_app(app, tray_desktop, "appindicator")
    wait_for_icon(tray_desktop.display)
    tray_desktop.stop_trayer()
    assert tray_icons(tray_desktop.display) == []
    tray_desktop.start_trayer()
    icon = wait_for_icon(tray_desktop.display, timeout=15)
    assert share_near(grab(tray_desktop.display, icon.box), SLATE) > 0.2
    tray_desktop.screenshot("tray-appindicator-redocked")
    assert "State:       working" in status_of(app)  # the service went on meanwhile


def test_xorg_tray_docks_when_the_tray_host_starts_after_it_and_again_after_a_restart(
    app: App, tray_desktop: TrayDesktop
):
    tray_desktop.stop_trayer()  # at login the app may start before the panel
    start_tray_app(app, tray_desktop, "xorg")
    assert tray_icons(tray_desktop.display) == []
    tray_desktop.start_trayer()
    icon = wait_for_icon(tray_desktop.display)
    assert share_near(grab(tray_desktop.display, icon.box), SLATE) > 0.2
    tray_desktop.stop_trayer()
    tray_desktop.start_trayer()
    icon = wait_for_icon(tray_desktop.display)
    assert share_near(grab(tray_desktop.display, icon.box), SLATE) > 0.2
    tray_desktop.screenshot("tray-xorg-redocked")


def test_xorg_tray_left_click_opens_our_menu_window_which_acts(app: App, tray_desktop: TrayDesktop):
    proc = start_tray_app(app, tray_desktop, "xorg")
    icon = wait_for_icon(tray_desktop.display)
    image = grab(tray_desktop.display, icon.box)
    assert image.getpixel((0, 0)) == OPAQUE_BACKGROUND  # opaque: no black corners
    assert share_near(image, SLATE) > 0.2
    assert loaded_pillow(proc.pid) == []
    assert share_near(image, SLATE) > 0.2
    assert not any("Failed to dock" in line for line in read_until(proc, "running", timeout=1))

    tray_desktop.xdotool("mousemove", str(icon.center[0]), str(icon.center[1]), "click", "1")
    wait_until(
        lambda: tray_desktop.xdotool("search", "--onlyvisible", "--class", "PostureGuardMenu"),
        "our menu window",
        timeout=10,
    )
    time.sleep(0.5)
    tray_desktop.screenshot("tray-xorg-menu-window")
    # focus starts on "Take a break now"; Down skips the disabled Snooze to "Pause: for 30
    # minutes"; Return acts and closes the window
    window = tray_desktop.xdotool("search", "--onlyvisible", "--class", "PostureGuardMenu")
    tray_desktop.xdotool("windowactivate", "--sync", window.splitlines()[0])
    tray_desktop.xdotool("key", "--delay", "100", "Down", "Return")
    wait_status(app, "State:       paused")
    wait_until(
        lambda: not tray_desktop.xdotool("search", "--onlyvisible", "--class", "PostureGuardMenu"),
        "the menu window to close",
    )
    wait_until(
        lambda: share_near(grab(tray_desktop.display, icon.box), PAUSED_GREY) > 0.2,
        "the paused icon",
    )  # the service's snapshot woke pystray's loop
    tray_desktop.screenshot("tray-xorg-paused")
    # pystray's icon connection, the waker's, and the one the X11 idle and full-screen busy
    # sources share (and the dock check borrowed at start): not one per source
    assert x_connections_of(tray_desktop.display, proc.pid) == 3


def test_without_a_notification_daemon_the_notice_goes_to_the_tray_title(
    app: App, quiet_tray_desktop: TrayDesktop
):
    proc = start_tray_app(app, quiet_tray_desktop, "xorg", "10s", POSTURE_GUARD_IDLE="none")
    assert "notifications: tray-title+terminal" in running_line(proc)
    # no idle source: all time counts as active, so the 10 s posture break comes due
    read_until(proc, "Posture and eyes check", timeout=30)  # the terminal line is kept

    # first the pre-break notice ("... in 10 s"), then the prompt itself ("... (20s)")
    def title() -> str:  # "" for a moment when the tray is being walked as it changes
        icons = tray_icons(quiet_tray_desktop.display)
        return icons[0].title if icons else ""

    wait_until(lambda: "Posture and eyes check (" in title(), "the prompt in the tray title", 30)
    quiet_tray_desktop.screenshot("tray-xorg-notice-in-title")
    # The break window opens too and, the screen being idle, starts the break at once; a
    # snooze may come first. Either way the state moves on, and the notice leaves the title.
    app.cli("snooze")

    def moved_on() -> bool:
        now = title()
        return "Posture and eyes check (" not in now and ("snoozed" in now or "on a break" in now)

    wait_until(moved_on, "the title to move on once the break is snoozed or taken")


def test_quit_from_the_tray_menu_stops_the_service(app: App, tray_desktop: TrayDesktop):
    proc = start_tray_app(app, tray_desktop, "appindicator")
    icon = wait_for_icon(tray_desktop.display)
    tray_desktop.xdotool("mousemove", str(icon.center[0]), str(icon.center[1]), "click", "1")
    wait_until(
        lambda: tray_desktop.xdotool("search", "--onlyvisible", "--class", "posture-guard"),
        "the menu to open",
    )
    time.sleep(0.3)
    tray_desktop.xdotool("key", "--delay", "100", "Up", "Return")  # Up wraps to Quit
    assert proc.wait(timeout=15) == 0
    wait_until(lambda: tray_icons(tray_desktop.display) == [], "the icon to go")


@pytest.mark.parametrize("backend", ["appindicator", "xorg"])
def test_tray_redraws_only_what_changed(backend, tray_desktop: TrayDesktop):
    """Many snapshots with the same look redraw nothing; one that moves the ring a step redraws
    the icon once (a tray of its own process, fed by a worker thread as in the app)."""
    done = subprocess.run(
        [sys.executable, "-c", RUN_TRAY_WITH_SNAPSHOTS],
        env={**tray_desktop.env, "PYSTRAY_BACKEND": backend},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    parts = done.stdout.strip().splitlines()[-1].split(" | ")
    first, then, wakes = (eval(part) for part in parts)
    assert first["icon"] == 0  # 20 snapshots inside the first twelfth: the start image stays
    menu_builds = first["menu"]
    assert then == {"icon": 1, "title": first["title"], "menu": menu_builds}  # one step: icon only
    assert menu_builds == (1 if backend == "appindicator" else 0)  # xorg has no menu to build
    # the first snapshot (title "Starting…" to "Next break in 20 min") and the ring's step wake
    # the tray loop; the 19 snapshots between them show nothing new and wake nothing
    assert wakes == {"first": 1, "same look": 0, "ring step": 1}


# The tray runs on the main thread of its own process (pystray requires it); snapshots come from
# a worker thread, as in the app.
RUN_TRAY_WITH_SNAPSHOTS = """
import threading, time
from datetime import datetime
from posture_guard.ui.launch import Launcher
from posture_guard.ui.tray import open_tray

from posture_guard.core import config
from posture_guard.core.commands import Snapshot
from posture_guard.core.records import DayTally
from posture_guard.core.timer import Command, State, TimerStatus

def Snap(next_in):
    status = TimerStatus(state=State.WORKING, current=None, next_kind="posture",
                         next_in_s=next_in, active_today_s=0.0, day=None, paused_until=None,
                         outcomes_today={}, allowed=frozenset({Command.PAUSE, Command.TAKE_NOW}),
                         snoozes_left=None, skip_allowed=False)
    return Snapshot(at=datetime.now().astimezone(), status=status, settings=config.defaults(),
                    idle_source="test", sees_idle=True, notifier="test",
                    today=DayTally(active_s=0.0, outcomes={}))

tray, reasons = open_tray(lambda p: {"ok": True}, Launcher(), rhythm_s=1200)
assert tray is not None, reasons

def feed():
    wakes = {"first": tray.wakes}
    tray.on_snapshot(Snap(1200))
    wakes["first"] = tray.wakes - wakes["first"]
    before = tray.wakes
    for i in range(1, 20):
        tray.on_snapshot(Snap(1200 - i))  # 19 s of progress: still step 0, same label
        time.sleep(0.02)
    wakes["same look"] = tray.wakes - before
    time.sleep(0.5)
    first = dict(tray.redraws)
    before = tray.wakes
    tray.on_snapshot(Snap(1080))  # 120 s done: step 1, label still "20 min"
    wakes["ring step"] = tray.wakes - before
    time.sleep(0.5)
    print(f"{first} | {tray.redraws} | {wakes}", flush=True)
    tray.stop()

tray.run(on_ready=lambda: threading.Thread(target=feed).start(), on_main_thread=lambda: None)
"""


def probe(env: dict[str, str], *, without_gi: bool = False) -> tuple[str | None, list[str]]:
    block = "import sys; sys.modules['gi'] = None; " if without_gi else ""  # gi unimportable
    done = subprocess.run(
        [sys.executable, "-c", f"{block}from posture_guard.ui.tray import probe_tray; print(repr(probe_tray()))"],
        env=env, capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    return eval(done.stdout.strip().splitlines()[-1])


def test_doctor_probe_names_the_backend_run_would_use(tray_desktop: TrayDesktop):
    # Protects: an XEmbed-only tray gets xorg, with how to get the full menu (a panel that
    # shows StatusNotifierItems); PyGObject plays no part in the choice any more
    env = {k: v for k, v in tray_desktop.env.items() if k != "PYSTRAY_BACKEND"}
    no_host = (
        "tray: sni: no StatusNotifierItem host (nothing owns org.kde.StatusNotifierWatcher on"
        " the session bus)"
    )
    expected = ("xorg", [no_host, f"tray: xorg has no menu of its own; {HOW_TO_GET_THE_FULL_TRAY}"])
    assert probe(env) == expected
    assert probe(env, without_gi=True) == expected
    # no session bus: sni cannot work, xorg does; a panel would not help
    no_bus = {
        k: v for k, v in env.items() if k not in ("DBUS_SESSION_BUS_ADDRESS", "XDG_RUNTIME_DIR")
    }
    backend, reasons = probe(no_bus)
    assert backend == "xorg"
    assert reasons[0] == (
        "tray: sni: no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is not set, and $XDG_RUNTIME_DIR/bus is not a socket of ours)"
    )
    assert reasons[1:] == ["tray: xorg has no menu of its own"]


def test_with_no_tray_host_the_service_says_so_once_and_names_the_ways_in(
    tray_desktop: TrayDesktop, monkeypatch
):
    """Issue 15: with no tray host at all (stock GNOME, a bare window manager) the icon silently
    did not appear. The service's minute job asks the real X display and session bus, and
    says so once, naming the other ways into the menu; a StatusNotifierWatcher is a host for
    appindicator."""
    from jeepney import message_bus
    from jeepney.io.blocking import open_dbus_connection

    from posture_guard.testing import RecordingNotifier
    from posture_guard.ui.tray import (
        NO_TRAY_HOST,
        SNI_WATCHER,
        MissingHostNotice,
        no_tray_host,
    )

    for name, value in tray_desktop.env.items():
        monkeypatch.setenv(name, value)
    assert not no_tray_host("xorg")  # trayer holds the XEmbed selection
    tray_desktop.stop_trayer()
    assert no_tray_host("xorg")
    assert no_tray_host("appindicator")
    assert no_tray_host("sni")
    notifier = RecordingNotifier()
    job = MissingHostNotice("appindicator", notifier)
    job()
    job()  # once only
    assert [(n.title, n.message) for n in notifier.notices] == [("Posture Guard", NO_TRAY_HOST)]
    assert "`posture-guard menu`" in NO_TRAY_HOST
    with open_dbus_connection(bus="SESSION") as watcher:  # a host appears (KDE, GNOME's extension)
        watcher.send_and_get_reply(message_bus.RequestName(SNI_WATCHER))
        assert not no_tray_host("appindicator")
        assert not no_tray_host("sni")
        assert no_tray_host("xorg")  # xorg docks only in an XEmbed tray
    tray_desktop.start_trayer()  # the fixture stops what it started
