"""The run loop around the break timer: one worker thread owns all state.

Rule 1: only the worker thread touches the timer. Other threads (control socket, tray, break
        window) hand in a command value (core/commands.py) with `submit()`, which queues it in
        the service's Inbox and waits for the worker's Result. The service never sees JSON.
Rule 2: after every step the worker publishes an immutable Snapshot; readers never lock.
Rule 3: the worker sleeps on its queue until the next thing can happen: the smaller of the
        timer's `seconds_until_next`, the scheduler's next job and the idle-sampling cap. No
        busy loop, no tight poll.
Rule 4: `schedule` runs wall-clock jobs only (the minute save of today's figure, an hourly log
        line), on the worker thread between steps; a failing job is logged, never propagated.
Rule 5: adapters (idle source, notifier) never raise into the loop; if one does anyway, the step
        is logged and the loop goes on.
Rule 6: with a store, every break outcome and the day's active seconds are saved (the break log,
        breaklog.py, says when and how).
Rule 7: the exercise each break offers and the check-in reminder are the reminders' (reminders.py);
        the words people read are core/wording.py's and core/refusals.py's.
Rule 8: a break's start and the end of its time sound a soft cue through the chime, unless the
        setting, a busy desktop or a muted one keeps it silent (core/cues.py decides).
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Final

import schedule

from posture_guard.app.breaklog import BreakLog
from posture_guard.app.reminders import Reminders
from posture_guard.app.store import Store
from posture_guard.core import refusals
from posture_guard.core.breakflow import BREAK_NOTICE_TAG, ends_break_notice
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
    SettingsTrouble,
    Skip,
    Snapshot,
    Snooze,
    StartBreak,
    Status,
    policy_verb,
    validate,
)
from posture_guard.core.cues import Cue, cue_for, silence_reason
from posture_guard.core.errors import IllegalCommand, InvalidCommand, StoreError
from posture_guard.core.exercises import Catalogue, Exercise, load_catalogue
from posture_guard.core.i18n import _
from posture_guard.core.policy import command_refusal
from posture_guard.core.ports import BusySource, Chime, Clock, IdleSource, Notifier
from posture_guard.core.records import DayTally
from posture_guard.core.settings import BreakSpec, Settings
from posture_guard.core.timer import (
    BreakEnded,
    BreakPrompted,
    BreakStarted,
    BreakTimer,
    DailyLimitReached,
    Event,
    NaturalBreakRecorded,
    Outcome,
    TimerStatus,
    day_of,
    day_window,
)
from posture_guard.core.units import format_duration
from posture_guard.core.wording import (
    STOPPING,
    daily_limit_notice,
    describe,
    prompt_notice,
    settings_trouble_notice,
)

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


@dataclass
class _Request:
    command: Command | Malformed
    reply: queue.Queue[Result] = field(default_factory=lambda: queue.Queue(maxsize=1))
    #: Set by `submit` when it stopped waiting: the worker then drops the request unrun, so a
    #: command the user was told to retry never runs twice.
    abandoned: threading.Event = field(default_factory=threading.Event)


@dataclass
class _Job:
    """Work another thread hands the worker (`Inbox.post`): run on the worker between steps."""

    action: Callable[[], object]


#: The tag of the notice that says the settings file has a problem (replaced, then withdrawn
#: once the file is good again).
SETTINGS_NOTICE_TAG: Final = "settings"

#: The commands the timer carries out (Quit is the loop's own).
_TimerCommand = Status | Snooze | Skip | Pause | Resume | BreakNow | StartBreak | FinishBreak


class Inbox:
    """The worker's command queue (Rule 1), for one service.

    It is made before the service when others need `submit` first: the tray and the break
    presenter are built before the service that answers them (it takes the tray's notices and
    reports to the presenter). Until the service runs, a submit waits and is refused as busy.
    """

    def __init__(self) -> None:
        self._queue: queue.Queue[_Request | _Job | None] = queue.Queue()
        self._closed = threading.Event()

    def submit(self, command: Command | Malformed, timeout: float = 5.0) -> Result:
        """Queue a command for the worker and wait for its result. Any thread.

        Refused (and never run later) when the service is stopping or the worker did not
        answer within `timeout` seconds.
        """
        if self._closed.is_set():
            return Refused(reason=_(refusals.SHUTTING_DOWN))
        request = _Request(command)
        self._queue.put(request)
        try:
            return request.reply.get(timeout=timeout)
        except queue.Empty:
            request.abandoned.set()
            return Refused(reason=_(refusals.BUSY))

    def post(self, action: Callable[[], object]) -> None:
        """Have the worker run `action` at its next pass, without waiting for it. Any thread;
        dropped once the inbox is closed."""
        if not self._closed.is_set():
            self._queue.put(_Job(action))

    @property
    def closed(self) -> bool:
        return self._closed.is_set()

    def close(self) -> None:
        """Take no more commands, and wake the worker. Any thread."""
        self._closed.set()
        self._queue.put(None)

    def take(self, timeout: float) -> _Request | _Job | None:
        """The next command still wanted (or posted job), waiting up to `timeout` seconds;
        None: none came (or the inbox was closed). Worker thread."""
        try:
            request = self._queue.get(timeout=timeout)
        except queue.Empty:
            return None
        if isinstance(request, _Job):
            return request
        return None if request is None or request.abandoned.is_set() else request

    def refuse_waiting(self) -> None:
        """Answer every command still queued: the service is shutting down. Worker thread."""
        while True:
            try:
                request = self._queue.get_nowait()
            except queue.Empty:
                return
            if isinstance(request, _Request):
                request.reply.put(Refused(reason=_(refusals.SHUTTING_DOWN)))


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
        inbox: Inbox | None = None,
        on_desktop: bool = False,
        chime: Chime | None = None,
        programme: Callable[[], Catalogue | None] | None = None,
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
            inbox: where `submit` queues commands, when others were given its `submit` before
                the service was built (default: a new one).
            on_desktop: the person sees the break window and the tray menu: notices name
                their buttons and items, never commands.
            chime: plays the break's start and end sounds (Rule 8); None: silent.
            programme: the exercises the clinic's programme prescribes now (app/pack.py), read
                when a break's exercise is picked; None, or it returns None: the catalogue only.
        """
        self._on_desktop = on_desktop
        self.settings = settings
        self._clock = clock
        self._idle = idle
        self._busy = busy
        self._last_mono: float | None = None
        #: The last "busy" answer and when (monotonic) it was given; None: ask again.
        self._busy_seen: tuple[float, str] | None = None
        self._notifier = notifier
        self._chime = chime
        self._on_snapshot = on_snapshot
        self._on_events = on_events
        #: When (monotonic seconds) `on_events` asked to be called again; None: no wish.
        self._events_wake_at: float | None = None
        self._timer = BreakTimer(settings.timer)
        self._inbox = inbox if inbox is not None else Inbox()
        self._scheduler = schedule.Scheduler()
        self._poll_s = (
            max(1.0, min(IDLE_POLL_S, settings.timer.idle_threshold_s / 2))
            if idle.HAS_IDLE_TIME
            else BLIND_POLL_S
        )
        self._snapshot: Snapshot | None = None
        self._scheduler.every().hour.do(self._log_summary)
        self._store = store
        self._reminders = Reminders(
            catalogue if catalogue is not None else load_catalogue(),
            self._notify,
            store,
            on_desktop=on_desktop,
            programme=programme,
            now=clock.now,
        )
        #: Rule 6; None without a store.
        self._log = None if store is None else BreakLog(store, clock.now())
        self._episode_open = False
        #: The settings file's problems now (`settings_trouble`), and those already said.
        self._trouble: SettingsTrouble | None = None
        self._told: frozenset[str] = frozenset()
        if store is not None:
            self._scheduler.every(flush_every_s).seconds.do(self._flush_job)
            self._count_earlier_skips(store, clock.now())
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
        """Queue a command for the worker and wait for its result (`Inbox.submit`). Any thread."""
        return self._inbox.submit(command, timeout)

    def post(self, action: Callable[[], object]) -> None:
        """Have the worker run `action` soon (`Inbox.post`), e.g. the settings watch's check
        when a file changed. Any thread."""
        self._inbox.post(action)

    def stop(self) -> None:
        """Ask the worker to finish its step and return from `run()`. Thread-safe."""
        self._inbox.close()

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
            self._guarded(lambda: self._reminders.maybe_ask_check_in(self._clock.now()))
            while not self._inbox.closed:
                self._guarded(self._scheduler.run_pending)
                request = self._inbox.take(self._wait_seconds())
                if isinstance(request, _Job):
                    self._guarded(request.action)
                    request = None
                self._guarded(self._step)
                if request is not None and not request.abandoned.is_set():
                    request.reply.put(self._answer(request.command))
            self.stopped_cleanly = True
        finally:
            self._inbox.refuse_waiting()
            self._guarded(self._flush_at_exit)
            self._guarded(self._idle.close)
            if self._busy is not None:
                self._guarded(self._busy.close)
            if self._chime is not None:
                self._guarded(self._chime.close)
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

    def settings_trouble(self, trouble: SettingsTrouble | None) -> None:
        """The settings file's problems while the last good settings stay (None: none now).
        Worker thread only (the settings watch's check).

        Each problem is said once while the file stays broken: one notice and one log line
        for the problems not said yet; status shows them all (the snapshot). Once the file is
        good again the notice is withdrawn, and a problem that comes back is said again.
        """
        if trouble is None:
            if self._trouble is not None:
                log.info("the settings file %s has no problems now", self._trouble.file)
                self._withdraw(SETTINGS_NOTICE_TAG)
            self._told = frozenset()
        else:
            new = [p for p in trouble.problems if p not in self._told]
            if new:
                more = f" (and {len(new) - 1} more)" if len(new) > 1 else ""
                log.error(
                    "the settings file changed but has a problem; keeping the last good "
                    "settings: %s%s",
                    new[0],
                    more,
                )
                title, message = settings_trouble_notice(new[0])
                self._notify(title, message, tag=SETTINGS_NOTICE_TAG)
                self._told |= frozenset(trouble.problems)
        if trouble != self._trouble:
            self._trouble = trouble
            self._publish(self._clock.now(), [])

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
            return Refused(reason=_(refusals.INTERNAL_ERROR))

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

    def _flush(self) -> None:
        """Save what the store lacks now (Rule 6; breaklog.py)."""
        if self._log is not None:
            self._log.flush(self._timer.status(), self._timer.last_active_at())

    def _flush_at_exit(self) -> None:
        """Save what is left, the work stretch still open included (once: this runs once)."""
        if self._log is not None:
            self._log.flush_at_exit(self._timer.status(), self._timer.last_active_at())

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
        self._publish(now, events, idle)

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

    def _publish(self, now: datetime, events: list[Event], idle: float | None = None) -> None:
        """Follow `events`, make the snapshot and tell the listeners; `idle` is the idle
        reading of the observation that gave the events (None after a command)."""
        for event in events:
            self._react(event)
        if self._log is not None and self._log.flush_due:
            self._guarded(self._flush)
        status = self._timer.status()
        self._snapshot = Snapshot(
            at=now,
            status=status,
            settings=self.settings,
            exercise=None if status.current is None else self._reminders.picked(status.current),
            idle_source=self._idle.name,
            sees_idle=self._idle.HAS_IDLE_TIME,
            notifier=self._notifier.name,
            today=self._today(now, status),
            episode_open=self._episode_open,
            settings_trouble=self._trouble,
            idle_s=idle,
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

    def _count_earlier_skips(self, store: Store, now: datetime) -> None:
        """Today's skips that earlier runs recorded count toward the daily skip cap, so a
        restart does not give skips back (the store is the record; `stats` reads it too)."""
        starts = self.settings.timer.day_starts_at
        day = day_of(now, starts)
        try:
            records = store.breaks_between(*day_window(day, starts, now.tzinfo))
        except StoreError as exc:
            log.warning("cannot read today's skips from the store: %s", exc)
            return
        skipped = sum(1 for record in records if record.outcome is Outcome.SKIPPED)
        self._timer.count_earlier_skips(day, skipped)

    def _today(self, now: datetime, status: TimerStatus) -> DayTally:
        """The day so far for the snapshot: from the break log (the store and the unsaved
        part) when there is one and it can be read, else the timer's own figures."""
        live = DayTally(active_s=status.active_today_s, outcomes=status.outcomes_today)
        if self._log is None or status.day is None:
            return live
        start, end = day_window(status.day, self.settings.timer.day_starts_at, now.tzinfo)
        try:
            return self._log.today(status, start, end)
        except StoreError as exc:
            log.debug("cannot read today's figures from the store: %s", exc)
            return live

    def _react(self, event: Event) -> None:
        log.info("%s", event)
        if self._log is not None:
            picked = self._reminders.picked(event.kind) if isinstance(event, BreakEnded) else None
            self._log.follow(
                event, self._timer.status().active_today_s, "" if picked is None else picked.id
            )
        if ends_break_notice(event):
            self._withdraw(BREAK_NOTICE_TAG)
        cue = cue_for(event)
        if cue is not None:
            self._sound(cue)
        if isinstance(event, BreakPrompted):
            spec = self._spec(event.kind)
            title, message = prompt_notice(
                _(spec.title),
                spec.length_s,
                self._exercise_text(event.kind),
                on_desktop=self._on_desktop,
                sees_idle=self._idle.HAS_IDLE_TIME,
            )
            self._notify(title, message, tag=BREAK_NOTICE_TAG)
        elif isinstance(event, BreakStarted):  # taken early: its exercise is picked now
            self.exercise_for(event.kind)
        elif isinstance(event, BreakEnded | NaturalBreakRecorded):
            self._reminders.break_over(event.kind)
            # after the break, not during it: the break's notice is the only one on screen
            self._reminders.maybe_ask_check_in(event.at)
        elif isinstance(event, DailyLimitReached):
            self._notify(*daily_limit_notice(event.limit_s))

    def exercise_for(self, kind: str) -> Exercise | None:
        """The exercise of this kind's break in progress (picked now if none yet); None when
        none fits. Worker thread only; others read the snapshot's `exercise`."""
        return self._reminders.exercise_for(kind, self._spec(kind).length_s)

    def _exercise_text(self, kind: str) -> str:
        return self._reminders.exercise_text(kind, self._spec(kind).length_s)

    def _spec(self, kind: str) -> BreakSpec:
        return next(b for b in self.settings.timer.breaks if b.kind == kind)

    def _notify(self, title: str, message: str, *, tag: str | None = None) -> None:
        try:
            delivered = self._notifier.notify(title, message, tag=tag)
        except Exception:
            log.exception("notifier %s failed", self._notifier.name)
            delivered = False
        if not delivered:
            # its words stay out of the log: a check-in's speak of the diary
            log.warning("notice not delivered (%s)", tag or "untagged")

    def _sound(self, cue: Cue) -> None:
        """Play `cue` unless something keeps it silent (Rule 8); never raises (Rule 5)."""
        chime = self._chime
        if chime is None:
            return

        def muted() -> bool | None:
            try:
                return chime.muted()
            except Exception:
                log.exception("chime %s failed to tell muted", chime.name)
                return None

        why = silence_reason(
            enabled=self.settings.sound,
            busy=lambda: self._ask_busy(self._clock.monotonic()),
            muted=muted,
        )
        if why is not None:
            log.info("%s sound not played: %s", cue.value, why)
            return
        try:
            played = chime.play(cue)
        except Exception:
            log.exception("chime %s failed", chime.name)
            played = False
        if not played:
            log.info("%s sound not played: %s could not play it", cue.value, chime.name)

    def _withdraw(self, tag: str) -> None:
        try:
            self._notifier.withdraw(tag)
        except Exception:
            log.exception("notifier %s failed to withdraw", self._notifier.name)

    # --- requests --------------------------------------------------------------------------------

    def _handle(self, command: Command | Malformed) -> Result:
        """Run one command: the policy's refusal first, then its arguments, then the timer."""
        now = self._clock.now()
        refusal = command_refusal(self.settings, policy_verb(command))
        if refusal is not None:
            return Refused(reason=refusal, snapshot=self._snapshot)
        try:
            validate(command, self.settings)
        except InvalidCommand as exc:
            return Refused(reason=str(exc), snapshot=self._snapshot)
        assert not isinstance(command, Malformed)  # `validate` refused it
        if isinstance(command, Quit):
            self.stop()
            return Done(message=_(STOPPING))
        try:
            events = self._run(now, command)
        except IllegalCommand as exc:
            return Refused(reason=refusals.illegal(exc), snapshot=self._snapshot)
        self._publish(now, events)
        return Done(message=describe(events, self._exercise_text), snapshot=self._snapshot)

    def _run(self, now: datetime, command: _TimerCommand) -> list[Event]:
        """The timer's part of a valid command.

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
