"""desktop/programs.which finds programs as shutil.which does for the names we ask about."""

from __future__ import annotations

import os
import shutil
import stat

import pytest

from posture_guard.desktop.programs import which


@pytest.mark.parametrize("name", ["sh", "python3", "dbus-send", "pactl", "no-such-program-here"])
def test_which_agrees_with_shutil_on_this_machines_path(name):
    assert which(name) == shutil.which(name)


def test_which_takes_the_first_runnable_file_and_skips_what_cannot_run(tmp_path, monkeypatch):
    plain, folder, runnable, later = (tmp_path / d for d in ("plain", "folder", "run", "later"))
    for d in (plain, folder, runnable, later):
        d.mkdir()
    (plain / "tool").write_text("not executable")
    (folder / "tool").mkdir()  # a directory is not a program, executable bit or not
    for d in (runnable, later):
        (d / "tool").write_text("#!/bin/sh\n")
        (d / "tool").chmod(stat.S_IRWXU)
    monkeypatch.setenv("PATH", os.pathsep.join(str(d) for d in (plain, folder, runnable, later)))
    assert which("tool") == str(runnable / "tool")
    assert which("tool") == shutil.which("tool")
    assert which(str(plain / "tool")) is None
    assert which(str(later / "tool")) == str(later / "tool")
