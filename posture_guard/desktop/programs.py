"""Finding a program on the PATH, as `shutil.which` does on POSIX (no PATHEXT: our callers
are the Linux adapters).

Ours because shutil brings bz2, lzma and fnmatch into the service (0.5 MiB measured), which
only ever asks whether a helper program such as `pactl` or `notify-send` is installed.
"""

from __future__ import annotations

import os


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
