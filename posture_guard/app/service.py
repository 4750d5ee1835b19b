"""The run loop around the break timer: one worker thread owns all state.

Rule 1: only the worker thread touches the timer. Other threads (control socket, tray, break
        window) call `submit()` with a command value (core/commands.py), which queues it and
        waits for the worker's Result. The service never sees JSON.
Rule 2: after every step the worker publishes an immutable Snapshot; readers never lock.
Rule 3: the worker sleeps on its queue until the next thing can happen: the smaller of the
        timer's `seconds_until_next`, the scheduler's next job and the idle-sampling cap. No
        busy loop, no tight poll.
Rule 4: `schedule` runs wall-clock jobs only (the minute save of today's figure, an hourly log
        line), on the worker thread between steps; a failing job is logged, never propagated.
Rule 5: adapters (idle source, notifier) never raise into the loop; if one does anyway, the step
        is logged and the loop goes on.
Rule 6: with a store, every break outcome and the day's active seconds are saved: a finished break
        (and a day that ended) at once, today's figure at least each minute (a scheduled job) and
        at exit, with the work stretch still open then (up to the last active moment). The
        stretch in progress is saved with each flush too, replacing its previous row, so a
        process killed without an exit loses at most the time since the last flush. A failed
        save is logged and retried at the next flush; the figures stay in memory until one
        succeeds, and the loop never stops for it.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Final

import schedule

from posture_guard.app.store import Store
from posture_guard.core import refusals
from posture_guard.core.commands import (
    BreakNow,
    Command,
    Done,
    FinishBreak,
    Malformed,
    Pause,
    Quit,
    Refused,
    Result,
    Resume,
    Skip,
    Snapshot,
    Snooze,
    StartBreak,
    Status,
    policy_verb,
    validate,
)
from posture_guard.core.episodes import check_in_due, current_episode
from posture_guard.core.errors import IllegalCommand, InvalidCommand, StoreError
from posture_guard.core.exercises import (
    Catalogue,
    Exercise,
    instructions,
    load_catalogue,
    pick,
    picker_inputs,
)
from posture_guard.core.policy import command_refusal
from posture_guard.core.ports import BusySource, Clock, IdleSource, Notifier
from posture_guard.core.records import BreakRecord, DayActivity
from posture_guard.core.settings import Settings
from posture_guard.core.stretches import StretchTracker, WorkStretch
from posture_guard.core.timer import (
    BreakDue,
    BreakEnded,
    BreakPrompted,
    BreakSnoozed,
    BreakStarted,
    BreakTimer,
    DailyLimitReached,
    DayRolledOver,
    Event,
    NaturalBreakRecorded,
    Outcome,
)
from posture_guard.core.units import format_duration
from posture_guard.core.wording import STOPPING, describe

log = logging.getLogger(__name__)

#: Longest sleep between idle samples when the idle source can tell idleness. Half the idle
#: threshold is enough: an idle spell of at least the threshold is then always seen by a
#: sample, and the timer's own deadlines wake the loop for natural-break milestones.
IDLE_POLL_S: Final = 15.0
#: Longest sleep when it cannot ("none"): nothing but the timer's own deadlines matters then.
BLIND_POLL_S: Final = 60.0
#: How often today's active seconds are saved while running (Rule 6).
FLUSH_EVERY_S: Final = 60
#: How long a "busy" answer is trusted before the busy sources are asked again. A meeting then
#: costs a few /proc scans (or `pactl` runs) a minute, not one per loop step or status request,
#: and a break waits at most this long after the desktop is free again (plus the poll step).
#: A "not busy" answer is never kept: the next step that can prompt asks again.
BUSY_CACHE_S: Final = 12.0


@dataclass(slots=True)
class _Cycle:
    """The break in progress, gathered from its events until it ends (Rule 6)."""

    kind: str
    due: datetime | None = None
    prompted: datetime | None = None
    started: datetime | None = None
    snoozes: int = 0

    def record(self, ended: datetime, outcome: Outcome) -> BreakRecord:
        return BreakRecord(
            kind=self.kind,
            due=self.due,
            prompted=self.prompted,
            started=self.started,
            ended=ended,
            outcome=outcome,
            snoozes=self.snoozes,
        )


@dataclass
class _Request:
    command: Command | Malformed
    reply: queue.Queue[Result] = field(default_factory=lambda: queue.Queue(maxsize=1))
    #: Set by `submit` when it stopped waiting: the worker then drops the request unrun, so a
    #: command the user was told to retry never runs twice.
    abandoned: threading.Event = field(default_factory=threading.Event)


class Service:
    """Owns the timer, the idle source, the notifier and the store (if any); run `run()` on the
    worker thread."""

    def __init__(
        self,
        settings: Settings,
        clock: Clock,
        idle: IdleSource,
        notifier: Notifier,
        *,
        on_snapshot: Callable[[Snapshot], None] | None = None,
        store: Store | None = None,
        flush_every_s: int = FLUSH_EVERY_S,
        catalogue: Catalogue | None = None,
        minute_jobs: Sequence[Callable[[], object]] = (),
        on_events: Callable[[Sequence[Event], Snapshot], float | None] | None = None,
        busy: BusySource | None = None,
    ) -> None:
        """Wire the service to its adapters; nothing runs until `run()`.

        Args:
            on_snapshot: called on the worker thread with each new snapshot; must not block.
            store: where break outcomes and active time are saved (Rule 6); None saves nothing.
                The caller opens and closes it; meanwhile only the worker thread uses it.
            flush_every_s: how often today's figure is saved (real seconds; tests shorten it).
            catalogue: the exercises breaks offer (default: the one shipped in the package).
            minute_jobs: run on the worker thread every `flush_every_s` (after the save), each
                guarded (Rule 4): the policy check and the fleet figures. A job may call
                `apply_settings`.
            on_events: called on the worker thread after each step with its events and the new
                snapshot (the break window presenter); must not block. It returns the seconds
                until it wants another step (a pre-break notice), or None.
            busy: says why a prompt should wait now (full screen, locked...); asked only in
                steps where a prompt can come (`BreakTimer.busy_matters`) and on `resume`; a
                "busy" answer is reused for BUSY_CACHE_S. None: never busy.
        """
        self.settings = settings
        self._clock = clock
        self._idle = idle
        self._busy = busy
        self._last_mono: float | None = None
        #: The last "busy" answer and when (monotonic) it was given; None: ask again.
        self._busy_seen: tuple[float, str] | None = None
        self._notifier = notifier
        self._on_snapshot = on_snapshot
        self._on_events = on_events
        #: When (monotonic seconds) `on_events` asked to be called again; None: no wish.
        self._events_wake_at: float | None = None
        self._timer = BreakTimer(settings.timer)
        self._queue: queue.Queue[_Request | None] = queue.Queue()
        self._stopping = threading.Event()
        self._scheduler = schedule.Scheduler()
        self._poll_s = (
            max(1.0, min(IDLE_POLL_S, settings.timer.idle_threshold_s / 2))
            if idle.HAS_IDLE_TIME
            else BLIND_POLL_S
        )
        self._snapshot: Snapshot | None = None
        self._scheduler.every().hour.do(self._log_summary)
        self._store = store
        self._catalogue = catalogue if catalogue is not None else load_catalogue()
        #: Exercises shown, oldest first (the picker rotates without repeats over them).
        self._shown: list[str] = []
        #: The exercise of the break in progress, per kind: reminders and the break itself
        #: show the same one.
        self._exercise: dict[str, Exercise | None] = {}
        #: When this run last asked for a check-in (once a day at most).
        self._check_in_asked: datetime | None = None
        self._cycle: _Cycle | None = None
        #: Finished breaks not saved yet; kept across failed saves.
        self._unsaved_breaks: list[BreakRecord] = []
        #: Active time between rests (for the report), and the stretches not saved yet.
        self._stretches = StretchTracker(clock.now())
        self._unsaved_stretches: list[WorkStretch] = []
        #: The stretch in progress as last saved, and its row (the next save replaces it).
        self._progress: tuple[int, WorkStretch] | None = None
        #: This run's final active seconds of days that ended and are not saved yet.
        self._unsaved_days: dict[date, float] = {}
        #: What the store held for a day before this run counted it (a restart adds to it).
        self._stored_before: dict[date, float] = {}
        #: The figure last saved for each day still open, so an unchanged one is not rewritten.
        self._saved: dict[date, float] = {}
        self._flush_soon = False
        self._store_failing = False
        self._episode_open = False
        if store is not None:
            self._scheduler.every(flush_every_s).seconds.do(self._flush_job)
        for job in minute_jobs:
            self._scheduler.every(flush_every_s).seconds.do(self._guarded, job)
        #: True once `run()` has returned because `stop()` was asked for.
        self.stopped_cleanly = False

    # --- other threads -------------------------------------------------------------------------

    @property
    def snapshot(self) -> Snapshot | None:
        """The latest published snapshot (None before the first step). Any thread."""
        return self._snapshot

    def submit(self, command: Command | Malformed, timeout: float = 5.0) -> Result:
        """Queue a command for the worker and wait for its result. Thread-safe.

        Refused (and never run later) when the service is stopping or the worker did not
        answer within `timeout` seconds.
        """
        if self._stopping.is_set():
            return Refused(reason=refusals.SHUTTING_DOWN)
        request = _Request(command)
        self._queue.put(request)
        try:
            return request.reply.get(timeout=timeout)
        except queue.Empty:
            request.abandoned.set()
            return Refused(reason=refusals.BUSY)

    def stop(self) -> None:
        """Ask the worker to finish its step and return from `run()`. Thread-safe."""
        self._stopping.set()
        self._queue.put(None)

    # --- the worker thread ----------------------------------------------------------------------

    def run(self) -> None:
        """The loop: step, then sleep on the queue until the next thing can happen."""
        log.info(
            "service started: idle source %s, notifier %s, breaks %s",
            self._idle.name,
            self._notifier.name,
            ", ".join(
                f"{b.kind} every {format_duration(b.every_s)}" for b in self.settings.timer.breaks
            ),
        )
        try:
            self._guarded(self._read_episode_open)
            self._guarded(self._step)
            self._guarded(lambda: self._maybe_ask_check_in(self._clock.now()))
            while not self._stopping.is_set():
                self._guarded(self._scheduler.run_pending)
                try:
                    request = self._queue.get(timeout=self._wait_seconds())
                except queue.Empty:
                    request = None
                self._guarded(self._step)
                if request is not None and not request.abandoned.is_set():
                    request.reply.put(self._answer(request.command))
            self.stopped_cleanly = True
        finally:
            self._refuse_queued()
            self._guarded(self._flush_at_exit)
            self._guarded(self._idle.close)
            if self._busy is not None:
                self._guarded(self._busy.close)
            log.info("service stopped")

    def apply_settings(self, settings: Settings) -> bool:
        """Take new settings (the policy changed). Worker thread only (call it from a job).

        Returns False, changing nothing, while a break is due or running: the caller tries
        again at its next run. The break plan keeps each kind's earned time (`reconfigure`).
        """
        if settings.timer != self.settings.timer:
            try:
                self._timer.reconfigure(settings.timer)
            except IllegalCommand:
                return False
        self.settings = settings
        if self._idle.HAS_IDLE_TIME:
            self._poll_s = max(1.0, min(IDLE_POLL_S, settings.timer.idle_threshold_s / 2))
        self._publish(self._clock.now(), [])
        return True

    def _guarded(self, action: Callable[[], object]) -> None:
        """Run one part of a loop pass; a bug in it is logged and the loop goes on (Rule 5)."""
        try:
            action()
        except Exception:
            log.exception(
                "internal error in %s; the service goes on", getattr(action, "__name__", action)
            )

    def _answer(self, command: Command | Malformed) -> Result:
        try:
            return self._handle(command)
        except Exception:
            log.exception("internal error answering %r", policy_verb(command))
            return Refused(reason=refusals.INTERNAL_ERROR)

    def _refuse_queued(self) -> None:
        while True:
            try:
                request = self._queue.get_nowait()
            except queue.Empty:
                return
            if request is not None:
                request.reply.put(Refused(reason=refusals.SHUTTING_DOWN))

    def _log_summary(self) -> None:
        """The hourly job: one line in the log (scheduled jobs never decide anything)."""
        status = self._timer.status()
        log.info(
            "hourly: %s active today, %s", format_duration(status.active_today_s), status.state.name
        )

    def _flush_job(self) -> None:
        """The minute job: save today's figure. Never raises (schedule would re-run a job that
        raised on every pass, and stop the other jobs of that pass)."""
        self._guarded(self._flush)
        self._guarded(self._read_episode_open)

    def _read_episode_open(self) -> None:
        """Note whether the diary has an open episode (the tray's badge); other processes
        write the diary, so it is read again with each minute's save."""
        if self._store is None:
            return
        try:
            self._episode_open = self._store.has_open_episode()
        except StoreError as exc:
            log.debug("cannot read the diary for the open episode: %s", exc)

    def _flush_at_exit(self) -> None:
        """Save what is left, the work stretch still open included (once: this runs once)."""
        last_active = self._timer.last_active_at()
        if self._store is not None and last_active is not None:
            stretch = self._stretches.close(last_active, self._timer.status().active_today_s)
            if stretch is not None:
                self._unsaved_stretches.append(stretch)
        if not self._flush():
            day = self._timer.status().day
            days = sorted({*self._unsaved_days, *([day] if day else [])})
            log.error(
                "stopping with figures not saved: %d finished breaks, %d work stretches, "
                "active time of %s",
                len(self._unsaved_breaks),
                len(self._unsaved_stretches),
                ", ".join(d.isoformat() for d in days) or "no day yet",
            )

    def _flush(self) -> bool:
        """Save what the store lacks, in one transaction: finished breaks and work stretches,
        the stretch in progress (replacing its last save), the final figure of each day that
        ended, and today's figure. Returns False when that failed; everything then stays in
        memory for the next flush (Rule 6). True without a store or anything to save."""
        store = self._store
        self._flush_soon = False
        if store is None:
            return True
        status = self._timer.status()
        figures = dict(self._unsaved_days)
        if status.day is not None:
            figures[status.day] = status.active_today_s
        last_active = self._timer.last_active_at()
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

    def _wait_seconds(self) -> float:
        candidates = [self._poll_s]
        until_next = self._timer.seconds_until_next(self._clock.now())
        if until_next is not None:
            candidates.append(until_next)
        job = self._scheduler.idle_seconds
        if job is not None:
            candidates.append(job)
        if self._events_wake_at is not None:
            candidates.append(self._events_wake_at - self._clock.monotonic())
        # a tiny floor keeps float rounding from making a zero-wait spin
        return max(0.05, min(candidates))

    def _step(self) -> None:
        now = self._clock.now()
        try:
            idle = self._idle.idle_seconds()
        except Exception:
            log.exception("idle source %s failed; treating the user as active", self._idle.name)
            idle = None
        mono = self._clock.monotonic()
        events = self._timer.observe(now, idle, mono=mono, busy=self._busy_reason(mono))
        self._publish(now, events)

    def _busy_reason(self, mono: float) -> str | None:
        """Ask the busy source, only when its answer can matter in this step (Rule 5)."""
        last, self._last_mono = self._last_mono, mono
        if last is None or not self._timer.busy_matters(mono - last):
            return None
        return self._ask_busy(mono)

    def _ask_busy(self, mono: float) -> str | None:
        """The busy source's answer; a "busy" one is reused for BUSY_CACHE_S."""
        if self._busy is None:
            return None
        seen = self._busy_seen
        if seen is not None and 0 <= mono - seen[0] < BUSY_CACHE_S:
            return seen[1]
        try:
            reason = self._busy.busy_reason()
        except Exception:
            log.exception("busy source %s failed; treating the desktop as free", self._busy.name)
            reason = None
        self._busy_seen = None if reason is None else (mono, reason)
        return reason

    def _publish(self, now: datetime, events: list[Event]) -> None:
        for event in events:
            self._react(event)
        if self._flush_soon:
            self._guarded(self._flush)
        self._snapshot = Snapshot(
            at=now,
            status=self._timer.status(),
            idle_source=self._idle.name,
            notifier=self._notifier.name,
            episode_open=self._episode_open,
        )
        if self._on_snapshot is not None:
            try:
                self._on_snapshot(self._snapshot)
            except Exception:
                log.exception("snapshot listener failed")
        if self._on_events is not None:
            try:
                wake = self._on_events(events, self._snapshot)
            except Exception:
                log.exception("events listener failed")
                wake = None
            self._events_wake_at = None if wake is None else self._clock.monotonic() + wake

    def _react(self, event: Event) -> None:
        log.info("%s", event)
        if self._store is not None:
            self._follow_for_store(event)
        if isinstance(event, BreakPrompted):
            spec = next(b for b in self.settings.timer.breaks if b.kind == event.kind)
            title = f"{spec.title} ({format_duration(spec.length_s)})"
            message = (
                f"{self._exercise_text(event.kind)} "
                "Step away now, or `posture-guard snooze` / `posture-guard skip`."
            )
            self._notify(title, message)
            self._maybe_ask_check_in(event.at)
        elif isinstance(event, BreakEnded | NaturalBreakRecorded):
            self._exercise.pop(event.kind, None)
        elif isinstance(event, DailyLimitReached):
            self._notify(
                "Daily screen time reached",
                f"You have been at the screen for {format_duration(event.limit_s)} today.",
            )

    def exercise_for(self, kind: str) -> Exercise | None:
        """The exercise of this kind's break in progress (picked now if none yet); None when
        none fits. Worker thread only (an `on_events` listener may call it)."""
        self._exercise_text(kind)
        return self._exercise[kind]

    def _exercise_text(self, kind: str) -> str:
        """What to do in this break: the picked exercise, or plain words when none fits."""
        if kind not in self._exercise:
            spec = next(b for b in self.settings.timer.breaks if b.kind == kind)
            acute, symptoms = self._diary_state()
            exercise = pick(
                self._catalogue,
                kind=kind,
                history=self._shown[-100:],
                acute=acute,
                symptoms=symptoms,
                length_s=spec.length_s,
            )
            self._exercise[kind] = exercise
            if exercise is not None:
                self._shown = [*self._shown[-99:], exercise.id]
        exercise = self._exercise[kind]
        if exercise is None:
            return "Step away from the screen, look into the distance and move gently."
        return instructions(exercise)

    def _diary_state(self) -> tuple[bool, frozenset[str]]:
        """Whether the diary says acute, and its recorded symptoms, for the picker.

        Without a store nothing is known (not acute, no symptoms). When the diary cannot be
        read, the gentle set is the safe choice.
        """
        if self._store is None:
            return False, frozenset()
        try:
            latest = self._store.latest_check_in()
            inputs = picker_inputs(
                current_episode(self._store.episodes()),
                None if latest is None else latest.check_in,
            )
        except StoreError as exc:
            log.warning("cannot read the diary for the exercise picker: %s", exc)
            return True, frozenset()
        return inputs.acute, inputs.symptoms

    def _maybe_ask_check_in(self, now: datetime) -> None:
        """Ask for a short check-in when an open episode is a day old (at most once a day).

        Looked at when the service starts and with each break prompt: moments when the user
        is at the screen, with no timer of its own.
        """
        if self._store is None:
            return
        try:
            episode = self._store.open_episode()
            latest = self._store.latest_check_in()
        except StoreError as exc:
            log.warning("cannot read the diary for a check-in reminder: %s", exc)
            return
        last_check_in = latest.check_in.at if latest is not None else None
        if episode is None or not check_in_due(episode, last_check_in, self._check_in_asked, now):
            return
        self._check_in_asked = now
        days = int((now.timestamp() - episode.started.timestamp()) // 86400)
        self._notify(
            "How is your neck today?",
            f"Your episode began {days} day{'s' if days != 1 else ''} ago. Run "
            "`posture-guard check-in` to note how it is now and see what to do next.",
        )

    def _follow_for_store(self, event: Event) -> None:
        """Gather each break cycle into a BreakRecord, and note the days that end (Rule 6).

        A cycle runs from BreakDue (due) through its first BreakPrompted (prompted; reminders do
        not move it), each BreakSnoozed (counted) and BreakStarted (the latest start) to
        BreakEnded (ended, outcome). A break started with no BreakDue (taken early) has no due.
        A break still open at exit has no outcome and is not saved. A rest also ends a work
        stretch (stretches.py), saved with it.
        """
        stretch = self._stretches.follow(event, self._timer.status().active_today_s)
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
            self._unsaved_breaks.append(self._cycle_of(event.kind).record(event.at, event.outcome))
            self._cycle = None
            self._flush_soon = True
        elif isinstance(event, NaturalBreakRecorded):
            self._unsaved_breaks.append(
                BreakRecord(
                    kind=event.kind,
                    started=event.at - timedelta(seconds=event.idle_s),  # when input stopped
                    ended=event.at,
                    outcome=Outcome.NATURAL,
                )
            )
            self._flush_soon = True
        elif isinstance(event, DayRolledOver):
            self._unsaved_days[event.previous_day] = event.active_s
            self._flush_soon = True

    def _cycle_of(self, kind: str) -> _Cycle:
        """The cycle of `kind` in progress; a new one if the break began without BreakDue."""
        if self._cycle is None or self._cycle.kind != kind:
            self._cycle = _Cycle(kind)
        return self._cycle

    def _notify(self, title: str, message: str) -> None:
        try:
            delivered = self._notifier.notify(title, message)
        except Exception:
            log.exception("notifier %s failed", self._notifier.name)
            delivered = False
        if not delivered:
            log.warning("notice not delivered: %s: %s", title, message)

    # --- requests --------------------------------------------------------------------------------

    def _handle(self, command: Command | Malformed) -> Result:
        """Run one command: the policy's refusal first, then its arguments, then the timer."""
        now = self._clock.now()
        refusal = command_refusal(self.settings, policy_verb(command))
        if refusal is not None:
            return Refused(reason=refusal, snapshot=self._snapshot)
        try:
            validate(command)
        except InvalidCommand as exc:
            return Refused(reason=str(exc), snapshot=self._snapshot)
        assert not isinstance(command, Malformed)  # validate refused it
        if isinstance(command, Quit):
            self.stop()
            return Done(message=STOPPING)
        try:
            events = self._run(now, command)
        except IllegalCommand as exc:
            return Refused(reason=refusals.illegal(exc), snapshot=self._snapshot)
        self._publish(now, events)
        return Done(message=describe(events, self._exercise_text), snapshot=self._snapshot)

    def _run(self, now: datetime, command: Command) -> list[Event]:
        """The timer's part of a valid command (not Quit).

        Raises:
            IllegalCommand: the timer refused it; nothing changed.
        """
        match command:
            case Status():
                return []
            case Snooze(seconds=seconds):
                return self._timer.snooze(now, seconds)
            case Skip():
                return self._timer.skip(now)
            case Pause(seconds=seconds, tomorrow=tomorrow):
                if tomorrow:
                    until: datetime | None = self._timer.next_day_start(now)
                else:
                    until = None if seconds is None else now + timedelta(seconds=seconds)
                return self._timer.pause(now, until)
            case Resume():  # a break due from before the pause waits if busy
                busy = (
                    self._ask_busy(self._clock.monotonic()) if self._timer.busy_matters(0) else None
                )
                return self._timer.resume(now, busy=busy)
            case BreakNow(kind=kind):
                return self._timer.take_now(now, kind)
            case StartBreak():  # the break window's countdown began
                return self._timer.start_break(now)
            case FinishBreak(outcome=outcome):  # the break window ended the break early
                return self._timer.finish_break(now, outcome)
            case Quit():
                raise AssertionError("Quit is answered by _handle")
