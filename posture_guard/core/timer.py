"""The break timer: a pure state machine fed with observations and commands.

Rule 1: every decision about when a break is due lives here, and nowhere else.
Rule 2: no clock, sleep, thread or OS. Time arrives as arguments: `now` (an aware local datetime,
        for working hours and the day) and optionally `mono` (seconds on a clock that never jumps
        and keeps counting through suspend, e.g. CLOCK_BOOTTIME, for durations).
Rule 3: breaks are earned by active time. Input idle shorter than the idle threshold is active.
Rule 4: idle of at least a break's length (and at least the idle threshold) is a natural break for
        that break and every shorter one: its counter restarts.
Rule 5: a step between two observations longer than the suspend gap is time away: idle, never
        work, so it can never produce a burst of missed breaks.
Rule 6: durations come from successive observations (the `mono` difference when given, else the
        wall difference, never negative). A wall-clock jump (DST, a manual change) moves neither a
        counter nor a break; the working day and working hours follow the wall clock.
Rule 7: no break is asked for while paused or outside working hours; a break that was due when
        working hours end is cancelled, one that was due when the user paused is asked again on
        resume (held back while the desktop is busy, as any prompt; or cancelled, when the
        pause ends outside working hours).
Rule 8: a command not allowed in the current state (TRANSITIONS) or beyond a limit (snoozes, skips
        in a row, skips in a working day) raises IllegalCommand and changes nothing.

Theory of operation. Each enabled break kind has a counter of active seconds. When one or more
counters reach their interval, the longest such kind becomes due (it covers the shorter ones):
`BreakDue`, then `BreakPrompted` (held back with `BreakDeferred` while the desktop is busy, for
at most `busy_max_wait_s` of real time, then asked for anyway: a desktop that is always "busy"
must not switch breaks off). A due break ends taken (the user takes it, or lets it run its length), natural (the user steps away for
its length), skipped, merged into a longer break that came due meanwhile, or cancelled (working
hours ended, the user paused during it). An unanswered prompt is repeated after another interval
of active time. Taking a break restarts its counter and those of all shorter kinds.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from enum import Enum, auto
from typing import Final

from posture_guard.core.errors import IllegalCommand
from posture_guard.core.settings import BreakSpec, TimerSettings, WorkingHours

#: A wall step that differs from the `mono` step by more than this is reported as a clock jump.
CLOCK_JUMP_TOLERANCE_S: Final = 30.0
#: The longest the timer trusts its cached working day and working-hours answer.
CALENDAR_RECHECK_S: Final = 60.0
#: A natural break shows in the figures only when it interrupts at least this share of the
#: interval's work; shorter pauses still restart the counter (judgement: avoids a "natural
#: break" for every pause to think).
NATURAL_RECORD_SHARE: Final = 0.25


class State(Enum):
    WORKING = auto()
    BREAK_DUE = auto()
    SNOOZED = auto()
    ON_BREAK = auto()
    PAUSED = auto()
    OFF_HOURS = auto()


class Outcome(Enum):
    TAKEN = "taken"
    NATURAL = "natural"
    SKIPPED = "skipped"
    MERGED = "merged"
    CANCELLED = "cancelled"


class Command(Enum):
    SNOOZE = "snooze"
    SKIP = "skip"
    PAUSE = "pause"
    RESUME = "resume"
    TAKE_NOW = "take_now"
    START_BREAK = "start_break"
    FINISH_BREAK = "finish_break"


class NotAllowedNow(IllegalCommand):
    """`command` is not allowed in `state` (not in TRANSITIONS); nothing changed.

    The fields let the refusal be worded for people (core/refusals.py) without reading the
    message, which stays in the timer's own terms: "can't snooze when state=WORKING".
    """

    def __init__(self, command: Command, state: State) -> None:
        self.command = command
        self.state = state
        super().__init__(f"can't {command.value} when state={state.name}")


class SkipsUsedUp(IllegalCommand):
    """Skip refused: `skipped` breaks were skipped this working day, the daily `limit`
    (`max_skips_per_day`); nothing changed. The fields let the refusal be worded for people
    (core/refusals.py); the message stays in the timer's own terms."""

    def __init__(self, skipped: int, limit: int) -> None:
        self.skipped = skipped
        self.limit = limit
        super().__init__(f"can't skip: skipped {_times(skipped)} today (limit {limit} a day)")


_S, _C = State, Command
#: (state, command) -> state after the command. Anything not listed is illegal.
TRANSITIONS: Final[Mapping[tuple[State, Command], State]] = {
    (_S.WORKING, _C.TAKE_NOW): _S.ON_BREAK,
    (_S.WORKING, _C.PAUSE): _S.PAUSED,
    (_S.BREAK_DUE, _C.SNOOZE): _S.SNOOZED,
    (_S.BREAK_DUE, _C.SKIP): _S.WORKING,
    (_S.BREAK_DUE, _C.TAKE_NOW): _S.ON_BREAK,
    (_S.BREAK_DUE, _C.START_BREAK): _S.ON_BREAK,
    (_S.BREAK_DUE, _C.PAUSE): _S.PAUSED,
    (_S.SNOOZED, _C.SNOOZE): _S.SNOOZED,
    (_S.SNOOZED, _C.SKIP): _S.WORKING,
    (_S.SNOOZED, _C.TAKE_NOW): _S.ON_BREAK,
    (_S.SNOOZED, _C.START_BREAK): _S.ON_BREAK,
    (_S.SNOOZED, _C.PAUSE): _S.PAUSED,
    (_S.ON_BREAK, _C.FINISH_BREAK): _S.WORKING,
    (_S.ON_BREAK, _C.SKIP): _S.WORKING,
    (_S.ON_BREAK, _C.SNOOZE): _S.SNOOZED,
    (_S.ON_BREAK, _C.PAUSE): _S.PAUSED,
    (_S.PAUSED, _C.PAUSE): _S.PAUSED,
    (_S.PAUSED, _C.RESUME): _S.WORKING,
    (_S.OFF_HOURS, _C.TAKE_NOW): _S.ON_BREAK,
    (_S.OFF_HOURS, _C.PAUSE): _S.PAUSED,
}


# --- events: facts, named for what happened --------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class BreakDue:
    at: datetime
    kind: str


@dataclass(frozen=True, slots=True, kw_only=True)
class BreakDeferred:
    """A due break waits because the desktop is busy (full screen, locked, a meeting...)."""

    at: datetime
    kind: str
    reason: str


@dataclass(frozen=True, slots=True, kw_only=True)
class BreakPrompted:
    at: datetime
    kind: str
    reminder: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class BreakSnoozed:
    at: datetime
    kind: str
    for_s: int


@dataclass(frozen=True, slots=True, kw_only=True)
class BreakStarted:
    at: datetime
    kind: str
    length_s: int


@dataclass(frozen=True, slots=True, kw_only=True)
class BreakEnded:
    at: datetime
    kind: str
    outcome: Outcome
    #: True when the break's own time ran out (taken); False when a command or a natural
    #: break ended it. A break window counting down stays open for its Done then.
    ran_out: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class NaturalBreakRecorded:
    """The user stepped away long enough for this kind of break, without being asked."""

    at: datetime
    kind: str
    idle_s: float


@dataclass(frozen=True, slots=True, kw_only=True)
class GapTreatedAsIdle:
    """Two observations were further apart than the suspend gap: counted as time away."""

    at: datetime
    seconds: float


@dataclass(frozen=True, slots=True, kw_only=True)
class ClockJumped:
    """The wall clock moved by `by_s` more than real time did (negative: backwards)."""

    at: datetime
    by_s: float


@dataclass(frozen=True, slots=True, kw_only=True)
class DayRolledOver:
    at: datetime
    previous_day: date
    day: date
    active_s: float


@dataclass(frozen=True, slots=True, kw_only=True)
class DailyLimitReached:
    at: datetime
    limit_s: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Paused:
    at: datetime
    until: datetime | None


@dataclass(frozen=True, slots=True, kw_only=True)
class Resumed:
    at: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class WorkingHoursEnded:
    at: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class WorkingHoursBegan:
    at: datetime


Event = (
    BreakDue
    | BreakDeferred
    | BreakPrompted
    | BreakSnoozed
    | BreakStarted
    | BreakEnded
    | NaturalBreakRecorded
    | GapTreatedAsIdle
    | ClockJumped
    | DayRolledOver
    | DailyLimitReached
    | Paused
    | Resumed
    | WorkingHoursEnded
    | WorkingHoursBegan
)


@dataclass(frozen=True, slots=True, kw_only=True)
class TimerStatus:
    """What the timer can say about itself at one moment; immutable, safe to share."""

    state: State
    current: str | None  # the kind due, snoozed or on break
    next_kind: str | None  # the kind that comes due first with continued work
    next_in_s: float | None  # active seconds until then (0 = due now)
    active_today_s: float
    day: date | None
    paused_until: datetime | None
    outcomes_today: Mapping[str, Mapping[str, int]]  # kind -> outcome value -> count
    allowed: frozenset[Command]
    snoozes_left: int | None  # for the current break; None = unlimited
    skip_allowed: bool
    waiting_for: str | None = None  # why the due break's prompt is held back ("fullscreen")
    #: Real seconds until the snooze runs out and the break is asked for again; None when not
    #: SNOOZED. (`next_in_s` is active time toward the next break, which a snooze does not use.)
    snooze_left_s: float | None = None


def day_of(moment: datetime, starts: time) -> date:
    """The working day `moment` belongs to: the local date, shifted back by the day's start."""
    return (
        moment - timedelta(hours=starts.hour, minutes=starts.minute, seconds=starts.second)
    ).date()


def day_window(day: date, starts: time, zone: tzinfo | None) -> tuple[datetime, datetime]:
    """From the start of working `day` to the start of the next, in `zone` (the store's
    queries take this window)."""
    return (
        datetime.combine(day, starts, tzinfo=zone),
        datetime.combine(day + timedelta(days=1), starts, tzinfo=zone),
    )


def _times(count: int) -> str:
    return "once" if count == 1 else f"{count} times"


def _utc_seconds(moment: datetime) -> float:
    return moment.astimezone(UTC).timestamp()


def _first_instant_at(moment: datetime) -> float:
    """UTC seconds of the first instant the wall clock reads `moment`'s time or later.

    That is `moment` itself, unless the clocks skip it (02:30 on a spring-forward night): then
    it is the instant they jump past it (03:00 CEST), not the 03:30 its old offset would give.
    """
    wall = moment.replace(tzinfo=None)
    later = _utc_seconds(moment)
    if datetime.fromtimestamp(later, moment.tzinfo).replace(tzinfo=None) == wall:
        return later
    # In a gap fold=1 reads the wall time with the new offset: an instant before the jump.
    # Zone changes fall on whole seconds: search them for the first one past the gap.
    low, high = int(_utc_seconds(moment.replace(fold=1))), int(later)
    while high - low > 1:
        middle = (low + high) // 2
        if datetime.fromtimestamp(middle, moment.tzinfo).replace(tzinfo=None) >= wall:
            high = middle
        else:
            low = middle
    return float(high)


def _seconds_until(moment: datetime, now: datetime) -> float:
    """Real seconds until `moment`, a local time later on the wall clock than `now`.

    In the hour a DST change repeats, that wall time may already have passed once: then its
    second occurrence is meant (not 0, which would be a busy loop).
    """
    seconds = _first_instant_at(moment) - _utc_seconds(now)
    if seconds <= 0:
        seconds = _utc_seconds(moment.replace(fold=1)) - _utc_seconds(now)
    return max(0.0, seconds)


class _Counters:
    """Active seconds per kind since its last restart, kept as one shared work clock minus the
    reading at each kind's restart, so counting a step of work is one addition."""

    __slots__ = ("_every", "_started", "due_at", "skips_in_row", "work")

    def __init__(self, specs: Mapping[str, BreakSpec]) -> None:
        self._every = {kind: spec.every_s for kind, spec in specs.items()}
        self._started = dict.fromkeys(specs, 0.0)
        self.skips_in_row = dict.fromkeys(specs, 0)
        self.work = 0.0
        #: The work-clock reading at which the first kind comes due.
        self.due_at = min(self._every.values(), default=float("inf"))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, _Counters):
            return NotImplemented
        return all(getattr(self, name) == getattr(other, name) for name in self.__slots__)

    __hash__ = None  # type: ignore[assignment]  # mutable: equal by value, not hashable

    def earned(self, kind: str) -> float:
        return self.work - self._started[kind]

    def carried_to(self, specs: Mapping[str, BreakSpec]) -> _Counters:
        """New counters for `specs` that keep the work clock, each kind's earned time and skips
        in a row (a kind not counted before starts from 0)."""
        new = _Counters(specs)
        new.work = self.work
        for kind in specs:
            new._started[kind] = self.work - (self.earned(kind) if kind in self._started else 0)
            new.skips_in_row[kind] = self.skips_in_row.get(kind, 0)
        new.due_at = min((s + new._every[k] for k, s in new._started.items()), default=float("inf"))
        return new

    def due(self, kind: str) -> bool:
        return self.work - self._started[kind] >= self._every[kind]

    def restart(self, kind: str) -> None:
        self._started[kind] = self.work
        self.due_at = min(
            (s + self._every[k] for k, s in self._started.items()), default=float("inf")
        )


@dataclass(slots=True)
class BreakTimer:
    """The break state machine. Construct with settings; feed `observe` and commands."""

    settings: TimerSettings
    state: State = State.WORKING
    current: str | None = None
    _specs: dict[str, BreakSpec] = field(init=False)
    _counters: _Counters = field(init=False)
    _last_now: datetime | None = None
    _last_mono: float | None = None
    _last_ts: float = 0.0
    _cal: tuple[date, bool] = (date.min, True)
    _cal_from: float = float("inf")
    _cal_until: float = float("-inf")
    _cal_offset: timedelta | None = None
    _idle_run_s: float = 0.0
    _credited: set[str] = field(default_factory=set)
    _since_prompt_s: float = 0.0
    _prompt_pending: bool = False
    _prompts: int = 0  # prompts shown for the current break
    _deferred_for: str | None = None
    _waited_s: float = 0.0  # real seconds the pending prompt has been held back for `busy`
    _snoozes: int = 0
    _snooze_left_s: float = 0.0
    _break_left_s: float = 0.0
    _paused_until: datetime | None = None
    _day: date | None = None
    _active_today_s: float = 0.0
    _limit_reached: bool = False
    _outcomes_today: dict[str, dict[str, int]] = field(default_factory=dict)
    #: Skips an earlier run recorded on a working day (`count_earlier_skips`): the day, how many.
    _skips_before: tuple[date, int] | None = None

    def __post_init__(self) -> None:
        self._specs = {b.kind: b for b in self.settings.breaks}
        self._counters = _Counters(self._specs)

    def reconfigure(self, settings: TimerSettings) -> None:
        """Take new settings (the organisation's policy changed) without losing the day.

        Today's figures, the clocks, a pause and the state stay; each kind keeps the active
        time it has earned (a kind newly enabled starts from 0, a disabled one is dropped), so
        a shorter interval can make a break due at the next `observe`.

        Raises:
            IllegalCommand: a break is due, snoozed or running (nothing changed; try again
                once it has ended).
        """
        if self.current is not None or self.state not in (
            State.WORKING,
            State.PAUSED,
            State.OFF_HOURS,
        ):
            raise IllegalCommand(f"can't reconfigure when state={self.state.name}")
        self.settings = settings
        self._specs = {b.kind: b for b in settings.breaks}
        self._counters = self._counters.carried_to(self._specs)
        self._cal_from, self._cal_until = float("inf"), float("-inf")  # hours may have changed

    # --- observations ------------------------------------------------------------------------

    def observe(
        self,
        now: datetime,
        idle_s: float | None,
        *,
        mono: float | None = None,
        busy: str | None = None,
    ) -> list[Event]:
        """Account for the time since the last observation and say what happens now.

        Args:
            now: aware local time of this observation.
            idle_s: seconds since the last user input, or None when that cannot be told (active).
            mono: optional reading of a monotonic clock that counts suspend; durations come from it.
            busy: why a prompt must wait now ("fullscreen", "locked"...), or None.

        Returns:
            The events in the order they happened; `[]` when nothing did.
        """
        events: list[Event] = []
        if self._last_now is None:
            self._last_now, self._last_mono, self._last_ts = now, mono, now.timestamp()
            self._day = self._day_of(now)
            if not self._in_hours(now):
                self.state = State.OFF_HOURS
            return events
        ts = now.timestamp()
        dt = self._elapsed(now, ts, mono, events)
        gap = dt > self.settings.suspend_gap_s
        if gap:
            events.append(GapTreatedAsIdle(at=now, seconds=dt))
            self._idle_run_s += dt
            if idle_s is not None:  # the reading may reach back before the gap (as below)
                self._idle_run_s = max(self._idle_run_s, idle_s)
            active = 0.0
            still_idle = idle_s is not None and idle_s >= self.settings.idle_threshold_s
        elif idle_s is None or idle_s < self.settings.idle_threshold_s:
            active, still_idle = dt, False
        else:
            active, still_idle = max(0.0, dt - idle_s), True
            if self._idle_run_s > 0 and idle_s >= dt:
                self._idle_run_s += dt  # still away since before the last observation
            else:  # input during the step: a new run, whose natural breaks are not had yet
                self._idle_run_s = 0.0
                self._credited.clear()
            self._idle_run_s = max(self._idle_run_s, idle_s)
        # The step's work came before the idle that ends it and before a day, pause, break or
        # snooze that ran out during it: count it first, in the state the step was spent in.
        self._accrue(now, active, events)
        day, inside = self._calendar(now, ts)
        self._roll_day(now, day, events)
        self._expire_pause(now, events)
        if gap or still_idle:
            self._credit_natural(now, events)
        self._advance_clocks(now, dt, events)
        if not still_idle:
            self._idle_run_s = 0.0
            self._credited.clear()
        self._follow_hours(now, inside, events)
        self._check_due(now, busy, events)
        return events

    def _elapsed(self, now: datetime, ts: float, mono: float | None, events: list[Event]) -> float:
        assert self._last_now is not None
        wall = ts - self._last_ts
        self._last_ts = ts
        if mono is not None and self._last_mono is not None:
            dt = max(0.0, mono - self._last_mono)
            if abs(wall - dt) > CLOCK_JUMP_TOLERANCE_S:
                events.append(ClockJumped(at=now, by_s=wall - dt))
        else:
            dt = wall
            if dt < 0:
                events.append(ClockJumped(at=now, by_s=dt))
                dt = 0.0
        self._last_now = now
        self._last_mono = mono  # a missing reading must not leave a stale one behind
        return dt

    def _roll_day(self, now: datetime, day: date, events: list[Event]) -> None:
        if self._day is not None and day > self._day:
            events.append(
                DayRolledOver(
                    at=now, previous_day=self._day, day=day, active_s=self._active_today_s
                )
            )
            self._active_today_s = 0.0
            self._limit_reached = False
            self._outcomes_today = {}
        if self._day is None or day > self._day:
            self._day = day

    def _expire_pause(self, now: datetime, events: list[Event]) -> None:
        if (
            self.state is State.PAUSED
            and self._paused_until is not None
            and _utc_seconds(now) >= _utc_seconds(self._paused_until)
        ):
            self._resume(now, events)

    def _credit_natural(self, now: datetime, events: list[Event]) -> None:
        if self._idle_run_s < self.settings.idle_threshold_s:
            return
        # A break on screen covers itself and the shorter kinds (they restart when it ends);
        # idle during it can still be a natural break for a longer kind.
        covered_s = (
            self._specs[self.current].length_s
            if self.state is State.ON_BREAK and self.current is not None
            else -1
        )
        for kind, spec in self._specs.items():
            if (
                kind in self._credited
                or self._idle_run_s < spec.length_s
                or spec.length_s <= covered_s
            ):
                continue
            self._credited.add(kind)
            if kind == self.current and self.state in (
                State.BREAK_DUE,
                State.SNOOZED,
                State.PAUSED,
            ):
                self._end_current(now, Outcome.NATURAL, events)
            elif self._counters.earned(kind) >= NATURAL_RECORD_SHARE * spec.every_s:
                events.append(NaturalBreakRecorded(at=now, kind=kind, idle_s=self._idle_run_s))
                self._count(kind, Outcome.NATURAL)
            if kind != self.current:
                self._counters.restart(kind)
                self._counters.skips_in_row[kind] = 0

    def _advance_clocks(self, now: datetime, dt: float, events: list[Event]) -> None:
        """Run down the snooze and the break in progress, and run up the busy wait, by real
        elapsed time."""
        if self.state is State.BREAK_DUE:
            if self._prompt_pending and self._deferred_for is not None:
                self._waited_s += dt
        elif self.state is State.SNOOZED:
            self._snooze_left_s -= dt
            if self._snooze_left_s <= 0:
                self.state = State.BREAK_DUE
                self._prompt_pending = True
                self._waited_s = 0.0
        elif self.state is State.ON_BREAK:
            self._break_left_s -= dt
            if self._break_left_s <= 0:
                self._end_current(now, Outcome.TAKEN, events, ran_out=True)

    def _accrue(self, now: datetime, active: float, events: list[Event]) -> None:
        if active <= 0:
            return
        self._active_today_s += active
        limit = self.settings.daily_limit_s
        if limit is not None and not self._limit_reached and self._active_today_s >= limit:
            self._limit_reached = True
            events.append(DailyLimitReached(at=now, limit_s=limit))
        if self.state in (State.WORKING, State.BREAK_DUE, State.SNOOZED):
            self._counters.work += active
            self._since_prompt_s += active

    def _follow_hours(self, now: datetime, inside: bool, events: list[Event]) -> None:
        if self.state is State.OFF_HOURS and inside:
            self.state = State.WORKING
            events.append(WorkingHoursBegan(at=now))
        elif not inside and self.state in (State.WORKING, State.BREAK_DUE, State.SNOOZED):
            self._cancel_for_hours(now, events)
            self.state = State.OFF_HOURS
            events.append(WorkingHoursEnded(at=now))

    def _cancel_for_hours(self, now: datetime, events: list[Event]) -> None:
        """Working hours are over: cancel the current break, if any, and restart the counter of
        every break that is due, so that none is asked for the moment hours begin again."""
        due = [
            kind
            for kind, spec in self._specs.items()
            if kind == self.current or self._counters.due(kind)
        ]
        if self.current is not None:
            self._end_current(now, Outcome.CANCELLED, events)
        for kind in due:
            self._counters.restart(kind)

    def _check_due(self, now: datetime, busy: str | None, events: list[Event]) -> None:
        if self.state is State.WORKING and self._counters.work < self._counters.due_at:
            return  # the common case, kept cheap: nothing due, nothing waiting
        due = [k for k in self._specs if self._counters.due(k)]
        longest = max(
            due, key=lambda k: (self._specs[k].length_s, self._specs[k].every_s), default=None
        )
        if (
            self.state is State.BREAK_DUE
            and longest is not None
            and self.current is not None
            and self._specs[longest].length_s > self._specs[self.current].length_s
        ):
            self._end_current(now, Outcome.MERGED, events)
        if self.state is State.WORKING and longest is not None:
            self.state, self.current = State.BREAK_DUE, longest
            self._snoozes = self._prompts = 0
            self._prompt_pending = True
            events.append(BreakDue(at=now, kind=longest))
        if self.state is not State.BREAK_DUE or self.current is None:
            return
        if not self._prompt_pending and self._since_prompt_s >= self._specs[self.current].every_s:
            self._prompt_pending = True  # an unanswered prompt, one interval of work later
        if not self._prompt_pending:
            return
        cap = self.settings.busy_max_wait_s
        if busy is not None and (cap is None or self._waited_s < cap):
            if busy != self._deferred_for:
                self._deferred_for = busy
                events.append(BreakDeferred(at=now, kind=self.current, reason=busy))
            return
        events.append(BreakPrompted(at=now, kind=self.current, reminder=self._prompts > 0))
        self._prompts += 1
        self._prompt_pending = False
        self._deferred_for = None
        self._waited_s = 0.0
        self._since_prompt_s = 0.0

    # --- commands ----------------------------------------------------------------------------

    def snooze(self, now: datetime, for_s: int | None = None) -> list[Event]:
        """Put the due break (or the one on screen) off for `for_s` (default: the snooze setting)."""
        self._check(Command.SNOOZE)
        limit = self.settings.max_snoozes
        assert self.current is not None
        if limit is not None and self._snoozes >= limit:
            raise IllegalCommand(
                f"can't snooze the {self._title(self.current)} again: snoozed {_times(self._snoozes)} "
                f"(limit {limit})"
            )
        seconds = self.settings.snooze_s if for_s is None else for_s
        if seconds <= 0:
            raise IllegalCommand(f"can't snooze for {seconds} s: expected a positive duration")
        self._snoozes += 1
        self._snooze_left_s = float(seconds)
        self.state = State.SNOOZED
        return [BreakSnoozed(at=now, kind=self.current, for_s=seconds)]

    def skip(self, now: datetime) -> list[Event]:
        """Skip the due break (or the one on screen); shorter breaks that are due go with it."""
        self._check(Command.SKIP)
        assert self.current is not None
        kind = self.current
        limit = self.settings.max_skips_in_row
        skipped = self._counters.skips_in_row[kind]
        if limit is not None and skipped >= limit:
            raise IllegalCommand(
                f"can't skip the {self._title(kind)}: skipped {_times(skipped)} in a row (limit {limit})"
            )
        per_day = self.settings.max_skips_per_day
        today = self.skips_today()
        if per_day is not None and today >= per_day:
            raise SkipsUsedUp(today, per_day)
        events: list[Event] = []
        self._end_current(now, Outcome.SKIPPED, events)
        return events

    def take_now(self, now: datetime, kind: str | None = None) -> list[Event]:
        """Start a break now: the one due, else `kind`, else the one that would come due first."""
        self._check(Command.TAKE_NOW)
        if kind is not None and kind not in self._specs:
            raise IllegalCommand(
                f"can't take a {kind!r} break: expected one of {', '.join(self._specs)}"
            )
        if self.current is None:
            self.current = kind or self._next_kind()
        if self.current is None:
            raise IllegalCommand("can't take a break: every kind of break is turned off")
        return self._start(now)

    def start_break(self, now: datetime) -> list[Event]:
        """The break window opened for the due break."""
        self._check(Command.START_BREAK)
        return self._start(now)

    def finish_break(self, now: datetime, outcome: Outcome) -> list[Event]:
        """The break on screen ended early: TAKEN (done) or SKIPPED."""
        if outcome is Outcome.SKIPPED:
            self._check(Command.FINISH_BREAK)
            return self.skip(now)
        if outcome is not Outcome.TAKEN:
            raise IllegalCommand(
                f"can't finish a break as {outcome.value}: expected taken or skipped"
            )
        self._check(Command.FINISH_BREAK)
        events: list[Event] = []
        self._end_current(now, Outcome.TAKEN, events)
        return events

    def pause(self, now: datetime, until: datetime | None) -> list[Event]:
        """Ask for no breaks until `until` (None: until resumed). A break on screen is cancelled."""
        self._check(Command.PAUSE)
        if until is not None and _utc_seconds(until) <= _utc_seconds(now):
            raise IllegalCommand(
                f"can't pause until {until.isoformat()}: that is not in the future"
            )
        events: list[Event] = []
        if self.state is State.ON_BREAK:
            self._end_current(now, Outcome.CANCELLED, events)
        self.state = State.PAUSED
        self._paused_until = until
        events.append(Paused(at=now, until=until))
        return events

    def resume(self, now: datetime, *, busy: str | None = None) -> list[Event]:
        """End a pause; a break that was due before it is asked for again, unless the desktop
        is `busy` now (as in `observe`: the prompt then waits, for at most busy_max_wait)."""
        self._check(Command.RESUME)
        events: list[Event] = []
        self._resume(now, events)
        self._check_due(now, busy, events)
        return events

    def _resume(self, now: datetime, events: list[Event]) -> None:
        self._paused_until = None
        events.append(Resumed(at=now))
        if not self._in_hours(now):
            self._cancel_for_hours(now, events)
            self.state = State.OFF_HOURS
        elif self.current is not None:
            self.state = State.BREAK_DUE
            self._prompt_pending = True
            self._waited_s = 0.0
        else:
            self.state = State.WORKING

    def _check(self, command: Command) -> None:
        if (self.state, command) not in TRANSITIONS:
            raise NotAllowedNow(command, self.state)

    def _start(self, now: datetime) -> list[Event]:
        assert self.current is not None
        spec = self._specs[self.current]
        self.state = State.ON_BREAK
        self._break_left_s = float(spec.length_s)
        return [BreakStarted(at=now, kind=self.current, length_s=spec.length_s)]

    def _end_current(
        self, now: datetime, outcome: Outcome, events: list[Event], *, ran_out: bool = False
    ) -> None:
        """End the current break with `outcome` and restart the counters it covers."""
        assert self.current is not None
        kind, spec = self.current, self._specs[self.current]
        events.append(BreakEnded(at=now, kind=kind, outcome=outcome, ran_out=ran_out))
        self._count(kind, outcome)
        if outcome in (Outcome.TAKEN, Outcome.NATURAL):
            for other, other_spec in self._specs.items():
                if other_spec.length_s <= spec.length_s:
                    self._counters.restart(other)
                    self._counters.skips_in_row[other] = 0
        elif outcome is Outcome.SKIPPED:
            self._counters.skips_in_row[kind] += 1
            for other, other_spec in self._specs.items():
                due = self._counters.due(other)
                if other == kind or (due and other_spec.length_s <= spec.length_s):
                    self._counters.restart(other)
        self.current = None
        self._prompt_pending = False
        self._deferred_for = None
        self._waited_s = 0.0
        self._snoozes = self._prompts = 0
        if self.state is not State.PAUSED:
            # a break taken after hours, or one that outlasted them, goes back to OFF_HOURS
            self.state = State.WORKING if self._in_hours(now) else State.OFF_HOURS

    def _count(self, kind: str, outcome: Outcome) -> None:
        per_kind = self._outcomes_today.setdefault(kind, {})
        per_kind[outcome.value] = per_kind.get(outcome.value, 0) + 1

    # --- queries -----------------------------------------------------------------------------

    def skips_today(self) -> int:
        """Breaks skipped in this working day, all kinds together (for `max_skips_per_day`),
        those an earlier run recorded included (`count_earlier_skips`)."""
        earlier = self._skips_before
        before = earlier[1] if earlier is not None and earlier[0] == self._day else 0
        return before + sum(
            per_kind.get(Outcome.SKIPPED.value, 0) for per_kind in self._outcomes_today.values()
        )

    def count_earlier_skips(self, day: date, skipped: int) -> None:
        """Breaks skipped on working day `day` before this timer started (the store's records
        of an earlier run): they count toward `max_skips_per_day` while `day` is the working
        day, so restarting the service does not give skips back. Called once, at the start.

        Raises:
            ValueError: `skipped` is negative.
        """
        if skipped < 0:
            raise ValueError(f"skipped: expected 0 or more, got {skipped}")
        self._skips_before = (day, skipped)

    def earned_s(self, kind: str) -> float:
        """Active seconds counted toward `kind` since it last restarted."""
        return self._counters.earned(kind)

    def _next_kind(self) -> str | None:
        def left(kind: str) -> tuple[float, int]:
            spec = self._specs[kind]
            return (max(0.0, spec.every_s - self._counters.earned(kind)), -spec.length_s)

        return min(self._specs, key=left, default=None)

    def status(self) -> TimerStatus:
        """The timer's state for display and control; see TimerStatus."""
        kind = self._next_kind()
        next_in = (
            max(0.0, self._specs[kind].every_s - self._counters.earned(kind))
            if kind is not None
            else None
        )
        skip_limit = self.settings.max_skips_in_row
        snooze_limit = self.settings.max_snoozes
        return TimerStatus(
            state=self.state,
            current=self.current,
            next_kind=kind,
            next_in_s=next_in,
            active_today_s=self._active_today_s,
            day=self._day,
            paused_until=self._paused_until,
            outcomes_today={k: dict(v) for k, v in self._outcomes_today.items()},
            allowed=frozenset(c for (s, c) in TRANSITIONS if s is self.state),
            snoozes_left=None if snooze_limit is None else max(0, snooze_limit - self._snoozes),
            skip_allowed=self.current is not None
            and (skip_limit is None or self._counters.skips_in_row[self.current] < skip_limit)
            and (
                self.settings.max_skips_per_day is None
                or self.skips_today() < self.settings.max_skips_per_day
            ),
            waiting_for=self._deferred_for
            if self.state is State.BREAK_DUE and self._prompt_pending
            else None,
            snooze_left_s=max(0.0, self._snooze_left_s) if self.state is State.SNOOZED else None,
        )

    def last_active_at(self) -> datetime | None:
        """The end of the work counted so far: the last observation, less the idle spell (of at
        least the idle threshold) still running at it. None before the first observation."""
        if self._last_now is None:
            return None
        last = self._last_now.astimezone(UTC) - timedelta(seconds=self._idle_run_s)
        return last.astimezone(self._last_now.tzinfo)

    def busy_matters(self, elapsed_s: float) -> bool:
        """Whether the desktop being busy can change what an observation `elapsed_s` real
        seconds after the last one does: a prompt may be shown in it.

        False lets the caller skip asking its busy sources (a /proc scan, a `pactl` process)
        for most of the day; an observation then gives the same events with any `busy`.
        """
        if self._last_now is None:
            return False  # the first observation only starts the clocks
        if self.state is State.WORKING:
            return self._counters.work + elapsed_s >= self._counters.due_at
        if self.state is State.BREAK_DUE:
            assert self.current is not None
            current = self._specs[self.current]
            if self._prompt_pending or self._since_prompt_s + elapsed_s >= current.every_s:
                return True
            return any(  # a longer break coming due takes over, with a prompt of its own
                spec.length_s > current.length_s
                and self._counters.earned(kind) + elapsed_s >= spec.every_s
                for kind, spec in self._specs.items()
            )
        if self.state is State.SNOOZED:
            return self._snooze_left_s <= elapsed_s
        if self.state is State.PAUSED:
            if self.current is not None:
                return True  # the pause may end in the step: asked again
            if self._paused_until is None:
                return False  # until resumed: only a command ends it
            # a pause that ends in the step may ask for a break already earned at once
            left = _utc_seconds(self._paused_until) - _utc_seconds(self._last_now)
            return left <= elapsed_s
        return False

    def seconds_until_next(self, now: datetime) -> float | None:
        """Seconds until something can happen without a command, assuming continued work.

        None when nothing can; as the day's rollover is always ahead, that does not happen today,
        but callers handle it. The caller still observes at its own pace to notice idleness and
        a busy desktop becoming free; this is the longest sleep that cannot miss a due break, a
        snooze or break ending, a pause ending, a working-hours boundary or the day's rollover.
        Never 0 while the timer waits on a command or on the desktop (no busy loop).
        """
        candidates: list[float] = []
        if self.state in (State.WORKING, State.BREAK_DUE, State.SNOOZED):
            candidates += [  # kinds already due wait for a command, not for time
                s.every_s - self._counters.earned(k)
                for k, s in self._specs.items()
                if not self._counters.due(k)
            ]
        if self.state is State.BREAK_DUE and self.current is not None and not self._prompt_pending:
            # the reminder; a prompt still pending waits for the desktop to be free, not for time
            candidates.append(max(0.0, self._specs[self.current].every_s - self._since_prompt_s))
        cap = self.settings.busy_max_wait_s
        if (
            self.state is State.BREAK_DUE
            and self._prompt_pending
            and self._deferred_for is not None
            and cap is not None
            and cap > self._waited_s
        ):
            candidates.append(cap - self._waited_s)  # ...or for the busy wait to run out
        if self.state is State.SNOOZED:
            candidates.append(max(0.0, self._snooze_left_s))
        if self.state is State.ON_BREAK:
            candidates.append(max(0.0, self._break_left_s))
        if self.state is State.PAUSED and self._paused_until is not None:
            candidates.append(max(0.0, _utc_seconds(self._paused_until) - _utc_seconds(now)))
        if self._idle_run_s > 0:
            threshold = self.settings.idle_threshold_s
            candidates += [
                max(s.length_s, threshold) - self._idle_run_s
                for k, s in self._specs.items()
                if k not in self._credited and max(s.length_s, threshold) > self._idle_run_s
            ]
        limit = self.settings.daily_limit_s
        if limit is not None and not self._limit_reached:
            candidates.append(max(0.0, limit - self._active_today_s))
        boundary = next_hours_change(self.settings.working_hours, now)
        if boundary is not None:
            candidates.append(_seconds_until(boundary, now))
        candidates.append(_seconds_until(self.next_day_start(now), now))
        return min(candidates) if candidates else None

    def _title(self, kind: str) -> str:
        return self._specs[kind].title.lower()

    def _calendar(self, now: datetime, ts: float | None = None) -> tuple[date, bool]:
        """The working day of `now` and whether it is inside working hours.

        Cached until the next day start or working-hours change, for at most
        CALENDAR_RECHECK_S (a clock that reports a fixed UTC offset learns of a DST change
        only from its next reading), and while the UTC offset stays the same: a change that
        falls in the hour a DST change skips (hours from 02:30) happens at the jump, not at
        the instant "02:30" would have had.
        """
        ts = now.timestamp() if ts is None else ts
        offset = now.utcoffset()
        if not self._cal_from <= ts < self._cal_until or offset != self._cal_offset:
            hours = self.settings.working_hours
            until = min(ts + CALENDAR_RECHECK_S, _seconds_until(self.next_day_start(now), now) + ts)
            change = next_hours_change(hours, now)
            if change is not None:
                until = min(until, _seconds_until(change, now) + ts)
            self._cal = (self._day_of(now), hours.contains(now))
            self._cal_from, self._cal_until, self._cal_offset = ts, until, offset
        return self._cal

    def _day_of(self, now: datetime) -> date:
        start = self.settings.day_starts_at
        return day_of(now, start)

    def next_day_start(self, now: datetime) -> datetime:
        """When the working day after the one `now` belongs to begins, on `now`'s clock."""
        day = self._day_of(now) + timedelta(days=1)
        return datetime.combine(day, self.settings.day_starts_at, tzinfo=now.tzinfo)

    def _in_hours(self, now: datetime) -> bool:
        return self._calendar(now)[1]


def next_hours_change(hours: WorkingHours, now: datetime) -> datetime | None:
    """The first local time after `now` at which being inside working hours changes, or None."""
    whole_day = ((time(), time.max),)
    if len(hours.days) == 7 and all(hours.ranges_on(d) == whole_day for d in range(7)):
        return None  # always inside
    inside = hours.contains(now)
    spans = [span for day in range(7) for span in hours.ranges_on(day)]
    edges = sorted({t for span in spans for t in span if t != time.max})
    for offset in range(8):
        day = now.date() + timedelta(days=offset)
        times = edges
        candidates = [datetime.combine(day, t, tzinfo=now.tzinfo) for t in times]
        candidates.append(datetime.combine(day + timedelta(days=1), time(), tzinfo=now.tzinfo))
        for moment in sorted(candidates):
            if moment > now and hours.contains(moment) != inside:
                return moment
    return None
