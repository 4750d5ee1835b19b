"""GTK 3 for our windows: loading it, the look as CSS (colours, a focus ring of at least 2 px,
the text scale), and names for screen readers.

Rule 1: imported only by a window process that `desktop.toolkit.choose()` sent to GTK.
Rule 2: the colours are the window's own palette (high contrast included); everything else
        (fonts, text scale, reduced motion) is the desktop's, which GTK reads itself.
Rule 3: every control gets an accessible name (what a screen reader says) beside its label;
        `name_for_readers` sets it, and a description where the label alone is not enough.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

import gi

from posture_guard.desktop.launcher import APP_ID

gi.require_version("Gtk", "3.0")
gi.require_version("Gdk", "3.0")
from gi.repository import Gdk, GLib, Gtk  # noqa: E402

#: The focus ring's width in pixels at 100 % (WCAG 2.4.13 asks for at least 2 CSS px).
FOCUS_RING_PX: Final = 3


def css(colours: Mapping[str, str]) -> str:
    """Our CSS for a palette with keys page, text, muted, accent, on_accent, focus, field, error."""
    c = colours
    return f"""
window, .pg-page {{ background-color: {c["page"]}; color: {c["text"]}; }}
.pg-muted {{ color: {c["muted"]}; }}
.pg-error {{ color: {c["error"]}; font-weight: bold; }}
.pg-alert {{ background-color: {c["error"]}; color: {c["page"]}; font-weight: bold;
             font-size: 115%; padding: 12px; }}
.pg-title {{ font-size: 180%; font-weight: bold; }}
.pg-question {{ font-weight: bold; }}
entry, textview text {{ background-color: {c["field"]}; color: {c["text"]}; }}
button.pg-primary {{ background-image: none; background-color: {c["accent"]};
                     color: {c["on_accent"]}; font-weight: bold; }}
button.pg-primary label {{ color: {c["on_accent"]}; }}
*:focus {{ outline: {FOCUS_RING_PX}px solid {c["focus"]}; outline-offset: 1px; }}
"""


def name_the_program(window_class: str) -> None:
    """Name the process's windows before the first is made: on Wayland their app id is the
    launcher's (posture-guard, the program name GTK sends), so the desktop shows our name and
    icon beside them and counts them as the app's (GNOME Shell named the menu window
    "PostureGuardMenu" with a generic icon); on X11 WM_CLASS carries `window_class`, which
    window rules and the tests find a window by."""
    GLib.set_prgname(APP_ID)
    Gdk.set_program_class(window_class)


def apply_look(colours: Mapping[str, str]) -> None:
    """Install our CSS for the default screen, above the theme's, and our icon (from the icon
    theme, where `posture-guard launcher install` put it) for every window."""
    Gtk.Window.set_default_icon_name(APP_ID)
    provider = Gtk.CssProvider()
    provider.load_from_data(css(colours).encode("utf-8"))
    screen = Gdk.Screen.get_default()
    if screen is not None:
        Gtk.StyleContext.add_provider_for_screen(
            screen, provider, Gtk.STYLE_PROVIDER_PRIORITY_APPLICATION
        )


def name_for_readers(widget: Any, name: str, description: str = "") -> None:
    """What a screen reader says for `widget`: its name (and a description when given)."""
    accessible = widget.get_accessible()
    if accessible is not None:
        accessible.set_name(name)
        if description:
            accessible.set_description(description)
