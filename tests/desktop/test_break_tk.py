"""The Tk break window on a real X desktop (own Xvfb + openbox), built in this process so Tk's
own answers can be read: where the keyboard focus is (`focus_get`) and what was asked of the
window manager (`wm attributes`)."""

from __future__ import annotations

import contextlib
import time
import tkinter as tk
from collections.abc import Iterator

import pytest

from posture_guard.core.break_view import Timing
from posture_guard.core.breakflow import BreakScreen
from posture_guard.desktop.monitors import Monitor
from posture_guard.ui.break_tk import TICK_MS, TkBreak
from posture_guard.ui.break_window import Options
from tests.desktop.conftest import save_screenshot
from tests.desktop.wm import Desk, kept_desk

__all__ = ["kept_desk"]

pytestmark = pytest.mark.desktop
SCREEN = BreakScreen(
    kind="stretch", title="Stretch break", seconds=60, exercise_id="neck-turn",
    exercise_name="Neck turn", steps=("Sit upright.", "Turn slowly."),
)  # fmt: skip


class Idle:
    """An idle source that says the user has not typed for `seconds`."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds

    def idle_seconds(self) -> float:
        return self.seconds

    def close(self) -> None:
        pass


@pytest.fixture
def desk(kept_desk: Desk) -> Desk:
    """The process-long desk: this module builds Tk in the test process (kept_desk says why)."""
    return kept_desk


@pytest.fixture
def tk_break(desk: Desk) -> Iterator[tuple[tk.Tk, TkBreak]]:
    root = tk.Tk(screenName=desk.display, className="PostureGuardBreak")
    window = TkBreak(root, SCREEN, Options(timing=Timing(focus_after_idle_s=3.0)), 1.0, Idle(60))
    try:
        yield root, window
    finally:
        window.quiet = True
        with contextlib.suppress(tk.TclError):  # the window may have closed itself
            root.destroy()


def pump(root: tk.Tk, until: object, timeout: float = 5.0) -> None:
    """Run Tk's event loop until `until()` is true (or fail after `timeout` seconds)."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        root.update()
        if until():  # type: ignore[operator]
            return
        time.sleep(0.02)
    raise AssertionError(f"timed out waiting for {until}")


def test_the_keyboard_starts_on_the_primary_button_not_postpone(tk_break, desk):
    root, window = tk_break
    window.build([Monitor(0, 0, 1280, 800)])
    root.after(TICK_MS, window.tick)
    assert window.state.phase == "running"  # idle already: straight to the countdown
    pump(root, lambda: root.focus_get() is not None)
    time.sleep(0.3)
    root.update()
    assert root.focus_get() is window.buttons["start"]
    assert window.buttons["start"].cget("text") == "Done (Enter)"
    assert str(window.buttons["start"].cget("state")) == "disabled"  # it waits for the time
    save_screenshot(desk.display, "break-window-tk-focus-on-done")
    # Tab goes on to Postpone, Space there would postpone: it never starts there
    desk.xdotool("key", "Tab")
    pump(root, lambda: root.focus_get() is window.buttons["postpone"])


def test_on_x11_every_window_is_a_splash_window_kept_above(tk_break):
    root, window = tk_break
    assert root.tk.call("tk", "windowingsystem") == "x11"
    window.idle = Idle(0)  # the user types: the notice shows first
    window.build([Monitor(0, 0, 1280, 800)])
    notice = window.notice
    assert notice is not None
    # the window manager reports "above" once it has mapped the window
    pump(root, lambda: bool(notice.attributes("-topmost")))
    assert notice.attributes("-type") == ("splash",)
    assert not notice.overrideredirect()
    window.press("start")
    pump(root, lambda: bool(root.attributes("-topmost")))
    assert root.attributes("-type") == ("splash",)
    assert not root.overrideredirect()
