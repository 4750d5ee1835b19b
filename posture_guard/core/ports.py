"""The seams between the service and the world: small Protocols, each with a real and a fake side.

Real implementations live in `posture_guard.desktop`; fakes in
`posture_guard.testing`. Every method here is called from the service's worker thread.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from posture_guard.core.cues import Cue


class Clock(Protocol):
    def now(self) -> datetime:
        """The current aware local time. Called by the worker thread; never blocks."""
        ...

    def monotonic(self) -> float:
        """Seconds on a clock that never jumps and keeps counting through suspend.

        Called by the worker thread with every `now()`; never blocks.
        """
        ...


class IdleSource(Protocol):
    #: A short name for logs and `doctor` ("x11", "none", ...).
    name: str

    @property
    def HAS_IDLE_TIME(self) -> bool:  # a class constant on each adapter
        """True when `idle_seconds()` can report real idle time (False: always None)."""
        ...

    def idle_seconds(self) -> float | None:
        """Seconds since the user's last input, or None when this source cannot tell.

        Called by the worker thread every few seconds; must return within milliseconds and
        never raise (a failure is None).
        """
        ...

    def close(self) -> None:
        """Release what the source holds (an X connection...).

        Called once, by the worker thread, when the service stops; never raises.
        """
        ...


class BusySource(Protocol):
    #: A short name for logs and `doctor` ("fullscreen-x11", "screen-lock", ...).
    name: str

    def busy_reason(self) -> str | None:
        """Why a break prompt should wait now ("fullscreen", "screen locked"...), else None.

        Called by the worker thread while a break is due; must return within a fraction of a
        second and never raise (a failure is None: not busy).
        """
        ...

    def close(self) -> None:
        """Release what the source holds. Called once, by the worker thread; never raises."""
        ...


class Notifier(Protocol):
    #: A short name for logs and `doctor` ("freedesktop", "plyer", "terminal", ...).
    name: str

    def notify(self, title: str, message: str, *, tag: str | None = None) -> bool:
        """Show a notice; True when a notification service took it. Never raises.

        A notice with a `tag` replaces the one shown before with the same tag, where the
        service can (one notification per break, not a pile). Called by the worker thread;
        may block for at most a fraction of a second.
        """
        ...

    def withdraw(self, tag: str) -> None:
        """Take the notice shown with `tag` off the screen, where the service can; else
        nothing. Called by the worker thread; never raises."""
        ...


class Chime(Protocol):
    #: A short name for logs and `doctor` ("paplay", "winsound", "afplay", "none", ...).
    name: str

    def muted(self) -> bool | None:
        """True when the desktop's sound output is muted, False when not, None when this
        player cannot tell. Called by the worker thread just before a cue would sound; may
        block for at most a fraction of a second (a sound-server query); never raises."""
        ...

    def play(self, cue: Cue) -> bool:
        """Start playing `cue`'s sound and return at once (it plays on by itself); True when a
        player took it. Called by the worker thread; never blocks on the sound, never raises."""
        ...

    def close(self) -> None:
        """Reap what `play` started. Called once, by the worker thread; never raises."""
        ...
