"""The AT-SPI harness itself reads a real GTK window: its frame, a named button, the focus.
(If this fails, the accessibility tests of the windows prove nothing.)"""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.app import stop_process
from tests.desktop.atspi import accessibility, focused, tree
from tests.desktop.conftest import wait_until
from tests.desktop.wm import desk

__all__ = ["desk"]

pytestmark = pytest.mark.desktop

_WINDOW = """
import gi
gi.require_version("Gtk", "3.0")
from gi.repository import Gtk
w = Gtk.Window(title="Harness - Posture Guard")
box = Gtk.Box(orientation=Gtk.Orientation.VERTICAL)
box.add(Gtk.Button(label="First"))
second = Gtk.Button(label="Second")
box.add(second)
w.add(box)
w.connect("destroy", Gtk.main_quit)
w.show_all()
second.grab_focus()
Gtk.main()
"""


def test_the_harness_sees_a_gtk_windows_buttons_and_its_focus(desk, tmp_path):
    with accessibility(desk.env, tmp_path / "a11y") as env:
        proc = subprocess.Popen([sys.executable, "-c", _WINDOW], env=env)
        try:
            wait_until(lambda: desk.windows_named("Harness - Posture Guard"), "the window", 10)

            def buttons() -> list[str]:
                app = tree(env, "Harness - Posture Guard")
                return [n.name for n in app.controls() if n.role == "push button"]

            wait_until(lambda: buttons() == ["First", "Second"], "both buttons over AT-SPI", 10)
            wait_until(lambda: (f := focused(env)) is not None and f.name == "Second", "focus")
        finally:
            stop_process(proc)
