"""The break notice in GNOME Shell itself (43, `gnome-shell --headless`), the desktop most Linux
users sit at: with no layer shell there, the notice is a notification whose actions are Start
now and Postpone (ui/break_gtk.py Rule 1), and GNOME Shell is the notification server. Its
banner shows the actions only while the pointer is over it; the pointer moves and clicks
through mutter's remote desktop API, as a person's would, and the screen is read back with
the shell's own screenshot call (tests/artifacts/gnome-shell-*.png).

Where GNOME Shell 43 draws the banner on a 1280x800 monitor: 500 px wide at the top centre,
and once expanded a row of its actions, each half of it. `BANNER` and the button points are
read off that layout (Adwaita, Debian's GNOME 43); a layout that moved would make the click
miss and the test fail on the break not started, with the screenshots to look at.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from PIL import Image, ImageChops

from posture_guard.desktop.dbus import Bus
from posture_guard.desktop.notify import FreedesktopNotifier
from tests.app import Output, stop_process
from tests.desktop.compositors import (
    NOTIFICATIONS,
    Compositor,
    RemoteDesktop,
    gnome_shell,
    gnome_shot,
    gnome_windows,
    gtk_client_env,
)
from tests.desktop.conftest import SessionBus, start_session_bus, wait_until
from tests.desktop.test_forms_gtk import cli
from tests.desktop.test_windows_wayland import NECK_TURN, PAGE, BreakWindow, finish

pytestmark = pytest.mark.desktop

#: The banner's box (left, top, right, bottom) before it expands, and its row of actions after.
BANNER = (390, 36, 890, 112)
ACTIONS = (390, 112, 890, 154)
#: Where the banner draws the notice's icon, and the teal of our icon's ring (ui/icons.py).
ICON = (400, 45, 450, 95)
RING_TEAL = (38, 198, 218)
#: Where the pointer rests to expand the banner, and the middle of each action's button.
OVER_BANNER = (640, 75)
START_NOW = (515, 133)
POSTPONE = (765, 133)


@dataclass
class Shell:
    """GNOME Shell on a private bus; `env` is a Wayland-only GTK client's."""

    compositor: Compositor
    bus: SessionBus
    pointer: RemoteDesktop

    @property
    def env(self) -> dict[str, str]:
        return gtk_client_env(self.compositor)

    def shot(self, name: str) -> Image.Image:
        return gnome_shot(self.bus, f"gnome-shell-{name}")


@pytest.fixture
def shell(tmp_path: Path) -> Iterator[Shell]:
    with running_shell(tmp_path) as made:
        yield made


@pytest.fixture
def shell_with_launcher(tmp_path: Path) -> Iterator[Shell]:
    """GNOME Shell started after `posture-guard launcher install` (as the setup command does,
    before the next login): the shell knows our launcher from its start."""
    home = tmp_path / "gnome-shell"  # gnome_shell's HOME and XDG_DATA_HOME under it
    cli({"PATH": "/usr/bin:/bin", "HOME": str(home), "XDG_DATA_HOME": str(home / ".local/share"),
         "XDG_CONFIG_HOME": str(home / ".config")}, "launcher", "install")  # fmt: skip
    with running_shell(tmp_path) as made:
        yield made


@contextlib.contextmanager
def running_shell(tmp_path: Path) -> Iterator[Shell]:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "NO_AT_BRIDGE": "1"}
    with (
        start_session_bus(env, tmp_path / "dbus") as bus,
        gnome_shell(tmp_path / "gnome-shell", bus) as compositor,
    ):
        pointer = RemoteDesktop(bus.address)
        try:
            desk = Shell(compositor, bus, pointer)
            if os.geteuid() == 0:
                clear_the_root_warning(desk)
            leave_the_overview(desk)
            yield desk
        finally:
            pointer.close()


def clear_the_root_warning(shell: Shell) -> None:
    """GNOME Shell run as root says so in a banner at start ("Logged in as a privileged user"),
    which would hold the test's banner in its queue; a banner stays while the person is idle
    and goes 4 s after they are active: the pointer moves until it has gone."""
    wait_until(lambda: banner_shown(shell.shot("start")), "the shell's root warning", 15)
    for step in range(60):
        shell.pointer.move_by(3.0 if step % 2 else -3.0, 0.0)
        time.sleep(0.25)
        if not banner_shown(shell.shot("start")):
            return
    raise AssertionError("the shell's root warning stayed (see gnome-shell-start.png)")


def leave_the_overview(shell: Shell) -> None:
    """GNOME Shell opens in the overview, as after a login; a click on the workspace leaves it
    for the desktop, where windows are shown. The pointer rests there, away from the banner
    (which stays folded until the pointer is over it)."""
    before = shell.shot("overview")
    shell.pointer.move_to(640, 600)
    shell.pointer.click()
    wait_until(lambda: changed(before, shell.shot("desktop"), (0, 200, 200, 600)), "the desktop")


def banner_shown(shot: Image.Image) -> bool:
    """Whether a banner covers the top of BANNER: the strip just inside its top edge differs
    from the background beside it, at the same height."""
    outside = shot.getpixel((BANNER[0] - 190, BANNER[1] + 8))
    strip = shot.crop((BANNER[0] + 10, BANNER[1] + 4, BANNER[2] - 10, BANNER[1] + 12))
    pixels = list(strip.get_flattened_data())
    return sum(p == outside for p in pixels) < len(pixels) // 2


def point_at(shell: Shell, button: tuple[int, int]) -> None:
    """From where the pointer rests on the expanded banner (OVER_BANNER) to `button`, never
    leaving it: a pointer that leaves lets the banner fold away within a second."""
    shell.pointer.move_by(float(button[0] - OVER_BANNER[0]), float(button[1] - OVER_BANNER[1]))
    time.sleep(0.1)


def full_screen(shot: Image.Image) -> bool:
    """Whether the break page's colour fills every corner of the monitor."""
    w, h = shot.size
    return {shot.getpixel(p) for p in ((0, 0), (w - 1, 0), (0, h - 1), (w - 1, h - 1))} == {PAGE}


def changed(before: Image.Image, after: Image.Image, box: tuple[int, int, int, int]) -> bool:
    """Whether `box` looks different in `after`: more than a few pixels."""
    diff = ImageChops.difference(before.crop(box), after.crop(box)).convert("L")
    return sum(1 for v in diff.get_flattened_data() if v > 24) > 200


class Signals:
    """What passes on the bus to and from the notification server, as `dbus-monitor` prints it
    (a bus monitor: the server sends ActionInvoked and NotificationClosed to the notice's
    sender alone, which a match rule does not see)."""

    def __init__(self, shell: Shell) -> None:
        self.proc = subprocess.Popen(
            ["stdbuf", "-oL", "dbus-monitor", "--address", shell.bus.address,
             f"interface='{NOTIFICATIONS}'"],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )  # fmt: skip
        self.out = Output(self.proc)
        self.out.wait_for("NameAcquired", 10)

    def after(self, member: str) -> list[str]:
        """The lines after the last line naming `member` (its arguments), [] without one."""
        lines = list(self.out.lines)
        starts = [n for n, line in enumerate(lines) if f"member={member}" in line]
        return lines[starts[-1] + 1 : starts[-1] + 4] if starts else []

    def close(self) -> None:
        finish(self.proc, self.out)


def show_notice(shell: Shell) -> BreakWindow:
    """The break window process with the person typing (its notice stays until answered),
    once GNOME Shell shows its banner; the banner expanded by the pointer over it."""
    assert not banner_shown(shell.shot("before"))
    window = BreakWindow(shell, NECK_TURN, "--focus-after-idle", "60", "--single-monitor")  # type: ignore[arg-type]
    wait_until(lambda: banner_shown(shell.shot("banner")), "the banner", 15)
    folded = shell.shot("banner")
    shell.pointer.move_to(*OVER_BANNER)
    wait_until(lambda: changed(folded, shell.shot("banner-expanded"), ACTIONS), "its actions", 10)
    return window


def test_in_gnome_shell_the_notice_is_its_banner_and_start_now_starts_the_break(
    shell: Shell,
) -> None:
    # Protects: on GNOME (Wayland, no layer shell) the notice reaches the person as GNOME
    # Shell's own banner with Start now and Postpone, and Start now, clicked there, starts the
    # break and takes the notification away. Tested before only with dunst standing in.
    signals = Signals(shell)
    window = show_notice(shell)
    try:
        assert not any("started" in line for line in window.out.lines)
        # our icon beside the words (no icon theme has it here: the package's own PNG, rule 6
        # of desktop/notify.py), not the shell's broken-image sign: its ring's teal is there
        icon_box = shell.shot("banner-icon").crop(ICON)
        assert sum(p == RING_TEAL for p in icon_box.get_flattened_data()) >= 20
        point_at(shell, START_NOW)
        shell.pointer.click()
        window.out.wait_for("started", 10)
        # the shell's own ActionInvoked "start", and the window's call taking the notification
        # away (GNOME Shell closes a notification whose action was clicked anyway)
        wait_until(
            lambda: any('"start"' in line for line in signals.after("ActionInvoked")),
            "the shell's ActionInvoked",
            10,
        )
        wait_until(lambda: signals.after("CloseNotification"), "the notification withdrawn", 10)
        # and the break window over the whole monitor, the top bar too
        wait_until(lambda: full_screen(shell.shot("break-started")), "the break window", 10)
    finally:
        window.close()
        signals.close()


def test_in_gnome_shell_the_banners_postpone_postpones_the_break(shell: Shell) -> None:
    # Protects: Postpone in GNOME Shell's banner answers the break as postponed, as the corner
    # notice's button does.
    window = show_notice(shell)
    try:
        point_at(shell, POSTPONE)
        shell.pointer.click()
        assert window.outcome() == {"outcome": "postponed", "countdown_done": False}
        assert not any("started" in line for line in window.out.lines)
    finally:
        window.close()


def test_in_gnome_shell_a_click_on_the_banner_itself_starts_the_break(shell: Shell) -> None:
    # Protects: a click on the banner's words (not a button) is what GNOME users do with a
    # notification; it is the notice's primary action, Start now ("default"), as a click on
    # the corner notice is. Without one GNOME Shell opens the app's launcher instead: a
    # second `posture-guard run`, and the notice gone with nothing started.
    window = show_notice(shell)
    try:
        shell.pointer.click()  # where it rests: on the banner's words
        window.out.wait_for("started", 10)
        wait_until(lambda: full_screen(shell.shot("break-started-by-banner")), "the break", 10)
    finally:
        window.close()


def test_in_gnome_shell_a_click_on_a_notification_opens_the_running_services_menu(
    shell_with_launcher: Shell,
) -> None:
    # Protects: GNOME Shell answers a click on a notification without a "default" action (the
    # service's: a break's prompt, the no-tray notice) by starting the app's launcher; it ran
    # `posture-guard run`, which only said "already running" where nobody reads it: on stock
    # GNOME, with no tray, the click did nothing. The launcher asks for the running one's menu.
    shell = shell_with_launcher
    env = {**shell.env, "POSTURE_GUARD_TOOLKIT": "gtk"}
    service = subprocess.Popen(
        [sys.executable, "-m", "posture_guard", "run", "--headless"], env=env,
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    out = Output(service)
    try:
        out.wait_for("Posture Guard is running", 20)
        bus = Bus(shell.bus.address)
        try:  # a notice as the service sends it (its app name, icon and desktop-entry hint)
            assert FreedesktopNotifier(bus).notify("Stretch break", "Time for a stretch.")
        finally:
            bus.close()
        wait_until(lambda: banner_shown(shell.shot("service-notice")), "the banner", 15)
        shell.pointer.move_to(*OVER_BANNER)
        shell.pointer.click()
        wait_until(lambda: menu_windows() != [], "the menu window", 20)
        wait_until(lambda: "Posture Guard" in gnome_windows(shell.bus), "the menu shown", 10)
        time.sleep(0.5)
        shell.shot("menu-from-a-notification")
        # counted as our app's window (its Wayland app id is the launcher's): the top bar says
        # "Posture Guard" with our icon, not "PostureGuardMenu" with a generic one
        assert gnome_windows(shell.bus)["Posture Guard"] == "posture-guard.desktop"
        assert service.poll() is None  # the running service, untouched
    finally:
        for pid in menu_windows():
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)
        stop_process(service)
        out._thread.join(5)
        assert service.stdout is not None
        service.stdout.close()


def menu_windows() -> list[int]:
    """The menu window processes running now (their command lines, from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                if b"posture_guard.ui.menu_window" in (entry / "cmdline").read_bytes():
                    found.append(int(entry.name))
    return found
