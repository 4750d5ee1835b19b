"""What every tray of ours keeps in step with the service: the view, the notices, the clicks.

The pystray tray (ui/tray.py) and the StatusNotifierItem tray (ui/sni.py) both show the same
icon, title and menu, decided by traymodel from the service's snapshots. This base class holds
that part, so both backends decide the same way:

1. `on_snapshot()` and `show_notice()` come from the service's worker thread (or any thread):
   they store the new status, decide the view (traymodel), and call `_view_changed()` only
   when what the tray shows changed; most snapshots move nothing the tray shows.
2. The locks, the ring's rhythm and the forms' branding follow the settings each snapshot
   carries (recomputed only when the service replaced them).
3. A clicked item goes through `_activate()`: a `Submit` reaches the service through
   `submit` (the same command values as the control socket), a `Launch` opens a window of
   ours in its own process; a refusal becomes a notice in the title and menu.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime

from posture_guard.core.commands import Command, Refused, Result, Snapshot
from posture_guard.core.settings import Settings
from posture_guard.core.traymodel import (
    APP_TITLE,
    IconMode,
    IconState,
    Launch,
    MenuEntry,
    Notice,
    Submit,
    TraySettings,
    TrayStatus,
    icon_state,
    notice_shown,
    tray_menu,
    tray_title,
)
from posture_guard.ui.launch import Launcher

log = logging.getLogger(__name__)

Submitter = Callable[[Command], Result]


@dataclass(frozen=True, slots=True)
class View:
    """Everything the tray shows: decided on the worker thread, drawn by the backend."""

    icon: IconState
    title: str
    #: None on a backend without a menu of its own (xorg).
    menu: tuple[MenuEntry, ...] | None


#: The icon before the first snapshot.
FIRST_ICON: IconState = IconState(mode=IconMode.ACTIVE)


class TrayView:
    """The state every tray backend keeps (rule 1), and the handling of its menu's clicks."""

    #: The backend's name, as `run` logs it and `doctor` shows it.
    backend: str

    def __init__(
        self,
        backend: str,
        submit: Submitter,
        launcher: Launcher,
        *,
        rhythm_s: float | None,
        locked: Mapping[str, str] | None,
        has_menu: bool,
    ) -> None:
        """`rhythm_s` and `locked` hold until the first snapshot; from then on each snapshot's
        settings give them, so a re-applied policy reaches the menu and the forms."""
        self.backend = backend
        self._submit = submit
        self._launcher = launcher
        self._rhythm_s = rhythm_s
        self._locked = dict(locked or {})
        self._has_menu = has_menu
        self._settings_seen: Settings | None = None  # worker thread only
        self._lock = threading.Lock()
        self._status = TrayStatus()
        self._notice: Notice | None = None
        #: How often each part was redrawn (tests and the footprint bench read these).
        self.redraws = {"icon": 0, "title": 0, "menu": 0}
        #: How often a snapshot or notice asked the backend to redraw (tests read this).
        self.wakes = 0
        #: What the tray should show; `on_snapshot` calls `_view_changed` only when it changes.
        self._view = self._view_of(self._status, None)

    # --- for the backend ------------------------------------------------------------------------

    def _view_changed(self) -> None:
        """The view changed: have it shown (called outside `_lock`, on the thread that changed
        it). Never blocks on the tray."""
        raise NotImplementedError

    def _shown_title(self, title: str) -> str:
        """The title as this backend can show it (xorg: latin-1)."""
        return title

    def run(self, on_ready: Callable[[], None], on_main_thread: Callable[[], None]) -> None:
        """Show the icon and run the tray's loop until `stop()`; blocks the main thread."""
        raise NotImplementedError

    def stop(self) -> None:
        """End `run()` (from any thread); does nothing when the loop is not running."""
        raise NotImplementedError

    # --- any thread ------------------------------------------------------------------------------

    def on_snapshot(self, snapshot: Snapshot) -> None:
        """Note the new status and have the view redrawn only when what the tray shows (icon,
        title, menu) changed: most snapshots only move the next break by a few seconds. Worker
        thread; never blocks on the tray and never raises."""
        try:
            self._launcher.reap()
            self._follow_settings(snapshot.settings)
            status = TrayStatus.of(snapshot)
            with self._lock:
                self._status = status
                self._notice = notice_shown(self._notice, status, snapshot.at)
                changed = self._new_view()
                if changed:  # counted under the lock: the worker and the main thread ask
                    self.wakes += 1
            if changed:
                self._view_changed()
        except Exception:
            log.exception("the tray could not take a snapshot")

    def show_notice(self, title: str, message: str) -> None:
        """Put a notice no notification service showed into the title and menu (any thread)."""
        now = datetime.now().astimezone()
        with self._lock:
            self._notice = Notice(title=title, message=message, at=now)
            changed = self._new_view()
            if changed:
                self.wakes += 1
        if changed:
            self._view_changed()

    def _view_of(self, status: TrayStatus, notice: Notice | None) -> View:
        """What the tray shows for this status and notice (traymodel decides; any thread)."""
        return View(
            icon=icon_state(status, self._rhythm_s),
            title=self._shown_title(tray_title(status, notice)),
            menu=tray_menu(status, notice=notice, locked=self._locked) if self._has_menu else None,
        )

    def _new_view(self) -> bool:
        """Decide the view from the current status; True when it changed. Holding `_lock`."""
        view = self._view_of(self._status, self._notice)
        changed, self._view = view != self._view, view
        return changed

    def _follow_settings(self, current: Settings) -> None:
        """Take the locks, rhythm and branding of the service's settings when the service
        replaced them (worker thread; otherwise one identity check)."""
        if current is self._settings_seen:
            return
        self._settings_seen = current
        wanted = TraySettings.of(current)
        with self._lock:
            if wanted.locked != self._locked:
                log.info("tray: locked items now: %s", ", ".join(sorted(wanted.locked)) or "none")
            self._locked = dict(wanted.locked)
            self._rhythm_s = wanted.rhythm_s
        self._launcher.set_branding(wanted.branding)

    # --- the menu's clicks (the backend's loop thread) ------------------------------------------

    def _activate(self, item_id: str, action: Submit | Launch | None) -> None:
        """A menu item was clicked."""
        log.info("tray: %s", item_id)
        problem: str | None = None
        if isinstance(action, Submit):
            result = self._submit(action.command)
            if isinstance(result, Refused):
                problem = result.reason
        elif isinstance(action, Launch):
            problem = self._launcher.launch(action.target)
        if problem is not None:
            log.warning("tray: %s: %s", item_id, problem)
            self.show_notice(APP_TITLE, problem)
