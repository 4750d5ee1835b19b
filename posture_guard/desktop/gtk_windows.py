"""Where our GTK windows go, on X11 and on a Wayland compositor (the break window's shell,
ui/break_gtk.py, asks here; the X11-or-Wayland branches live here only).

On X11 a window places itself: it moves to its monitor, takes its size, asks to be kept above,
and a splash window that refuses the focus is left where it is put without taking the keyboard.
On Wayland none of those hints does anything: a client cannot place a toplevel, keep it above
or refuse the focus, and a tiling compositor (sway) tiles a new toplevel beside the user's work
and gives it the keyboard. So:

Rule 1: the break covers each monitor: on X11 by place and size (as before); on Wayland by
        asking for full screen on that monitor (xdg_toplevel.set_fullscreen), which every
        compositor honours.
Rule 2: the monitors: on X11 those monitors.py finds (Xinerama, RandR), in device pixels; on
        Wayland GDK's (one per wl_output), already in logical pixels.
Rule 3: the corner notice, shown while the user types, must never take the keyboard. On
        Wayland it is a layer-shell surface (wlr-layer-shell: wlroots compositors and KWin; the
        gtk-layer-shell library, Debian's gir1.2-gtklayershell-0.1) on the overlay layer,
        anchored to the corner, with no keyboard interactivity. Where there is none (GNOME's
        mutter has no layer shell, or the typelib is missing) `corner_notice` says so and no
        notice window is shown: a toplevel would take the keyboard. The break window shows
        the notice as a desktop notification with Start now and Postpone as its actions
        instead (ui/break_gtk.py Rule 1); the break still waits for the pause in typing.
Rule 4: a focus request carries the X server's time on X11; on Wayland there is none (0).
"""

from __future__ import annotations

import logging
from typing import Any

import gi

from posture_guard.desktop.monitors import Monitor, monitors

gi.require_version("Gtk", "3.0")
gi.require_version("Gdk", "3.0")
from gi.repository import Gdk, Gtk  # noqa: E402

log = logging.getLogger(__name__)

#: GDK's display class when GTK talks Wayland (GDK_BACKEND=wayland, or a Wayland session).
_WAYLAND_DISPLAY = "GdkWaylandDisplay"


def on_wayland(display: Gdk.Display | None = None) -> bool:
    """True when GTK draws through a Wayland compositor (not X11, nor XWayland)."""
    found = display if display is not None else Gdk.Display.get_default()
    return found is not None and type(found).__gtype__.name == _WAYLAND_DISPLAY


def covered_monitors(device: int) -> list[Monitor]:
    """The monitors the break covers, in GTK's logical pixels (`device` = GDK's scale), by
    Rule 2; the whole screen when nothing better is known."""
    display = Gdk.Display.get_default()
    if display is not None and on_wayland(display):
        found = []
        for index in range(display.get_n_monitors()):
            monitor = display.get_monitor(index)
            if monitor is not None:
                box = monitor.get_geometry()
                found.append(Monitor(box.x, box.y, box.width, box.height))
        if found:
            return found
    screen = Gdk.Screen.get_default()
    width, height = (screen.get_width(), screen.get_height()) if screen else (1024, 768)
    where = monitors(Monitor(0, 0, width * device, height * device))
    return [
        Monitor(m.x // device, m.y // device, m.width // device, m.height // device) for m in where
    ]


def cover(window: Gtk.Window, monitor: Monitor, index: int) -> None:
    """Make `window` cover `monitor` (the `index`th of `covered_monitors`), by Rule 1; call it
    before the window is shown."""
    window.set_decorated(False)
    window.set_default_size(monitor.width, monitor.height)
    if on_wayland():
        display = Gdk.Display.get_default()
        screen = window.get_screen()
        if display is not None and screen is not None and index < display.get_n_monitors():
            window.fullscreen_on_monitor(screen, index)
        else:
            window.fullscreen()
        return
    window.set_type_hint(Gdk.WindowTypeHint.SPLASHSCREEN)
    window.set_keep_above(True)
    window.move(monitor.x, monitor.y)
    window.set_size_request(monitor.width, monitor.height)


def corner_notice(
    window: Gtk.Window, monitor: Monitor, place: tuple[int, int], size: tuple[int, int]
) -> bool:
    """Make `window` a notice at `place` (x, y) of `size` that never takes the keyboard, on
    `monitor` (the first of `covered_monitors`), by Rule 3; call it before the window is shown.
    False when it cannot be shown so here (Wayland without a layer shell)."""
    window.set_decorated(False)
    window.set_accept_focus(False)
    window.set_focus_on_map(False)
    window.set_default_size(*size)
    if not on_wayland():
        window.set_type_hint(Gdk.WindowTypeHint.SPLASHSCREEN)
        window.set_keep_above(True)
        window.resize(*size)
        window.move(*place)
        return True
    layer = _layer_shell()
    if layer is None:
        return False
    window.set_size_request(*size)  # a layer surface takes the size the window asks for
    layer.init_for_window(window)
    layer.set_namespace(window, "posture-guard-notice")
    layer.set_layer(window, layer.Layer.OVERLAY)
    layer.set_keyboard_mode(window, layer.KeyboardMode.NONE)
    right = monitor.x + monitor.width - (place[0] + size[0])
    bottom = monitor.y + monitor.height - (place[1] + size[1])
    for edge, margin in ((layer.Edge.RIGHT, right), (layer.Edge.BOTTOM, bottom)):
        layer.set_anchor(window, edge, True)
        layer.set_margin(window, edge, max(0, margin))
    display = Gdk.Display.get_default()
    first = display.get_monitor(0) if display is not None else None
    if first is not None:
        layer.set_monitor(window, first)
    return True


def _layer_shell() -> Any:
    """gtk-layer-shell's module when the compositor offers a layer shell, else None."""
    try:
        gi.require_version("GtkLayerShell", "0.1")
        from gi.repository import GtkLayerShell  # noqa: PLC0415 - only on Wayland
    except (ImportError, ValueError) as exc:
        log.info("no notice window on Wayland: gtk-layer-shell is not installed (%s)", exc)
        return None
    if not GtkLayerShell.is_supported():
        log.info("no notice window on Wayland: the compositor has no layer shell")
        return None
    return GtkLayerShell


def server_time(gdk_window: Any) -> int:
    """The X server's time now (a focus request needs one), or 0 off X11 (Rule 4)."""
    if gdk_window is None or on_wayland():
        return 0
    try:
        gi.require_version("GdkX11", "3.0")
        from gi.repository import GdkX11  # noqa: PLC0415

        return int(GdkX11.x11_get_server_time(gdk_window))
    except (ImportError, ValueError, TypeError):
        return 0
