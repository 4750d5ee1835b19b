"""The real `posture-guard run --headless` process, driven through its real control socket."""

from __future__ import annotations

import os
import re
import stat

import pytest

from tests.app import App, read_until

pytestmark = pytest.mark.e2e

SHORT_PLAN = """
[general]
snooze = "10m"
[breaks.posture]
every = "21s"
length = "20s"
[breaks.stretch]
enabled = false
[breaks.movement]
enabled = false
"""


def test_headless_run_prompts_and_obeys_the_control_commands(app: App) -> None:
    app.config.write_text(SHORT_PLAN)
    proc = app.start("--headless")
    read_until(proc, "Posture Guard is running", timeout=15)
    app.wait_running()

    # the log and the socket are private: 0600 in 0700 directories
    log = app.home / ".state" / "posture-guard" / "posture-guard.log"
    assert stat.S_IMODE(log.stat().st_mode) == 0o600
    assert stat.S_IMODE(log.parent.stat().st_mode) == 0o700
    sock = os.path.join(app.env["XDG_RUNTIME_DIR"], "posture-guard", "control.sock")
    assert stat.S_IMODE(os.stat(sock).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(os.path.dirname(sock)).st_mode) == 0o700

    # with no display the idle source is "none" (always active): 21 s earn the posture break
    lines = read_until(proc, "Posture and eyes check", timeout=40)
    prompt = next(line for line in lines if "Posture and eyes check" in line)
    assert "Look into the distance: " in prompt  # the break carries one concrete exercise

    status = app.cli("status")
    assert status.returncode == 0, status.stderr
    assert "State:       a break is due, posture break" in status.stdout

    snoozed = app.cli("snooze", "10m")
    assert (snoozed.returncode, snoozed.stdout.strip()) == (0, "Snoozed the posture break for 10m.")
    assert "State:       break snoozed, posture break" in app.cli("status").stdout

    paused = app.cli("pause", "1h")
    assert paused.returncode == 0, paused.stderr
    assert paused.stdout.startswith("Paused until ")
    status = app.cli("status")
    assert "State:       paused" in status.stdout
    assert re.search(
        r"^Paused until: (Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d\d:\d\d$", status.stdout, re.M
    )

    # a command that makes no sense now is refused with words, not a traceback
    skip = app.cli("skip")
    assert skip.returncode == 1
    assert skip.stderr.strip() == "posture-guard: Breaks are paused, so there is no break to skip"

    assert app.cli("resume").stdout.strip() == "Resumed."
    quit_ = app.cli("quit")
    assert (quit_.returncode, quit_.stdout.strip()) == (0, "Posture Guard is stopping.")
    assert proc.wait(timeout=10) == 0
    assert not os.path.exists(sock)

    gone = app.cli("status")
    assert gone.returncode == 1
    assert gone.stderr.strip() == (
        "posture-guard: Posture Guard is not running (start it with `posture-guard run`)"
    )


def test_second_instance_is_refused(app: App) -> None:
    app.config.write_text(SHORT_PLAN)
    first = app.start("--headless")
    read_until(first, "Posture Guard is running", timeout=15)
    second = app.cli("run", "--headless")
    assert second.returncode == 1
    assert second.stderr.strip() == f"Posture Guard is already running (pid {first.pid})."
    assert app.cli("status").returncode == 0  # the first one is untouched


def test_run_without_display_says_it_is_headless(app: App) -> None:
    app.config.write_text(SHORT_PLAN)
    proc = app.start()  # no --headless, but no DISPLAY in the environment either
    lines = read_until(proc, "Posture Guard is running", timeout=15)
    assert lines[0] == (
        "No display found: running headless. Break prompts appear here in the terminal."
    )


def test_bad_config_exits_with_a_clear_error_and_no_traceback(app: App) -> None:
    app.config.write_text('[breaks.stretch]\nevery = "90x"\n')
    result = app.cli("run", "--headless")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines() == [
        f'{app.config}: [breaks.stretch] every = "90x": expected a duration like "45m" or "1h30m"',
        "posture-guard: not started; fix the settings above (`posture-guard config check`).",
    ]


def test_sigterm_stops_cleanly(app: App) -> None:
    app.config.write_text(SHORT_PLAN)
    proc = app.start("--headless")
    read_until(proc, "Posture Guard is running", timeout=15)
    app.wait_running()
    proc.terminate()
    assert proc.wait(timeout=10) == 0
    assert app.cli("status").returncode == 1
