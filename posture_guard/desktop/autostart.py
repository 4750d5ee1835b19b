"""Start Posture Guard at login: an XDG autostart entry, a Windows Run value or a LaunchAgent.

Rule 1: what is written is decided by pure functions (`desktop_entry`, `launch_agent_plist`,
        `run_key_value`) from the command; the `LoginItem` adapters only write, read and remove.
Rule 2: enable and disable are idempotent and say whether anything changed; enable rewrites an
        entry that starts something else (an old path after a reinstall), never a foreign file
        it does not recognise as ours.
Rule 3: `winreg` is imported only on Windows, so this module imports everywhere.
"""

from __future__ import annotations

import contextlib
import ntpath
import plistlib
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final, Protocol

from posture_guard.core.errors import AutostartError
from posture_guard.core.i18n import _
from posture_guard.desktop.files import write_file
from posture_guard.desktop.paths import LOGIN_ITEM_ID, login_item_file

#: Marks a file as written by us (a line of the .desktop entry).
MARKER: Final = "X-Posture-Guard-Autostart=true"
RUN_KEY: Final = r"Software\Microsoft\Windows\CurrentVersion\Run"
RUN_VALUE: Final = "Posture Guard"


def login_command(executable: str, platform: str) -> list[str]:
    """The command that starts the service at login, for this Python interpreter.

    On Windows, pythonw.exe beside python.exe runs it without a console window.
    """
    if platform == "win32":
        folder, name = ntpath.split(executable)  # Windows paths, whatever OS computes them
        if name.lower() == "python.exe":
            executable = ntpath.join(folder, "pythonw.exe")
    return [executable, "-m", "posture_guard", "run"]


# --- pure: file contents -----------------------------------------------------------------------

_EXEC_RESERVED: Final = set(" \t\n\"'\\><~|&;$*?#()`")


def _exec_arg(arg: str) -> str:
    """One Exec= argument, quoted as the Desktop Entry spec asks ("%" is always doubled)."""
    arg = arg.replace("%", "%%")
    if arg and not (set(arg) & _EXEC_RESERVED):
        return arg
    escaped = "".join("\\" + c if c in '"`$\\' else c for c in arg)
    return f'"{escaped}"'


def desktop_string(value: str) -> str:
    """A value of type string/localestring: backslash, newline and tab escaped."""
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace("\t", "\\t")


def exec_line(command: Sequence[str]) -> str:
    """An Exec= value for `command`: each argument quoted, then escaped as a string value."""
    return desktop_string(" ".join(_exec_arg(a) for a in command))


def desktop_entry(command: Sequence[str]) -> str:
    """The XDG autostart entry (`~/.config/autostart/posture-guard.desktop`) for `command`."""
    return (
        "[Desktop Entry]\n"
        "Type=Application\n"
        "Name=Posture Guard\n"
        "Comment=Breaks earned by active screen time, with one concrete exercise each\n"
        f"Exec={exec_line(command)}\n"
        "Icon=posture-guard\n"
        "Terminal=false\n"
        "Categories=Utility;\n"
        "X-GNOME-Autostart-enabled=true\n"
        f"{MARKER}\n"
    )


def launch_agent_plist(command: Sequence[str]) -> bytes:
    """The macOS LaunchAgent (`~/Library/LaunchAgents/<label>.plist`) for `command`."""
    agent = {
        "Label": LOGIN_ITEM_ID,
        "ProgramArguments": list(command),
        "RunAtLoad": True,
        "KeepAlive": False,
        "ProcessType": "Interactive",
    }
    return plistlib.dumps(agent, fmt=plistlib.FMT_XML)


def run_key_value(command: Sequence[str]) -> str:
    """The Windows Run value (a command line, quoted as CreateProcess parses it)."""
    return subprocess.list2cmdline(list(command))


# --- adapters ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class AutostartState:
    """Whether a login item exists, where, and whether it starts what we would write now."""

    enabled: bool
    where: str
    current: bool


class LoginItem(Protocol):
    def status(self) -> AutostartState: ...

    def enable(self) -> bool:
        """Write the login item; False when it was already exactly so."""
        ...

    def disable(self) -> bool:
        """Remove the login item; False when there was none."""
        ...


class FileLoginItem:
    """A login item that is one file of ours (XDG .desktop entry, LaunchAgent plist)."""

    def __init__(self, path: Path, content: bytes, ours: bytes) -> None:
        """Args: `content` to write; `ours`, a byte string every file of ours contains."""
        self.path = path
        self._content = content
        self._ours = ours

    def _read(self) -> bytes | None:
        try:
            return self.path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise AutostartError(
                _("{where}: cannot be read: {reason}").format(
                    where=self.path, reason=exc.strerror or exc
                )
            ) from None

    def status(self) -> AutostartState:
        found = self._read()
        return AutostartState(
            enabled=found is not None, where=str(self.path), current=found == self._content
        )

    def enable(self) -> bool:
        found = self._read()
        if found == self._content:
            return False
        if found is not None and self._ours not in found:
            raise AutostartError(
                _("{where}: exists and was not written by Posture Guard; not replacing it").format(
                    where=self.path
                )
            )
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            write_file(self.path, self._content, mode=0o644)
        except OSError as exc:
            raise AutostartError(
                _("{where}: cannot be written: {reason}").format(
                    where=self.path, reason=exc.strerror or exc
                )
            ) from None
        return True

    def disable(self) -> bool:
        found = self._read()
        if found is None:
            return False
        if self._ours not in found:
            raise AutostartError(
                _("{where}: was not written by Posture Guard; not removing it").format(
                    where=self.path
                )
            )
        try:
            self.path.unlink()
        except FileNotFoundError:
            return False
        except OSError as exc:
            raise AutostartError(
                _("{where}: cannot be removed: {reason}").format(
                    where=self.path, reason=exc.strerror or exc
                )
            ) from None
        return True


class RunKeyLoginItem:
    """The HKCU Run value on Windows."""

    def __init__(self, value: str) -> None:
        self._value = value
        self.where = f"HKEY_CURRENT_USER\\{RUN_KEY} [{RUN_VALUE}]"

    def _read(self) -> str | None:
        if sys.platform == "win32":
            import winreg  # noqa: PLC0415 - only on Windows

            try:
                with winreg.OpenKey(winreg.HKEY_CURRENT_USER, RUN_KEY) as key:
                    value, _kind = winreg.QueryValueEx(key, RUN_VALUE)
            except FileNotFoundError:
                return None
            except OSError as exc:
                raise AutostartError(
                    _("{where}: cannot be read: {reason}").format(where=self.where, reason=exc)
                ) from None
            return str(value)
        else:
            raise AutostartError(_("the Run key exists only on Windows"))

    def status(self) -> AutostartState:
        found = self._read()
        return AutostartState(
            enabled=found is not None, where=self.where, current=found == self._value
        )

    def enable(self) -> bool:
        if self._read() == self._value:
            return False
        if sys.platform == "win32":
            import winreg  # noqa: PLC0415

            try:
                with winreg.CreateKey(winreg.HKEY_CURRENT_USER, RUN_KEY) as key:
                    winreg.SetValueEx(key, RUN_VALUE, 0, winreg.REG_SZ, self._value)
            except OSError as exc:
                raise AutostartError(
                    _("{where}: cannot be written: {reason}").format(where=self.where, reason=exc)
                ) from None
        return True

    def disable(self) -> bool:
        if self._read() is None:
            return False
        if sys.platform == "win32":
            import winreg  # noqa: PLC0415

            try:
                with (
                    winreg.OpenKey(
                        winreg.HKEY_CURRENT_USER, RUN_KEY, 0, winreg.KEY_SET_VALUE
                    ) as key,
                    contextlib.suppress(FileNotFoundError),
                ):
                    winreg.DeleteValue(key, RUN_VALUE)
            except OSError as exc:
                raise AutostartError(
                    _("{where}: cannot be removed: {reason}").format(where=self.where, reason=exc)
                ) from None
        return True


def login_item(env: Mapping[str, str] | None = None) -> LoginItem:
    """The login item of this OS for this Python interpreter."""
    command = login_command(sys.executable, sys.platform)
    path = login_item_file(env)
    if sys.platform == "win32":
        return RunKeyLoginItem(run_key_value(command))
    elif sys.platform == "darwin":
        assert path is not None
        return FileLoginItem(path, launch_agent_plist(command), LOGIN_ITEM_ID.encode())
    else:
        assert path is not None
        return FileLoginItem(path, desktop_entry(command).encode(), MARKER.encode())
