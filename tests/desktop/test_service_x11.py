"""The real service on a real X server: X11 idle time drives active time and natural breaks."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.app import App, read_until

pytestmark = pytest.mark.desktop

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


@pytest.fixture
def x_app(app: App, xvfb_display: str) -> Iterator[App]:
    app.env["DISPLAY"] = xvfb_display
    app.config.write_text(PLAN)
    return app


def _move_mouse(display: str, seconds: float) -> None:
    """Real input through XTEST, twice a second, for `seconds`."""
    deadline = time.monotonic() + seconds
    x = 10
    while time.monotonic() < deadline:
        x = 30 if x == 10 else 10
        subprocess.run(["xdotool", "mousemove", str(x), "10"], env={"DISPLAY": display}, check=True)
        time.sleep(0.5)


def test_service_records_a_natural_break_after_real_idleness(
    x_app: App, xvfb_display: str, screenshot: Callable[[str], Path]
) -> None:
    proc = x_app.start("--headless")
    read_until(proc, "Posture Guard is running", timeout=15)
    x_app.wait_running()
    status = x_app.cli("status").stdout
    assert "idle source: x11" in status  # chosen because a display is there

    _move_mouse(xvfb_display, 8)  # 8 s of real activity: earns more than a quarter of 20 s
    assert "breaks 0 taken, 0 natural, 0 skipped" in x_app.cli("status").stdout

    # hands off: the service polls every 5 s; 5 s of idleness is a natural posture break
    deadline = time.monotonic() + 20
    while "1 natural" not in (status := x_app.cli("status").stdout) and time.monotonic() < deadline:
        time.sleep(0.5)
    screenshot("service_x11_natural_break")
    assert "breaks 0 taken, 1 natural, 0 skipped" in status
    assert "State:       working" in status
    log = (x_app.home / ".state" / "posture-guard" / "posture-guard.log").read_text()
    assert "NaturalBreakRecorded" in log
    assert "kind='posture'" in log
    assert "BreakPrompted" not in log  # the break was taken before it was ever asked for
