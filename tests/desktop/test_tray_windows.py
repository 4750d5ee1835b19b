"""The windows the tray menu opens (each its own process): advice and booking, settings, about;
each drawn by GTK 3 and by Tk (POSTURE_GUARD_TOOLKIT)."""

from __future__ import annotations

import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import pytest

from tests.app import App, stop_process
from tests.desktop.conftest import wait_until
from tests.desktop.traydesk import TrayDesktop
from tests.e2e.test_diary_cli import BOOKING, TINGLING, episode_over_days, ok

pytestmark = pytest.mark.desktop


@pytest.fixture(params=["gtk", "tk"])
def toolkit(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def open_info(app: App, desk: TrayDesktop, what: str, toolkit: str) -> subprocess.Popen[bytes]:
    with (app.home / f"{what}-window.log").open("wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "posture_guard.ui.info_window", what,
             "--config", str(app.config)],
            env={**app.env, "DISPLAY": desk.display, "NO_AT_BRIDGE": "1",
                 "POSTURE_GUARD_TOOLKIT": toolkit},
            stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
    wait_until(
        lambda: desk.xdotool("search", "--onlyvisible", "--class", "PostureGuardInfo"),
        f"the {what} window",
        timeout=15,
    )
    window = desk.xdotool("search", "--onlyvisible", "--class", "PostureGuardInfo").split()[0]
    desk.xdotool("windowactivate", "--sync", window)
    time.sleep(0.3)
    return proc


def test_advice_window_shows_the_advice_and_its_button_opens_the_booking_link(
    app: App, tray_desktop: TrayDesktop, tmp_path: Path, now: datetime, toolkit: str
):
    opened = tmp_path / "opened.txt"
    browser = tmp_path / "browser.sh"
    browser.write_text(f'#!/bin/sh\necho "$1" > {opened}\n')
    browser.chmod(0o700)
    app.env["BROWSER"] = f"{browser} %s"
    episode_over_days(app, now)
    ok(app, "clinic", "set", "--name", "Riverside Physiotherapy", "--booking-url", BOOKING)
    ok(app, "check-in", "--pain", "7", "--stiffness", "moderate", *TINGLING)

    proc = open_info(app, tray_desktop, "advice", toolkit)
    try:
        tray_desktop.screenshot(f"tray-window-advice-{toolkit}")
        # Tab from Close (focused first) reaches the booking button; Space presses it
        tray_desktop.xdotool("key", "--delay", "150", "Tab", "space")
        wait_until(opened.exists, "the browser to be asked for the booking link", timeout=10)
        assert opened.read_text().strip() == BOOKING
        tray_desktop.xdotool("key", "Escape")
        assert proc.wait(timeout=10) == 0
    finally:
        stop_process(proc)


def test_settings_window_creates_the_config_file_and_shows_every_setting(
    app: App, tray_desktop: TrayDesktop, toolkit: str
):
    app.config.unlink()
    proc = open_info(app, tray_desktop, "settings", toolkit)
    try:
        tray_desktop.screenshot(f"tray-window-settings-{toolkit}")
        assert app.config.read_text().startswith("# Posture Guard settings")
        tray_desktop.xdotool("key", "Escape")
        assert proc.wait(timeout=10) == 0
    finally:
        stop_process(proc)


def test_about_window_opens_and_closes_with_escape(
    app: App, tray_desktop: TrayDesktop, toolkit: str
):
    proc = open_info(app, tray_desktop, "about", toolkit)
    try:
        tray_desktop.screenshot(f"tray-window-about-{toolkit}")
        tray_desktop.xdotool("key", "Escape")
        assert proc.wait(timeout=10) == 0
    finally:
        stop_process(proc)


def test_a_second_start_on_the_desktop_opens_the_running_ones_menu(
    app: App, tray_desktop: TrayDesktop
) -> None:
    # Protects: starting Posture Guard again while it runs (its applications-menu entry, or,
    # in GNOME Shell, a click on one of its notifications, which starts the launcher) did
    # nothing a person could see: on stock GNOME, with no tray, no way in. It opens the
    # running one's menu window, as a desktop app's second launch shows the first; autostart
    # at a new login while the old one still runs opens nothing.
    app.not_first_run()
    first = app.start("--headless")
    app.wait_running()
    app.env.update(DISPLAY=tray_desktop.display, NO_AT_BRIDGE="1", POSTURE_GUARD_TOOLKIT="tk")
    try:
        # as autostart at a new login starts it, or `run` typed again: said, nothing opens
        again = app.cli("run")
        assert (again.returncode, again.stderr.strip()) == (
            1,
            f"Posture Guard is already running (pid {first.pid}).",
        )
        # as the applications menu's entry starts it (launcher.launcher_entry's Exec)
        second = app.cli("run", "--menu-if-running")
        assert second.returncode == 0, second.stderr
        assert second.stderr.strip() == (
            f"Posture Guard is already running (pid {first.pid}). Its menu is opening."
        )
        wait_until(
            lambda: tray_desktop.xdotool("search", "--onlyvisible", "--class", "PostureGuardMenu"),
            "the running one's menu window",
            timeout=15,
        )
        tray_desktop.screenshot("second-start-menu")
        window = tray_desktop.xdotool("search", "--onlyvisible", "--class", "PostureGuardMenu")
        tray_desktop.xdotool("windowactivate", "--sync", window.split()[0])
        tray_desktop.xdotool("key", "Escape")
        wait_until(
            lambda: (
                not tray_desktop.xdotool("search", "--onlyvisible", "--class", "PostureGuardMenu")
            ),
            "the menu window closed",
            timeout=10,
        )
        assert app.cli("status").returncode == 0  # the first one is untouched
    finally:
        app.cli("quit")
        first.wait(timeout=15)
