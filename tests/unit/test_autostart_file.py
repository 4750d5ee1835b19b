"""The autostart entry shipped for /etc/xdg/autostart: valid to the freedesktop tools, and it
starts the service."""

from __future__ import annotations

import configparser
import subprocess
from pathlib import Path

DESKTOP = Path(__file__).resolve().parents[2] / "packaging" / "linux" / "posture-guard.desktop"


def test_autostart_file_passes_desktop_file_validate() -> None:
    result = subprocess.run(
        ["desktop-file-validate", str(DESKTOP)], capture_output=True, text=True, check=False
    )
    assert (result.returncode, result.stdout + result.stderr) == (0, "")


def test_autostart_file_starts_the_service_without_a_terminal() -> None:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(DESKTOP, encoding="utf-8")
    entry = parser["Desktop Entry"]
    assert (entry["Type"], entry["Exec"], entry["Terminal"]) == (
        "Application",
        "posture-guard run",
        "false",
    )
