"""Starting our own windows (menu, forms, report, info, welcome) as separate processes, and reaping them.

Rules:

1. What each target runs is `traymodel.LAUNCHES`; this module only starts it, with the same
   Python (`sys.executable`) and, for our own commands, the same `--config` file.
2. A child runs in its own session with no terminal input; its output goes to the log file.
3. Nothing waits on a child: `Launcher.reap()` collects the ones that ended, and is called on
   each launch and each snapshot, so no zombie outlives the next status update and no thread
   or timer is needed while idle.
4. A failure to start is logged and returned as a sentence; it never raises.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Final

from posture_guard.core.settings import Branding
from posture_guard.core.traymodel import LAUNCHES

log = logging.getLogger(__name__)

#: Targets that accept `--config FILE` (our own CLI and windows; the forms do not yet).
_TAKES_CONFIG: Final = frozenset(
    {"report", "advice", "settings", "about", "menu", "welcome", "statistics"}
)
#: Targets that take the organisation's branding as `--accent` and `--organisation`.
_TAKES_BRANDING: Final = frozenset({"episode", "check-in"})


def launch_argv(
    target: str, config_file: Path | None = None, branding: Branding | None = None
) -> list[str]:
    """The command line that opens `target` (a key of LAUNCHES).

    Raises:
        KeyError: for an unknown target (a bug in the caller).
    """
    tail = list(LAUNCHES[target])
    if config_file is not None and target in _TAKES_CONFIG:
        if tail[:2] == ["-m", "posture_guard"]:
            tail[2:2] = ["--config", str(config_file)]
        else:
            tail += ["--config", str(config_file)]
    if branding is not None and target in _TAKES_BRANDING:
        if branding.accent_colour:
            tail += ["--accent", branding.accent_colour]
        if branding.organisation:
            tail += ["--organisation", branding.organisation]
    return [sys.executable, *tail]


class Launcher:
    """Starts targets and reaps them; safe to call from any thread."""

    def __init__(
        self,
        *,
        config_file: Path | None = None,
        log_file: Path | None = None,
        branding: Branding | None = None,
    ) -> None:
        self._config_file = config_file
        self._branding = branding
        self._log_file = log_file
        self._children: list[subprocess.Popen[bytes]] = []
        self._lock = threading.Lock()

    def set_branding(self, branding: Branding | None) -> None:
        """Use this branding for the forms opened from now on (the policy changed)."""
        with self._lock:
            self._branding = branding

    def launch(self, target: str, *extra: str) -> str | None:
        """Start `target`; None when it started, else a sentence saying why not."""
        self.reap()
        with self._lock:
            branding = self._branding
        argv = [*launch_argv(target, self._config_file, branding), *extra]
        try:
            out = self._log_file.open("ab") if self._log_file is not None else None
        except OSError:
            out = None
        try:
            child = subprocess.Popen(
                argv,
                stdin=subprocess.DEVNULL,
                stdout=out if out is not None else subprocess.DEVNULL,
                stderr=subprocess.STDOUT if out is not None else subprocess.DEVNULL,
                start_new_session=True,
                close_fds=True,
                env={**os.environ, "PYTHONUNBUFFERED": "1"},
            )
        except OSError as exc:
            log.warning("could not open %s (%s): %s", target, " ".join(argv), exc)
            return f"Could not open the {target} window: {exc.strerror or exc}"
        finally:
            if out is not None:
                out.close()
        log.info("opened %s (pid %d)", target, child.pid)
        with self._lock:
            self._children.append(child)
        return None

    def reap(self) -> list[int]:
        """Collect children that ended; their exit codes (non-zero ones are logged)."""
        with self._lock:
            ended = [c for c in self._children if c.poll() is not None]
            self._children = [c for c in self._children if c.returncode is None]
        for child in ended:
            if child.returncode:
                log.warning("%s exited %s", _name(child.args), child.returncode)
        return [c.returncode for c in ended]

    @property
    def running(self) -> int:
        """How many started children have not been reaped yet."""
        with self._lock:
            return len(self._children)


def _name(args: object) -> str:
    if isinstance(args, Sequence) and not isinstance(args, str | bytes):
        return " ".join(str(a) for a in args[1:4])
    return str(args)
