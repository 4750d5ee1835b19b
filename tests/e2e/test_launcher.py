"""`posture-guard launcher install|remove`: the app is in the applications menu with its own
icon (issue: windows showed a generic icon because none was installed). Checked with the
freedesktop validator and GTK's own icon theme lookup, from a fresh HOME."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from posture_guard.desktop.launcher import ICON_SIZES, launcher_file

pytestmark = pytest.mark.e2e

GTK_LOOKUP = (
    "import gi, sys; gi.require_version('Gtk', '3.0'); from gi.repository import Gtk; "
    "info = Gtk.IconTheme.new().lookup_icon(sys.argv[1], 48, 0); "
    "print(info.get_filename() if info else '')"
)


def cli(home: Path, *args: str, language: str = "en") -> subprocess.CompletedProcess[str]:
    env = {"HOME": str(home), "PATH": os.environ["PATH"], "LANGUAGE": language}
    return subprocess.run(
        [sys.executable, "-m", "posture_guard", *args],
        env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


def gtk_finds_our_icon(home: Path, name: str = "posture-guard") -> str:
    env = {
        "HOME": str(home),
        "PATH": os.environ["PATH"],
        "XDG_DATA_HOME": str(home / ".local" / "share"),
    }
    done = subprocess.run(
        [sys.executable, "-c", GTK_LOOKUP, name],
        env=env, capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    return done.stdout.strip()


def test_install_puts_a_valid_launcher_and_the_icon_where_the_desktop_looks(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    share = home / ".local" / "share"
    done = cli(home, "launcher", "install")
    assert done.returncode == 0, done.stderr
    entry = launcher_file(share)
    assert f"with its icon: {entry}" in done.stdout
    validated = subprocess.run(
        ["desktop-file-validate", str(entry)], capture_output=True, text=True, check=False
    )
    assert (validated.returncode, validated.stdout + validated.stderr) == (0, "")
    text = entry.read_text(encoding="utf-8")
    # a start from the menu while it runs opens its menu (autostart's entry has no such flag)
    assert f"Exec={sys.executable} -m posture_guard run --menu-if-running\n" in text
    assert "Name[de]=Bericht öffnen" in text  # the actions speak each catalogue's language
    assert "Icon=posture-guard\n" in text
    for size in ICON_SIZES:
        png = share / "icons" / "hicolor" / f"{size}x{size}" / "apps" / "posture-guard.png"
        assert png.read_bytes().startswith(b"\x89PNG"), size
    assert gtk_finds_our_icon(home).endswith("/48x48/apps/posture-guard.png")
    # issue 13: a monochrome variant for panels that draw icons in their own foreground
    symbolic = gtk_finds_our_icon(home, "posture-guard-symbolic")
    assert symbolic.endswith("/hicolor/symbolic/apps/posture-guard-symbolic.svg")
    assert Path(symbolic).read_text(encoding="utf-8").startswith("<svg")
    again = cli(home, "launcher", "install")
    assert "already in place" in again.stdout


def test_remove_takes_away_only_what_install_put_there(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    assert cli(home, "launcher", "install").returncode == 0
    assert gtk_finds_our_icon(home)
    done = cli(home, "launcher", "remove")
    assert done.returncode == 0, done.stderr
    assert "removed (9 files)" in done.stdout
    share = home / ".local" / "share"
    assert not launcher_file(share).exists()
    assert gtk_finds_our_icon(home) == ""
    assert gtk_finds_our_icon(home, "posture-guard-symbolic") == ""


def test_someone_elses_launcher_is_left_alone_with_one_line(tmp_path):
    home = tmp_path / "home"
    theirs = launcher_file(home / ".local" / "share")
    theirs.parent.mkdir(parents=True)
    theirs.write_text("[Desktop Entry]\nType=Application\nName=Mine\nExec=true\n")
    done = cli(home, "launcher", "install")
    assert done.returncode != 0
    assert done.stderr.strip().splitlines() == [
        f"posture-guard: {theirs}: exists and was not written by Posture Guard; not replacing it"
    ]
    assert theirs.read_text().endswith("Exec=true\n")
