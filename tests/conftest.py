"""Fixtures shared by every test folder."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import settings

from tests.app import ROOT, App, stop_process
from tests.storage import Mounts

# Speed is measured by the benches (bench/), beside a reference: a property test that takes more
# than hypothesis's default 200 ms on a busy machine has not failed.
settings.register_profile("posture-guard", deadline=None)
settings.load_profile("posture-guard")


@pytest.fixture
def app(tmp_path: Path) -> Iterator[App]:
    """A private user (HOME, XDG dirs, runtime dir) with no display, bus or policy."""
    home = tmp_path / "home"
    home.mkdir()
    env = {
        k: v
        for k, v in os.environ.items()
        if k
        not in (
            "DISPLAY",
            "WAYLAND_DISPLAY",
            "XDG_SESSION_TYPE",
            "DBUS_SESSION_BUS_ADDRESS",
            "POSTURE_GUARD_IDLE",
        )
    }
    env.update(
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / ".config"),
        XDG_STATE_HOME=str(home / ".state"),
        XDG_DATA_HOME=str(home / ".data"),
        XDG_RUNTIME_DIR=str(tmp_path / "run"),
        POSTURE_GUARD_POLICY="",
        PYTHONPATH=str(ROOT),
    )
    (tmp_path / "run").mkdir(mode=0o700)
    world = App(home=home, env=env, config=home / "config.toml")
    world.config.write_text("")  # `--config FILE` must name a file that exists
    yield world
    for proc in world.processes:
        stop_process(proc)
        if proc.stdout is not None:
            proc.stdout.close()


#: The zone of the `now` fixture and of the CLI it sets up: no DST, and 9 hours ahead of UTC, so
#: its date differs from UTC's for part of every day.
TOKYO = ZoneInfo("Asia/Tokyo")


@pytest.fixture
def now(app: App) -> datetime:
    """The moment a date-sensitive test takes as "now", read once, in Asia/Tokyo; the app's CLI
    runs in that zone too (TZ), so the test and the process agree on the date whatever the
    machine's zone. Mark such a test `date_sensitive` (tests/e2e/test_seven_days.py)."""
    app.env["TZ"] = "Asia/Tokyo"
    return datetime.now(TOKYO).replace(microsecond=0)


@pytest.fixture
def mounts() -> Iterator[Mounts]:
    """Real mounts for storage faults (tests/storage.py), undone after the test."""
    made = Mounts()
    try:
        yield made
    finally:
        made.undo()
