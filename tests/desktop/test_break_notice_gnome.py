"""The break notice under GNOME on Wayland: mutter 43 (`mutter --headless --wayland --no-x11`)
has no layer shell, so the break window cannot show its corner notice; it shows the notice as a
desktop notification whose actions are Start now and Postpone (ui/break_gtk.py Rule 1). The
notification daemon is a real dunst on the same private bus (drawn on the test's Xvfb); a
button is picked through dunst's own context menu (`dunstctl context`), as a person would.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.desktop.compositors import Compositor, gtk_client_env, mutter
from tests.desktop.conftest import SessionBus, menu_text, save_screenshot, wait_until
from tests.desktop.test_windows_wayland import NECK_TURN, BreakWindow

pytestmark = pytest.mark.desktop

#: What the notification's context menu lists: each action, with the notice's heading.
START_ENTRY = "#Start now (Stretch break: Neck turn)"
POSTPONE_ENTRY = "#Postpone (Stretch break: Neck turn)"


@dataclass
class Gnome:
    """Headless mutter and dunst on one private bus; `env` is a Wayland-only GTK client's."""

    compositor: Compositor
    bus: SessionBus
    menu: Path
    display: str

    @property
    def env(self) -> dict[str, str]:
        return gtk_client_env(self.compositor)

    def displayed(self) -> int:
        return int(self.bus.run("dunstctl", "count", "displayed").strip())

    def pick(self, label: str) -> None:
        """Pick the notice's action `label` through dunst's context menu."""
        (self.menu / "choice").write_text(label)
        self.bus.run("dunstctl", "context")


@pytest.fixture
def gnome(
    dunst_with_menu: tuple[SessionBus, Path], xvfb_display: str, tmp_path: Path
) -> Iterator[Gnome]:
    bus, menu = dunst_with_menu
    with mutter(tmp_path / "mutter", bus) as compositor:
        yield Gnome(compositor, bus, menu, xvfb_display)


def open_window(gnome: Gnome) -> BreakWindow:
    # the person counts as typing for a minute: the notice stays until a button is picked
    window = BreakWindow(gnome, NECK_TURN, "--focus-after-idle", "60", "--single-monitor")  # type: ignore[arg-type]
    wait_until(lambda: gnome.displayed() == 1, "the notice as a notification", 15)
    return window


def test_under_mutter_the_notice_is_a_notification_whose_start_now_starts_the_break(
    gnome: Gnome,
) -> None:
    # Protects: GNOME Wayland users got no notice at all while typing (no layer shell), so
    # neither Start now nor Postpone; now the notice is a notification with the corner
    # notice's words, and its Start now starts the break and takes the notification away.
    window = open_window(gnome)
    try:
        save_screenshot(gnome.display, "gnome-break-notice-notification")
        assert not any("started" in line for line in window.out.lines)
        gnome.pick("Start now")
        window.out.wait_for("started", 10)
        assert START_ENTRY in menu_text(gnome.menu)
        assert POSTPONE_ENTRY in menu_text(gnome.menu)
        wait_until(lambda: gnome.displayed() == 0, "the notification withdrawn", 5)
    finally:
        window.close()


def test_under_mutter_the_notifications_postpone_postpones_the_break(gnome: Gnome) -> None:
    # Protects: Postpone on the notification answers the break as postponed, as the corner
    # notice's button does, and the notification goes with the window.
    window = open_window(gnome)
    try:
        gnome.pick("Postpone")
        assert window.outcome() == {"outcome": "postponed", "countdown_done": False}
        assert not any("started" in line for line in window.out.lines)
        wait_until(lambda: gnome.displayed() == 0, "the notification withdrawn", 5)
    finally:
        window.close()


def test_the_layer_shell_is_missing_under_mutter(gnome: Gnome) -> None:
    # Protects the premise of the notification: gtk-layer-shell's own answer under mutter 43
    # is "not supported" (a newer mutter that offers it would bring the corner notice back).
    probe = (
        "import gi; gi.require_version('Gtk', '3.0'); gi.require_version('GtkLayerShell', '0.1');"
        "from gi.repository import Gtk, GtkLayerShell; Gtk.init_check(None);"
        "print(GtkLayerShell.is_supported())"
    )
    done = subprocess.run([sys.executable, "-c", probe], env=gnome.env, capture_output=True,
                          text=True, timeout=30, check=False)  # fmt: skip
    assert done.stdout.strip() == "False", done.stderr
