"""How the desktop wants things to look: high contrast and the scale factor, where detectable.

High contrast follows, in order: POSTURE_GUARD_HIGH_CONTRAST (1/0), GTK_THEME, the GNOME
setting (gsettings org.gnome.desktop.a11y.interface high-contrast, then the gtk-theme name),
~/.config/gtk-3.0/settings.ini's gtk-theme-name. A theme name containing "HighContrast"
counts. The scale follows POSTURE_GUARD_SCALE, then GDK_SCALE. Never raises.
"""

from __future__ import annotations

import configparser
import os
import subprocess
from pathlib import Path

from posture_guard.desktop.dbus import session_bus_env
from posture_guard.desktop.programs import which


def high_contrast_wanted() -> bool:
    """True when the desktop asks for high contrast (see the module docstring)."""
    forced = os.environ.get("POSTURE_GUARD_HIGH_CONTRAST", "")
    if forced in ("0", "1"):
        return forced == "1"
    theme = os.environ.get("GTK_THEME", "")
    if theme:
        return _is_high_contrast(theme)
    bus_env = session_bus_env()
    if which("gsettings") and bus_env is not None:
        a11y = _gsettings(bus_env, "org.gnome.desktop.a11y.interface", "high-contrast")
        if a11y == "true":
            return True
        gnome_theme = _gsettings(bus_env, "org.gnome.desktop.interface", "gtk-theme")
        if gnome_theme and _is_high_contrast(gnome_theme):
            return True
    config = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    parser = configparser.ConfigParser()
    try:
        parser.read(config / "gtk-3.0" / "settings.ini", encoding="utf-8")
    except (OSError, configparser.Error):
        return False
    return _is_high_contrast(parser.get("Settings", "gtk-theme-name", fallback=""))


def scale_wanted() -> float | None:
    """The scale factor the desktop asks for (2.0 = 200 %), or None to keep Tk's own."""
    for name in ("POSTURE_GUARD_SCALE", "GDK_SCALE"):
        try:
            value = float(os.environ.get(name, ""))
        except ValueError:
            continue
        if 0.5 <= value <= 4:
            return value
    return None


def _is_high_contrast(theme: str) -> bool:
    return "highcontrast" in theme.replace("-", "").replace(" ", "").lower()


def _gsettings(env: dict[str, str], schema: str, key: str) -> str | None:
    try:
        done = subprocess.run(
            ["gsettings", "get", schema, key],
            env=env, capture_output=True, text=True, timeout=2, check=False,
        )  # fmt: skip
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip().strip("'") if done.returncode == 0 else None
