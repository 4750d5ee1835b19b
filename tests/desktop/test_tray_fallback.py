"""The xorg tray with a pystray release that lacks what our extras use (issue 18: pystray is a
range, not a pin): `posture-guard run` on openbox and trayer, with pystray's real xorg `Icon`
stripped of a private member (tests/desktop/other_pystray.py). The icon still docks and shows,
still follows the service, the app still stops cleanly, and the log says in one line which
extra is off; no traceback. Screenshots: tests/artifacts/tray-fallback-*.png.

Not here: an `Icon` without `_message_handlers` (no waker): pystray's own hand-over then, which
misses a wake-up on xorg now and then (pystray_private's docstring has the figures), so such a
test could not be relied on."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest

from tests.app import App, output_lines
from tests.desktop.conftest import wait_until
from tests.desktop.test_tray import (
    PAUSED_GREY,
    SLATE,
    loaded_pillow,
    running_line,
    status_of,
    wait_status,
)
from tests.desktop.traydesk import TrayDesktop, app_env, grab, share_near, wait_for_icon

pytestmark = pytest.mark.desktop

REPO = Path(__file__).resolve().parents[2]
PLAN = "[breaks.stretch]\nenabled = false\n[breaks.movement]\nenabled = false\n"


def start_with_pystray_lacking(app: App, desk: TrayDesktop, *members: str):
    app.env.update(app_env(app.env, desk, "xorg"))
    app.env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), app.env.get("PYTHONPATH")]))
    app.config.write_text(PLAN)
    app.not_first_run()
    preamble = f"from tests.desktop.other_pystray import install\ninstall(*{members!r})"
    proc = app.start(preamble=preamble)
    line = running_line(proc)
    assert "tray: xorg" in line
    app.wait_running()
    return proc


def log_of(app: App) -> str:
    return (Path(app.env["XDG_STATE_HOME"]) / "posture-guard" / "posture-guard.log").read_text()


def test_xorg_tray_without_the_drawing_member_still_shows_follows_and_stops(
    app: App, tray_desktop: TrayDesktop
) -> None:
    # Protects: with a pystray whose xorg Icon has no `_draw` (our drawing without Pillow), the
    # app starts with a docked icon that pystray draws from a Pillow image, which follows the
    # service; the log names the extra that is off in one line, with no traceback; SIGTERM
    # ends the app
    proc = start_with_pystray_lacking(app, tray_desktop, "_draw")
    icon = wait_for_icon(tray_desktop.display)
    wait_until(
        lambda: share_near(grab(tray_desktop.display, icon.box), SLATE) > 0.2, "the working icon"
    )
    tray_desktop.screenshot("tray-fallback-working")
    assert loaded_pillow(proc.pid) != []  # pystray draws our image with Pillow now

    app.cli("pause", "30m")
    wait_status(app, "State:       paused")
    wait_until(
        lambda: share_near(grab(tray_desktop.display, icon.box), PAUSED_GREY) > 0.2,
        "the paused icon",
    )
    tray_desktop.screenshot("tray-fallback-paused")
    assert "paused" in status_of(app)

    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=15) == 0
    log = log_of(app)
    off = [line for line in log.splitlines() if " is off with pystray " in line]
    assert len(off) == 1, off
    assert off[0].endswith(
        "tray: drawing the icon without Pillow is off with pystray 0.19.5 (no _draw):"
        " pystray draws a Pillow image"
    ), off
    assert "Traceback" not in log
    assert not any("Traceback" in line for line in output_lines(proc))
