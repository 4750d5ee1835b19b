"""The real service holds a due break while a window is full screen, and asks when it is not.

Its own desktop: Xvfb, openbox (EWMH full screen), a private session bus with dunst, and a
Tk window that a test switches in and out of full screen. The service runs `--headless` with a
20 s plan; xdotool keeps the user active, so the break comes due by active time and is not
taken naturally. The break is asserted from the log, `status` and dunst (the notification on
the bus), with screenshots of both moments.
"""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

import pytest

from posture_guard.app.service import BUSY_CACHE_S
from tests.app import App, read_until, stop_process
from tests.desktop.conftest import (
    NOTIFICATIONS,
    SessionBus,
    save_screenshot,
    start_session_bus,
    wait_until,
)
from tests.desktop.test_fullscreen_busy import openbox, window

pytestmark = pytest.mark.desktop

MakeXvfb = Callable[..., AbstractContextManager[tuple[str, subprocess.Popen[bytes]]]]

PLAN = """
[general]
idle_threshold = "2s"
[breaks.posture]
every = "20s"
length = "5s"
[breaks.stretch]
enabled = false
[breaks.movement]
enabled = false
"""


@contextmanager
def dunst_on(bus: SessionBus) -> Iterator[None]:
    with (bus.log_dir / "dunst.log").open("wb") as log:
        proc = subprocess.Popen(
            ["dunst"], env=bus.env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT
        )
    try:
        wait_until(lambda: bus.name_has_owner(NOTIFICATIONS), "dunst on the bus")
        yield
    finally:
        stop_process(proc)


def _active_for(display: str, seconds: float) -> None:
    """Real pointer input through XTEST, twice a second."""
    deadline = time.monotonic() + seconds
    x = 200
    while time.monotonic() < deadline:
        x = 260 if x == 200 else 200
        subprocess.run(
            ["xdotool", "mousemove", str(x), "300"], env={"DISPLAY": display}, check=True
        )
        time.sleep(0.5)


def test_service_holds_a_due_break_while_full_screen_and_asks_after(
    app: App, make_xvfb: MakeXvfb, tmp_path: Path
) -> None:
    app.config.write_text(PLAN)
    with (
        make_xvfb() as (display, _x),
        start_session_bus({**app.env, "DISPLAY": display}, tmp_path / "bus") as bus,
        dunst_on(bus),
        openbox(display, tmp_path),
        window(display, tmp_path, "Full-screen film") as film,
    ):
        film.fullscreen(True)
        app.env.update(DISPLAY=display, DBUS_SESSION_BUS_ADDRESS=bus.address, NO_AT_BRIDGE="1")
        proc = app.start("--headless")
        read_until(proc, "Posture Guard is running", timeout=15)
        log_file = app.home / ".state" / "posture-guard" / "posture-guard.log"
        assert "busy sources: fullscreen-x11+" in log_file.read_text()

        _active_for(display, 25)  # 20 s of active time earns the break; full screen holds it
        log = log_file.read_text()
        assert "BreakDue(" in log
        assert "BreakDeferred(" in log
        assert "reason='fullscreen'" in log
        assert "BreakPrompted(" not in log
        assert bus.run("dunstctl", "count", "displayed").strip() == "0"
        status = app.cli("status").stdout
        assert "State:       a break is due, posture break" in status
        assert "Waiting:     until the desktop is free (fullscreen)" in status
        save_screenshot(display, "service_busy_1_fullscreen_break_waits")

        # ending a pause during the film asks for nothing either (issue 7 review)
        assert app.cli("pause").returncode == 0
        assert app.cli("resume").stdout.strip() == "Resumed."
        assert "Waiting:     until the desktop is free (fullscreen)" in app.cli("status").stdout
        assert "BreakPrompted(" not in log_file.read_text()
        assert bus.run("dunstctl", "count", "displayed").strip() == "0"

        film.fullscreen(False)  # asked within BUSY_CACHE_S (a "busy" answer is reused that long)
        deadline = time.monotonic() + BUSY_CACHE_S + 8
        while "BreakPrompted(" not in log_file.read_text() and time.monotonic() < deadline:
            _active_for(display, 1)
        assert "BreakPrompted(" in log_file.read_text()
        wait_until(
            lambda: bus.run("dunstctl", "count", "displayed").strip() == "1",
            "the break notification shown by dunst",
        )
        save_screenshot(display, "service_busy_2_windowed_break_asked")
