"""The running service and the policy: locked commands refused at the control socket, a changed
policy file re-applied on the service's schedule, a bad new policy ignored with one log line."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from posture_guard.app import control
from posture_guard.app.control import ControlServer
from posture_guard.app.managed import SettingsWatch, load_effective
from posture_guard.app.service import Service
from posture_guard.core import config
from posture_guard.core.commands import (
    BreakNow,
    Command,
    FinishBreak,
    Pause,
    Resume,
    SettingsTrouble,
    Skip,
    Snooze,
    Status,
)
from posture_guard.core.timer import Outcome
from posture_guard.desktop.paths import Paths
from posture_guard.testing import FakeClock, RecordingNotifier, ScriptedIdleSource
from tests.app import App, read_until

START = datetime(2026, 11, 23, 9, 0, tzinfo=ZoneInfo("Europe/Berlin"))
LOCK_PAUSE = '[controls]\npause = false\n[policy]\nlock = ["controls.pause"]\n'


def _paths(tmp_path: Path, policy: Path) -> Paths:
    return Paths(
        user_config=tmp_path / "config.toml",
        policy=policy,
        state_dir=tmp_path / "state",
        data_dir=tmp_path / "data",
        runtime_dir=tmp_path / "run",
        policy_files=(policy,),
    )


class Running:
    """The in-process service with the real SettingsWatch job (each second) and control socket."""

    def __init__(self, paths: Paths) -> None:
        self.clock = FakeClock(START)
        self.paths = paths
        service: Service | None = None

        def apply(loaded: config.Loaded) -> bool:
            assert service is not None
            return service.apply_settings(loaded.settings)

        def report(trouble: SettingsTrouble | None) -> None:
            assert service is not None
            service.settings_trouble(trouble)

        start = load_effective(paths)
        self.watch = SettingsWatch(paths, apply, report, start)
        service = Service(
            start.settings,
            self.clock,
            ScriptedIdleSource([0.0]),
            RecordingNotifier(),
            flush_every_s=1,
            minute_jobs=(self.watch.check,),
        )
        self.service = service
        paths.runtime_dir.mkdir(mode=0o700)
        self.server = ControlServer(paths.socket, service.submit)
        self.server.start()
        self.thread = threading.Thread(target=service.run, daemon=True)
        self.thread.start()

    def request(self, command: Command) -> dict[str, object]:
        return control.request(self.paths.socket, command)

    def wait_for(self, condition: object, timeout: float = 10) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if callable(condition) and condition():
                return
            self.service.submit(Status())  # wakes the loop: the job runs
            time.sleep(0.1)
        raise AssertionError("condition not met in time")

    def stop(self) -> None:
        self.service.stop()
        self.thread.join(timeout=10)
        self.server.close()


@pytest.fixture
def running(tmp_path: Path) -> Iterator[Running]:
    policy = tmp_path / "policy.toml"
    policy.write_text(LOCK_PAUSE)
    world = Running(_paths(tmp_path, policy))
    yield world
    world.stop()


def test_service_policy_socket_refuses_a_locked_command_and_allows_the_rest(
    running: Running,
) -> None:
    refused = running.request(Pause())
    assert refused["ok"] is False
    assert refused["error"] == "Can't pause: set by your organisation."
    assert running.request(BreakNow())["ok"] is True
    assert running.service.snapshot is not None
    assert running.service.snapshot.status.state.name == "ON_BREAK"  # the allowed one ran


def test_service_policy_change_is_applied_without_a_restart(
    running: Running, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="posture_guard")
    (tmp_path / "policy.toml").write_text(
        '[breaks.movement]\nevery = "50m"\n[controls]\nskip = false\n'
        '[policy]\nlock = ["controls.skip"]\n'
    )
    running.wait_for(lambda: running.service.settings.controls.pause)
    settings = running.service.settings
    assert next(b for b in settings.timer.breaks if b.kind == "movement").every_s == 3000
    assert running.request(Pause())["ok"] is True  # unlocked now
    assert running.request(Resume())["ok"] is True
    assert running.request(Skip())["error"] == "Can't skip: set by your organisation."
    # the break window's "skipped" is the same skip, refused the same way (it was let through)
    assert running.request(BreakNow())["ok"] is True
    window_skip = control.request(running.paths.socket, FinishBreak(outcome=Outcome.SKIPPED))
    assert window_skip["error"] == "Can't skip: set by your organisation."
    assert any("the policy changed; applied it" in r.getMessage() for r in caplog.records)


def test_service_policy_bad_change_keeps_the_last_good_one_and_says_so_once(
    running: Running, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="posture_guard")
    policy = tmp_path / "policy.toml"
    policy.write_text('[controls]\npause = "perhaps"\n[breaks.movement]\nevery = "2x"\n')
    lines: list[str] = []

    def logged() -> bool:
        lines[:] = [r.getMessage() for r in caplog.records if "has problems" in r.getMessage()]
        return bool(lines)

    running.wait_for(logged)
    time.sleep(1.5)  # more checks pass: the same bad file is not reported again
    running.service.submit(Status())
    logged()
    assert lines == [
        "the policy changed but has problems; keeping the last good one: "
        f'{policy}: [controls] pause = "perhaps": expected true or false '
        "(and 1 more; `posture-guard policy check FILE`)"
    ]
    assert running.request(Pause())["error"] == "Can't pause: set by your organisation."


BAD_POLICY = '[breaks.movement]\nevery = "50x"\n'
BAD_POLICY_MESSAGE = 'policy.toml: [breaks.movement] every = "50x": expected a duration like'


@pytest.mark.e2e
def test_run_starts_despite_the_organisations_mistake_and_logs_it(app: App, tmp_path: Path) -> None:
    # Protects: a policy mistake never stops the service (the value falls back), told on
    # stderr and in the log; the runner tells it from the user's from one load.
    (tmp_path / "policy.toml").write_text(BAD_POLICY)
    app.env["POSTURE_GUARD_POLICY"] = str(tmp_path / "policy.toml")
    proc = app.start("--headless")
    lines = read_until(proc, "Posture Guard is running", timeout=15)
    assert BAD_POLICY_MESSAGE in lines[0]
    log = (app.home / ".state" / "posture-guard" / "posture-guard.log").read_text()
    assert "policy problem (that value falls back to the default): " in log
    assert app.cli("quit").returncode == 0
    assert proc.wait(timeout=10) == 0


@pytest.mark.e2e
def test_run_refuses_to_start_on_the_users_mistake_even_beside_a_policy_one(
    app: App, tmp_path: Path
) -> None:
    (tmp_path / "policy.toml").write_text(BAD_POLICY)
    app.env["POSTURE_GUARD_POLICY"] = str(tmp_path / "policy.toml")
    app.config.write_text('[breaks.stretch]\nevery = "90x"\n')
    result = app.cli("run", "--headless")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 3
    assert BAD_POLICY_MESSAGE in lines[0]
    assert lines[1:] == [
        f'{app.config}: [breaks.stretch] every = "90x": expected a duration like "45m" or "1h30m"',
        "posture-guard: not started; fix the settings above (`posture-guard config check`).",
    ]


def test_service_policy_locked_snooze_length_bounds_the_snooze_argument(tmp_path: Path) -> None:
    # Protects: a locked `general.snooze = "5m"` was bypassed by `snooze 4h`; the locked length
    # is the longest snooze, at the socket as at the CLI
    policy = tmp_path / "policy.toml"
    policy.write_text('[general]\nsnooze = "5m"\n[policy]\nlock = ["general.snooze"]\n')
    world = Running(_paths(tmp_path, policy))
    try:
        refused = world.request(Snooze(seconds=4 * 3600))
        assert refused["ok"] is False
        assert refused["error"] == "Can't snooze for 4h: your organisation set snoozes to 5m"
        assert world.request(BreakNow())["ok"] is True
        assert world.request(Snooze(seconds=301))["error"] == (
            "Can't snooze for 5m1s: your organisation set snoozes to 5m"
        )
        assert world.request(Snooze(seconds=300))["ok"] is True  # the locked length itself
    finally:
        world.stop()
