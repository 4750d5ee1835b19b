"""The desktop setup commands: `posture-guard autostart enable|disable|status`, `launcher
install|remove` and `doctor`.

Each prints a few lines and returns the exit code; the work is in `autostart` and `doctor`.
The lines are in the reader's language; the login item's place (a path or a registry value) is
data, shown as written.
"""

from __future__ import annotations

import sys

from posture_guard.core.i18n import _, ngettext
from posture_guard.desktop.autostart import LoginItem, login_item


def autostart(action: str) -> int:
    """Enable, disable or report the login item; 0 (errors raise AutostartError).

    Raises:
        AutostartError: the file or registry value cannot be read, written or removed, or a
            file in the way is not ours.
    """
    print(autostart_line(login_item(), action))
    return 0


def autostart_line(item: LoginItem, action: str) -> str:
    """Enable, disable or report `item` ("enable", "disable", "status"): the line saying what
    was done or how it stands. The command and the welcome window both do it this way.

    Raises:
        AutostartError: as `autostart`.
    """
    state = item.status()
    # Translators (all the lines below): {where} is the login item's file or registry value
    if action == "enable":
        changed = item.enable()
        if not changed:
            line = _("Autostart was already enabled: {where}")
        elif state.enabled:
            line = _("Autostart updated to start this Posture Guard: {where}")
        else:
            line = _("Autostart enabled: Posture Guard starts at login ({where}).")
    elif action == "disable":
        if item.disable():
            line = _("Autostart disabled: removed {where}")
        else:
            line = _("Autostart was not enabled (no {where}).")
    elif not state.enabled:
        line = _("Autostart: disabled (`posture-guard autostart enable` writes {where})")
    elif state.current:
        line = _("Autostart: enabled ({where})")
    else:
        line = _(
            "Autostart: enabled, but {where} starts another copy of Posture Guard; "
            "`posture-guard autostart enable` updates it"
        )
    return line.format(where=state.where)


def launcher(action: str) -> int:
    """Install or remove the applications-menu launcher and the app icon (XDG desktops); 0.

    Raises:
        AutostartError: a file in the way is not ours, or cannot be written or removed.
    """
    import io  # noqa: PLC0415 - only this command draws

    from posture_guard.desktop import language  # noqa: PLC0415
    from posture_guard.desktop import launcher as entry  # noqa: PLC0415
    from posture_guard.ui.icons import app_icon_images, symbolic_svg  # noqa: PLC0415 - Pillow

    home = entry.data_home()
    if action == "remove":
        removed = entry.remove(home)
        # Translators: {count} is how many files were removed
        print(
            ngettext(
                "Launcher and icon removed ({count} file).",
                "Launcher and icon removed ({count} files).",
                len(removed),
            ).format(count=len(removed))
        )
        return 0
    pictures = {}
    for size, image in app_icon_images().items():
        buffer = io.BytesIO()
        image.save(buffer, format="PNG", optimize=True)
        pictures[size] = buffer.getvalue()
    done = entry.install(
        home,
        entry.launcher_entry(sys.executable, language.translations()),
        pictures,
        symbolic=symbolic_svg().encode("utf-8"),
    )
    if done.changed:
        line = _("Posture Guard is in your applications menu, with its icon: {where}")
    else:
        line = _("The launcher and the icon were already in place: {where}")
    print(line.format(where=done.launcher))
    return 0


def doctor() -> int:
    """Print which backends work here and why the others do not; always 0."""
    from posture_guard.desktop.paths import default_paths  # noqa: PLC0415 - as below
    from posture_guard.ui.doctor import diagnose, format_report  # noqa: PLC0415 - probing

    findings, hints = diagnose()
    print(format_report(findings, hints))
    override = default_paths().policy_override
    if override is not None:
        print(override)
    return 0
