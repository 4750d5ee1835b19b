"""Every use of pystray's private API, in one place (pystray is pinned to 0.19.5 for this).

ui/tray.py uses pystray's public API (`Icon`, `Menu`, `MenuItem`, `run`, `stop`, `icon`,
`title`, `menu`, `visible`, `HAS_MENU`) and this module. A new pystray release must be checked
against the list below before the pin in pyproject.toml moves.

The private attributes used, and why:

xorg backend (`pystray._xorg.Icon`; see `XorgIcon`):

- `_draw` (replaced by `use_picture_drawing`): pystray's draws a Pillow image (resized with
  LANCZOS, sent with `put_pil_image`); ours sends our pre-drawn `Picture` with PutImage, so the
  tray process never loads Pillow (tray_images.py).
- `_window`: the icon's X window. We draw into it, ask it for ButtonPress (0.19.5 asks only
  for Exposure and StructureNotify, so a left click never reached pystray), send our wake
  message to its id, and read its parent to tell whether a tray host docked it.
- `_gc`: the graphics context pystray made for that window; PutImage needs one.
- `_display`: pystray's X connection: atoms are interned on it, the root window's
  StructureNotify is asked for on it (a tray host announces itself with a MANAGER message
  there), it is trimmed (xconn.travel_light), and it is flushed after drawing and docking
  (otherwise the requests wait in Xlib's buffer until the next event).
- `_message_handlers`: the loop's table of X event type -> handler. Our ClientMessage handler
  runs the wake callback and docks again on MANAGER, and passes other messages to pystray's.
- `_dock_window()`: sends the XEmbed dock request. 0.19.5 sends it when the icon is shown and
  when its tray host goes away (once, at that moment), never when a host starts later; we
  send it again when a tray host announces itself or a request went unanswered.
- `_assert_docked` (wrapped) and `_systray_manager`: 0.19.5 sends the dock request again at
  every icon change; a host that already embeds the icon embeds it anew, and trayer then lays
  it out 1 px wide (seen when the paused icon replaced the working one). The wrapper sends it
  only while no host embeds the icon.

GTK backends (`pystray._appindicator.Icon`, `pystray._gtk.Icon`; see `GtkIcon`):

- `_update_title()`: hands the current title to the panel. The public `title` setter does
  nothing when the title is unchanged, and libayatana's XEmbed fallback icon, made after the
  first title was set, does not copy it (seen with trayer).

Threads: every function here runs on pystray's loop thread, except `XorgWaker.wake` and
`XorgWaker.close` (any thread).
"""

from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Callable
from typing import Any, Final, Protocol

from posture_guard.desktop.xconn import close_quietly, open_display, travel_light
from posture_guard.ui.tray_images import Picture

log = logging.getLogger(__name__)


class XorgIcon(Protocol):
    """The members of pystray 0.19.5's xorg `Icon` used here (the module docstring says why).
    python-xlib has no types: its objects are Any."""

    #: Public: the image given to pystray (ours is always a `Picture` on xorg).
    icon: object
    _draw: Callable[[], None]
    _window: Any
    _gc: Any
    _display: Any
    _message_handlers: dict[int, Callable[[Any], None]]
    _assert_docked: Callable[[], None]
    _systray_manager: Any

    def _dock_window(self) -> None: ...


class GtkIcon(Protocol):
    """The member of pystray 0.19.5's appindicator and gtk `Icon` used here."""

    def _update_title(self) -> None: ...


def refresh_title(icon: GtkIcon) -> None:
    """Hand the icon's current title to the panel again, changed or not (GTK main loop)."""
    icon._update_title()


def use_picture_drawing(icon: XorgIcon) -> None:
    """Have the xorg icon draw our `Picture` itself, without Pillow (before the loop runs)."""
    icon._draw = functools.partial(_draw_picture, icon)


def _draw_picture(icon: XorgIcon) -> None:
    """pystray's xorg `_draw` without Pillow: our `Picture`, scaled to the icon window's size,
    sent with PutImage (in as many requests as the server's request size needs). Loop thread."""
    from Xlib import X  # noqa: PLC0415 - xorg only
    from Xlib.error import BadDrawable  # noqa: PLC0415
    from Xlib.protocol import request  # noqa: PLC0415

    window = icon._window
    info = window.display.info  # the connection's setup: byte order, request size
    picture = icon.icon
    gc = icon._gc
    if not isinstance(picture, Picture):
        raise TypeError(f"tray icon: expected a tray_images.Picture, got {type(picture).__name__}")
    try:
        geometry = window.get_geometry()
        width, height = geometry.width, geometry.height
        rows = picture.zpixmap_rows(width, height, info.image_byte_order)
        room = (info.max_request_length << 2) - request.PutImage._request.static_size
        step = max(1, room // (width * 4))
        for top in range(0, height, step):
            chunk = rows[top : top + step]
            window.put_image(gc, 0, top, width, len(chunk), X.ZPixmap, 24, 0, b"".join(chunk))
    except BadDrawable:  # the window has been destroyed (as pystray's own _draw ignores)
        pass


class XorgWaker:
    """Runs a callback on pystray's xorg loop: a ClientMessage to the icon window, sent on an X
    connection of our own, which the loop hands to our handler on its thread.

    Not on the icon's own connection, although pystray imports `Xlib.threaded`: sending and
    flushing there from other threads while the loop waits in `next_event()` hung the app
    now and then (at start, or on SIGTERM: the loop never saw the message; 2 runs in 10,
    against none in 12 with a connection of our own). Our connection is only ever written,
    under `_lock`, so python-xlib's threading is never relied on. Both connections are
    trimmed (xconn.travel_light): what they cost is the socket, not the visuals and keymap.

    Also fixes what pystray 0.19.5 (pinned) does not do on xorg: it asks the window for left
    clicks (ButtonPress), and it docks again when a tray host announces itself (the XEmbed
    MANAGER message on the root: the panel restarted, or started after us) or when a dock
    request went unanswered (a tray host that was still starting up); and it does not ask a
    host that embeds the icon already to embed it again at each icon change.
    """

    #: How often an unanswered dock request is sent again, one second apart, at start.
    DOCK_TRIES: Final = 10

    def __init__(self, icon: XorgIcon, callback: Callable[[], None]) -> None:
        """Raises XUnavailable when our own connection cannot be opened (no tray then)."""
        from Xlib import X  # noqa: PLC0415 - xorg only

        self._icon = icon
        self._callback = callback
        self._lock = threading.Lock()
        window = icon._window
        icon_display = icon._display
        window.change_attributes(
            event_mask=X.ExposureMask | X.StructureNotifyMask | X.ButtonPressMask
        )
        self._atom = icon_display.intern_atom("_POSTURE_GUARD_WAKE")
        self._manager = icon_display.intern_atom("MANAGER")
        self._selection = icon_display.intern_atom(
            f"_NET_SYSTEM_TRAY_S{icon_display.get_default_screen()}"
        )
        self._root = icon_display.screen().root
        self._root.change_attributes(event_mask=X.StructureNotifyMask)  # for MANAGER
        travel_light(icon_display)  # pystray's window exists: it needs no visuals nor keys
        self._dock_tries = 0
        icon_display.flush()
        self._window_id: int = window.id
        _name, conn = open_display(icon_display.get_display_name())  # XUnavailable: no tray
        travel_light(conn)
        self._conn: Any = conn
        handlers = icon._message_handlers
        previous = handlers[X.ClientMessage]

        def on_client_message(event: Any) -> None:
            kind = getattr(event, "client_type", None)
            if kind == self._atom:
                self._callback()
            elif kind == self._manager and event.data[1][1] == self._selection:
                log.info("tray: a tray host appeared; docking")
                self._dock()
            else:
                previous(event)

        handlers[X.ClientMessage] = on_client_message
        assert_docked = icon._assert_docked

        def assert_docked_once() -> None:
            if icon._systray_manager is None or not self.docked():
                assert_docked()

        icon._assert_docked = assert_docked_once

    def wake(self) -> None:
        """Ask the loop to run the callback (any thread; returns at once)."""
        from Xlib.protocol import event  # noqa: PLC0415 - xorg only

        with self._lock:
            conn = self._conn
            if conn is None:  # the loop ended
                return
            try:
                target = conn.create_resource_object("window", self._window_id)
                message = event.ClientMessage(
                    window=target, client_type=self._atom, data=(32, [0, 0, 0, 0, 0])
                )
                conn.send_event(target, message, event_mask=0, propagate=False)
                conn.flush()
            except Exception:
                log.exception("could not wake the tray loop")

    def docked(self) -> bool:
        """Whether a tray host embedded the icon (its window is no longer a child of the root).
        Loop thread only."""
        return bool(self._icon._window.query_tree().parent.id != self._root.id)

    def ensure_docked(self, retry: Callable[[], None]) -> None:
        """At start: if no host embedded the icon yet, ask again, and call `retry` (from a timer
        thread) a second later, at most DOCK_TRIES times. Loop thread only."""
        if self._dock_tries >= self.DOCK_TRIES or self.docked():
            return
        if self._dock_tries:
            log.info("tray: the dock request went unanswered; asking again")
            self._dock()
        self._dock_tries += 1
        timer = threading.Timer(1.0, retry)
        timer.daemon = True
        timer.start()

    def _dock(self) -> None:
        try:
            self._icon._dock_window()
            self._icon._display.flush()
        except Exception:
            log.exception("tray: docking failed")

    def flush_icon(self) -> None:
        """pystray's xorg drawing stays in Xlib's buffer until the next event; send it now."""
        self._icon._display.flush()

    def close(self) -> None:
        """The loop ended: close our connection; later wakes do nothing."""
        with self._lock:
            conn, self._conn = self._conn, None
        close_quietly(conn)
