"""The break log: what the service saves of each break, work stretch and day, and when.

Rule 6 (of the service, which owns one of these when it has a store): every break outcome and
        the day's active seconds are saved: a finished break (and a day that ended) at once,
        today's figure at least each minute (a scheduled job) and at exit, with the work stretch
        still open then (up to the last active moment). The stretch in progress is saved with
        each flush too, replacing its previous row, so a process killed without an exit loses at
        most the time since the last flush. A failed save is logged and retried at the next
        flush; the figures stay in memory until one succeeds, and the loop never stops for it.

Threads: the service's worker thread only (it owns the store while it runs). Time arrives as
arguments: the events' own times and the timer's readings handed in by the service.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from posture_guard.app.store import Store
from posture_guard.core.errors import StoreError
from posture_guard.core.records import BreakRecord, DayActivity, DayTally
from posture_guard.core.stretches import StretchTracker, WorkStretch
from posture_guard.core.timer import (
    BreakDue,
    BreakEnded,
    BreakPrompted,
    BreakSnoozed,
    BreakStarted,
    DayRolledOver,
    Event,
    NaturalBreakRecorded,
    Outcome,
    TimerStatus,
)

# The service's log: these lines keep the name they always had in the log file.
log = logging.getLogger("posture_guard.app.service")


@dataclass(slots=True)
class _Cycle:
    """The break in progress, gathered from its events until it ends (Rule 6)."""

    kind: str
    due: datetime | None = None
    prompted: datetime | None = None
    started: datetime | None = None
    snoozes: int = 0

    def record(self, ended: datetime, outcome: Outcome, exercise: str = "") -> BreakRecord:
        return BreakRecord(
            kind=self.kind,
            due=self.due,
            prompted=self.prompted,
            started=self.started,
            ended=ended,
            outcome=outcome,
            snoozes=self.snoozes,
            exercise=exercise,
        )


class BreakLog:
    """Gathers the timer's events into records and saves them to `store` (Rule 6)."""

    def __init__(self, store: Store, start: datetime) -> None:
        """`start`: when the service started (the first work stretch begins then)."""
        self._store = store
        self._cycle: _Cycle | None = None
        #: Finished breaks not saved yet; kept across failed saves.
        self._unsaved_breaks: list[BreakRecord] = []
        #: Active time between rests (for the report), and the stretches not saved yet.
        self._stretches = StretchTracker(start)
        self._unsaved_stretches: list[WorkStretch] = []
        #: The stretch in progress as last saved, and its row (the next save replaces it).
        self._progress: tuple[int, WorkStretch] | None = None
        #: This run's final active seconds of days that ended and are not saved yet.
        self._unsaved_days: dict[date, float] = {}
        #: What the store held for a day before this run counted it (a restart adds to it).
        self._stored_before: dict[date, float] = {}
        #: The figure last saved for each day still open, so an unchanged one is not rewritten.
        self._saved: dict[date, float] = {}
        self._store_failing = False
        #: The breaks the store held for a day when last read (for `today`); None: read again.
        self._day_breaks: tuple[date, list[BreakRecord]] | None = None
        #: Something was recorded that is saved at once (a finished break, a day that ended).
        self.flush_due = False

    def follow(self, event: Event, active_today_s: float, offered: str = "") -> None:
        """Gather each break cycle into a BreakRecord, and note the days that end (Rule 6).

        A cycle runs from BreakDue (due) through its first BreakPrompted (prompted; reminders do
        not move it), each BreakSnoozed (counted) and BreakStarted (the latest start) to
        BreakEnded (ended, outcome). A break started with no BreakDue (taken early) has no due.
        A break still open at exit has no outcome and is not saved. A rest also ends a work
        stretch (stretches.py), saved with it.

        Args:
            active_today_s: the timer's active seconds today, read after the step.
            offered: for BreakEnded, the id of the exercise the break offered ("" = none);
                kept in its record for the programme's adherence (store v4).
        """
        stretch = self._stretches.follow(event, active_today_s)
        if stretch is not None:
            self._unsaved_stretches.append(stretch)
        if isinstance(event, BreakDue):
            self._cycle = _Cycle(event.kind, due=event.at)
        elif isinstance(event, BreakPrompted):
            cycle = self._cycle_of(event.kind)
            if cycle.prompted is None:
                cycle.prompted = event.at
        elif isinstance(event, BreakSnoozed):
            self._cycle_of(event.kind).snoozes += 1
        elif isinstance(event, BreakStarted):
            self._cycle_of(event.kind).started = event.at
        elif isinstance(event, BreakEnded):
            self._unsaved_breaks.append(
                self._cycle_of(event.kind).record(event.at, event.outcome, offered)
            )
            self._cycle = None
            self.flush_due = True
        elif isinstance(event, NaturalBreakRecorded):
            self._unsaved_breaks.append(
                BreakRecord(
                    kind=event.kind,
                    started=event.at - timedelta(seconds=event.idle_s),  # when input stopped
                    ended=event.at,
                    outcome=Outcome.NATURAL,
                )
            )
            self.flush_due = True
        elif isinstance(event, DayRolledOver):
            self._unsaved_days[event.previous_day] = event.active_s
            self.flush_due = True

    def _cycle_of(self, kind: str) -> _Cycle:
        """The cycle of `kind` in progress; a new one if the break began without BreakDue."""
        if self._cycle is None or self._cycle.kind != kind:
            self._cycle = _Cycle(kind)
        return self._cycle

    def flush_at_exit(self, status: TimerStatus, last_active: datetime | None) -> None:
        """Save what is left, the work stretch still open included (once: call it once).

        Args:
            status: the timer's status at exit.
            last_active: the timer's last active moment (`BreakTimer.last_active_at`).
        """
        if last_active is not None:
            stretch = self._stretches.close(last_active, status.active_today_s)
            if stretch is not None:
                self._unsaved_stretches.append(stretch)
        if not self.flush(status, last_active):
            day = status.day
            days = sorted({*self._unsaved_days, *([day] if day else [])})
            log.error(
                "stopping with figures not saved: %d finished breaks, %d work stretches, "
                "active time of %s",
                len(self._unsaved_breaks),
                len(self._unsaved_stretches),
                ", ".join(d.isoformat() for d in days) or "no day yet",
            )

    def today(self, status: TimerStatus, start: datetime, end: datetime) -> DayTally:
        """The day `status` is in, from the source `stats` reads: what the store holds for it
        (earlier runs' active time and breaks, and this run's saved ones) plus what is not
        saved yet. `start`, `end`: the working day's bounds (its breaks ended in them). The
        store is read once for the active time, and for the breaks again only after a save.

        Raises:
            StoreError: the store cannot be read (nothing is cached then).
        """
        day = status.day
        if day is None:
            return DayTally(active_s=status.active_today_s, outcomes=status.outcomes_today)
        if day not in self._stored_before:
            found = self._store.activity_on(day)
            self._stored_before[day] = 0.0 if found is None else found.active_s
        if self._day_breaks is None or self._day_breaks[0] != day:
            self._day_breaks = (day, self._store.breaks_between(start, end))
        unsaved = [b for b in self._unsaved_breaks if start <= b.ended < end]
        return DayTally.of(
            self._stored_before[day] + status.active_today_s, [*self._day_breaks[1], *unsaved]
        )

    def flush(self, status: TimerStatus, last_active: datetime | None) -> bool:
        """Save what the store lacks, in one transaction: finished breaks and work stretches,
        the stretch in progress (replacing its last save), the final figure of each day that
        ended, and today's figure. Returns False when that failed; everything then stays in
        memory for the next flush (Rule 6). True when there was nothing to save."""
        store = self._store
        self.flush_due = False
        figures = dict(self._unsaved_days)
        if status.day is not None:
            figures[status.day] = status.active_today_s
        so_far = (
            None
            if last_active is None
            else self._stretches.so_far(last_active, status.active_today_s)
        )
        saved_so_far = self._progress
        progress_changed = (None if saved_so_far is None else saved_so_far[1]) != so_far
        try:
            for day in figures.keys() - self._stored_before.keys():
                found = store.activity_on(day)
                self._stored_before[day] = 0.0 if found is None else found.active_s
            totals = {day: self._stored_before[day] + s for day, s in figures.items()}
            changed = [
                DayActivity(day=day, active_s=total)
                for day, total in totals.items()
                if self._saved.get(day) != total
            ]
            row = store.save(
                breaks=self._unsaved_breaks,
                activity=changed,
                stretches=self._unsaved_stretches,
                in_progress=so_far if progress_changed else None,
                replacing=saved_so_far[0] if saved_so_far and progress_changed else None,
            )
        except StoreError as exc:
            if not self._store_failing:
                log.warning("could not save; keeping the figures and retrying: %s", exc)
            else:
                log.debug("still could not save: %s", exc)
            self._store_failing = True
            return False
        if self._store_failing:
            log.info("saving works again: %s", store.path)
            self._store_failing = False
        if self._unsaved_breaks:
            self._day_breaks = None  # the store holds more of the day now
        self._unsaved_breaks.clear()
        self._unsaved_stretches.clear()
        if progress_changed:
            self._progress = None if row is None or so_far is None else (row, so_far)
        self._saved.update(totals)
        for day in self._unsaved_days:
            self._stored_before.pop(day, None)
            self._saved.pop(day, None)
        self._unsaved_days.clear()
        return True
