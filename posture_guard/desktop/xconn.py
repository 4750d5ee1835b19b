"""X display connections: opened with clear errors, shared per display, reopened when lost.

python-xlib builds about 330 KiB of Python objects per open connection (the server's screens,
depths and visuals, the keyboard map...), more on a real Xorg with many GLX visuals. So the
users in one process (the X11 idle source, the full-screen busy source, the tray's dock check)
share one connection per display name: `share_display()` hands out a `Display` share, and the
connection closes with the last share. When the X server goes away the connection is dropped
and reopened once for all shares on a later `get()`, at most every REOPEN_AFTER_S.
python-xlib is imported when a connection is opened, so importing this module needs neither
python-xlib nor a display.

Threading: we never rely on python-xlib's own threading (`Xlib.threaded`, which pystray's
xorg backend imports: a wake sent across threads on pystray's connection hung, see
ui/pystray_private.XorgWaker). The shares of a display are used from one thread, the
service's worker thread; they may be built, and asked once (the tray's host check), on the
main thread before the worker starts. `travel_light()` frees the parts of a connection none
of our users reads.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from typing import Any, Final

from posture_guard.core.i18n import _

_log = logging.getLogger("posture_guard.x11")

#: After a lost connection, the longest time before the next attempt to reopen it. Attempts
#: are made only when asked, so a display that is gone costs one failed connect per interval.
REOPEN_AFTER_S: Final = 5.0


#: The X extensions the service process uses: MIT-SCREEN-SAVER (the X11 idle source). The tray
#: (pystray's xorg backend, our dock helper) and the full-screen busy source use core requests
#: only; the break window, which needs RANDR/XINERAMA (monitors.py), runs in a process of its
#: own. The limit is per process: a connection shared by several users offers each of them the
#: extensions set up when it was opened.
SERVICE_EXTENSIONS: Final = ("MIT-SCREEN-SAVER",)


def limit_extensions(names: tuple[str, ...] = SERVICE_EXTENSIONS) -> None:
    """Have every X connection this process opens from now on set up only the extensions `names`.

    python-xlib imports and initialises a module for each extension the server offers when a
    connection is opened (about 1.8 MiB of Python objects per process; ~0.8 MiB is saved by
    keeping only MIT-SCREEN-SAVER). Call once, early, in a process whose X users are all known.
    No-op without python-xlib.
    """
    try:
        import Xlib.ext  # noqa: PLC0415 - lazily: needs python-xlib
    except ImportError:
        return
    Xlib.ext.__extensions__ = [e for e in Xlib.ext.__extensions__ if e[0] in names]


def travel_light(conn: Any) -> None:
    """Free what python-xlib keeps on a connection that none of our X users reads.

    Each screen's list of depths and visuals (about 200 KiB of Python objects on Xvfb, more
    on a real Xorg with many GLX visuals) and the keyboard map (about 110 KiB; keysym
    lookups then answer NoSymbol). Our users read atoms, properties, the root window and
    the root depth, and translate no keys. Never raises.
    """
    try:
        for screen in conn.display.info.roots:
            screen.allowed_depths = []
        conn._keymap_codes = [()] * 256
        conn._keymap_syms = {}
    except Exception as exc:  # another python-xlib's layout: keep all, lose nothing
        _log.debug("could not trim the X connection: %s", exc)


class XUnavailable(Exception):
    """The display cannot be used; the message says why ("no DISPLAY set"...)."""


def open_display(name: str | None = None) -> tuple[str, Any]:
    """Open `name` (default: $DISPLAY); returns (name, python-xlib Display).

    Raises:
        XUnavailable: no name given or set, or the display cannot be opened.
        ImportError: python-xlib is not installed.
    """
    name = name if name is not None else os.environ.get("DISPLAY", "")
    if not name:
        # Translators: DISPLAY is an environment variable's name, keep it as written
        raise XUnavailable(_("no DISPLAY set"))
    from Xlib import display as xdisplay  # noqa: PLC0415 - lazily: needs python-xlib

    try:
        return name, xdisplay.Display(name)
    except Exception as exc:  # python-xlib raises DisplayError, OSError, XauthError...
        _close_sockets_left_in(exc)
        # Translators: {name} is the display's name (":0"), {reason} the X library's reason
        raise XUnavailable(
            _("cannot open display {name}: {reason}").format(name=repr(name), reason=exc)
        ) from exc


class Display:
    """A share of this process's connection to one display (from `share_display`).

    `get()` gives the connection, or None while it is lost (it is reopened on a later `get()`
    of any share) and after `close()`. A user that sees the connection fail calls `drop()`.
    """

    def __init__(self, shared: _Shared) -> None:
        self.name = shared.name
        self._shared = shared
        #: Which opening of the connection this share last handed out (None: none). Users
        #: that keep per-connection data (atoms) compare it, rather than keep the connection.
        self.generation: int | None = None
        self._closed = False

    def get(self) -> Any:
        """The open connection, reopened if it was lost and it is time to try; else None."""
        if self._closed:
            return None
        conn, self.generation = self._shared.get()
        return conn

    def drop(self, why: object) -> None:
        """The connection failed: close it for every share and try again after REOPEN_AFTER_S.

        A failure seen on a connection that was already replaced (another share dropped it and
        it was reopened since) leaves the new one alone.
        """
        if not self._closed:
            self._shared.drop(self.generation, why)
        self.generation = None

    def close(self) -> None:
        """Give the share back; `get()` returns None from now on. The last share to close
        closes the connection. Idempotent."""
        if not self._closed:
            self._closed = True
            self.generation = None
            self._shared.release()


def share_display(name: str | None = None) -> Display:
    """A share of this process's one connection to `name` (default: $DISPLAY), opened now if
    no open share holds it (or it was lost).

    Raises:
        XUnavailable: no name given or set, or the display cannot be opened.
        ImportError: python-xlib is not installed.
    """
    name = name if name is not None else os.environ.get("DISPLAY", "")
    with _SHARED_LOCK:
        shared = _SHARED.get(name)
        if shared is None:
            name, conn = open_display(name)
            travel_light(conn)
            shared = _SHARED[name] = _Shared(name, conn)
        else:
            shared.reopen_now()
        shared.users += 1
    return Display(shared)


class _Shared:
    """The connection to one display and how many shares hold it (registered in _SHARED)."""

    def __init__(self, name: str, conn: Any) -> None:
        self.name = name
        self.users = 0
        self._conn: Any = conn
        self._generation = 1  # counts the openings; a share's failure names the one it saw
        self._retry_at = 0.0

    def get(self) -> tuple[Any, int | None]:
        """The connection (None while lost) and which opening it is."""
        with _SHARED_LOCK:
            if self._conn is None and self.users and time.monotonic() >= self._retry_at:
                try:
                    _, self._conn = open_display(self.name)
                except XUnavailable as exc:
                    _log.debug("%s", exc)
                    self._retry_at = time.monotonic() + REOPEN_AFTER_S
                else:
                    self._generation += 1
                    travel_light(self._conn)
                    _log.info("display %r is back", self.name)
            return self._conn, None if self._conn is None else self._generation

    def reopen_now(self) -> None:
        """For a new share: the connection, reopened at once if it was lost (raises
        XUnavailable if it cannot be)."""
        if self._conn is None:
            try:
                _, self._conn = open_display(self.name)
            except XUnavailable:
                self._retry_at = time.monotonic() + REOPEN_AFTER_S
                raise
            self._generation += 1
            travel_light(self._conn)

    def drop(self, failed: int | None, why: object) -> None:
        """Opening `failed` of the connection failed: close it, unless it was replaced since."""
        with _SHARED_LOCK:
            if failed is None or failed != self._generation or self._conn is None:
                return
            _log.info("lost display %r (%s); will try to reopen it", self.name, why)
            conn, self._conn = self._conn, None
            self._retry_at = time.monotonic() + REOPEN_AFTER_S
        close_quietly(conn)

    def release(self) -> None:
        with _SHARED_LOCK:
            self.users -= 1
            if self.users:
                return
            if _SHARED.get(self.name) is self:
                del _SHARED[self.name]
            conn, self._conn = self._conn, None
        close_quietly(conn)


#: The shared connections by display name, and the lock that guards them and their counts.
_SHARED: Final[dict[str, _Shared]] = {}
_SHARED_LOCK: Final = threading.Lock()


def close_quietly(conn: Any) -> None:
    """Close a python-xlib connection, if any; never raises."""
    if conn is None:
        return
    try:
        conn.close()
    except Exception as exc:  # closing a connection the server already dropped raises
        _log.debug("closing the X connection failed: %s", exc)


def _close_sockets_left_in(exc: BaseException) -> None:
    """Close the sockets a failed python-xlib connect left open.

    python-xlib 0.33 does not close the socket of a failed connect (nor that of its TCP
    fallback). They stay referenced from the traceback, and later the garbage collector
    closes them with a ResourceWarning, which is an error under our test settings.
    """
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        tb = current.__traceback__
        while tb is not None:
            for value in tb.tb_frame.f_locals.values():
                if isinstance(value, socket.socket):
                    value.close()
            tb = tb.tb_next
        current = current.__cause__ or current.__context__
