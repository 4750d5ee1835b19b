"""What the login item says, per OS, as values (the pure half of desktop/autostart.py)."""

from __future__ import annotations

import plistlib
import subprocess

import pytest

from posture_guard.desktop.autostart import (
    MARKER,
    desktop_entry,
    launch_agent_plist,
    login_command,
    run_key_value,
)
from posture_guard.desktop.paths import LOGIN_ITEM_ID, login_item_file


def test_login_command_runs_the_service_with_this_interpreter() -> None:
    assert login_command("/opt/pg/.venv/bin/python3", "linux") == [
        "/opt/pg/.venv/bin/python3", "-m", "posture_guard", "run",
    ]  # fmt: skip


def test_login_command_on_windows_uses_pythonw_so_no_console_opens() -> None:
    command = login_command(r"C:\Users\Ann\pg\.venv\Scripts\python.exe", "win32")
    assert command[0].endswith("pythonw.exe")
    assert command[1:] == ["-m", "posture_guard", "run"]


def test_desktop_entry_for_a_plain_path() -> None:
    assert desktop_entry(["/usr/bin/python3", "-m", "posture_guard", "run"]) == (
        "[Desktop Entry]\n"
        "Type=Application\n"
        "Name=Posture Guard\n"
        "Comment=Breaks earned by active screen time, with one concrete exercise each\n"
        "Exec=/usr/bin/python3 -m posture_guard run\n"
        "Icon=posture-guard\n"
        "Terminal=false\n"
        "Categories=Utility;\n"
        "X-GNOME-Autostart-enabled=true\n"
        f"{MARKER}\n"
    )


def test_desktop_entry_quotes_spaces_dollars_and_percent_as_the_spec_asks() -> None:
    entry = desktop_entry(["/home/ann/My Apps/$pg/bin/python3", "-m", "posture_guard", "run"])
    exec_line = next(line for line in entry.splitlines() if line.startswith("Exec="))
    # Inside quotes `$` is escaped with a backslash, and the string escape doubles it.
    assert exec_line == r'Exec="/home/ann/My Apps/\\$pg/bin/python3" -m posture_guard run'
    assert "%%" in desktop_entry(["/opt/100%/python3", "run"])


@pytest.mark.parametrize(
    "command",
    [
        ["/usr/bin/python3", "-m", "posture_guard", "run"],
        ["/home/ann/My Apps/$pg/bin/python3", "-m", "posture_guard", "run"],
    ],
)
def test_desktop_entry_passes_desktop_file_validate(tmp_path, command: list[str]) -> None:
    path = tmp_path / "posture-guard.desktop"
    path.write_text(desktop_entry(command))
    done = subprocess.run(
        ["desktop-file-validate", str(path)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "error" not in done.stdout.lower()


def test_launch_agent_plist_runs_at_load_with_the_arguments_unquoted() -> None:
    command = ["/Users/ann/Posture Guard/.venv/bin/python3", "-m", "posture_guard", "run"]
    agent = plistlib.loads(launch_agent_plist(command))
    assert agent == {
        "Label": LOGIN_ITEM_ID,
        "ProgramArguments": command,
        "RunAtLoad": True,
        "KeepAlive": False,
        "ProcessType": "Interactive",
    }
    assert launch_agent_plist(command).startswith(b'<?xml version="1.0" encoding="UTF-8"?>')


def test_run_key_value_quotes_a_path_with_spaces() -> None:
    command = [r"C:\Program Files\Posture Guard\pythonw.exe", "-m", "posture_guard", "run"]
    assert run_key_value(command) == (
        r'"C:\Program Files\Posture Guard\pythonw.exe" -m posture_guard run'
    )


def test_login_item_file_follows_xdg_config_home() -> None:
    env = {"HOME": "/home/ann", "XDG_CONFIG_HOME": "/home/ann/.cfg"}
    assert str(login_item_file(env)) == "/home/ann/.cfg/autostart/posture-guard.desktop"
    assert str(login_item_file({"HOME": "/home/ann"})) == (
        "/home/ann/.config/autostart/posture-guard.desktop"
    )
