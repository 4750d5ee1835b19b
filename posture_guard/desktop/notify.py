"""Notices to the user: desktop notifications (D-Bus on Linux, plyer on Windows and macOS),
with the terminal as the fallback.

Rules:

1. No exception from a notifier reaches the caller: `notify()` returns False instead, and
   `withdraw()` returns quietly. Calls come from the service's worker thread.
2. On Linux notices go to org.freedesktop.Notifications over jeepney (`FreedesktopNotifier`):
   a tagged notice replaces the one before it with the same tag (`replaces_id`) and is taken
   off the screen by `withdraw` (`CloseNotification`), so a break shows one notification as it
   moves on, never a pile. `select_notifier()` chooses it only when the service is really
   reachable on the session bus: it has an owner, or the bus can start one for us (D-Bus
   activation). Otherwise it chooses the terminal.
3. plyer (Windows, macOS) cannot replace or withdraw a notice: a tag is ignored there, and
   each notice expires after `timeout` seconds.
4. Whatever is chosen, a notice the desktop drops is printed on the terminal
   (`FallbackNotifier`), so a break is never announced to nobody.
5. A notice may carry actions (buttons: `actions=((key, label), ...)`), on a daemon that says
   it has them ("actions" in its capabilities; `has_actions()`). Which one the person picks
   comes back as the daemon's ActionInvoked signal: `watch_actions(on_action)` listens for it
   on a connection of its own, with a thread of its own, and calls `on_action(tag, key)` there.
   A notice with actions stays until it is withdrawn or answered (no timeout): it stands for
   something still waiting for the person.
6. A notice names our icon in the icon theme where a theme folder has it (`posture-guard
   launcher install`, the .deb), else the package's own PNG by its file URI (`app_icon`): a
   name the theme lacks is drawn as a broken image (GNOME Shell does), and a pip install has
   put nothing in the theme.
"""

from __future__ import annotations

import contextlib
import importlib.util
import logging
import subprocess
import sys
import threading
import warnings
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, Final, TextIO

from posture_guard.core.errors import PostureGuardError
from posture_guard.core.ports import Notifier
from posture_guard.desktop.dbus import (
    Bus,
    DBusError,
    call_through,
    no_session_bus,
    session_bus,
    session_bus_env,
)
from posture_guard.desktop.paths import xdg_data_dirs
from posture_guard.desktop.programs import which

__all__ = [
    "APP_NAME",
    "ActionWatch",
    "FallbackNotifier",
    "FreedesktopNotifier",
    "PlyerNotifier",
    "TerminalNotifier",
    "action_notifier",
    "notification_service_problem",
    "select_notifier",
]

_log = logging.getLogger("posture_guard.notify")

#: The application name that notification daemons show and group by.
APP_NAME: Final = "Posture Guard"
#: The well-known D-Bus name of the desktop notification service.
NOTIFICATIONS_BUS_NAME: Final = "org.freedesktop.Notifications"

NOTIFICATIONS_PATH: Final = "/org/freedesktop/Notifications"
#: The icon's name in the icon theme (`posture-guard launcher install` puts it there) and the
#: launcher the desktop groups our notices under.
APP_ICON: Final = "posture-guard"
#: The package's own copy of the icon (64 px, drawn by ui/icons.py), for where no theme has it.
PACKAGED_ICON: Final = Path(__file__).with_name("notice-icon.png")
_HINTS: Final = {"desktop-entry": ("s", "posture-guard")}
#: How long a notice stays on the screen unless it is replaced or withdrawn first.
NOTICE_SECONDS: Final = 15
#: What body markup needs escaped: `html.escape(text, quote=False)`, without the html package,
#: whose entity table (0.3 MiB, for unescaping) would stay in the service for nothing.
_MARKUP_ESCAPES: Final = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})

#: How long one bus query may take before the service counts as unreachable.
_QUERY_TIMEOUT_S: Final = 1.0
#: How long the bus may take to start an activatable notification daemon.
_ACTIVATION_TIMEOUT_S: Final = 5.0


def app_icon(data_dirs: Sequence[Path]) -> str:
    """The icon a notice names (rule 6): APP_ICON when the hicolor theme in one of `data_dirs`
    (`paths.xdg_data_dirs()`) has it at some size, else PACKAGED_ICON's file URI."""
    for base in data_dirs:
        with contextlib.suppress(OSError):
            if any((base / "icons" / "hicolor").glob(f"*/apps/{APP_ICON}.*")):
                return APP_ICON
    return PACKAGED_ICON.as_uri()


class PlyerNotifier:
    """Desktop notifications through `plyer.notification`.

    On Linux without dbus-python a missing notification daemon is not reported (rule 2): use
    `select_notifier()`, which checks the bus first, and wrap this in `FallbackNotifier`.
    """

    #: A short name for logs and `doctor`.
    name: str = "plyer"

    def __init__(self, *, app_name: str = APP_NAME, timeout: int = NOTICE_SECONDS) -> None:
        """Args: `app_name` as the daemon shows it; `timeout` in seconds before it closes.

        The `notify-send` path ignores `timeout`; the dbus-python path passes it on.
        """
        self.app_name = app_name
        self.timeout = timeout

    def notify(self, title: str, message: str, *, tag: str | None = None) -> bool:
        """Hand the notice to plyer; False when plyer raised. Never raises. `tag` is ignored
        (plyer cannot replace a notice; rule 3).

        Blocks for as long as plyer's backend does (one D-Bus call, or one `notify-send`
        process: a few milliseconds with a running daemon).
        """
        try:
            # plyer warns (UserWarning) while it picks its backend, e.g. when dbus-python is
            # missing; under warnings-as-errors that would make it pick no backend at all.
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                from plyer import notification  # noqa: PLC0415 - plyer loads lazily

                notification.notify(
                    title=title, message=message, app_name=self.app_name, timeout=self.timeout
                )
        except Exception as exc:  # any backend failure (DBusException, NotImplementedError...)
            _log.warning("plyer could not show a notice: %s: %s", type(exc).__name__, exc)
            return False
        return True

    def withdraw(self, tag: str) -> None:
        """Nothing: plyer cannot take a notice back; it expires after `timeout` (rule 3)."""


class FreedesktopNotifier:
    """Desktop notifications over D-Bus (the freedesktop Desktop Notifications spec, 1.2).

    Keeps the id of the last notice of each tag: the next one with that tag replaces it, and
    `withdraw` closes it. Worker thread only (it owns its `Bus`).
    """

    #: A short name for logs and `doctor`.
    name: str = "freedesktop"

    def __init__(
        self, bus: Bus, *, app_name: str = APP_NAME, timeout: int = NOTICE_SECONDS
    ) -> None:
        """Args: the session `bus`; `app_name` as the daemon shows and groups it; `timeout`
        in seconds before the daemon closes a notice."""
        self._bus = bus
        self.app_name = app_name
        self.timeout = timeout
        self.icon = app_icon(xdg_data_dirs())
        self._ids: dict[str, int] = {}
        self._caps: frozenset[str] | None = None
        self._watch: ActionWatch | None = None

    def notify(
        self,
        title: str,
        message: str,
        *,
        tag: str | None = None,
        actions: Sequence[tuple[str, str]] = (),
    ) -> bool:
        """Show (or, with a known `tag`, replace) a notice; False when the call failed.
        `actions` are (key, label) pairs shown as buttons (rule 5): such a notice does not
        time out."""
        replaces = self._ids.get(tag, 0) if tag is not None else 0
        body = message.translate(_MARKUP_ESCAPES) if self._body_markup() else message
        flat = [part for action in actions for part in action]
        timeout = 0 if actions else self.timeout * 1000  # 0: until withdrawn or answered
        try:
            (notice_id,) = self._call(
                "Notify", "susssasa{sv}i",
                (self.app_name, replaces, self.icon, title, body, flat, _HINTS, timeout),
            )  # fmt: skip
        except DBusError as exc:
            _log.warning("the notification service did not take a notice: %s", exc)
            return False
        if tag is not None:
            self._ids[tag] = int(notice_id)
        return True

    def withdraw(self, tag: str) -> None:
        """Close the notice last shown with `tag`, if any. Never raises (a notice the person
        or the daemon already closed is no error)."""
        notice_id = self._ids.pop(tag, None)
        if notice_id is None:
            return
        try:
            self._call("CloseNotification", "u", (notice_id,))
        except DBusError as exc:
            _log.info("could not withdraw the %s notice: %s", tag, exc)

    def has_actions(self) -> bool:
        """Whether the daemon shows actions (buttons) on a notice (rule 5); False when it
        cannot be asked."""
        caps = self._capabilities()
        return caps is not None and "actions" in caps

    def watch_actions(self, on_action: Callable[[str, str], None]) -> bool:
        """From now on call `on_action(tag, key)`, on a thread of its own, when the person
        picks action `key` on the notice last shown with `tag` (rule 5). Call it before
        showing the notice: from then on the notices go through the watch's connection.
        False when the bus cannot be listened to. Never raises."""
        if self._watch is not None:
            return True

        def invoked(notice_id: int, key: str) -> None:
            for tag, shown in list(self._ids.items()):
                if shown == notice_id:
                    on_action(tag, key)

        try:
            self._watch = ActionWatch(self._bus.address, invoked)
        except Exception as exc:  # jeepney's errors: no bus, refused, no reply in time
            _log.warning("cannot listen for the notices' actions: %s", exc)
            return False
        return True

    def close(self) -> None:
        """Close the bus connection (the next notice opens it again) and stop watching for
        actions. Never raises."""
        if self._watch is not None:
            self._watch.close()
            self._watch = None
        self._bus.close()

    def _call(
        self, method: str, signature: str | None = None, body: tuple[object, ...] = ()
    ) -> tuple[Any, ...]:
        """Call the notification service: through the action watch's connection while there
        is one (the daemon answers there), else on the bus."""
        if self._watch is not None:
            return self._watch.call(method, signature, body)
        return self._bus.call(
            NOTIFICATIONS_BUS_NAME, NOTIFICATIONS_PATH, NOTIFICATIONS_BUS_NAME, method,
            signature, body,
        )  # fmt: skip

    def _capabilities(self) -> frozenset[str] | None:
        """The daemon's capabilities (asked once), or None when it cannot be asked now."""
        if self._caps is None:
            try:
                (caps,) = self._call("GetCapabilities")
            except DBusError:
                return None  # ask again next time
            self._caps = frozenset(caps)
        return self._caps

    def _body_markup(self) -> bool:
        """Whether the daemon reads the body as markup (then "<" and "&" are escaped)."""
        caps = self._capabilities()
        return caps is None or "body-markup" in caps  # escaping is the safe guess


class ActionWatch:
    """A session bus connection of its own that carries a notifier's calls and hears the
    daemon's ActionInvoked signals: `on_action(notice_id, key)` is called on the watch's
    thread for each (rule 5). The notices' calls must go through it: a daemon may send the
    signal to the connection that showed the notice only (dunst does)."""

    def __init__(self, address: str, on_action: Callable[[int, str], None]) -> None:
        """Connect to the bus at `address`, subscribe and start listening.

        Raises:
            ImportError: jeepney is not installed.
            OSError, ValueError, RuntimeError, TimeoutError: the bus cannot be reached or
                refused the subscription (jeepney's errors).
        """
        from queue import Queue  # noqa: PLC0415

        from jeepney import MatchRule, message_bus  # noqa: PLC0415
        from jeepney.io.threading import DBusRouter, open_dbus_connection  # noqa: PLC0415
        from jeepney.wrappers import unwrap_msg  # noqa: PLC0415

        self._on_action = on_action
        self._conn: Any = open_dbus_connection(bus=address)
        self._router: Any = DBusRouter(self._conn)
        rule = MatchRule(
            type="signal", interface=NOTIFICATIONS_BUS_NAME, member="ActionInvoked",
            path=NOTIFICATIONS_PATH,
        )  # fmt: skip
        self._queue: Queue[Any] = Queue()
        self._filter = self._router.filter(rule, queue=self._queue)
        try:  # a daemon that broadcasts the signal (GNOME Shell) needs the match rule too
            unwrap_msg(
                self._router.send_and_get_reply(
                    message_bus.AddMatch(rule), timeout=_ACTIVATION_TIMEOUT_S
                )
            )
        except Exception:
            self._shut()
            raise
        self._thread = threading.Thread(
            target=self._listen, name="posture-guard-notice-actions", daemon=True
        )
        self._thread.start()

    def call(
        self, method: str, signature: str | None = None, body: tuple[object, ...] = ()
    ) -> tuple[Any, ...]:
        """Call a method of the notification service through this connection (as `Bus.call`).

        Raises:
            DBusError: an error reply, no reply in time, or the connection is gone.
        """
        try:
            return call_through(
                self._router, NOTIFICATIONS_BUS_NAME, NOTIFICATIONS_PATH, NOTIFICATIONS_BUS_NAME,
                method, signature, body,
            )  # fmt: skip
        except DBusError:
            raise
        except Exception as exc:  # the router stopped, the bus went away
            raise DBusError(f"{NOTIFICATIONS_BUS_NAME} {method}: {exc}") from exc

    def close(self) -> None:
        """Stop listening and close the connection. Idempotent; never raises."""
        self._queue.put(None)
        if self._thread is not threading.current_thread():
            self._thread.join(timeout=2.0)
        self._shut()

    def _shut(self) -> None:
        self._filter.close()
        with contextlib.suppress(Exception):
            self._router.close()
        with contextlib.suppress(OSError):
            self._conn.close()

    def _listen(self) -> None:
        while (message := self._queue.get()) is not None:
            notice_id, key = message.body
            try:
                self._on_action(int(notice_id), str(key))
            except Exception:
                _log.exception("a notice's action handler failed")


def _local_now() -> datetime:
    return datetime.now().astimezone()


class TerminalNotifier:
    """Prints each notice as one line, e.g. "[09:40] Stretch break: stand up", and logs it."""

    #: A short name for logs and `doctor`.
    name: str = "terminal"

    def __init__(
        self, stream: TextIO | None = None, *, now: Callable[[], datetime] = _local_now
    ) -> None:
        """Args: `stream` to print on (None: `sys.stdout` at each call); `now` for the stamp."""
        self._stream = stream
        self._now = now

    def notify(self, title: str, message: str, *, tag: str | None = None) -> bool:
        """Print and flush one line; True when it was written. Never raises. `tag` is
        ignored: a printed line stays printed.

        That a notice came is logged on "posture_guard.notify" at INFO, with its tag, even when
        there is no terminal to print on (`sys.stdout` is None under pythonw, or closed); its
        words never are: a check-in's notice speaks of the diary, which stays out of the log.
        """
        _log.info("notice for the terminal (%s)", tag or "untagged")
        stream = self._stream if self._stream is not None else sys.stdout
        if stream is None:
            return False
        line = f"[{self._now():%H:%M}] {title}: {message}\n"
        try:
            stream.write(line)
            stream.flush()
        except (OSError, ValueError) as exc:  # closed pipe or closed file
            _log.warning("could not print the notice on the terminal: %s", exc)
            return False
        return True

    def withdraw(self, tag: str) -> None:
        """Nothing: a line on the terminal cannot be taken back."""


class FallbackNotifier:
    """Tries `primary`; when it returns False or raises, shows the notice with `fallback`.
    While `use_primary()` says False (the person turned the desktop's notifications off), the
    notice goes to `fallback` only."""

    def __init__(self, primary: Notifier, fallback: Notifier | None = None) -> None:
        """Args: `primary` to try first; `fallback` (default: a `TerminalNotifier`)."""
        self.primary = primary
        self.fallback: Notifier = fallback if fallback is not None else TerminalNotifier()
        #: "plyer+terminal": both names, primary first.
        self.name = f"{primary.name}+{self.fallback.name}"
        #: Asked at each notice (any thread): False sends it to `fallback` only.
        self.use_primary: Callable[[], bool] = lambda: True

    def notify(self, title: str, message: str, *, tag: str | None = None) -> bool:
        """True when either notifier took the notice. Never raises, even if both do."""
        if not self.use_primary():
            return _notify_safely(self.fallback, title, message, tag)
        if _notify_safely(self.primary, title, message, tag):
            return True
        _log.warning(
            "%s did not deliver a notice (%s); using %s",
            self.primary.name,
            tag or "untagged",
            self.fallback.name,
        )
        return _notify_safely(self.fallback, title, message, tag)

    def withdraw(self, tag: str) -> None:
        """Withdraw the notice from both. Never raises."""
        for notifier in (self.primary, self.fallback):
            try:
                notifier.withdraw(tag)
            except Exception:  # the Protocol says never raise; one that does is a bug, logged
                _log.exception("notifier %s raised in withdraw", notifier.name)


def _notify_safely(notifier: Notifier, title: str, message: str, tag: str | None) -> bool:
    try:
        return notifier.notify(title, message, tag=tag)
    except Exception:  # the Protocol says never raise; a notifier that does is a bug, logged
        _log.exception("notifier %s raised; treated as not delivered", notifier.name)
        return False


def select_notifier() -> tuple[Notifier, list[str]]:
    """Choose how to show notices here, and say why better choices were not taken.

    Called once at service start (it may run a few short `dbus-send` processes).

    Returns:
        `FallbackNotifier(FreedesktopNotifier(...), TerminalNotifier())` on Linux (plyer's on
        Windows and macOS) when desktop notifications can be delivered, else a
        `TerminalNotifier`; plus human-readable reasons, e.g. ["freedesktop: no D-Bus session
        bus (...)"]. The reasons are empty when desktop notifications were chosen.
    """
    if sys.platform == "linux":
        problem = _freedesktop_problem()
        if problem is None:
            try:
                return FallbackNotifier(FreedesktopNotifier(session_bus()), TerminalNotifier()), []
            except DBusError as exc:
                problem = str(exc)
        return TerminalNotifier(), [f"{FreedesktopNotifier.name}: {problem}"]
    else:  # an explicit else: mypy --platform linux then skips this branch quietly
        problem = _plyer_problem()
        if problem is None:
            return FallbackNotifier(PlyerNotifier(), TerminalNotifier()), []
        return TerminalNotifier(), [f"{PlyerNotifier.name}: {problem}"]


def action_notifier() -> FreedesktopNotifier | None:
    """A notifier on the session bus whose daemon shows actions (rule 5), for a process of
    its own (the break window); None, logged, when there is no bus, no jeepney, no daemon
    or one without actions. Never raises."""
    try:
        notifier = FreedesktopNotifier(session_bus())
    except (DBusError, ImportError) as exc:
        _log.info("no notices with actions: %s", exc)
        return None
    if not notifier.has_actions():
        _log.info("no notices with actions: the notification service shows none")
        notifier.close()
        return None
    return notifier


def _freedesktop_problem() -> str | None:
    """Why notices cannot go to org.freedesktop.Notifications, or None when they can."""
    if importlib.util.find_spec("jeepney") is None:
        return "jeepney is not installed"
    return notification_service_problem()


def _plyer_problem() -> str | None:
    """Why plyer cannot deliver notifications on this platform, or None when it can."""
    if importlib.util.find_spec("plyer") is None:
        return "plyer is not installed"
    if sys.platform == "darwin":
        if importlib.util.find_spec("pyobjus") is None:
            return "plyer needs pyobjus on macOS, which is not installed"
        return None
    elif sys.platform == "win32":
        return None  # plyer shows a balloon tip through ctypes; nothing to check beforehand
    else:
        return f"desktop notifications are not implemented yet on {sys.platform}"


def notification_service_problem() -> str | None:
    """Why org.freedesktop.Notifications is unreachable on the session bus, or None if it is.

    Reachable means: the name has an owner, or the bus lists it as activatable and starting
    it succeeds (the daemon then runs, as it would on the first notification anyway).
    Never calls the Notifications name itself, so it cannot start a second daemon. Skips
    the bus when no session bus address is known: with DISPLAY set, libdbus would otherwise
    autolaunch a private bus that nobody watches.
    """
    env = session_bus_env()
    if env is None:
        return no_session_bus()
    try:
        if _bus_call(env, "NameHasOwner", NOTIFICATIONS_BUS_NAME).endswith("true"):
            return None
        activatable = _bus_call(env, "ListActivatableNames")
        if f'"{NOTIFICATIONS_BUS_NAME}"' not in activatable and (
            f"'{NOTIFICATIONS_BUS_NAME}'" not in activatable
        ):
            return (
                f"no notification service on the session bus ({NOTIFICATIONS_BUS_NAME} has "
                "no owner and no D-Bus service file)"
            )
        _bus_call(env, "StartServiceByName", NOTIFICATIONS_BUS_NAME, timeout=_ACTIVATION_TIMEOUT_S)
        if _bus_call(env, "NameHasOwner", NOTIFICATIONS_BUS_NAME).endswith("true"):
            return None
        return f"the notification service ({NOTIFICATIONS_BUS_NAME}) started and went away"
    except _BusQueryError as exc:
        return str(exc)


class _BusQueryError(PostureGuardError):
    """A query to the bus daemon failed; the message is a reason for `doctor`."""


def _bus_call(
    env: dict[str, str], method: str, name: str | None = None, *, timeout: float = _QUERY_TIMEOUT_S
) -> str:
    """Call `org.freedesktop.DBus.<method>([name])` on the session bus named in `env` (from
    `session_bus_env()`); the reply, stripped.

    Uses `dbus-send` (dbus-bin), else `gdbus` (libglib2.0-bin). Booleans come back ending
    in "true"/"false" ("boolean true" or "(true,)"); strings are quoted.

    Raises:
        _BusQueryError: neither tool is installed, the call failed or timed out.
    """
    if which("dbus-send") is not None:
        cmd = [
            "dbus-send", "--session", "--print-reply", f"--reply-timeout={int(timeout * 1000)}",
            "--dest=org.freedesktop.DBus", "/org/freedesktop/DBus", f"org.freedesktop.DBus.{method}",
        ]  # fmt: skip
        if name is not None:
            cmd.append(f"string:{name}")
            if method == "StartServiceByName":
                cmd.append("uint32:0")
    elif which("gdbus") is not None:
        cmd = [
            "gdbus", "call", "--session", "--timeout", str(max(1, round(timeout))),
            "--dest", "org.freedesktop.DBus", "--object-path", "/org/freedesktop/DBus",
            "--method", f"org.freedesktop.DBus.{method}",
        ]  # fmt: skip
        if name is not None:
            cmd.append(name)
            if method == "StartServiceByName":
                cmd.append("0")
    else:
        raise _BusQueryError(
            "cannot query the session bus: neither dbus-send nor gdbus is installed"
        )
    limit = timeout + 1  # the tool's own timeout does not cover connecting to the bus
    try:
        done = subprocess.run(
            cmd, env=env, capture_output=True, text=True, timeout=limit, check=False
        )
    except subprocess.TimeoutExpired as exc:
        raise _BusQueryError(
            f"session bus query {method} failed ({cmd[0]}): no answer within {limit:g} s"
        ) from exc
    except OSError as exc:
        raise _BusQueryError(f"session bus query {method} failed ({cmd[0]}): {exc}") from exc
    if done.returncode != 0:
        detail = (done.stderr.strip() or done.stdout.strip()).splitlines()
        raise _BusQueryError(
            f"session bus query {method} failed ({cmd[0]} exit {done.returncode}): "
            + (detail[-1] if detail else "no output")
        )
    return done.stdout.strip().rstrip(",)")
