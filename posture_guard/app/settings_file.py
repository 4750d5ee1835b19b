"""The person's settings file as the settings window changes it: read whole, edited in place
with tomlkit (comments, order, spacing and every other value kept as written), written in one
step (desktop/files.py: a temporary file, fsync, rename; 0600).

Rule 1: only the settings window imports this (tomlkit stays out of the service, which only
        reads the file: managed.py SettingsWatch).
Rule 2: a file that is not one to edit (a folder, a link, not a regular file, not UTF-8, not
        TOML, larger than config.MAX_FILE_BYTES) is refused with one line naming the file,
        what was expected and what is there (`SettingsFileError`); nothing is written.
Rule 3: `edited` only computes the new text; `write` puts it in place. The window checks the
        new text as `config check` would (config.load with `user_text`) between the two.
"""

from __future__ import annotations

import stat
from collections.abc import Mapping
from pathlib import Path

import tomlkit
from tomlkit.exceptions import TOMLKitError
from tomlkit.items import Table

from posture_guard.core.config import MAX_FILE_BYTES
from posture_guard.core.errors import PostureGuardError
from posture_guard.core.i18n import _
from posture_guard.desktop.files import write_file
from posture_guard.desktop.paths import ensure_private_dir


class SettingsFileError(PostureGuardError):
    """The settings file cannot be edited (Rule 2); nothing was written."""

    def __init__(self, file: Path, got: str) -> None:
        self.file = file
        # Translators: {file} is the settings file's path; {got} says what is there instead
        # ("a directory"); nothing was changed
        super().__init__(
            _(
                "{file}: expected a settings file (UTF-8 TOML text) to change, got {got}; "
                "nothing was written"
            ).format(file=file, got=got)
        )


def read_text(path: Path) -> str:
    """The file's text ("" when it does not exist yet).

    Raises:
        SettingsFileError: Rule 2.
    """
    try:
        info = path.lstat()
    except FileNotFoundError:
        return ""
    except OSError as exc:
        raise SettingsFileError(path, _("an error: {reason}").format(reason=exc.strerror)) from None
    if stat.S_ISLNK(info.st_mode):
        try:
            target = str(path.readlink())
        except OSError:
            target = "?"
        # Translators: {target} is where the link points; the window writes a file of its own
        # in the link's place only when asked to by hand
        raise SettingsFileError(path, _("a link to {target}").format(target=target))
    if stat.S_ISDIR(info.st_mode):
        raise SettingsFileError(path, _("a directory"))
    if not stat.S_ISREG(info.st_mode):
        raise SettingsFileError(
            path, _("something that is not a regular file (a pipe, a device or a socket)")
        )
    if info.st_size > MAX_FILE_BYTES:
        raise SettingsFileError(
            path, _("{size} bytes (at most 1 MiB is read)").format(size=info.st_size)
        )
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SettingsFileError(path, _("an error: {reason}").format(reason=exc.strerror)) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise SettingsFileError(
            path,
            _("the byte {byte} on line {line}, which is not UTF-8").format(
                byte=f"0x{data[exc.start]:02x}", line=line
            ),
        ) from None


def edited(path: Path, text: str, changes: Mapping[str, object]) -> str:
    """`text` with each dotted key of `changes` set to its value: a key already there is
    changed where it stands (its comment kept), a new one goes at the end of its table (made
    at the end of the file when missing).

    Raises:
        SettingsFileError: `text` is not TOML, or a key's table is a value in it.
    """
    try:
        document = tomlkit.parse(text)
    except TOMLKitError as exc:
        raise SettingsFileError(
            path, _("text that is not TOML ({reason})").format(reason=exc)
        ) from None
    made: list[Table] = []
    for key, value in changes.items():
        *sections, leaf = key.split(".")
        table: tomlkit.TOMLDocument | Table = document
        for name in sections:
            inner = table.get(name)
            if inner is None:
                inner = tomlkit.table()
                table.append(name, inner)
                made.append(inner)
            if not isinstance(inner, Table):
                got = _("[{table}] as a value, not a table").format(table=name)
                raise SettingsFileError(path, got)
            table = inner
        table[leaf] = value
    for new in made:
        new.add(tomlkit.nl())  # a blank line before whatever table comes next
    return document.as_string()


def write(path: Path, text: str) -> None:
    """Put `text` in place in one step (0600); the folder is made (0700) when missing.

    Raises:
        SettingsFileError: the file turned into something else meanwhile (Rule 2).
        OSError: the folder cannot be written (nothing was changed).
    """
    read_text(path)  # still a file to edit (or none), a moment before it is replaced
    ensure_private_dir(path.parent)
    write_file(path, text.encode("utf-8"), mode=0o600)
