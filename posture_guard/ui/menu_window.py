"""The tray menu as a small Tk window of its own process: the xorg tray's left click opens it.
In a Wayland session without XWayland, where Tk cannot draw, GTK draws it (ui/menu_gtk.py).

`python -m posture_guard.ui.menu_window [--config FILE]` asks the running service for its
status over the control socket, shows the same entries as the tray menu (traymodel.tray_menu),
and acts through the socket (requests) or by launching a window (launch.py). It closes after an
action, on Escape, or when it loses focus. Keyboard: Tab / arrows move, Enter or Space acts, and a
letter moves to the next item that starts with it (as menus do).
The tray process never imports tkinter; this process does.
"""

from __future__ import annotations

import argparse
import sys
import tkinter as tk
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from posture_guard.app import control
from posture_guard.app.managed import load_effective
from posture_guard.core import i18n
from posture_guard.core.commands import Status
from posture_guard.core.errors import ControlError
from posture_guard.core.i18n import _, pgettext
from posture_guard.core.traymodel import (
    APP_TITLE,
    Launch,
    MenuEntry,
    Submit,
    TrayStatus,
    policy_locks,
    tray_menu,
)
from posture_guard.desktop import language, toolkit
from posture_guard.desktop.paths import default_paths
from posture_guard.ui.launch import Launcher

#: The Tk class of the window (WM_CLASS), for window managers and tests.
WINDOW_CLASS = "PostureGuardMenu"
_PAD = 4
_SELECTED = "#c6dcf0"


def flat_entries(entries: Sequence[MenuEntry]) -> list[MenuEntry]:
    """The menu with submenus written out ("Pause: for 30 minutes"); one button per line.

    The item's first letter is made small in English only: other languages' nouns keep their
    capitals (German), and the pattern joining the two is the catalogue's.
    """
    flat: list[MenuEntry] = []
    english = i18n.language().split("_")[0] == "en"
    for entry in entries:
        if entry.children:
            flat += [
                MenuEntry(
                    id=child.id,
                    # Translators: a submenu's item written out on one line of the menu window
                    # ("Pause: for 30 minutes"); {menu} is the submenu, {item} the item
                    text=pgettext("menu window", "{menu}: {item}").format(
                        menu=entry.text,
                        item=child.text[0].lower() + child.text[1:] if english else child.text,
                    ),
                    enabled=entry.enabled and child.enabled,
                    action=child.action,
                )
                for child in entry.children
            ]
        else:
            flat.append(entry)
    return flat


def next_starting_with(texts: Sequence[str], current: int, letter: str) -> int | None:
    """The index of the first of `texts` after `current` (wrapping round) whose text starts with
    `letter` (any case, any script); None when none does."""
    wanted = letter.casefold()
    if not wanted:
        return None
    count = len(texts)
    for step in range(1, count + 1):
        index = (current + step) % count
        if texts[index].casefold().startswith(wanted):
            return index
    return None


def menu_entries(
    socket: Path, locked: Mapping[str, str] | None = None
) -> tuple[Sequence[MenuEntry], str]:
    """The tray menu for the running service's status, and "" (or no entries and why not)."""
    try:
        reply = control.request(socket, Status(), timeout=3)
    except ControlError as exc:
        return (), str(exc)
    status = reply.get("status")
    return tray_menu(
        TrayStatus.from_json(status if isinstance(status, dict) else {}), locked=locked
    ), ""


def carry_out(socket: Path, launcher: Launcher, entry: MenuEntry) -> str | None:
    """Carry out an entry's action: None when done, else why it failed (a sentence)."""
    action = entry.action
    if isinstance(action, Submit):
        try:
            reply = control.request(socket, action.command, timeout=5)
        except ControlError as exc:
            return str(exc)
        return None if reply.get("ok") else str(reply.get("error", _("the service refused")))
    if isinstance(action, Launch):
        return launcher.launch(action.target)
    return None


class MenuWindow:
    """The window; `run()` blocks until it closes."""

    def __init__(
        self, socket: Path, launcher: Launcher, locked: Mapping[str, str] | None = None
    ) -> None:
        self._socket = socket
        self._launcher = launcher
        self.root = tk.Tk(className=WINDOW_CLASS)
        self.root.title(APP_TITLE)
        self.root.resizable(width=False, height=False)
        self.root.attributes("-topmost", True)
        self._message = tk.StringVar(value="")
        self._buttons: list[tk.Button] = []
        self._entries: list[MenuEntry] = []  # the enabled ones, as `_buttons`
        self._selected = -1
        entries, problem = menu_entries(socket, locked)
        self._message.set(problem)
        self._build(entries)
        self.root.bind("<Escape>", lambda _e: self.close())
        self.root.bind("<Down>", lambda _e: self._move(1))
        self.root.bind("<Tab>", lambda _e: self._move(1))
        self.root.bind("<Up>", lambda _e: self._move(-1))
        self.root.bind("<Shift-Tab>", lambda _e: self._move(-1))
        self.root.bind("<Return>", self._activate_selected)
        self.root.bind("<KP_Enter>", self._activate_selected)
        self.root.bind("<space>", self._activate_selected)
        self.root.bind("<Key>", self._jump_to_letter)
        self.root.bind("<FocusOut>", self._on_focus_out)
        self.root.protocol("WM_DELETE_WINDOW", self.close)
        self._place()

    def _build(self, entries: Sequence[MenuEntry]) -> None:
        frame = tk.Frame(self.root, padx=_PAD, pady=_PAD)
        frame.pack(fill="both", expand=True)
        self._normal_bg = str(frame.cget("bg"))
        for entry in flat_entries(entries):
            if entry.is_separator:
                tk.Frame(frame, height=1, bg="#b0b0b0").pack(fill="x", pady=_PAD)
            elif entry.action is None:
                tk.Label(frame, text=entry.text, anchor="w", fg="#505050").pack(fill="x")
            else:
                button = tk.Button(
                    frame,
                    text=entry.text,
                    anchor="w",
                    relief="flat",
                    padx=8,
                    state="normal" if entry.enabled else "disabled",
                    command=self._activator(entry),
                )
                button.pack(fill="x")
                if entry.enabled:
                    index = len(self._buttons)
                    button.bind("<Enter>", self._selector(index))
                    self._buttons.append(button)
                    self._entries.append(entry)
        tk.Label(frame, textvariable=self._message, fg="#b00020", wraplength=300).pack(fill="x")
        if not entries:
            tk.Button(frame, text=_("Close"), command=self.close).pack(anchor="e")
        if self._buttons:
            self._select(0)

    def _selector(self, index: int) -> Callable[[object], None]:
        return lambda _event: self._select(index)

    def _activator(self, entry: MenuEntry) -> Callable[[], None]:
        return lambda: self.activate(entry)

    def _select(self, index: int) -> None:
        """Highlight the enabled item at `index` (the keyboard's and the pointer's choice)."""
        for i, button in enumerate(self._buttons):
            button.configure(bg=_SELECTED if i == index else self._normal_bg)
        self._selected = index

    def _move(self, step: int) -> str:
        if self._buttons:
            self._select((self._selected + step) % len(self._buttons))
        return "break"  # Tab: no focus traversal of its own

    def _jump_to_letter(self, event: tk.Event[tk.Misc]) -> str | None:
        char = event.char
        if len(char) != 1 or not char.isprintable() or char.isspace():
            return None  # arrows, Tab, Enter: their own bindings
        found = next_starting_with([b.cget("text") for b in self._buttons], self._selected, char)
        if found is not None:
            self._select(found)
        return "break"

    def _activate_selected(self, _event: object = None) -> str:
        if 0 <= self._selected < len(self._entries):
            self.activate(self._entries[self._selected])
        return "break"

    def _place(self) -> None:
        """Open beside the pointer (the tray icon just clicked), kept on the screen."""
        root = self.root
        root.update_idletasks()
        width, height = root.winfo_reqwidth(), root.winfo_reqheight()
        px, py = root.winfo_pointerxy()
        sw, sh = root.winfo_screenwidth(), root.winfo_screenheight()
        x = max(0, min(px - width // 2, sw - width))
        y = py + 12 if py < sh // 2 else py - height - 12
        root.geometry(f"+{x}+{max(0, min(y, sh - height))}")

    def activate(self, entry: MenuEntry) -> None:
        """Carry out an entry's action; close unless it failed (then say why and stay)."""
        problem = carry_out(self._socket, self._launcher, entry)
        if problem is not None:
            self._message.set(problem)
            return
        self.close()

    def _on_focus_out(self, _event: object) -> None:
        # FocusOut also fires when focus moves between our own buttons: look once it settled
        self.root.after(150, self._close_if_unfocused)

    def _close_if_unfocused(self) -> None:
        if self.root.focus_get() is None:
            self.close()

    def close(self) -> None:
        self.root.destroy()

    def run(self) -> None:
        self.root.focus_force()
        self.root.mainloop()


def main(argv: Sequence[str] | None = None) -> int:
    """Open the menu window; exits 0 when it closes."""
    language.install()  # a process of its own: it speaks the desktop's language, as the tray
    parser = argparse.ArgumentParser(prog="posture_guard.ui.menu_window")
    parser.add_argument("--config", type=Path, help="the user config file the service runs with")
    args = parser.parse_args(argv)
    paths = default_paths(config_file=args.config)
    settings = load_effective(paths).settings  # the policy's locks and branding, as the tray's
    launcher = Launcher(
        config_file=args.config, log_file=paths.log_file, branding=settings.branding
    )
    if toolkit.tk_has_no_display() and toolkit.choose().toolkit == "gtk":
        from posture_guard.ui import menu_gtk  # noqa: PLC0415 - GTK only without X (Wayland)

        menu_gtk.run(paths.socket, launcher, policy_locks(settings))
        return 0
    try:
        window = MenuWindow(paths.socket, launcher, locked=policy_locks(settings))
    except tk.TclError as exc:
        # Translators: {reason} is the toolkit's reason, in English
        print(
            "posture-guard menu: " + _("cannot open a window: {reason}").format(reason=exc),
            file=sys.stderr,
        )
        return 1
    window.run()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
