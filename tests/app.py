"""Helpers to run the real `posture-guard` process in a private environment (own XDG dirs, no policy)."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


@dataclass
class App:
    """One user's world: its env, config file and the processes started in it."""

    home: Path
    env: dict[str, str]
    config: Path
    processes: list[subprocess.Popen[str]] = field(default_factory=list)

    def cli(
        self, *args: str, timeout: float = 15, input: str = ""
    ) -> subprocess.CompletedProcess[str]:
        """Run `posture-guard ARGS` to completion, `input` on its stdin (never the terminal's)."""
        return subprocess.run(
            [sys.executable, "-m", "posture_guard", "--config", str(self.config), *args],
            env=self.env,
            input=input,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )

    def start(self, *args: str, preamble: str = "") -> subprocess.Popen[str]:
        """Start `posture-guard run ARGS` in the background; output is line-buffered text.

        `preamble`: Python run in the process first (then the app, as `-m posture_guard`)."""
        entry = ["-m", "posture_guard"]
        if preamble:
            entry = ["-c", f"{preamble}\nimport runpy\nrunpy.run_module('posture_guard', "
                     "run_name='__main__', alter_sys=True)"]  # fmt: skip
        proc = subprocess.Popen(
            [sys.executable, "-u", *entry, "--config", str(self.config), "run", *args],
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.processes.append(proc)
        _outputs[proc.pid] = Output(proc)
        return proc

    def not_first_run(self) -> None:
        """As after the first run: a run with a display opens no welcome window (whose process
        would outlive the test on a shared display). Tests of the first run leave this out."""
        marker = Path(self.env["XDG_STATE_HOME"]) / "posture-guard" / "first-run-shown"
        marker.parent.mkdir(parents=True, exist_ok=True)
        marker.touch()

    def wait_running(self, timeout: float = 15) -> None:
        """Wait until `status` answers."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.cli("status").returncode == 0:
                return
            time.sleep(0.1)
        raise AssertionError("the service did not answer `status` in time")


def modules_at_exit(dump: Path) -> str:
    """A `preamble` for `App.start`: at its exit the process writes every module it ever
    imported (sorted `sys.modules`, a JSON list) to `dump`."""
    return (
        "import atexit, json, sys\n"
        f"atexit.register(lambda: open({str(dump)!r}, 'w').write(json.dumps(sorted(sys.modules))))"
    )


class Output:
    """Collects a process's output lines on a reader thread, so tests can wait for one."""

    def __init__(self, proc: subprocess.Popen[str]) -> None:
        self.lines: list[str] = []
        self._changed = threading.Condition()
        self._thread = threading.Thread(target=self._read, args=(proc,), daemon=True)
        self._thread.start()

    def _read(self, proc: subprocess.Popen[str]) -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            with self._changed:
                self.lines.append(line.rstrip("\n"))
                self._changed.notify_all()

    def wait_for(self, needle: str, timeout: float) -> list[str]:
        """Block until a line containing `needle` arrives; returns all lines so far."""
        with self._changed:
            found = self._changed.wait_for(lambda: any(needle in x for x in self.lines), timeout)
            if not found:
                raise AssertionError(f"{needle!r} not seen in output: {self.lines}")
            return list(self.lines)


_outputs: dict[int, Output] = {}


def read_until(proc: subprocess.Popen[str], needle: str, timeout: float) -> list[str]:
    """The process's output lines up to the first one containing `needle` (waits for it)."""
    return _outputs[proc.pid].wait_for(needle, timeout)


def output_lines(proc: subprocess.Popen[str]) -> list[str]:
    """The process's output lines so far (without waiting)."""
    return list(_outputs[proc.pid].lines)


def stop_process(proc: subprocess.Popen[bytes] | subprocess.Popen[str]) -> None:
    """Terminate one process we started, killing it if it ignores SIGTERM for 5 s."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)
