"""Work stretches: the active time between two rests, followed from the timer's events. Pure.

Rule 1: a rest is a break taken (BreakEnded TAKEN) or a natural one (NaturalBreakRecorded, or a
        due break ended NATURAL by stepping away): exactly the breaks the store records as
        taken or natural. A stretch is the active seconds (the timer's `active_today_s`,
        carried over a day's rollover) from the end of one rest to the start of the next.
Rule 2: no clock and no I/O: the service hands in each event with the timer's reading of
        today's active seconds, and gets back a WorkStretch when a rest ended one.
Rule 3: a stretch under MIN_STRETCH_S is not a stretch (two kinds of natural break recorded in
        the same step end the same stretch once).
Rule 4: the stretch still open when the service stops ends at the last active moment (or when
        the break on screen began) and is handed out once, by `close()`; the tracker follows
        nothing after that. `so_far()` gives the same without closing (saved as it goes).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Final

from posture_guard.core.timer import (
    BreakEnded,
    BreakStarted,
    DayRolledOver,
    Event,
    NaturalBreakRecorded,
    Outcome,
)
from posture_guard.core.units import seconds_at_least_zero

MIN_STRETCH_S: Final = 1.0


@dataclass(frozen=True, slots=True, kw_only=True)
class WorkStretch:
    """Active seconds between two rests.

    Attributes:
        started: when the rest before it ended (or the service started).
        ended: when the rest that ended it began (input stopped, or the break window opened).
        active_s: active input seconds in between (idle shorter than a rest is still active).
    """

    started: datetime
    ended: datetime
    active_s: float

    def __post_init__(self) -> None:
        for name in ("started", "ended"):
            moment = getattr(self, name)
            if not isinstance(moment, datetime) or moment.utcoffset() is None:
                raise ValueError(f"WorkStretch.{name}: expected an aware datetime, got {moment!r}")
            object.__setattr__(self, name, moment.astimezone(UTC))
        seconds = seconds_at_least_zero(self.active_s, "WorkStretch.active_s")
        object.__setattr__(self, "active_s", seconds)


class StretchTracker:
    """Follows the timer's events and returns each WorkStretch a rest ends (Rule 1)."""

    def __init__(self, start: datetime, active_today_s: float = 0.0) -> None:
        self._from = start
        self._base = active_today_s
        self._carry = 0.0
        self._on_break: tuple[datetime, float] | None = None
        self._closed = False

    def follow(self, event: Event, active_today_s: float) -> WorkStretch | None:
        """The stretch `event` ended, if it is a rest; `active_today_s` is the timer's reading
        after the step that produced it."""
        if self._closed:
            return None
        if isinstance(event, DayRolledOver):
            self._carry += max(0.0, event.active_s - self._base)
            self._base = 0.0
            return None
        if isinstance(event, BreakStarted):
            self._on_break = (event.at, active_today_s)
            return None
        if isinstance(event, NaturalBreakRecorded):
            rest, active_then = event.at - timedelta(seconds=event.idle_s), active_today_s
        elif isinstance(event, BreakEnded) and event.outcome is Outcome.TAKEN:
            rest, active_then = self._on_break or (event.at, active_today_s)
        elif isinstance(event, BreakEnded) and event.outcome is Outcome.NATURAL:
            rest, active_then = event.at, active_today_s
        else:
            if isinstance(event, BreakEnded):  # skipped, merged or cancelled: no rest
                self._on_break = None
            return None
        active = self._carry + active_then - self._base
        started = self._from
        self._from, self._base, self._carry, self._on_break = event.at, active_today_s, 0.0, None
        if active < MIN_STRETCH_S or rest < started:
            return None
        return WorkStretch(started=started, ended=rest, active_s=active)

    def close(self, last_active: datetime, active_today_s: float) -> WorkStretch | None:
        """The stretch still open as following stops (the service quits), Rule 4.

        Args:
            last_active: the last moment counted as work (`BreakTimer.last_active_at`).
            active_today_s: the timer's reading of today's active seconds then.

        Returns:
            The open stretch, ended at `last_active` (or when the break on screen began);
            None when it is shorter than MIN_STRETCH_S or the tracker was closed already.
        """
        stretch = self.so_far(last_active, active_today_s)
        self._closed = True
        return stretch

    def so_far(self, last_active: datetime, active_today_s: float) -> WorkStretch | None:
        """The stretch in progress as it would end now (as `close`, changing nothing): the
        service saves it as it goes, so a process killed before it ends loses little."""
        if self._closed:
            return None
        rest, active_then = self._on_break or (last_active, active_today_s)
        active = self._carry + active_then - self._base
        if active < MIN_STRETCH_S or rest < self._from:
            return None
        return WorkStretch(started=self._from, ended=rest, active_s=active)
