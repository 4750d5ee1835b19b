"""Typed fakes for tests and benchmarks (after trio.testing): a clock, an idle source, a notifier.

They implement the same Protocols (`posture_guard.ports`) as the real adapters in
`posture_guard.desktop`, so the service runs unchanged on them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta


class FakeClock:
    """A clock that moves only when told. `now()` is aware; `monotonic()` counts every advance.

    `jump_wall()` moves the wall clock alone, as a DST change or a manual change does.
    """

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("FakeClock needs an aware start time")
        self._now = start
        self._mono = 1000.0

    def now(self) -> datetime:
        return self._now

    def monotonic(self) -> float:
        return self._mono

    def advance(self, seconds: float) -> None:
        """Move both clocks forward by `seconds` of real time."""
        if seconds < 0:
            raise ValueError("time can't go backwards")
        # in UTC: adding a timedelta to a zoned datetime moves its wall clock, which gains or
        # loses an hour across a DST change
        self._now = (self._now.astimezone(UTC) + timedelta(seconds=seconds)).astimezone(
            self._now.tzinfo
        )
        self._mono += seconds

    def jump_wall(self, seconds: float) -> None:
        """Move only the wall clock (either way), as a manual clock change does."""
        self._now = (self._now.astimezone(UTC) + timedelta(seconds=seconds)).astimezone(
            self._now.tzinfo
        )


@dataclass
class ScriptedIdleSource:
    """Returns the scripted idle values in turn, then repeats the last one; None = cannot tell."""

    values: list[float | None] = field(default_factory=lambda: [0.0])
    name: str = "scripted"
    HAS_IDLE_TIME: bool = True

    def idle_seconds(self) -> float | None:
        if len(self.values) > 1:
            return self.values.pop(0)
        return self.values[0]

    def close(self) -> None:
        """Nothing to release."""

    def set(self, value: float | None) -> None:
        """From now on report `value`."""
        self.values = [value]


@dataclass
class ScriptedBusySource:
    """Answers `reason` (None: free) and counts how often it was asked."""

    reason: str | None = None
    name: str = "scripted-busy"
    asked: int = 0

    def busy_reason(self) -> str | None:
        self.asked += 1
        return self.reason

    def close(self) -> None:
        """Nothing to release."""


@dataclass(frozen=True, slots=True)
class Notice:
    title: str
    message: str


@dataclass
class RecordingNotifier:
    """Keeps every notice it is given; `fail=True` makes it behave like a dead daemon."""

    notices: list[Notice] = field(default_factory=list)
    fail: bool = False
    name: str = "recording"

    def notify(self, title: str, message: str) -> bool:
        if self.fail:
            return False
        self.notices.append(Notice(title, message))
        return True

    def titles(self) -> Iterable[str]:
        return [n.title for n in self.notices]
