"""The tray icon and its menu: which backend, and pystray's on the main thread.

Rules:

1. The backend is ours to choose, never pystray's import-time guess: `open_tray()` tries the
   candidates for this platform in order (desktop/tray_backends.py; Linux: our
   StatusNotifierItem (ui/sni.py) where a StatusNotifierWatcher runs, then pystray's xorg),
   sets PYSTRAY_BACKEND before importing pystray, and keeps a reason for each one it did not
   take. POSTURE_GUARD_TRAY (sni, appindicator, gtk or xorg), else PYSTRAY_BACKEND (pystray's
   three), set by the user is tried alone. When nothing else works and only the watcher is
   missing, the StatusNotifierItem is used anyway: it shows once a panel starts (a Wayland
   login where the app starts first). No candidate left means no tray: the caller runs
   headless. What every backend shares (the view, notices, clicks) is trayview.py's.
2. Threads: `run()` owns the main thread (pystray's loop), and every pystray call is made on
   it. `on_snapshot()` and the notices come from the service's worker thread: they store the
   new status, decide what the tray shows, and wake the loop only when that changed (most
   snapshots move nothing the tray shows), never waiting for it. Menu items run on the main
   thread and reach the service through `submit` (the same command values as the control socket).
3. The icon image (pre-drawn by icons.py, see tray_images.py) changes only when its
   `IconState` does, the title only when its text changes, the menu only when its entries
   change (traymodel's rules). No timer of our own, except one-shot ones while starting.
   The locks, the ring's rhythm and the forms' branding follow the settings each snapshot
   carries (recomputed only when the service replaced them).
4. xorg: pystray's window gets ButtonPress events (pystray 0.19.5 forgets them; its
   issue #151), a left click opens `python -m posture_guard.ui.menu_window`, the
   image is opaque RGB (that backend drops alpha onto black), and the icon docks again when a
   tray host starts (the panel restarted, or started after us).
   This module uses pystray's public API only; what needs its private attributes (xorg's
   drawing, waking and docking, the GTK backends' title refresh) is in pystray_private.py,
   each extra feature-detected: with a pystray that lacks what one needs, that extra is off
   (one log line) and pystray's own behaviour stays; the icon shows either way.
5. The tray process never imports tkinter: every window of ours is its own process.
"""

from __future__ import annotations

import importlib
import importlib.util
import logging
import os
import sys
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import ModuleType
from typing import TYPE_CHECKING, Any, Final

from posture_guard.core.errors import PostureGuardError
from posture_guard.core.i18n import N_, _
from posture_guard.core.ports import Notifier
from posture_guard.core.traymodel import (
    APP_TITLE,
    HOW_TO_GET_THE_FULL_TRAY,
    IconState,
    MenuEntry,
    tray_menu,
)
from posture_guard.desktop.dbus import DBusError, no_session_bus, session_bus, session_bus_address
from posture_guard.desktop.display import display_available
from posture_guard.desktop.notify import FallbackNotifier
from posture_guard.desktop.tray_backends import tray_backends
from posture_guard.desktop.xconn import XUnavailable, share_display
from posture_guard.ui.launch import Launcher
from posture_guard.ui.tray_images import tray_image
from posture_guard.ui.trayview import FIRST_ICON, Submitter, TrayView

if TYPE_CHECKING:  # pystray's extras are imported by the pystray trays only, never with sni
    from posture_guard.ui.pystray_private import XorgNudger, XorgWaker

log = logging.getLogger(__name__)

_GTK_BACKENDS: Final = frozenset({"appindicator", "gtk"})
#: The backends that take our Picture as it is (pystray's win32 and darwin want Pillow's).
_PICTURE_BACKENDS: Final = frozenset({"appindicator", "gtk", "xorg"})
#: How often the loop is nudged while pystray takes a change (xorg without a waker).
NUDGE_EVERY_S: Final = 0.25
#: Our own choice of tray backend (any of the platform's `pinnable`); before PYSTRAY_BACKEND.
TRAY_ENV: Final = "POSTURE_GUARD_TRAY"


class TrayUnavailable(PostureGuardError):
    """No tray can be shown here; the message says why (for the log and `doctor`)."""


#: What GTK 3 says on every start when libayatana-appindicator falls back to an XEmbed icon
#: (GtkStatusIcon in a GtkPlug): the plug's frame-sync bookkeeping, harmless and not ours.
KNOWN_GTK_NOISE: Final = ("gdk_window_thaw_toplevel_updates: assertion",)


def is_known_gtk_noise(domain: str | None, message: str | None) -> bool:
    """Whether a GLib log message is GTK's own known, harmless complaint (KNOWN_GTK_NOISE)."""
    return domain == "Gdk" and any(m in (message or "") for m in KNOWN_GTK_NOISE)


def _route_known_gtk_noise() -> None:
    """Send GTK's known noise to our log at debug level instead of the terminal (a new user
    saw "Gdk-CRITICAL" on every start); every other message of GDK's goes where it went."""
    from gi.repository import GLib  # noqa: PLC0415 - GTK backends only

    def handler(domain: str | None, level: Any, message: str | None, data: Any) -> None:
        if is_known_gtk_noise(domain, message):
            log.debug("GTK (known, harmless): %s", message)
        else:
            GLib.log_default_handler(domain, level, message, data)

    levels = GLib.LogLevelFlags.LEVEL_CRITICAL | GLib.LogLevelFlags.LEVEL_WARNING
    GLib.log_set_handler("Gdk", levels, handler, None)


class _LibraryMissing(TrayUnavailable):
    """A GTK backend cannot load: PyGObject or a typelib it needs is not installed."""


def tray_candidates(env: Mapping[str, str] | None = None) -> tuple[list[str], list[str]]:
    """The pystray backends to try here, in order, and why others are not tried."""
    env = os.environ if env is None else env
    if not display_available():
        # Translators: DISPLAY and WAYLAND_DISPLAY are environment variables' names
        return [], ["tray: " + _("no display (DISPLAY and WAYLAND_DISPLAY are not set)")]
    here = tray_backends()
    if not here.pinnable:  # one backend here: neither variable is read
        return list(here.candidates), []
    notes: list[str] = []
    for variable in (TRAY_ENV, "PYSTRAY_BACKEND"):
        override = env.get(variable, "")
        if override in here.pinnable and (variable == TRAY_ENV or override != "sni"):
            return [override], [*notes, f"tray: {variable}={override} is set: only it is tried"]
        if override:
            notes.append(f"tray: {variable}={override!r} is not one we drive; ignored")
    return list(here.candidates), notes


def pinned_by(env: Mapping[str, str], backend: str) -> str | None:
    """The variable that pins `run` to `backend` (for `doctor`), or None."""
    if tray_backends().pinnable and backend in tray_backends().pinnable:
        if env.get(TRAY_ENV) == backend:
            return TRAY_ENV
        if env.get("PYSTRAY_BACKEND") == backend != "sni" and env.get(TRAY_ENV) is None:
            return "PYSTRAY_BACKEND"
    return None


def tray_host_problem() -> str | None:
    """Why an XEmbed icon could not dock on this X display now, or None when a tray is there
    (in the language in use)."""
    return _tray_host()[0]


#: The D-Bus name of the StatusNotifierItem host registry (KDE, GNOME's AppIndicator
#: extension, XFCE, Cinnamon, waybar).
SNI_WATCHER: Final = "org.kde.StatusNotifierWatcher"


def sni_watcher_present(env: Mapping[str, str] | None = None) -> bool:
    """Whether a StatusNotifierWatcher runs on the session bus (False when there is none)."""
    try:
        bus = session_bus(env)
    except (DBusError, ImportError):
        return False
    try:
        return bus.has_owner(SNI_WATCHER)
    except DBusError:
        return False
    finally:
        bus.close()


def no_tray_host(backend: str) -> bool:
    """Whether nothing on this desktop can show the icon of `backend` now: for sni no
    StatusNotifierWatcher; else no XEmbed tray and, for appindicator, no StatusNotifierWatcher
    either."""
    if backend in ("sni", "appindicator") and sni_watcher_present():
        return False
    return backend == "sni" or tray_host_problem() is not None


#: Said once when a minute after the start nothing shows tray icons (stock GNOME, a bare
#: window manager): the service goes on, and the person learns the other ways in.
NO_TRAY_HOST: Final = N_(
    "This desktop shows no tray icons, so Posture Guard's icon is not visible. Breaks still come"
    " as notifications and windows. Open its menu from your applications menu (Posture Guard"
    " menu) or with `posture-guard menu`. On GNOME, the AppIndicator extension shows tray icons."
)


class MissingHostNotice:
    """A minute job of the service (its worker thread, where the X connection is used): the
    first time it runs, says NO_TRAY_HOST once (a notification and the log) when no tray host
    can show the icon; then never again."""

    def __init__(self, backend: str, notifier: Notifier) -> None:
        self._backend = backend
        self._notifier = notifier
        self._done = False

    def __call__(self) -> None:
        if self._done:
            return
        self._done = True
        if no_tray_host(self._backend):
            log.warning("no tray host shows icons here (tray: %s)", self._backend)
            self._notifier.notify(APP_TITLE, _(NO_TRAY_HOST))


def _tray_host() -> tuple[str | None, bool]:
    """Why an XEmbed icon could not dock now (None when a tray is there), and whether the
    display itself answers (True when only the tray host is missing, or none is).

    Asks on the process's shared connection (xconn): in the service the X11 idle source holds
    it already, so the check costs no connection of its own."""
    try:
        shared = share_display()
    except XUnavailable as exc:  # say what python-xlib said, as before ("Can't connect...")
        # Translators: {reason} is the X library's reason, in English
        return _("cannot open the X display: {reason}").format(reason=exc.__cause__ or exc), False
    try:
        conn = shared.get()
        if conn is None:
            return _("cannot open the X display: the connection was lost"), False
        selection = f"_NET_SYSTEM_TRAY_S{conn.get_default_screen()}"
        owner = conn.get_selection_owner(conn.intern_atom(selection))
        if not owner:
            # Translators: {selection} is an X selection's name, as written
            problem = _("no system tray on the X display (nothing owns {selection})")
            return problem.format(selection=selection), True
        return None, True
    finally:
        shared.close()


class _NoWatcher(TrayUnavailable):
    """sni: the session bus answers, but no StatusNotifierWatcher runs on it (yet)."""


def _sni_address(env: Mapping[str, str]) -> str:
    """The session bus where a StatusNotifierWatcher runs now.

    Raises:
        TrayUnavailable: no session bus or no jeepney; `_NoWatcher`: no watcher on the bus.
    """
    address = session_bus_address(env)
    if address is None:
        raise TrayUnavailable(f"sni: {no_session_bus()}")
    if importlib.util.find_spec("jeepney") is None:
        raise TrayUnavailable("sni: " + _("jeepney is not installed"))
    if not sni_watcher_present(env):
        # Translators: StatusNotifierItem is a protocol's name, org.kde... a D-Bus name
        why = _("no StatusNotifierItem host (nothing owns {name} on the session bus)")
        raise _NoWatcher("sni: " + why.format(name=SNI_WATCHER))
    return address


def _import_pystray(backend: str, env: Mapping[str, str]) -> ModuleType | None:
    """Import pystray pinned to `backend` (for "sni": check it can work; None).

    Raises:
        TrayUnavailable: naming what is missing for this backend.
    """
    if backend == "sni":
        _sni_address(env)
        return None
    if backend in _GTK_BACKENDS:
        if importlib.util.find_spec("gi") is None:
            raise _LibraryMissing(f"{backend}: " + _("PyGObject (gi) is not installed"))
        if session_bus_address(env) is None:
            raise TrayUnavailable(f"{backend}: {no_session_bus()}")
    if backend == "xorg":
        problem, display_answers = _tray_host()
        if problem is not None and not display_answers:
            raise TrayUnavailable(f"xorg: {problem}")
        if problem is not None:  # at login the app may start before the panel
            log.info("tray: xorg: %s yet; the icon docks when a tray starts", problem)
    os.environ["PYSTRAY_BACKEND"] = backend
    sys.modules.pop("pystray", None)
    try:
        return importlib.import_module("pystray")
    except Exception as exc:  # ImportError, gi's ValueError, Xlib display errors at import
        detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        software = backend in _GTK_BACKENDS and isinstance(exc, ImportError | ValueError)
        raise (_LibraryMissing if software else TrayUnavailable)(f"{backend}: {detail}") from None


@dataclass(frozen=True, slots=True, kw_only=True)
class TrayProbe:
    """What `run` would do about the tray here, and what each backend lacks (for `doctor`)."""

    #: The backend `run` would use; None: it runs without a tray.
    used: str | None
    #: The backend POSTURE_GUARD_TRAY or PYSTRAY_BACKEND pins `run` to, if one we drive.
    pinned: str | None
    #: The variable that pins it ("POSTURE_GUARD_TRAY" or "PYSTRAY_BACKEND").
    pinned_by: str | None
    #: Every backend we drive on this platform, best first -> why `run` could not use it
    #: (None: it could).
    problems: dict[str, str | None]
    #: `probe_tray`'s reasons: "tray: ..." lines, as `run` logs them.
    notes: list[str]
    #: The full tray (the StatusNotifierItem's menu) fails only for want of a tray host that
    #: speaks it (HOW_TO_GET_THE_FULL_TRAY), not for a missing bus or display.
    full_tray_needs_host: bool


def probe_tray(env: Mapping[str, str] | None = None) -> tuple[str | None, list[str]]:
    """The tray backend `run` would use here (None: headless), and why the others would not
    be used, e.g. "tray: sni: no StatusNotifierItem host (...)" and, for xorg, how to get the
    full tray (HOW_TO_GET_THE_FULL_TRAY). Imports pystray; shows nothing.
    """
    probe = _probe(env, every=False)
    return probe.used, probe.notes


def probe_tray_backends(env: Mapping[str, str] | None = None) -> TrayProbe:
    """`probe_tray`, plus the verdict on each backend we drive here, including those `run`
    would not reach (gtk, or xorg once appindicator works). Imports pystray once per backend
    (never without a display); leaves PYSTRAY_BACKEND as it found it; shows nothing."""
    return _probe(env, every=True)


def _probe(env: Mapping[str, str] | None, *, every: bool) -> TrayProbe:
    env = os.environ if env is None else env
    candidates, notes = tray_candidates(env)
    backends = tray_backends().known
    pinned_var = pinned_by(env, candidates[0]) if len(candidates) == 1 else None
    pinned = candidates[0] if pinned_var is not None else None
    problems: dict[str, str | None] = {}
    needs_host = False
    used: str | None = None
    saved = os.environ.get("PYSTRAY_BACKEND")
    try:
        for backend in candidates + [b for b in backends if every and b not in candidates]:
            if used is not None and not every:
                break
            try:
                _import_pystray(backend, env)
                problems[backend] = None
            except TrayUnavailable as exc:
                problems[backend] = str(exc).removeprefix(f"{backend}: ")
                if isinstance(exc, _NoWatcher) and backend in candidates:
                    needs_host = True
            if used is not None or backend not in candidates:
                continue  # `run` would not get this far: no note
            if problems[backend] is not None:
                notes.append(f"tray: {backend}: {problems[backend]}")
                continue
            used = backend
            if backend == "xorg":
                notes.append(_xorg_note(full_tray_needs_host=needs_host))
        if used is None and needs_host:  # only a panel is missing: the item waits for one
            used = "sni"
            notes.append(_SNI_WAITS)
    finally:
        if saved is None:
            os.environ.pop("PYSTRAY_BACKEND", None)
        else:
            os.environ["PYSTRAY_BACKEND"] = saved
    if not candidates:  # no display: nothing was tried, each backend lacks the same
        why = notes[0].removeprefix("tray: ") if notes else _("no tray here")
        problems = dict.fromkeys(backends, why)
    return TrayProbe(
        used=used,
        pinned=pinned,
        pinned_by=pinned_var,
        problems={b: problems.get(b) for b in backends},
        notes=notes,
        full_tray_needs_host=needs_host and used != "sni",
    )


_SNI_WAITS: Final = "tray: sni: no StatusNotifierItem host yet; the icon shows when one starts"


def open_tray(
    submit: Submitter,
    launcher: Launcher,
    *,
    rhythm_s: float | None,
    locked: Mapping[str, str] | None = None,
    env: Mapping[str, str] | None = None,
) -> tuple[TrayView | None, list[str]]:
    """The first tray that can be built here (not yet running), and why the others were not.

    Called once at service start on the main thread. None means run without a tray.
    """
    env = os.environ if env is None else env
    candidates, reasons = tray_candidates(env)
    needs_host = False
    for backend in candidates:
        try:
            tray = _build(backend, env, submit, launcher, rhythm_s=rhythm_s, locked=locked)
        except TrayUnavailable as exc:
            reasons.append(f"tray: {exc}")
            needs_host |= isinstance(exc, _NoWatcher)
            continue
        except Exception as exc:  # building the icon failed (X, GTK or the bus refused)
            reasons.append(f"tray: {backend}: {type(exc).__name__}: {exc}")
            continue
        if backend == "xorg":
            reasons.append(_xorg_note(full_tray_needs_host=needs_host))
        return tray, reasons
    if needs_host:  # rule 1: only a panel is missing; the item shows once one starts
        address = session_bus_address(env)
        if address is not None:
            from posture_guard.ui.sni import SniTray  # noqa: PLC0415

            try:
                tray = SniTray(submit, launcher, address=address, rhythm_s=rhythm_s, locked=locked)
            except Exception as exc:
                reasons.append(f"tray: sni: {type(exc).__name__}: {exc}")
            else:
                return tray, [*reasons, _SNI_WAITS]
    return None, reasons


def _build(
    backend: str,
    env: Mapping[str, str],
    submit: Submitter,
    launcher: Launcher,
    *,
    rhythm_s: float | None,
    locked: Mapping[str, str] | None,
) -> TrayView:
    """The tray of `backend`, not yet running.

    Raises:
        TrayUnavailable: the backend cannot work here; other errors: building it failed.
    """
    if backend == "sni":
        from posture_guard.ui.sni import SniTray  # noqa: PLC0415 - jeepney's, Linux only

        address = _sni_address(env)
        return SniTray(submit, launcher, address=address, rhythm_s=rhythm_s, locked=locked)
    pystray = _import_pystray(backend, env)
    assert pystray is not None
    return Tray(pystray, backend, submit, launcher, rhythm_s=rhythm_s, locked=locked)


def _xorg_note(*, full_tray_needs_host: bool) -> str:
    """What `run` logs when it settles for xorg: with how to get the full tray only when a
    StatusNotifierItem host would give it (not when the session bus is missing)."""
    note = "tray: xorg has no menu of its own"
    return f"{note}; {HOW_TO_GET_THE_FULL_TRAY}" if full_tray_needs_host else note


class Tray(TrayView):
    """One pystray icon kept in step with the service's snapshots.

    Every pystray call happens on the main thread (rule 2): other threads store what changed
    and ask the loop to run `_apply` (GTK: `GLib.idle_add`; xorg: a ClientMessage sent on a
    connection of our own, because pystray's xorg hand-over from another thread shares its X
    connection between threads and can lose the wake-up, which hung `stop()` in testing;
    that hand-over is what is left when another pystray has not what the waker needs).
    """

    def __init__(
        self,
        pystray: ModuleType,
        backend: str,
        submit: Submitter,
        launcher: Launcher,
        *,
        rhythm_s: float | None,
        locked: Mapping[str, str] | None = None,
    ) -> None:
        """`rhythm_s` and `locked` hold until the first snapshot; from then on each snapshot's
        settings give them, so a re-applied policy reaches the menu and the forms."""
        super().__init__(
            backend,
            submit,
            launcher,
            rhythm_s=rhythm_s,
            locked=locked,
            has_menu=bool(pystray.Icon.HAS_MENU),
        )
        self._pystray = pystray
        self._opaque = backend == "xorg"
        self._pillow = backend not in _PICTURE_BACKENDS  # else our Picture, drawn as it is
        self._apply_pending = False
        self._stop_pending = False
        self._running = False
        # main thread only:
        self._icon_state: IconState = FIRST_ICON
        self._menu_entries: tuple[MenuEntry, ...] | None = None
        self._icon = pystray.Icon(
            "posture-guard",
            icon=self._image(FIRST_ICON),
            title=APP_TITLE,
            # never an empty menu: appindicator's show() fails silently without an item
            menu=self._pystray_menu(tray_menu(self._status)),
        )
        self._waker: XorgWaker | None = None
        #: xorg without a waker (another pystray): `_hand_over` runs `_on_main_thread` on a
        #: thread of its own when this is set, and the nudger keeps pystray's loop awake.
        self._handover = threading.Event()
        self._nudger: XorgNudger | None = None
        if backend == "xorg":  # each extra is off, said in one log line, where pystray differs
            from posture_guard.ui.pystray_private import (  # noqa: PLC0415 - pystray's trays only
                ask_for_left_clicks,
                dock_once,
                use_picture_drawing,
                xorg_nudger,
                xorg_waker,
            )

            if not use_picture_drawing(self._icon):
                self._pillow = True
                self._icon.icon = self._image(FIRST_ICON)
            ask_for_left_clicks(self._icon)
            dock_once(self._icon)
            self._waker = xorg_waker(self._icon, self._on_main_thread)
            if self._waker is None:
                self._nudger = xorg_nudger(self._icon)

    # --- main thread -------------------------------------------------------------------------

    def _image(self, state: IconState) -> object:
        return backend_image(self.backend, state, opaque=self._opaque, pillow=self._pillow)

    def run(self, on_ready: Callable[[], None], on_main_thread: Callable[[], None]) -> None:
        """Show the icon and run the tray loop until `stop()`; blocks the main thread.

        Args:
            on_ready: called once (on pystray's setup thread) once the loop runs; starts the
                service.
            on_main_thread: called once on the main thread inside the loop (GTK backends reset
                SIGINT when they start; the runner puts its signal handlers back here).
        """
        did_once = False

        def once() -> None:
            nonlocal did_once
            # only on the main thread (signal handlers can only be set there): xorg without
            # a waker runs `_on_main_thread` elsewhere, and needs nothing put back
            if not did_once and threading.current_thread() is threading.main_thread():
                did_once = True
                on_main_thread()

        self._first_on_main = once

        def setup(_icon: object) -> None:
            self._call_on_main_thread()
            on_ready()

        self._running = True
        log.info("tray: %s backend", self.backend)
        if self.backend == "xorg" and self._waker is None:
            threading.Thread(target=self._hand_over, name="posture-guard-tray", daemon=True).start()
        if self.backend in _GTK_BACKENDS:
            _route_known_gtk_noise()
        try:
            self._icon.run(setup=setup)
        except Exception as exc:
            with self._lock:
                stopping = self._stop_pending
            if not stopping:
                raise
            # pystray tidies up after its loop (hiding its own notification over D-Bus); when
            # the session ends, the bus is gone by then. Nothing is left to lose: say it once.
            log.warning("the tray's toolkit failed while closing: %s: %s", type(exc).__name__, exc)
        finally:
            self._running = False
            self._handover.set()  # `_hand_over` ends
            if self._waker is not None:
                self._waker.close()
            if self._nudger is not None:
                self._nudger.close()

    def _on_main_thread(self) -> None:
        """Run on the tray loop's thread: show the icon first, then stop or redraw."""
        self._first_on_main()
        with self._lock:
            stop, self._stop_pending = self._stop_pending, False
            self._apply_pending = False
        if stop:
            self._icon.stop()
            return
        try:
            if not self._icon.visible:
                self._icon.visible = True
                if self.backend in _GTK_BACKENDS:
                    self._retitle_soon()
            if self._waker is not None:
                self._waker.ensure_docked(lambda: self._call_on_main_thread(force=True))
        except Exception:
            log.exception("the tray icon could not be shown")
        self._apply()

    def _retitle_soon(self) -> None:
        """Set the title once more a second after showing: libayatana's XEmbed fallback icon
        is made after the first title was set and does not copy it (seen with trayer)."""
        from gi.repository import GLib  # noqa: PLC0415 - GTK backends only

        from posture_guard.ui.pystray_private import refresh_title  # noqa: PLC0415 - pystray's

        def retitle() -> bool:
            refresh_title(self._icon)
            return False

        GLib.timeout_add(1000, retitle)

    def _apply(self) -> None:
        with self._lock:
            view = self._view
        try:
            if view.icon != self._icon_state:
                self._icon_state = view.icon
                self.redraws["icon"] += 1
                self._icon.icon = self._image(view.icon)
            if view.title != self._icon.title:
                self.redraws["title"] += 1
                self._icon.title = view.title
            if view.menu is not None and view.menu != self._menu_entries:
                self._menu_entries = view.menu
                self.redraws["menu"] += 1
                self._icon.menu = self._pystray_menu(view.menu)
            if self._waker is not None:
                self._waker.flush_icon()
        except Exception:
            log.exception("the tray could not be redrawn")

    # --- any thread --------------------------------------------------------------------------

    def stop(self) -> None:
        """End `run()` (from any thread); does nothing when the loop is not running."""
        with self._lock:
            self._stop_pending = True
        self._call_on_main_thread(force=True)

    def _view_changed(self) -> None:
        self._call_on_main_thread()

    def _shown_title(self, title: str) -> str:
        return _latin1(title) if self.backend == "xorg" else title

    def _call_on_main_thread(self, *, force: bool = False) -> None:
        """Have the loop run `_on_main_thread` soon; at most one such call waits at a time."""
        if not self._running:
            return
        with self._lock:
            if self._apply_pending and not force:
                return
            self._apply_pending = True
        if self._waker is not None:
            self._waker.wake()
        elif self.backend not in _GTK_BACKENDS:
            self._handover.set()
        else:
            from gi.repository import GLib  # noqa: PLC0415 - GTK backends only

            def run_once() -> bool:
                self._on_main_thread()
                return False

            GLib.idle_add(run_once)

    def _hand_over(self) -> None:
        """xorg without a waker, on a thread of its own while the loop runs: run
        `_on_main_thread` here whenever asked, where pystray hands each call (icon, title,
        visible, stop) to its loop itself and waits for it, and nudge the loop meanwhile. So
        the service's thread never waits for pystray's loop."""
        while True:
            self._handover.wait()
            self._handover.clear()
            if not self._running:
                return
            done = threading.Event()
            if self._nudger is not None:
                threading.Thread(
                    target=_nudge_until, args=(self._nudger, done), name="posture-guard-nudge",
                    daemon=True,
                ).start()  # fmt: skip
            try:
                self._on_main_thread()
            except Exception as exc:  # pystray's hand-over failed: one line, and go on
                log.warning("tray: the change could not be handed to pystray: %s", exc)
            finally:
                done.set()

    # --- building pystray's menu ---------------------------------------------------------------

    def _pystray_menu(self, entries: tuple[MenuEntry, ...]) -> object:
        menu = self._pystray.Menu
        item = self._pystray.MenuItem
        if self.backend == "xorg":
            # no menu on xorg: the (invisible) default item is what a left click runs
            return menu(item(_("Open the menu"), self._on_xorg_click, default=True, visible=False))
        return menu(*(self._pystray_item(e) for e in entries))

    def _pystray_item(self, entry: MenuEntry) -> object:
        if entry.is_separator:
            return self._pystray.Menu.SEPARATOR
        if entry.children:
            submenu = self._pystray.Menu(*(self._pystray_item(c) for c in entry.children))
            return self._pystray.MenuItem(entry.text, submenu, enabled=entry.enabled)
        action = entry.action

        def activate(_icon: object, _item: object) -> None:
            self._activate(entry.id, action)

        return self._pystray.MenuItem(entry.text, activate, enabled=entry.enabled)

    def _on_xorg_click(self, _icon: object, _item: object) -> None:
        self._launcher.launch("menu")


def _nudge_until(nudger: XorgNudger, done: threading.Event) -> None:
    """Nudge pystray's xorg loop every NUDGE_EVERY_S until `done` (its own thread)."""
    while not done.wait(NUDGE_EVERY_S):
        nudger.nudge()


def _latin1(text: str) -> str:
    """pystray's xorg title is a latin-1 WM_NAME: anything else would raise there."""
    text = text.replace("\u2026", "...").replace("\u2013", "-").replace("\u2019", "'")
    return text.encode("latin-1", "replace").decode("latin-1")


def backend_image(
    backend: str, state: IconState, *, opaque: bool = False, pillow: bool = False
) -> object:
    """The icon for `state` as `backend` wants it: our Picture for the Linux backends (no
    Pillow in the process); a Pillow image for pystray's win32 (it saves an ICO) and darwin (it
    resizes the image), and wherever `pillow` (xorg without our drawing, pystray_private)."""
    picture = tray_image(state, opaque=opaque)
    return picture if backend in _PICTURE_BACKENDS and not pillow else picture.to_pil()


class TitleNotifier:
    """Shows a notice in the tray's title and menu, and passes it on to `also` (the terminal)."""

    def __init__(self, tray: TrayView, also: Notifier) -> None:
        self._tray = tray
        self._also = also
        self.name = f"tray-title+{also.name}"

    def notify(self, title: str, message: str, *, tag: str | None = None) -> bool:
        """Always True once the tray took it; never raises (worker thread)."""
        try:
            self._tray.show_notice(title, message)
            shown = True
        except Exception:
            log.exception("the tray could not show a notice")
            shown = False
        try:
            printed = self._also.notify(title, message, tag=tag)
        except Exception:
            log.exception("notifier %s raised", self._also.name)
            printed = False
        return shown or printed

    def withdraw(self, tag: str) -> None:
        """The title keeps the notice until the next one (it shows only the newest); the
        other notifier withdraws its own. Never raises."""
        try:
            self._also.withdraw(tag)
        except Exception:
            log.exception("notifier %s raised in withdraw", self._also.name)


def with_tray_fallback(notifier: Notifier, tray: TrayView) -> Notifier:
    """`notifier`, with the tray title added wherever it would fall back to the terminal."""
    if isinstance(notifier, FallbackNotifier):
        return FallbackNotifier(notifier.primary, TitleNotifier(tray, notifier.fallback))
    return TitleNotifier(tray, notifier)
