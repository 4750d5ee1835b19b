"""The desktop setup commands: `posture-guard autostart enable|disable|status` and `doctor`.

Each prints a few lines and returns the exit code; the work is in `autostart` and `doctor`.
"""

from __future__ import annotations

from posture_guard.desktop.autostart import login_item
from posture_guard.ui.doctor import diagnose, format_report


def autostart(action: str) -> int:
    """Enable, disable or report the login item; 0 (errors raise AutostartError).

    Raises:
        AutostartError: the file or registry value cannot be read, written or removed, or a
            file in the way is not ours.
    """
    item = login_item()
    state = item.status()
    if action == "enable":
        changed = item.enable()
        if not changed:
            print(f"Autostart was already enabled: {state.where}")
        elif state.enabled:
            print(f"Autostart updated to start this Posture Guard: {state.where}")
        else:
            print(f"Autostart enabled: Posture Guard starts at login ({state.where}).")
    elif action == "disable":
        if item.disable():
            print(f"Autostart disabled: removed {state.where}")
        else:
            print(f"Autostart was not enabled (no {state.where}).")
    elif not state.enabled:
        print(f"Autostart: disabled (`posture-guard autostart enable` writes {state.where})")
    elif state.current:
        print(f"Autostart: enabled ({state.where})")
    else:
        print(
            f"Autostart: enabled, but {state.where} starts another copy of Posture Guard; "
            "`posture-guard autostart enable` updates it"
        )
    return 0


def doctor() -> int:
    """Print which backends work here and why the others do not; always 0."""
    findings, hints = diagnose()
    print(format_report(findings, hints))
    return 0
