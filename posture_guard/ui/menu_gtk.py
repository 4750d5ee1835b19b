"""The menu window drawn by GTK 3, where Tk cannot draw (a Wayland session without XWayland:
desktop/toolkit.py Rule 4): the same entries, keys and actions as ui/menu_window.py's.

One button per item (submenus written out); the first enabled one has the focus. Arrows and Tab
move (GTK's own focus moves), Enter or Space acts, a letter moves to the next item that starts
with it, Escape closes; so does losing the focus, and an action that succeeded. A failed action
says why and the window stays.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import gi

from posture_guard.core.form_view import Look
from posture_guard.core.i18n import _
from posture_guard.core.traymodel import APP_TITLE, MenuEntry
from posture_guard.desktop.look import high_contrast_wanted
from posture_guard.ui.gtk_look import apply_look, name_the_program
from posture_guard.ui.launch import Launcher
from posture_guard.ui.menu_window import (
    WINDOW_CLASS,
    carry_out,
    flat_entries,
    menu_entries,
    next_starting_with,
)

gi.require_version("Gtk", "3.0")
gi.require_version("Gdk", "3.0")
from gi.repository import Gdk, GLib, Gtk  # noqa: E402

_PAD = 6


class GtkMenuWindow:
    """The window; `run()` blocks until it closes."""

    def __init__(
        self, socket: Path, launcher: Launcher, locked: Mapping[str, str] | None = None
    ) -> None:
        self._socket = socket
        self._launcher = launcher
        self._closed = False
        name_the_program(WINDOW_CLASS)
        apply_look(Look.of(high_contrast=high_contrast_wanted()).colours())
        self.window = Gtk.Window(title=APP_TITLE)
        self.window.set_resizable(False)
        box = Gtk.Box(orientation=Gtk.Orientation.VERTICAL, margin=_PAD)
        self.window.add(box)
        self._buttons: list[Any] = []
        entries, problem = menu_entries(socket, locked)
        for entry in flat_entries(entries):
            if entry.is_separator:
                box.pack_start(Gtk.Separator(), False, False, _PAD // 2)
            elif entry.action is None:
                label = Gtk.Label(label=entry.text, xalign=0, margin=_PAD)
                label.get_style_context().add_class("dim-label")
                box.pack_start(label, False, False, 0)
            else:
                button = Gtk.Button(label=entry.text, relief=Gtk.ReliefStyle.NONE)
                button.get_child().set_xalign(0)
                button.set_sensitive(entry.enabled)
                button.connect("clicked", self._activator(entry))
                box.pack_start(button, False, False, 0)
                if entry.enabled:
                    self._buttons.append(button)
        self._message = Gtk.Label(label=problem, xalign=0, wrap=True, max_width_chars=40)
        self._message.get_style_context().add_class("pg-error")
        self._message.set_no_show_all(True)  # no room taken while there is nothing to say
        self._message.set_visible(bool(problem))
        box.pack_start(self._message, False, False, _PAD)
        if not entries:
            close = Gtk.Button(label=_("Close"), halign=Gtk.Align.END)
            close.connect("clicked", lambda _b: self.close())
            box.pack_start(close, False, False, 0)
            self._buttons.append(close)
        self.window.connect("key-press-event", self._key)
        self.window.connect("focus-out-event", self._on_focus_out)
        self.window.connect("destroy", lambda _w: Gtk.main_quit())

    def _activator(self, entry: MenuEntry) -> Any:
        return lambda _button: self.activate(entry)

    def _key(self, _window: Any, event: Any) -> bool:
        if event.keyval == Gdk.KEY_Escape:
            self.close()
            return True
        char = chr(Gdk.keyval_to_unicode(event.keyval))
        if not char.isprintable() or char.isspace():
            return False  # arrows, Tab, Enter, Space: GTK's own
        texts = [b.get_label() for b in self._buttons]
        focused = self.window.get_focus()
        current = self._buttons.index(focused) if focused in self._buttons else -1
        found = next_starting_with(texts, current, char)
        if found is not None:
            self._buttons[found].grab_focus()
        return True

    def activate(self, entry: MenuEntry) -> None:
        """Carry out an entry's action; close unless it failed (then say why and stay)."""
        problem = carry_out(self._socket, self._launcher, entry)
        if problem is not None:
            self._message.set_text(problem)
            self._message.show()
            return
        self.close()

    def _on_focus_out(self, _window: Any, _event: Any) -> bool:
        GLib.timeout_add(150, self._close_if_unfocused)  # once the focus has settled
        return False

    def _close_if_unfocused(self) -> bool:
        if not self._closed and not self.window.is_active():
            self.close()
        return False

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self.window.destroy()

    def run(self) -> None:
        self.window.show_all()
        self.window.set_focus_visible(True)
        if self._buttons:
            self._buttons[0].grab_focus()
        self.window.present()
        Gtk.main()


def run(socket: Path, launcher: Launcher, locked: Mapping[str, str] | None = None) -> None:
    """Show the menu window until it closes."""
    GtkMenuWindow(socket, launcher, locked).run()
