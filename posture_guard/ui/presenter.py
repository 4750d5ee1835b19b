"""The break flow on the desktop: pre-break notice, the break window process, its answer.

`BreakPresenter` is the service's `on_events` listener. Threads:
- `__call__` runs on the service's worker thread after each step and never blocks: it shows the
  pre-break notice (the notifier returns within a fraction of a second), starts the window
  process (Popen returns at once) and terminates a window whose break ended elsewhere.
- One reader thread per window reads its JSON lines and turns each into service commands, handed
  to `submit` (breakflow.commands_for_line decides which). A refused command (the break
  already ended, e.g. the timer ran the break out first) is logged and dropped.
Everything else it needs comes with each snapshot: the settings in effect, the exercise the
break offers (the one its notice named), and the idle reading the break was prompted at, which
the window is given (`--idle-at-prompt`): its own idle source starts blind on Wayland.
At most one window is open at a time; a reminder while it is open changes nothing.
"""

from __future__ import annotations

import logging
import subprocess
import sys
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from posture_guard.core.breakflow import (
    BREAK_NOTICE_TAG,
    DEFAULT_ACCENT,
    BreakScreen,
    commands_for_line,
    keep_notice,
    notice_text,
    parse_line,
    pre_break_notice,
    screen_for,
    window_step,
)
from posture_guard.core.commands import Command, Refused, Result, Snapshot
from posture_guard.core.i18n import _
from posture_guard.core.ports import Notifier
from posture_guard.core.settings import Branding
from posture_guard.core.timer import BreakEnded, BreakPrompted, BreakSnoozed, BreakStarted, Event

log = logging.getLogger(__name__)

#: The window process: this Python, the break window module, the screen as JSON on stdin.
WINDOW_COMMAND: tuple[str, ...] = (
    sys.executable,
    "-m",
    "posture_guard.ui.break_window",
    "--stdin",
)


def branding_for(
    branding: Branding, accent: str | None = None, organisation: str | None = None
) -> tuple[str, str, str]:
    """The break screen's (accent, organisation, logo): the given values, else the policy's,
    else ours (no organisation, no logo)."""
    return (
        accent or branding.accent_colour or DEFAULT_ACCENT,
        organisation or branding.organisation or "",
        str(branding.logo) if branding.logo is not None else "",
    )


@dataclass
class _Window:
    kind: str
    screen: BreakScreen
    process: subprocess.Popen[str]
    #: Set by the reader once the window gave its outcome (what follows is its own doing).
    answered: threading.Event = field(default_factory=threading.Event)
    #: Set when the break's time ran out: the window shows Done until pressed, and gives way
    #: to the next break's window.
    time_up: threading.Event = field(default_factory=threading.Event)


class BreakPresenter:
    """Shows breaks in the break window and reports their outcome to the service."""

    def __init__(
        self,
        notifier: Notifier,
        submit: Callable[[Command], Result],
        *,
        command: Sequence[str] = WINDOW_COMMAND,
        extra_args: Sequence[str] = (),
        accent: str | None = None,
        organisation: str | None = None,
    ) -> None:
        """`submit` hands a command to the service (`Service.submit`, or its Inbox's before the
        service is built); any thread. `accent` and `organisation` override the policy's
        branding (read from the snapshot's settings each time a window opens)."""
        self._notifier = notifier
        self._service_submit = submit
        self._command = [*command, *extra_args]
        self._accent = accent
        self._organisation = organisation
        self._window: _Window | None = None
        self._lock = threading.Lock()
        self._noticed: str | None = None
        #: Reader threads, so tests and `close` can wait for them.
        self.readers: list[threading.Thread] = []

    # --- the worker thread ------------------------------------------------------------------

    def __call__(self, events: Sequence[Event], snapshot: Snapshot) -> float | None:
        for event in events:
            step = window_step(event)
            if step == "open" and isinstance(event, BreakPrompted | BreakStarted):
                self._open(event.kind, snapshot)
            elif step == "close" and isinstance(event, BreakEnded | BreakSnoozed):
                self._close_if_elsewhere(event.kind)
            elif step == "time-up":
                with self._lock:
                    if self._window is not None:
                        self._window.time_up.set()
        return self._pre_break_notice(snapshot)

    def _pre_break_notice(self, snapshot: Snapshot) -> float | None:
        status = snapshot.status
        self._noticed = keep_notice(status, self._noticed)
        kind, wake = pre_break_notice(status, self._noticed)
        if kind is not None and status.next_in_s is not None:
            self._noticed = kind
            spec = next(b for b in snapshot.settings.timer.breaks if b.kind == kind)
            title, message = notice_text(_(spec.title), status.next_in_s)
            try:
                self._notifier.notify(title, message, tag=BREAK_NOTICE_TAG)
            except Exception:
                log.exception("pre-break notice failed")
        return wake

    def _open(self, kind: str, snapshot: Snapshot) -> None:
        settings = snapshot.settings
        with self._lock:
            open_window = self._window
        if open_window is not None and open_window.process.poll() is None:
            if not open_window.time_up.is_set():
                return  # one window at a time; a reminder changes nothing
            log.info("the %s break's window gives way to the next break", open_window.kind)
            open_window.process.terminate()
        spec = next(b for b in settings.timer.breaks if b.kind == kind)
        accent, organisation, logo = branding_for(
            settings.branding, self._accent, self._organisation
        )
        screen = screen_for(
            kind=kind,
            title=_(spec.title),
            length_s=spec.length_s,
            exercise=snapshot.exercise if snapshot.status.current == kind else None,
            status=snapshot.status,
            settings=settings,
            accent=accent,
            organisation=organisation,
            logo=logo,
        )
        # how long the person had been away at the prompt: the window's own idle source has
        # just started and may see nothing yet (break_view Rule 2)
        idle = snapshot.idle_s
        given = [] if idle is None else ["--idle-at-prompt", f"{max(0.0, idle):.1f}"]
        try:
            process = subprocess.Popen(
                [*self._command, *given],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
            )
        except OSError as exc:
            log.warning("cannot open the break window (%s): the notice has to do", exc)
            return
        window = _Window(kind=kind, screen=screen, process=process)
        with self._lock:
            self._window = window
        reader = threading.Thread(
            target=self._read, args=(window,), name="posture-guard-break-window", daemon=True
        )
        self.readers.append(reader)
        reader.start()
        log.info("break window opened for the %s break (pid %d)", kind, process.pid)

    def _close_if_elsewhere(self, kind: str) -> None:
        with self._lock:
            window = self._window
        if window is None or window.kind != kind or window.answered.is_set():
            return
        if window.process.poll() is None:
            log.info("the %s break ended elsewhere: closing its window", kind)
            window.process.terminate()

    # --- the reader thread ------------------------------------------------------------------

    def _read(self, window: _Window) -> None:
        process = window.process
        assert process.stdin is not None
        assert process.stdout is not None
        try:
            process.stdin.write(window.screen.to_json())
            process.stdin.close()
        except OSError as exc:
            log.warning("break window did not take its screen: %s", exc)
        for raw in process.stdout:
            line = parse_line(raw)
            if line is None:
                log.warning("break window said something unexpected: %r", raw.strip())
                continue
            if line.outcome is not None:
                window.answered.set()
            log.info("break window: %s", line.event or line.outcome)
            for command in commands_for_line(line, window.screen):
                self._submit(command)
        process.stdout.close()
        code = process.wait()
        if code != 0:
            log.warning("break window exited with %d", code)
        with self._lock:
            if self._window is window:
                self._window = None

    def _submit(self, command: Command) -> None:
        result = self._service_submit(command)
        if isinstance(result, Refused):
            log.info("break window's %s not applied: %s", command.VERB, result.reason)

    # --- any thread -------------------------------------------------------------------------

    def close(self, timeout: float = 5.0) -> None:
        """Close an open window and wait for its reader (when the service stops)."""
        with self._lock:
            window = self._window
        if window is not None and window.process.poll() is None:
            window.process.terminate()
        for reader in self.readers:
            reader.join(timeout)
