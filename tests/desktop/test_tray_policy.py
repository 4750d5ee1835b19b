"""The real appindicator tray follows a policy the running service re-applies: once the policy
file locks pause, the tray's menu shows "Pause (set by your organisation)" disabled, without a
restart. Screenshot: tests/artifacts/tray-policy-pause-locked.png."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.desktop.conftest import wait_until
from tests.desktop.traydesk import TrayDesktop, wait_for_icon

pytestmark = pytest.mark.desktop

# A tray of its own process (pystray owns the main thread) wired to a real Service whose
# SettingsWatch job runs each (fake) second, as runner wires them; prints the Pause item before
# and after the policy file changes, then waits for "stop" on stdin.
RUN_TRAY_WITH_SERVICE = """
import sys, threading, time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo
from posture_guard.ui.launch import Launcher
from posture_guard.app.managed import SettingsWatch, load_effective
from posture_guard.ui.tray import open_tray
from posture_guard.desktop.paths import Paths
from posture_guard.app.service import Service
from posture_guard.core.commands import Pause, Status
from posture_guard.testing import FakeClock, RecordingNotifier, ScriptedIdleSource
from posture_guard.core.traymodel import policy_locks

tmp = Path(sys.argv[1])
policy = tmp / "policy.toml"
paths = Paths(user_config=tmp / "config.toml", policy=policy, state_dir=tmp / "state",
              data_dir=tmp / "data", runtime_dir=tmp / "run", policy_files=(policy,))
services = []
start = load_effective(paths)
watch = SettingsWatch(paths, lambda loaded: services[0].apply_settings(loaded.settings),
                      lambda trouble: services[0].settings_trouble(trouble), start)
settings = start.settings
tray, reasons = open_tray(lambda p: services[0].submit(p), Launcher(), rhythm_s=1200,
                          locked=policy_locks(settings))
assert tray is not None, reasons
service = Service(settings, FakeClock(datetime(2026, 11, 23, 9, 0, tzinfo=ZoneInfo("Europe/Berlin"))),
                  ScriptedIdleSource([0.0]), RecordingNotifier(), flush_every_s=1,
                  minute_jobs=(watch.check,), on_snapshot=tray.on_snapshot)
services.append(service)

def pause_item():
    for item in tray._icon.menu.items:
        if str(item.text).startswith("Pause"):
            return (item.text, item.enabled)
    return None

def until(done, timeout=20):
    deadline = time.monotonic() + timeout
    while not done() and time.monotonic() < deadline:
        service.submit(Status())  # wakes the loop: the job runs
        time.sleep(0.1)

def drive():
    until(lambda: tray.redraws["menu"] > 0)
    print("before", repr(pause_item()), flush=True)
    policy.write_text('[controls]\\npause = false\\n[policy]\\nlock = ["controls.pause"]\\n')
    until(lambda: pause_item() != ("Pause", True))
    print("after", repr(pause_item()), repr(service.submit(Pause())), flush=True)
    sys.stdin.readline()
    service.stop()

def work():
    try:
        service.run()
    finally:
        tray.stop()

def ready():
    threading.Thread(target=work).start()
    threading.Thread(target=drive).start()

tray.run(on_ready=ready, on_main_thread=lambda: None)
"""


def test_appindicator_tray_menu_follows_a_policy_that_now_locks_pause(
    tray_desktop: TrayDesktop, tmp_path: Path
):
    (tmp_path / "policy.toml").write_text("")
    with subprocess.Popen(
        [sys.executable, "-c", RUN_TRAY_WITH_SERVICE, str(tmp_path)],
        env={**tray_desktop.env, "PYSTRAY_BACKEND": "appindicator"},
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    ) as proc:
        try:
            assert proc.stdout is not None
            assert proc.stdin is not None
            assert proc.stdout.readline() == "before ('Pause', True)\n"
            after = proc.stdout.readline()
            assert after.startswith("after ('Pause (set by your organisation)', False) "), after
            assert "Can't pause: set by your organisation." in after  # the service agrees

            # the GTK menu the tray host shows says so too
            icon = wait_for_icon(tray_desktop.display)
            tray_desktop.xdotool(
                "mousemove", str(icon.center[0]), str(icon.center[1]), "click", "1"
            )
            wait_until(
                lambda: tray_desktop.xdotool("search", "--onlyvisible", "--class", "posture-guard"),
                "the menu to open",
            )
            time.sleep(0.3)
            tray_desktop.screenshot("tray-policy-pause-locked")
            tray_desktop.xdotool("key", "Escape")
            proc.stdin.write("stop\n")
            proc.stdin.flush()
            assert proc.wait(timeout=20) == 0
        finally:
            if proc.poll() is None:
                proc.kill()
