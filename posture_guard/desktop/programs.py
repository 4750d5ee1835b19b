"""Other programs: finding one on the PATH, and opening a file with the desktop's default app.

`which` does what `shutil.which` does on POSIX (no PATHEXT: its callers are the Linux adapters).

Ours because shutil brings bz2, lzma and fnmatch into the service (0.5 MiB measured), which
only ever asks whether a helper program such as `pactl` or `notify-send` is installed.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def which(name: str) -> str | None:
    """The full path of the executable file `name` in a folder of $PATH (first match), or None.
    A name with a slash is checked as given."""
    if os.sep in name:
        return name if _runnable(name) else None
    for folder in os.get_exec_path():
        candidate = os.path.join(folder or os.curdir, name)
        if _runnable(candidate):
            return candidate
    return None


def _runnable(path: str) -> bool:
    return os.access(path, os.X_OK) and os.path.isfile(path)


def open_with_default_app(path: Path) -> str | None:
    """Open `path` with the desktop's default application (a text editor for a config file);
    None, or why it could not."""
    try:
        if sys.platform == "win32":
            os.startfile(path)  # noqa: S606 - the user's own file
        elif sys.platform == "darwin":
            _spawn(["open", "-t", str(path)])
        else:
            _spawn(["xdg-open", str(path)])
    except OSError as exc:
        return f"Could not open {path}: {exc.strerror or exc}"
    return None


def _spawn(command: list[str]) -> None:
    subprocess.Popen(
        command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
