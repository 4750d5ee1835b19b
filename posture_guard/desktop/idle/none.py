"""The idle source of last resort: it can never tell, so the service counts all time as active."""

from __future__ import annotations

from typing import Final


class NoIdleSource:
    """An idle source that always answers "cannot tell" (None).

    Chosen when no real source works on this desktop; `select_idle_source` keeps the reasons
    so that `posture-guard doctor` can say why.
    """

    #: A short name for logs and `doctor`.
    name: str = "none"
    #: False: `idle_seconds()` never returns a number, so idle time cannot pause the timer.
    HAS_IDLE_TIME: Final = False

    def idle_seconds(self) -> float | None:
        """Always None (cannot tell). Never blocks, never raises."""
        return None

    def close(self) -> None:
        """Nothing to release."""
