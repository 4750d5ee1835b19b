"""The app's place on XDG desktops: its launcher in the applications menu (with actions that open
its windows, a way in when no tray is shown) and its icon in the hicolor theme, so the menu,
the windows and the notifications show our icon instead of a generic one.

Rule 1: what is written is decided by pure functions (`launcher_entry`, `icon_files`); the icons
        come from the caller as PNG bytes per size (ui/icons.py draws them with Pillow; nothing
        here imports it).
Rule 2: only files of ours are replaced or removed: the launcher by its marker line, the icons by
        their name (`posture-guard.png` in the sizes we write).
Rule 3: the entry passes `desktop-file-validate`; its words are in every language that has a
        catalogue (`Name[de]=`...), looked up in each catalogue, not in the one in use.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from posture_guard.core.errors import AutostartError
from posture_guard.core.i18n import N_, Catalogue, _
from posture_guard.core.traymodel import LAUNCHES
from posture_guard.desktop.autostart import desktop_string, exec_line
from posture_guard.desktop.files import write_file

#: The icon's name in the theme, and the launcher's file name (posture-guard.desktop).
APP_ID: Final = "posture-guard"
#: Marks a launcher as written by us.
MARKER: Final = "X-Posture-Guard-Launcher=true"
#: The hicolor sizes the icon is written in.
ICON_SIZES: Final = (16, 24, 32, 48, 64, 128, 256)

_NAME: Final = "Posture Guard"
_GENERIC: Final = N_("Break reminder")
_COMMENT: Final = N_("Breaks earned by active screen time, with one concrete exercise each")
_KEYWORDS: Final = N_("posture;break;neck;pain;exercise;screen time;")
#: The launcher's actions: (id, its words, the window it opens: a key of traymodel.LAUNCHES).
_ACTIONS: Final = (
    ("menu", N_("Posture Guard menu"), "menu"),
    ("check-in", N_("Check-in…"), "check-in"),
    ("advice", N_("Advice and booking…"), "advice"),
    ("report", N_("Open report"), "report"),
)


def _localised(key: str, english: str, catalogues: Mapping[str, Catalogue]) -> list[str]:
    lines = [f"{key}={desktop_string(english)}"]
    for code, catalogue in sorted(catalogues.items()):
        said = catalogue.gettext(english)
        if said != english:
            lines.append(f"{key}[{code}]={desktop_string(said)}")
    return lines


def launcher_entry(python: str, catalogues: Mapping[str, Catalogue]) -> str:
    """The applications-menu entry that runs the service with `python`, with an action per
    window; `catalogues` maps a language code to its catalogue for the translated keys."""
    lines = [
        "[Desktop Entry]",
        "Type=Application",
        f"Name={_NAME}",
        *_localised("GenericName", _GENERIC, catalogues),
        *_localised("Comment", _COMMENT, catalogues),
        *_localised("Keywords", _KEYWORDS, catalogues),
        # a second start from the menu opens the running one's menu (runner._already_running)
        f"Exec={exec_line([python, '-m', 'posture_guard', 'run', '--menu-if-running'])}",
        f"Icon={APP_ID}",
        "Terminal=false",
        "Categories=Utility;",
        "StartupNotify=false",
        "Actions=" + "".join(f"{action};" for action, _words, _window in _ACTIONS),
        MARKER,
    ]
    for action, words, window in _ACTIONS:
        lines += [
            "",
            f"[Desktop Action {action}]",
            *_localised("Name", words, catalogues),
            f"Exec={exec_line([python, *LAUNCHES[window]])}",
        ]
    return "\n".join(lines) + "\n"


def launcher_file(data_home: Path) -> Path:
    return data_home / "applications" / f"{APP_ID}.desktop"


def icon_files(data_home: Path, sizes: Sequence[int] = ICON_SIZES) -> dict[int, Path]:
    """Where the icon of each size goes in the user's hicolor theme."""
    base = data_home / "icons" / "hicolor"
    return {size: base / f"{size}x{size}" / "apps" / f"{APP_ID}.png" for size in sizes}


def symbolic_file(data_home: Path) -> Path:
    """Where the monochrome symbolic icon goes: panels and menus that draw icons in their own
    foreground ask for `posture-guard-symbolic`."""
    return data_home / "icons" / "hicolor" / "symbolic" / "apps" / f"{APP_ID}-symbolic.svg"


def data_home(env: Mapping[str, str] | None = None) -> Path:
    """$XDG_DATA_HOME, else ~/.local/share (the XDG Base Directory rule)."""
    environ = os.environ if env is None else env
    value = environ.get("XDG_DATA_HOME", "")
    if value and os.path.isabs(value):
        return Path(value)
    return Path(environ.get("HOME", str(Path.home()))) / ".local" / "share"


@dataclass(frozen=True, slots=True)
class Installed:
    launcher: Path
    icons: tuple[Path, ...]
    changed: bool


def install(
    home: Path, entry: str, icons: Mapping[int, bytes], *, symbolic: bytes | None = None
) -> Installed:
    """Write the launcher, the icons and the symbolic icon (SVG), 0644 (the desktop reads
    them), where they differ.

    Raises:
        AutostartError: a launcher of someone else's is in the way, or a file cannot be
            written (one line naming it).
    """
    target = launcher_file(home)
    found = _read(target)
    if found is not None and MARKER.encode() not in found:
        raise AutostartError(
            _("{where}: exists and was not written by Posture Guard; not replacing it").format(
                where=target
            )
        )
    changed = False
    written: list[Path] = []
    places = icon_files(home, tuple(icons))
    for size, data in icons.items():
        changed |= _write_if_different(places[size], data)
        written.append(places[size])
    if symbolic is not None:
        changed |= _write_if_different(symbolic_file(home), symbolic)
        written.append(symbolic_file(home))
    changed |= _write_if_different(target, entry.encode())
    return Installed(launcher=target, icons=tuple(written), changed=changed)


def remove(home: Path) -> list[Path]:
    """Remove the launcher (when ours) and the icons; the files removed."""
    removed = []
    target = launcher_file(home)
    found = _read(target)
    icons = [*icon_files(home).values(), symbolic_file(home)]
    candidates = [p for p in icons if p.is_file()]
    if found is not None and MARKER.encode() in found:
        candidates.insert(0, target)
    for path in candidates:
        try:
            path.unlink()
        except OSError as exc:
            raise AutostartError(
                _("{where}: cannot be removed: {reason}").format(
                    where=path, reason=exc.strerror or exc
                )
            ) from None
        removed.append(path)
    return removed


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise AutostartError(
            _("{where}: cannot be read: {reason}").format(where=path, reason=exc.strerror or exc)
        ) from None


def _write_if_different(path: Path, data: bytes) -> bool:
    if _read(path) == data:
        return False
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_file(path, data, mode=0o644)
    except OSError as exc:
        raise AutostartError(
            _("{where}: cannot be written: {reason}").format(where=path, reason=exc.strerror or exc)
        ) from None
    return True
