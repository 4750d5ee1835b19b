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
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.desktop.compositors import NOBODY
from tests.desktop.conftest import wait_until
from tests.desktop.test_windows_wayland import (
    BREAK,
    NECK_TURN,
    NOTICE_BORDER,
    PAGE,
    BreakWindow,
    Sway,
    Typist,
    box_of,
    notice_in_the_corner,
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
    typist = Typist(xdesk, xdesk.wayland_env)
    window: BreakWindow | None = None
    try:
        typist.start()
        window = BreakWindow(xdesk, NECK_TURN, "--focus-after-idle", "1")
        wait_until(lambda: box_of(xdesk.shot("xwayland-notice"), NOTICE_BORDER), "the notice", 10)
        time.sleep(1.5)
        assert [v.name for v in xdesk.views()] == ["typing-target"]  # the notice is no view
        assert typist.focused()
        notice_in_the_corner(xdesk.shot("xwayland-notice-while-typing"))
        assert not any("started" in line for line in window.out.lines)
        typist.stop()
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
        if window is not None:
            window.close()
        typist.close()
