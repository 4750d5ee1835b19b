"""The real `posture-guard run --headless` process follows the settings file edited by hand:
a good edit applies within seconds without a restart; a bad one keeps the last good settings,
is said once (a notice, which headless prints on the terminal, and a log line) and shows in
`status` and `config show`; the service never rewrites the file."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from posture_guard.app import control
from posture_guard.cli import format_status
from posture_guard.core.commands import Status
from tests.app import App, output_lines, read_until

pytestmark = pytest.mark.e2e

PLAN = """# my settings, edited by hand
[breaks.posture]
enabled = false
[breaks.movement]
enabled = false
[breaks.stretch]
every = "{every}"
length = "1m"
"""

NEXT_BREAK = re.compile(r"^Next break:\s+stretch in (\S+) of active time$", re.M)


def _next_break(app: App) -> str:
    status = app.cli("status")
    assert status.returncode == 0, status.stderr
    found = NEXT_BREAK.search(status.stdout)
    assert found is not None, status.stdout
    return found.group(1)


def _within(seconds: float, condition: Callable[[], bool]) -> float:
    """Seconds it took `condition` to hold; fails after `seconds`."""
    began = time.monotonic()
    while time.monotonic() - began < seconds:
        if condition():
            return time.monotonic() - began
        time.sleep(0.2)
    raise AssertionError(f"not within {seconds} s")


def test_settings_edit_by_hand_applies_while_running_and_a_bad_one_keeps_the_last_good(
    app: App,
) -> None:
    app.config.write_text(PLAN.format(every="10m"))
    proc = app.start("--headless")
    read_until(proc, "Posture Guard is running", timeout=15)
    app.wait_running()
    assert _next_break(app).startswith("9m")  # 10 minutes of work, a few seconds done

    # A good edit by hand: status counts down the new interval within 5 s, same process.
    good = PLAN.format(every="3m")
    app.config.write_text(good)
    _within(5, lambda: _next_break(app).startswith("2m"))
    assert proc.poll() is None

    # A bad edit: the last good settings stay (3m), status and config show say so.
    bad = good.replace('every = "3m"', 'every = "3 minutes"')
    app.config.write_text(bad)
    problem = f'{app.config}: [breaks.stretch] every = "3 minutes": expected a duration like "45m" or "1h30m"'

    def says_problem() -> bool:
        return "has a problem" in app.cli("status").stdout

    _within(5, says_problem)
    status = app.cli("status").stdout
    assert f"Settings:    {app.config} has a problem; the last good settings are in use" in status
    assert f"             {problem}" in status
    assert _next_break(app).startswith("2m")  # still the last good interval
    shown = app.cli("config", "show")
    assert problem in shown.stderr
    assert "the running service keeps its last good settings until the file is fixed" in (
        shown.stderr
    )

    # Said once: more checks pass, and another edit with the same problem says nothing new.
    time.sleep(4.5)
    app.config.write_text(bad + "# still the same mistake\n")
    time.sleep(4.5)
    app.cli("status")
    notices = [line for line in output_lines(proc) if "Your settings file has a problem" in line]
    assert len(notices) == 1, notices
    assert problem in notices[0]
    log = (app.home / ".state" / "posture-guard" / "posture-guard.log").read_text()
    assert log.count("the settings file changed but has a problem") == 1

    # Fixed again: applied, and status no longer mentions a problem.
    fixed = PLAN.format(every="5m")
    app.config.write_text(fixed)
    _within(5, lambda: _next_break(app).startswith("4m"))
    assert "Settings:" not in app.cli("status").stdout

    # The service only ever read the file: its bytes are the last ones written by hand.
    assert app.config.read_text() == fixed
    assert app.cli("quit").returncode == 0
    assert proc.wait(timeout=10) == 0
    assert app.config.read_text() == fixed


def test_settings_a_folder_in_place_of_the_file_keeps_the_last_good_settings(app: App) -> None:
    """A folder where the file was (or a non-UTF-8 file) is the same kind of problem: one
    line naming the file, what was expected and what is there; a new problem, a new notice.
    (The CLI refuses a --config that is no file, so status is asked over the socket here.)"""
    app.config.write_text(PLAN.format(every="10m"))
    proc = app.start("--headless")
    read_until(proc, "Posture Guard is running", timeout=15)
    app.wait_running()
    socket = Path(app.env["XDG_RUNTIME_DIR"]) / "posture-guard" / "control.sock"

    def status() -> str:
        reply = control.request(socket, Status())
        assert isinstance(reply["status"], dict)
        return format_status(reply["status"])

    app.config.unlink()
    app.config.mkdir()
    line = f"{app.config}: expected a settings file (UTF-8 TOML text), got a directory"
    _within(5, lambda: line in status())
    assert "stretch in 9m" in status()
    read_until(proc, f"Your settings file has a problem: {line}", timeout=5)
    app.config.rmdir()
    app.config.write_bytes(PLAN.format(every="10m").encode() + b"# caf\xe9\n")
    line = (
        f"{app.config}: expected a settings file (UTF-8 TOML text), got the byte 0xe9 on"
        " line 9, which is not UTF-8"
    )
    _within(5, lambda: line in status())
    read_until(proc, f"Your settings file has a problem: {line}", timeout=5)


def test_an_edit_made_during_a_break_applies_within_seconds_of_its_end(app: App) -> None:
    # Protects: a change that cannot apply while a break runs is tried again every second
    # after it (the settings watch otherwise sleeps until a file changes, and the minute job
    # would apply it up to a minute late).
    short = 'length = "20s"'
    app.config.write_text(PLAN.format(every="10m").replace('length = "1m"', short))
    proc = app.start("--headless")
    read_until(proc, "Posture Guard is running", timeout=15)
    app.wait_running()
    assert app.cli("break-now").returncode == 0
    assert "State:       on a break" in app.cli("status").stdout
    app.config.write_text(PLAN.format(every="3m").replace('length = "1m"', short))
    time.sleep(2)
    assert "State:       on a break" in app.cli("status").stdout  # not applied: a break runs

    def working() -> bool:
        return "State:       working" in app.cli("status").stdout

    _within(30, working)  # the break ends by itself (headless: nobody presses Done)
    applied = _within(5, lambda: _next_break(app).startswith("2m"))
    assert applied < 3, applied
    assert app.cli("quit").returncode == 0
    assert proc.wait(timeout=10) == 0
