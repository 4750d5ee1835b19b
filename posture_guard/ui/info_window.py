"""Small read-only windows the tray opens, each in its own process: advice, settings, about.

`python -m posture_guard.ui.info_window advice|settings|about [--config FILE]`

- advice: the latest check-in read against the diary now (`diary.current_advice`), with a button
  that opens the clinic's booking link when the advice offers one.
- settings: opens the user config file with the desktop's opener (created with a comment line if
  missing) and shows what `posture-guard config show` prints: every value and where it came from.
- about: the version, what the app does, and where its files are.
The texts are built by plain functions (`*_text`) so they are tested without a window.
"""

from __future__ import annotations

import argparse
import contextlib
import subprocess
import sys
import tkinter as tk
import webbrowser
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from tkinter import scrolledtext

from posture_guard import __version__
from posture_guard.app.managed import load_effective
from posture_guard.core.errors import PostureGuardError
from posture_guard.core.settings import Settings
from posture_guard.core.traymodel import APP_TITLE
from posture_guard.desktop.files import write_file
from posture_guard.desktop.paths import Paths, default_paths, ensure_private_dir
from posture_guard.desktop.programs import open_with_default_app

#: The Tk class of the window (WM_CLASS), for window managers and tests.
WINDOW_CLASS = "PostureGuardInfo"
CONFIG_HEADER = (
    "# Posture Guard settings: see `posture-guard config show` for every key and its value,\n"
    "# and the README's Configuration section. Durations: 20s, 45m, 1h30m.\n"
)

Button = tuple[str, Callable[[], object]]


def advice_text(paths: Paths, now: datetime) -> tuple[str, str | None]:
    """The advice as `posture-guard advice` prints it, and the booking link it offers (or None)."""
    from posture_guard.app import diary  # noqa: PLC0415 - only this window needs the diary

    fallback = diary.org_clinic(load_effective(paths).settings)  # the organisation's clinic
    with diary.open_store(paths) as store:
        found = diary.current_advice(store, now, fallback=fallback)
    if found is None:
        return "No check-in yet: choose Check-in… in the tray menu first.", None
    stored, advice = found
    return diary.advice_text(advice, stored), advice.booking_url


def settings_text(paths: Paths) -> str:
    """What `posture-guard config show` prints for this user (its errors included)."""
    argv = [sys.executable, "-m", "posture_guard", "--config", str(paths.user_config)]
    done = subprocess.run(
        [*argv, "config", "show"], capture_output=True, text=True, timeout=30, check=False
    )
    return (done.stderr + done.stdout).strip()


def about_text(paths: Paths, settings: Settings | None = None) -> str:
    """Version, purpose, who provides it (a policy's organisation and support contact), what
    leaves this computer, and where the files are."""
    branding = settings.branding if settings is not None else None
    fleet_on = settings is not None and settings.fleet.directory is not None
    who = branding.organisation if branding and branding.organisation else None
    lines = [
        f"{APP_TITLE} {__version__}" + (f", provided by {who}" if who else ""),
        "",
        "Breaks earned by active screen time, with one concrete exercise each,",
        "a private diary of neck-pain episodes, and advice on warning signs.",
        "Your diary, check-ins and advice never leave this computer."
        if fleet_on
        else "Nothing leaves this computer.",
    ]
    if fleet_on:
        lines.append(
            f"{who or 'Your organisation'} receives daily counts only: active minutes (rounded"
            " to 15) and breaks prompted, taken and skipped."
        )
    if branding and branding.support_contact:
        lines.append(f"Questions about the app: {branding.support_contact}")
    lines += [
        "",
        f"Settings: {paths.user_config}",
        f"Diary:    {paths.database}",
        f"Log:      {paths.log_file}",
    ]
    return "\n".join(lines)


def ensure_config_file(path: Path) -> Path:
    """Create the user config file with a comment line when it does not exist; returns it."""
    if not path.exists():
        ensure_private_dir(path.parent)  # 0700, as every folder of ours
        with contextlib.suppress(FileExistsError):  # made meanwhile: it is kept
            write_file(path, CONFIG_HEADER.encode("utf-8"), exclusive=True)
    return path


def show(title: str, text: str, buttons: Sequence[Button] = (), *, mono: bool = False) -> None:
    """A window with `text` (read-only, scrollable), the buttons and Close; blocks until closed."""
    root = tk.Tk(className=WINDOW_CLASS)
    root.title(title)
    lines = text.count("\n") + 1
    box = scrolledtext.ScrolledText(
        root,
        wrap="none" if mono else "word",
        width=96 if mono else 72,
        height=min(max(lines + 1, 8), 30),
        font="TkFixedFont" if mono else "TkTextFont",
        padx=8,
        pady=8,
    )
    box.insert("1.0", text)
    box.configure(state="disabled")
    box.pack(fill="both", expand=True)
    row = tk.Frame(root, padx=8, pady=8)
    row.pack(fill="x")
    close = tk.Button(row, text="Close", command=root.destroy)
    close.pack(side="right")
    for label, action in reversed(buttons):
        tk.Button(row, text=label, command=action).pack(side="right", padx=4)
    root.bind("<Escape>", lambda _e: root.destroy())
    close.focus_set()
    root.mainloop()


def main(argv: Sequence[str] | None = None) -> int:
    """Open one info window; 0 when it closed, 1 when its content could not be read."""
    parser = argparse.ArgumentParser(prog="posture_guard.ui.info_window")
    parser.add_argument("what", choices=("advice", "settings", "about"))
    parser.add_argument("--config", type=Path)
    args = parser.parse_args(argv)
    paths = default_paths(config_file=args.config)
    buttons: list[Button] = []
    mono = False
    try:
        if args.what == "advice":
            text, url = advice_text(paths, datetime.now().astimezone().replace(microsecond=0))
            title = f"{APP_TITLE}: advice"
            if url is not None:
                buttons.append(("Book an appointment", lambda: webbrowser.open(url)))
        elif args.what == "settings":
            config_file = ensure_config_file(paths.user_config)
            problem = open_with_default_app(config_file)
            text = (problem + "\n\n" if problem else "") + settings_text(paths)
            title = f"{APP_TITLE}: settings"
            buttons.append(("Open the file again", lambda: open_with_default_app(config_file)))
            mono = True
        else:
            text, title = about_text(paths, load_effective(paths).settings), f"About {APP_TITLE}"
            mono = True  # whole paths, not wrapped
    except (PostureGuardError, OSError) as exc:
        print(f"posture-guard {args.what}: {exc}", file=sys.stderr)
        return 1
    try:
        show(title, text, buttons, mono=mono)
    except tk.TclError as exc:
        print(f"posture-guard {args.what}: cannot open a window: {exc}", file=sys.stderr)
        print(text)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
