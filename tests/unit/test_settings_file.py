"""The settings window's writer (app/settings_file.py) on real files: comments kept, one step,
0600; anything that is not a file to edit refused in one line with nothing written; and the
service never loads tomlkit or GTK."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from posture_guard.app import settings_file
from posture_guard.app.settings_file import SettingsFileError

MINE = """\
# my settings
[breaks.stretch]
every = "10m"     # keep this short
length = "1m"

[general]
snooze = "5m"
"""


def test_settings_file_an_edit_keeps_comments_and_layout_and_writes_0600(tmp_path: Path) -> None:
    # Protects: issue 14 acceptance 4 at the writer: the byte diff is the changed value; a new
    # key goes to its table, a new table to the end; the file ends up 0600.
    path = tmp_path / "config.toml"
    path.write_text(MINE)
    path.chmod(0o644)
    text = settings_file.edited(path, settings_file.read_text(path), {"breaks.stretch.every": "3m"})
    assert text == MINE.replace('"10m"', '"3m"')
    more = settings_file.edited(
        path, text, {"general.max_skips_per_day": 2, "working_hours.days": ["mon", "fri"]}
    )
    assert (
        more
        == text.replace('snooze = "5m"\n', 'snooze = "5m"\nmax_skips_per_day = 2\n')
        + '\n[working_hours]\ndays = ["mon", "fri"]\n\n'
    )
    settings_file.write(path, more)
    assert path.read_text() == more
    assert path.stat().st_mode & 0o777 == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["config.toml"]  # no temporary left


def test_settings_file_a_new_file_is_made_in_a_private_folder(tmp_path: Path) -> None:
    path = tmp_path / "posture-guard" / "config.toml"
    assert settings_file.read_text(path) == ""
    settings_file.write(path, settings_file.edited(path, "", {"general.snooze": "6m"}))
    assert path.read_text() == '[general]\nsnooze = "6m"\n\n'
    assert path.parent.stat().st_mode & 0o777 == 0o700


def _directory(path: Path) -> str:
    path.mkdir()
    return "a directory"


def _link(path: Path) -> str:
    target = path.parent / "elsewhere.toml"
    target.write_text(MINE)
    path.symlink_to(target)
    return f"a link to {target}"


def _latin1(path: Path) -> str:
    path.write_bytes(MINE.encode() + b"# caf\xe9\n")
    return "the byte 0xe9 on line 8, which is not UTF-8"


@pytest.mark.parametrize("make", [_directory, _link, _latin1])
def test_settings_file_what_is_not_a_file_to_edit_is_refused_in_one_line(
    tmp_path: Path, make
) -> None:
    # Protects: a folder, a link (to a file elsewhere) or a file that is not UTF-8 in the
    # settings file's place: one line naming the file, what was expected and what is there;
    # nothing is written (the link's target keeps its bytes).
    path = tmp_path / "config.toml"
    got = make(path)
    before = {p.name: (p.read_bytes() if p.is_file() else None) for p in tmp_path.iterdir()}
    with pytest.raises(SettingsFileError) as caught:
        settings_file.read_text(path)
    assert str(caught.value) == (
        f"{path}: expected a settings file (UTF-8 TOML text) to change, got {got}; nothing was"
        " written"
    )
    with pytest.raises(SettingsFileError):
        settings_file.write(path, MINE)
    after = {p.name: (p.read_bytes() if p.is_file() else None) for p in tmp_path.iterdir()}
    assert after == before


def test_settings_file_text_that_is_not_toml_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    with pytest.raises(SettingsFileError, match=r"got text that is not TOML"):
        settings_file.edited(path, "[general\n", {"general.snooze": "6m"})


def test_settings_file_the_service_never_loads_tomlkit_or_a_toolkit() -> None:
    # Protects: the always-running process stays small (DESIGN: no GTK in it): the command
    # line and the service's composition root load neither tomlkit nor GTK nor Tk.
    code = (
        "import json, sys; import posture_guard.cli, posture_guard.runner, "
        "posture_guard.ui.tray, posture_guard.core.settings_form; "
        "print(json.dumps(sorted(m for m in sys.modules "
        "if m.split('.')[0] in ('tomlkit', 'gi', 'tkinter'))))"
    )
    env = {k: v for k, v in os.environ.items() if k != "DISPLAY"}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    )
    assert json.loads(done.stdout) == []
