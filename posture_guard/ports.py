"""The seams between the service and the world: small Protocols, each with a real and a fake side.

Real implementations live in `posture_guard.clock` and `posture_guard.desktop`; fakes in
`posture_guard.testing`. Every method here is called from the service's worker thread.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current aware local time. Called by the worker thread; never blocks."""
        ...

    def monotonic(self) -> float:
        """Seconds on a clock that never jumps and keeps counting through suspend."""
        ...


class IdleSource(Protocol):
    #: A short name for logs and `doctor` ("x11", "none", ...).
    name: str

    def idle_seconds(self) -> float | None:
        """Seconds since the user's last input, or None when this source cannot tell.

        Called by the worker thread every few seconds; must return within milliseconds and
        never raise (a failure is None).
        """
        ...

    def close(self) -> None:
        """Release what the source holds (an X connection...). Called once, when the service stops."""
        ...


class Notifier(Protocol):
    #: A short name for logs and `doctor` ("plyer", "terminal", ...).
    name: str

    def notify(self, title: str, message: str) -> bool:
        """Show a notice; True when a notification service took it. Never raises.

        Called by the worker thread; may block for at most a fraction of a second.
        """
        ...
