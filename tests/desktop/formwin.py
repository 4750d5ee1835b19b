"""One of our form windows (welcome, settings) run as its own process on a test desk, typed
into with xdotool until it prints its outcome (a JSON line) and exits."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from tests.app import Output, stop_process
from tests.desktop.conftest import save_screenshot, wait_until
from tests.desktop.wm import Desk, wait_gone

#: The window class (WM_CLASS) of the forms' windows, GTK and Tk alike.
FORM_CLASS = "PostureGuardForm"


class FormWindow:
    """`python ARGS` (a window of ours) on `desk` with `env`; screenshots named
    `<prefix>-<name>-<toolkit>`."""

    def __init__(self, desk: Desk, env: dict[str, str], args: Sequence[str], prefix: str) -> None:
        self.desk = Desk(desk.display, env)
        self.toolkit = env["POSTURE_GUARD_TOOLKIT"]
        self.prefix = prefix
        self.proc = subprocess.Popen(
            [sys.executable, *args],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )  # fmt: skip
        self.out = Output(self.proc)

    def title(self) -> str:
        """The title (_NET_WM_NAME, UTF-8) of the shown form window, "" while there is none."""
        ids = self.desk.xdotool("search", "--onlyvisible", "--class", FORM_CLASS).split()
        return self.desk.xdotool("getwindowname", ids[0]).strip() if ids else ""

    def wait(self, title: str) -> None:
        """Until the window titled `title` is shown and its first control has the focus."""
        wait_until(lambda: self.title() == title, f"the window {title!r}", 20)
        time.sleep(0.8)  # the first control takes the focus once the window maps

    def keys(self, *keys: str) -> None:
        for name in keys:
            self.desk.xdotool("key", name)
            time.sleep(0.08)
        time.sleep(0.4)

    def type(self, text: str) -> None:
        self.desk.xdotool("type", "--delay", "20", text)
        time.sleep(0.3)

    def shot(self, name: str) -> Path:
        return save_screenshot(self.desk.display, f"{self.prefix}-{name}-{self.toolkit}")

    def result(self) -> dict[str, object]:
        self.out.wait_for("outcome", 15)
        assert wait_gone(self.proc) == 0
        return json.loads(self.out.lines[-1])

    def close(self) -> None:
        stop_process(self.proc)
        if self.proc.stdout is not None:
            self.proc.stdout.close()
