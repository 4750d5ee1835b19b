"""Every use of pystray's private API, in one place, each one feature-detected.

ui/tray.py uses pystray's public API (`Icon`, `Menu`, `MenuItem`, `run`, `stop`, `icon`,
`title`, `menu`, `visible`, `HAS_MENU`) and this module. pyproject.toml asks for pystray
>=0.19.5,<0.20: 0.19.5 is the release these extras were written and tested against (the xorg
desktop tests run them on Xvfb with trayer). Another release may rename what they use, so
each extra below (`Extra`) first checks that the icon has every member it needs, and installs
itself only then; when one is missing, or installing it fails, the extra is left off, the log
says so in one line (`tray: ... is off with pystray X (no _member): what happens instead`), and
pystray's own behaviour stays. The icon always shows: no extra is needed for that.
tests/desktop/test_tray_fallback.py runs the app with a real pystray icon lacking `_draw`;
tests/unit/test_pystray_private.py checks each extra's detection on an icon lacking them all.

The extras, the private members each uses, and what pystray does without it:

xorg backend (`pystray._xorg.Icon`):

- PICTURE_DRAWING (`_draw`, replaced; `_window`, `_gc`): pystray's `_draw` draws a Pillow
  image (resized with LANCZOS, sent with `put_pil_image`); ours sends our pre-drawn `Picture`
  with PutImage, so the tray process never loads Pillow (tray_images.py). Without it: the
  tray hands pystray Pillow images and pystray draws them (Pillow is loaded).
- LEFT_CLICK (`_window`): asks the icon's X window for ButtonPress (0.19.5 asks only for
  Exposure and StructureNotify, so a left click never reached pystray, its issue #151); the
  click then opens our menu window. Without it: a left click does nothing; the menu opens
  from the applications menu or with `posture-guard menu`.
- WAKER (`_window`, `_display`, `_message_handlers`): `XorgWaker`: our ClientMessage to the
  icon window, sent on an X connection of our own, runs the tray's updates on pystray's loop
  thread. `_display` is pystray's connection: atoms are interned on it, it is trimmed
  (xconn.travel_light) and flushed after drawing; `_message_handlers` is the loop's table of
  X event type -> handler. Without it: a thread of the tray's own calls pystray's public
  setters, pystray hands each call to its loop itself, and NUDGE (`_window`: a meaningless
  ClientMessage on a connection of our own) wakes the loop meanwhile. That hand-over is
  pystray's and not reliable on xorg: in testing, with 0.19.5 alone its loop missed the end
  of `stop()` from another thread 2 times in 6, and with the nudges it still missed the first
  showing about 1 time in 5; the service never waits for it, but the icon may then not show,
  or the process not end on quit. Hence the waker.
- REDOCK (`_dock_window()`, `_display`, `_message_handlers`; with WAKER): 0.19.5 sends the
  XEmbed dock request when the icon is shown and when its tray host goes away, never when a
  host starts later; we send it again when a tray host announces itself (MANAGER on the
  root) or a request went unanswered. Without it: a panel started after the app, or
  restarted, shows no icon until the app restarts.
- DOCK_ONCE (`_assert_docked`, wrapped; `_systray_manager`, `_window`): 0.19.5 sends the
  dock request again at every icon change; a host that already embeds the icon embeds it
  anew, and trayer then lays it out 1 px wide (seen when the paused icon replaced the working
  one). The wrapper sends it only while no host embeds the icon. Without it: pystray's
  request at each change.

GTK backends (`pystray._appindicator.Icon`, `pystray._gtk.Icon`):

- TITLE_REFRESH (`_update_title()`): hands the current title to the panel again. The public
  `title` setter does nothing when the title is unchanged, and libayatana's XEmbed fallback
  icon, made after the first title was set, does not copy it (seen with trayer). Without it:
  that fallback icon may have no title until the title changes.

Threads: every function here runs on pystray's loop thread, except `XorgWaker.wake` and
`XorgWaker.close` (any thread), and the set-up functions, which run before the loop starts.
"""

from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final, Protocol

from posture_guard.desktop.xconn import close_quietly, open_display, travel_light
from posture_guard.ui.tray_images import Picture

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Extra:
    """One thing we add to pystray through its private members (the module docstring says
    why each is needed)."""

    #: What it does, for the log ("drawing the icon without Pillow").
    name: str
    #: The icon's private members it uses.
    needs: tuple[str, ...]
    #: What happens without it, for the log.
    instead: str


PICTURE_DRAWING: Final = Extra(
    "drawing the icon without Pillow",
    ("_draw", "_window", "_gc"),
    "pystray draws a Pillow image",
)
LEFT_CLICK: Final = Extra(
    "the menu window on a left click",
    ("_window",),
    "a left click on the icon does nothing; the menu opens from the applications menu"
    " or with `posture-guard menu`",
)
WAKER: Final = Extra(
    "waking the tray loop on an X connection of our own",
    ("_window", "_display", "_message_handlers"),
    "pystray hands each change to its loop itself",
)
REDOCK: Final = Extra(
    "docking again when a tray host starts",
    ("_dock_window", "_display", "_message_handlers"),
    "the icon docks when it is shown and when its tray host goes away",
)
DOCK_ONCE: Final = Extra(
    "one dock request per tray host",
    ("_assert_docked", "_systray_manager", "_window"),
    "pystray asks to be docked again at each icon change",
)
NUDGE: Final = Extra(
    "nudging pystray's loop while it takes a change",
    ("_window",),
    "a change may wait for the next X event",
)
TITLE_REFRESH: Final = Extra(
    "handing the title to the panel again",
    ("_update_title",),
    "the panel keeps the title it was given first",
)

_reported: set[str] = set()


def lacking(icon: object, extra: Extra) -> list[str]:
    """The members `extra` needs that `icon` does not have ([] when it has them all)."""
    return [name for name in extra.needs if not hasattr(icon, name)]


def usable(icon: object, extra: Extra) -> bool:
    """Whether `icon` has every member `extra` needs; if not, says once which extra is off."""
    missing = lacking(icon, extra)
    if missing:
        left_off(extra, "no " + ", ".join(missing))
    return not missing


def left_off(extra: Extra, why: str) -> None:
    """Say once, in one line (no traceback), that `extra` is off and what happens instead."""
    if extra.name in _reported:
        return
    _reported.add(extra.name)
    log.warning(
        "tray: %s is off with pystray %s (%s): %s",
        extra.name,
        _pystray_version(),
        why,
        extra.instead,
    )


def _pystray_version() -> str:
    from importlib import metadata  # noqa: PLC0415 - only when an extra is off

    try:
        return metadata.version("pystray")
    except metadata.PackageNotFoundError:
        return "?"


def _failed(exc: Exception) -> str:
    """An exception as the reason in `left_off`'s line."""
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


class XorgIcon(Protocol):
    """The members of pystray 0.19.5's xorg `Icon` used here (the module docstring says why);
    each extra checks for its own before use. python-xlib has no types: its objects are Any."""

    #: Public: the image given to pystray (ours is a `Picture` on xorg while PICTURE_DRAWING).
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
    """Hand the icon's current title to the panel again, changed or not (GTK main loop).
    Without TITLE_REFRESH: nothing (said once)."""
    if not usable(icon, TITLE_REFRESH):
        return
    try:
        icon._update_title()
    except Exception as exc:
        left_off(TITLE_REFRESH, _failed(exc))


def use_picture_drawing(icon: XorgIcon) -> bool:
    """Have the xorg icon draw our `Picture` itself, without Pillow (before the loop runs).
    False when PICTURE_DRAWING is off: then give the icon Pillow images."""
    if not usable(icon, PICTURE_DRAWING):
        return False
    try:
        icon._draw = functools.partial(_draw_picture, icon)
    except Exception as exc:  # a read-only member: pystray's drawing stays
        left_off(PICTURE_DRAWING, _failed(exc))
        return False
    return True


def ask_for_left_clicks(icon: XorgIcon) -> bool:
    """Have the icon's window report left clicks to pystray's loop, which runs the menu's
    default item (before the loop runs). False when LEFT_CLICK is off."""
    if not usable(icon, LEFT_CLICK):
        return False
    from Xlib import X  # noqa: PLC0415 - xorg only

    try:
        icon._window.change_attributes(
            event_mask=X.ExposureMask | X.StructureNotifyMask | X.ButtonPressMask
        )
    except Exception as exc:
        left_off(LEFT_CLICK, _failed(exc))
        return False
    return True


def dock_once(icon: XorgIcon) -> bool:
    """Have the icon ask to be docked only while no tray host embeds it (before the loop
    runs). False when DOCK_ONCE is off."""
    if not usable(icon, DOCK_ONCE):
        return False
    assert_docked = icon._assert_docked

    def assert_docked_once() -> None:
        if icon._systray_manager is None or not docked(icon):
            assert_docked()

    try:
        icon._assert_docked = assert_docked_once
    except Exception as exc:  # a read-only member: pystray's docking stays
        left_off(DOCK_ONCE, _failed(exc))
        return False
    return True


def docked(icon: XorgIcon) -> bool:
    """Whether a tray host embedded the icon (its window is no longer a child of the root).
    Loop thread only."""
    tree = icon._window.query_tree()
    return bool(tree.parent.id != tree.root.id)


def xorg_waker(icon: XorgIcon, callback: Callable[[], None]) -> XorgWaker | None:
    """The waker of the xorg icon's loop (before the loop runs), with REDOCK where the icon
    allows it; None when WAKER is off (pystray's own hand-over then).

    Raises:
        XUnavailable: our own X connection cannot be opened (no tray then).
    """
    if not usable(icon, WAKER):
        return None
    from Xlib import X  # noqa: PLC0415 - xorg only

    previous = getattr(icon._message_handlers, "get", lambda _kind: None)(X.ClientMessage)
    if not callable(previous):  # pystray's own messages go through its handler: keep it
        left_off(WAKER, "no ClientMessage handler in _message_handlers")
        return None
    try:
        return XorgWaker(icon, callback, previous)
    except XorgWakerOff as exc:
        left_off(WAKER, str(exc))
        return None


class XorgNudger:
    """Without WAKER: a ClientMessage of no meaning to the icon window, sent on an X connection of
    our own, while pystray hands a change to its loop (NUDGE). pystray's loop passes a message
    it does not know by; what matters is that it wakes: a request another thread queued on
    pystray's connection while the loop slept in `select` is sent only when the loop wakes
    (python-xlib lets the sleeping thread do the sending), and without a nudge it may wait for
    ever. Any thread; X errors on our connection (a window already gone) are ignored.
    """

    def __init__(self, window_id: int, conn: Any) -> None:
        self._lock = threading.Lock()
        self._window_id = window_id
        self._conn: Any = conn
        self._atom = conn.intern_atom("_POSTURE_GUARD_NUDGE")
        conn.set_error_handler(lambda *_args: None)

    def nudge(self) -> None:
        from Xlib.protocol import event  # noqa: PLC0415 - xorg only

        with self._lock:
            conn = self._conn
            if conn is None:
                return
            try:
                target = conn.create_resource_object("window", self._window_id)
                message = event.ClientMessage(
                    window=target, client_type=self._atom, data=(32, [0, 0, 0, 0, 0])
                )
                conn.send_event(target, message, event_mask=0, propagate=False)
                conn.flush()
            except Exception as exc:  # the connection broke: no more nudges
                self._conn = None
                left_off(NUDGE, _failed(exc))

    def close(self) -> None:
        with self._lock:
            conn, self._conn = self._conn, None
        close_quietly(conn)


def xorg_nudger(icon: XorgIcon) -> XorgNudger | None:
    """The nudger of the xorg icon's loop (before the loop runs); None when NUDGE is off.

    Raises:
        XUnavailable: our own X connection cannot be opened (no tray then).
    """
    if not usable(icon, NUDGE):
        return None
    try:
        window_id = int(icon._window.id)
        display_name = icon._window.display.get_display_name()
    except Exception as exc:
        left_off(NUDGE, _failed(exc))
        return None
    _name, conn = open_display(display_name)
    travel_light(conn)
    return XorgNudger(window_id, conn)


class XorgWakerOff(Exception):
    """The waker could not be set up with this pystray; nothing of it was installed."""


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
    connection of our own, which the loop hands to our handler on its thread (WAKER).

    Not on the icon's own connection, although pystray imports `Xlib.threaded`: sending and
    flushing there from other threads while the loop waits in `next_event()` hung the app
    now and then (at start, or on SIGTERM: the loop never saw the message; 2 runs in 10,
    against none in 12 with a connection of our own). Our connection is only ever written,
    under `_lock`, so python-xlib's threading is never relied on. Both connections are
    trimmed (xconn.travel_light): what they cost is the socket, not the visuals and keymap.

    Also does what pystray 0.19.5 does not do on xorg, where the icon allows it: it docks
    again when a tray host announces itself (the XEmbed MANAGER message on the root: the panel
    restarted, or started after us) or when a dock request went unanswered (a tray host that
    was still starting up) (REDOCK). Made by `xorg_waker`.
    """

    #: How often an unanswered dock request is sent again, one second apart, at start.
    DOCK_TRIES: Final = 10

    def __init__(
        self, icon: XorgIcon, callback: Callable[[], None], previous: Callable[[Any], None]
    ) -> None:
        """`previous`: pystray's ClientMessage handler, which gets every message not ours.

        Raises:
            XorgWakerOff: pystray's members are not what they were (nothing installed).
            XUnavailable: our own connection cannot be opened (no tray then).
        """
        from Xlib import X  # noqa: PLC0415 - xorg only

        self._icon = icon
        self._callback = callback
        self._lock = threading.Lock()
        self._dock_tries = 0
        try:
            window = icon._window
            icon_display = icon._display
            self._atom = icon_display.intern_atom("_POSTURE_GUARD_WAKE")
            self._manager = icon_display.intern_atom("MANAGER")
            self._selection = icon_display.intern_atom(
                f"_NET_SYSTEM_TRAY_S{icon_display.get_default_screen()}"
            )
            self._root = icon_display.screen().root
            self._window_id: int = window.id
            display_name = icon_display.get_display_name()
        except Exception as exc:
            raise XorgWakerOff(_failed(exc)) from None
        self._redock = usable(icon, REDOCK)
        if self._redock:
            self._root.change_attributes(event_mask=X.StructureNotifyMask)  # for MANAGER
        travel_light(icon_display)  # pystray's window exists: it needs no visuals nor keys
        icon_display.flush()
        _name, conn = open_display(display_name)  # XUnavailable: no tray
        travel_light(conn)
        self._conn: Any = conn

        def on_client_message(event: Any) -> None:
            kind = getattr(event, "client_type", None)
            if kind == self._atom:
                self._callback()
            elif self._redock and kind == self._manager and event.data[1][1] == self._selection:
                log.info("tray: a tray host appeared; docking")
                self._dock()
            else:
                previous(event)

        try:
            icon._message_handlers[X.ClientMessage] = on_client_message
        except Exception as exc:
            close_quietly(conn)
            raise XorgWakerOff(_failed(exc)) from None

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
        """Whether a tray host embedded the icon. Loop thread only."""
        return docked(self._icon)

    def ensure_docked(self, retry: Callable[[], None]) -> None:
        """At start: if no host embedded the icon yet, ask again, and call `retry` (from a timer
        thread) a second later, at most DOCK_TRIES times (never without REDOCK). Loop thread
        only."""
        if not self._redock or self._dock_tries >= self.DOCK_TRIES or self.docked():
            return
        if self._dock_tries:
            log.info("tray: the dock request went unanswered; asking again")
            self._dock()
        self._dock_tries += 1
        timer = threading.Timer(1.0, retry)
        timer.daemon = True
        timer.start()

    def _dock(self) -> None:
        from Xlib.error import XError  # noqa: PLC0415 - xorg only

        try:
            self._icon._dock_window()
            self._icon._display.flush()
        except XError as exc:  # the host went away meanwhile: the next MANAGER docks again
            log.warning("tray: docking failed: %s", _failed(exc))
        except Exception as exc:  # another pystray's `_dock_window`: leave docking to it
            self._redock = False
            left_off(REDOCK, _failed(exc))

    def flush_icon(self) -> None:
        """pystray's xorg drawing stays in Xlib's buffer until the next event; send it now."""
        self._icon._display.flush()

    def close(self) -> None:
        """The loop ended: close our connection; later wakes do nothing."""
        with self._lock:
            conn, self._conn = self._conn, None
        close_quietly(conn)
