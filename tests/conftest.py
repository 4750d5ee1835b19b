"""Fixtures shared by every test folder."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.app import ROOT, App, stop_process


@pytest.fixture
def app(tmp_path: Path) -> Iterator[App]:
    """A private user (HOME, XDG dirs, runtime dir) with no display, bus or policy."""
    home = tmp_path / "home"
    home.mkdir()
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DISPLAY", "WAYLAND_DISPLAY", "DBUS_SESSION_BUS_ADDRESS", "POSTURE_GUARD_IDLE")
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
