"""`posture-guard autostart enable|disable|status` for real, in a private HOME (Linux: XDG)."""

from __future__ import annotations

import sys

from posture_guard.desktop.autostart import MARKER, desktop_entry, login_command
from tests.app import App


def test_autostart_enable_status_disable_are_idempotent(app: App) -> None:
    entry = app.home / ".config" / "autostart" / "posture-guard.desktop"
    status = app.cli("autostart", "status")
    assert (status.returncode, status.stdout) == (
        0,
        f"Autostart: disabled (`posture-guard autostart enable` writes {entry})\n",
    )

    first = app.cli("autostart", "enable")
    assert (first.returncode, first.stdout, first.stderr) == (
        0,
        f"Autostart enabled: Posture Guard starts at login ({entry}).\n",
        "",
    )
    # The entry starts this very interpreter's service (the one that ran the command).
    assert entry.read_text() == desktop_entry(login_command(sys.executable, "linux"))
    assert oct(entry.stat().st_mode & 0o777) == "0o644"
    again = app.cli("autostart", "enable")
    assert (again.returncode, again.stdout) == (0, f"Autostart was already enabled: {entry}\n")
    assert app.cli("autostart", "status").stdout == f"Autostart: enabled ({entry})\n"

    off = app.cli("autostart", "disable")
    assert (off.returncode, off.stdout) == (0, f"Autostart disabled: removed {entry}\n")
    assert not entry.exists()
    off_again = app.cli("autostart", "disable")
    assert (off_again.returncode, off_again.stdout) == (
        0,
        f"Autostart was not enabled (no {entry}).\n",
    )


def test_autostart_updates_an_entry_of_ours_that_starts_another_copy(app: App) -> None:
    # After a reinstall in another folder the old entry starts a program that is gone.
    entry = app.home / ".config" / "autostart" / "posture-guard.desktop"
    entry.parent.mkdir(parents=True)
    entry.write_text(desktop_entry(["/old/venv/bin/python3", "-m", "posture_guard", "run"]))
    assert app.cli("autostart", "status").stdout == (
        f"Autostart: enabled, but {entry} starts another copy of Posture Guard; "
        "`posture-guard autostart enable` updates it\n"
    )
    assert app.cli("autostart", "enable").stdout == (
        f"Autostart updated to start this Posture Guard: {entry}\n"
    )
    assert sys.executable in entry.read_text()


def test_autostart_never_replaces_or_removes_a_file_it_did_not_write(app: App) -> None:
    entry = app.home / ".config" / "autostart" / "posture-guard.desktop"
    entry.parent.mkdir(parents=True)
    foreign = "[Desktop Entry]\nType=Application\nName=Mine\nExec=/usr/local/bin/my-pg\n"
    entry.write_text(foreign)
    for action, verb in (("enable", "replacing"), ("disable", "removing")):
        done = app.cli("autostart", action)
        assert (done.returncode, done.stdout) == (1, "")
        expected = (
            f"posture-guard: {entry}: exists and was not written by Posture Guard; not replacing it\n"
            if action == "enable"
            else f"posture-guard: {entry}: was not written by Posture Guard; not removing it\n"
        )
        assert done.stderr == expected, verb
    assert entry.read_text() == foreign
    assert MARKER not in entry.read_text()


def test_autostart_follows_xdg_config_home(app: App) -> None:
    app.env["XDG_CONFIG_HOME"] = str(app.home / "elsewhere")
    assert app.cli("autostart", "enable").returncode == 0
    assert (app.home / "elsewhere" / "autostart" / "posture-guard.desktop").is_file()
    assert not (app.home / ".config" / "autostart").exists()
