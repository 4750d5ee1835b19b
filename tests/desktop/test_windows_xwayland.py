"""The Tk break window through XWayland, as a Wayland session without PyGObject (a plain pip
install) shows it: headless sway 1.7 with its XWayland, Tk on sway's X display, the idle time
read from the compositor (the window's own idle source chooses by the session, never X's
counter), keys typed with wtype as in test_windows_wayland.py.

sway runs as nobody when the tests run as root, and its XWayland admits only its own user:
`xhost +si:localuser:root`, run as nobody, lets the tests' clients in.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.app import Output
from tests.desktop.compositors import NOBODY
from tests.desktop.conftest import wait_until
from tests.desktop.test_windows_wayland import (
    ACCENT,
    BREAK,
    NECK_TURN,
    NOTICE_BORDER,
    PAGE,
    TYPING_WINDOW,
    BreakWindow,
    Sway,
    box_of,
    finish,
    sway_desk,
)

pytestmark = pytest.mark.desktop


@dataclass
class XSway(Sway):
    """Headless sway with XWayland; `env` is a Tk client's there (both displays, as in a
    Wayland session), `wayland_env` a Wayland-only GTK client's."""

    display: str = ""

    @property
    def env(self) -> dict[str, str]:
        return {**super().env, "DISPLAY": self.display, "XDG_SESSION_TYPE": "wayland",
                "POSTURE_GUARD_TOOLKIT": "tk"}  # fmt: skip

    @property
    def wayland_env(self) -> dict[str, str]:
        return super().env


@pytest.fixture
def xdesk(tmp_path: Path) -> Iterator[XSway]:
    with sway_desk(tmp_path) as desk:
        yield x_desk(desk)


def x_desk(desk: Sway) -> XSway:
    """`desk` with its XWayland started and open to the tests' clients."""
    found = desk.compositor.runtime / "x-display"
    desk.msg("exec", f"echo $DISPLAY > {found}")  # sway starts XWayland as its first X client
    wait_until(lambda: found.exists() and found.read_text().strip(), "sway's X display")
    display = found.read_text().strip()
    allow = ["xhost", "+si:localuser:root"]
    if os.geteuid() == 0:
        allow = ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", *allow]
    done = subprocess.run(allow, env={**desk.env, "DISPLAY": display}, capture_output=True,
                          text=True, timeout=30, check=False)  # fmt: skip
    assert done.returncode == 0, done.stderr
    return XSway(desk.compositor, display)


def test_through_xwayland_the_tk_notice_waits_in_the_corner_without_the_keyboard(
    xdesk: XSway,
) -> None:
    # Protects: sway placed Tk's splash notice in the middle of the screen with a title bar
    # and gave it the keyboard: the keys of the person typing went to the notice (Enter there
    # would have started the break mid-sentence). Override-redirect under XWayland: the notice
    # sits in the corner, no view of sway's, and every key goes on reaching the person's
    # window; once they pause the full window comes, covers the output and takes the keys.
    typing = subprocess.Popen([sys.executable, "-c", TYPING_WINDOW], env=xdesk.wayland_env,
                              stdout=subprocess.PIPE, text=True)  # fmt: skip
    got = Output(typing)
    typed = 0
    stop = threading.Event()

    def typist() -> None:
        nonlocal typed
        while not stop.is_set():
            xdesk.wtype("-s", "100", "-k", "x")
            typed += 1

    thread = threading.Thread(target=typist, daemon=True)
    window: BreakWindow | None = None
    try:
        got.wait_for("ready", 10)
        wait_until(lambda: [v.focused for v in xdesk.named("typing-target")] == [True], "typing")
        thread.start()
        time.sleep(1.0)
        window = BreakWindow(xdesk, NECK_TURN, "--focus-after-idle", "1")
        wait_until(lambda: box_of(xdesk.shot("xwayland-notice"), NOTICE_BORDER), "the notice", 10)
        time.sleep(1.5)
        assert [v.name for v in xdesk.views()] == ["typing-target"]  # the notice is no view
        assert xdesk.named("typing-target")[0].focused
        shot = xdesk.shot("xwayland-notice-while-typing")
        found = box_of(shot, NOTICE_BORDER)
        assert found is not None, "no notice on screen"
        x, y, width, height = found
        assert (12 <= 1280 - (x + width) <= 24, 12 <= 800 - (y + height) <= 24) == (True, True)
        start_now = box_of(shot, ACCENT)
        assert start_now is not None
        assert x < start_now[0] < start_now[0] + start_now[2] < x + width  # on the notice
        assert not any("started" in line for line in window.out.lines)
        stop.set()
        thread.join(10)
        wait_until(lambda: got.lines.count("x") >= typed, "every key in the typing window")
        # the pause: after the compositor's 5 s the full window comes with the keyboard
        window.out.wait_for("started", 15)
        wait_until(lambda: [v.focused for v in xdesk.named(BREAK)] == [True], "the break focused")

        def covered() -> bool:
            shot = xdesk.shot("xwayland-break-after-the-pause")
            return {shot.getpixel(p) for p in ((0, 0), (1279, 0), (0, 799), (1279, 799))} == {PAGE}

        wait_until(covered, "the break page over the whole output", 5)
        time.sleep(0.5)
        xdesk.shot("xwayland-break-window")  # drawn whole (the one above may be mid-draw)
        xdesk.keys("Escape")
        assert window.outcome() == {"outcome": "postponed", "countdown_done": False}
    finally:
        stop.set()
        if thread.is_alive():
            thread.join(10)
        if window is not None:
            window.close()
        finish(typing, got)
