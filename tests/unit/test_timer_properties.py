"""Properties of the break timer over random timelines (Hypothesis).

A timeline is random settings, a start (often a few hours before a DST change in Berlin or New
York) and a list of steps: work, work then away, time away, a suspend (wall and monotonic clocks
advance together by more than the suspend gap), a wall-clock jump (the wall clock moves, the
monotonic clock does not) and user commands. A small model runs beside the timer and knows only
what was fed: the active seconds, how long the user has been away, whether a pause is on. The
properties are checked against that model, never against the timer's internals:

(a) two prompts of one kind are at least that kind's interval of active time apart, unless a
    user command came between them;
(b) no break is due or asked for while paused or outside working hours;
(c) a natural break (away >= max(length, idle threshold)) restarts that kind's counter;
(d) a suspend gap asks for each kind at most once, and counts no work;
(e) a wall-clock jump alone (monotonic clock unchanged) fires no break and moves no counter;
(f) counters are never negative; the day's active time never decreases within a day;
(g) the wait (`seconds_until_next`) is never 0: no busy loop;
(h) a command is accepted exactly when the status says it is allowed; a refused command raises
    IllegalCommand and changes nothing;
(i) outside working hours the timer is quiet (OFF_HOURS), inside it is not;
(j) the break that is current ends with BreakEnded, never with a NaturalBreakRecorded beside it;
(k) the day's outcome figures are the tally of the day's events;
(l) no break is due the moment working hours begin (one due when they ended was cancelled);
(m) a prompt held back for a busy desktop waits less than `busy_max_wait_s` of real time: at the
    first observation at or past it, it is asked for anyway (or the break ended meanwhile);
(n) when `busy_matters(step)` is False, a busy observation gives exactly the events and state
    of a free one (so the service may skip asking its busy sources);
(o) the day's skips never exceed `max_skips_per_day`.

With several working-hours ranges a day, (b) and (i) say no break is ever due or asked for in
the gap between two ranges.

Runs are derandomized and use no example database, so CI sees the same timelines every time.
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, time, timedelta

from hypothesis import HealthCheck, given
from hypothesis import event as note_event
from hypothesis import strategies as st

from posture_guard.core.errors import IllegalCommand
from posture_guard.core.settings import (
    BREAK_KINDS,
    BREAK_TITLES,
    BreakSpec,
    TimerSettings,
    WorkingHours,
)
from posture_guard.core.timer import (
    BreakDeferred,
    BreakDue,
    BreakEnded,
    BreakPrompted,
    BreakStarted,
    BreakTimer,
    Command,
    DayRolledOver,
    Event,
    NaturalBreakRecorded,
    Outcome,
    Resumed,
    State,
    WorkingHoursBegan,
)

from .helpers import BERLIN, NEW_YORK, LocalClock, profile

EPS = 1e-6
MIN = 60
HOUR = 3600

#: Instants (UTC) of real DST changes in 2026.
DST_CHANGES = (
    (BERLIN, datetime(2026, 3, 29, 1, 0, tzinfo=UTC)),
    (BERLIN, datetime(2026, 10, 25, 1, 0, tzinfo=UTC)),
    (NEW_YORK, datetime(2026, 3, 8, 7, 0, tzinfo=UTC)),
    (NEW_YORK, datetime(2026, 11, 1, 6, 0, tzinfo=UTC)),
)


# --- steps ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Work:
    seconds: int
    poll: int
    idle_unknown: bool = False  # no idle source: idle_s is None
    busy: str | None = None  # the desktop is busy (a prompt must wait)


@dataclass(frozen=True)
class WorkThenAway:
    """One look: work for the first part of the step, then away for `away` seconds."""

    seconds: int
    away: int


@dataclass(frozen=True)
class Away:
    seconds: int
    poll: int


@dataclass(frozen=True)
class Suspend:
    extra: int  # seconds beyond the suspend gap
    input_on_wake: bool


@dataclass(frozen=True)
class Jump:
    seconds: int  # wall clock only; negative: backwards


@dataclass(frozen=True)
class Do:
    command: Command
    arg: int | None = None  # snooze for / pause for (seconds) / kind index; None: default
    skipped: bool = False  # finish_break as SKIPPED rather than TAKEN


@dataclass(frozen=True)
class DoAllowed:
    """One of the commands the status allows now (picked by index), as a user would click."""

    pick: int
    arg: int | None = None
    skipped: bool = False


Step = Work | WorkThenAway | Away | Suspend | Jump | Do | DoAllowed

POLLS = st.sampled_from([20, 30, 60, 120])
ARGS = st.one_of(st.none(), st.integers(-60, 3 * HOUR))
#: Hypothesis favours small numbers; whole stretches of work make the breaks come due.
WORK_SECONDS = st.one_of(st.integers(1, 60 * MIN), st.integers(10, 60).map(lambda m: m * MIN))
work = st.builds(Work, WORK_SECONDS, POLLS, st.just(False))
busy_work = st.builds(
    Work, WORK_SECONDS, POLLS, st.booleans(), st.sampled_from([None, "fullscreen", "locked"])
)
steps_without_jumps = st.one_of(
    work,
    work,
    work,
    st.builds(Work, st.integers(1, 10 * MIN), POLLS, st.just(True)),
    st.integers(40, 2 * MIN).flatmap(
        lambda seconds: st.builds(WorkThenAway, st.just(seconds), st.integers(10, seconds - 1))
    ),
    st.builds(Away, st.integers(1, 15 * MIN), POLLS),
    st.builds(Suspend, st.integers(1, 14 * HOUR), st.booleans()),
    st.builds(DoAllowed, st.integers(0, 6), ARGS, st.booleans()),
    st.builds(DoAllowed, st.integers(0, 6), ARGS, st.booleans()),
    st.builds(Do, st.sampled_from(list(Command)), ARGS, st.booleans()),
)
steps_of_busy_days = st.one_of(
    work,
    work,
    busy_work,
    busy_work,
    st.builds(Away, st.integers(1, 5 * MIN), POLLS),
    st.builds(DoAllowed, st.integers(0, 6), ARGS, st.booleans()),
)
jumps = st.builds(
    Jump, st.one_of(st.integers(-3 * HOUR, -61), st.integers(61, 3 * HOUR), st.integers(-29, 29))
)
steps_with_jumps = st.one_of(steps_without_jumps, jumps)


# --- settings and start ---------------------------------------------------------------------------


@st.composite
def timer_settings(draw: st.DrawFn, *, always_on: bool = False) -> TimerSettings:
    count = draw(st.integers(1, 3))
    specs = []
    for kind in BREAK_KINDS[:count]:
        every = draw(st.integers(5, 60)) * MIN
        length = draw(st.sampled_from([10, 20, 45, 90, 120, 300, 420]))
        specs.append(
            BreakSpec(
                kind=kind, title=BREAK_TITLES[kind], every_s=every, length_s=min(length, every - 1)
            )
        )
    specs.sort(key=lambda b: (b.length_s, b.every_s))
    if always_on:
        hours = WorkingHours(days=frozenset(range(7)), start=time(0, 0), end=time.max)
    else:
        hours = draw(working_hours())
    return TimerSettings(
        breaks=tuple(specs),
        idle_threshold_s=draw(st.sampled_from([10, 30, 60])),
        suspend_gap_s=draw(st.sampled_from([2 * MIN, 5 * MIN, 10 * MIN])),
        day_starts_at=draw(st.sampled_from([time(4, 0), time(0, 0), time(2, 30), time(1, 30)])),
        daily_limit_s=draw(st.sampled_from([None, HOUR, 3 * HOUR])),
        snooze_s=draw(st.sampled_from([MIN, 5 * MIN])),
        max_snoozes=draw(st.sampled_from([None, 0, 1, 3])),
        max_skips_in_row=draw(st.sampled_from([None, 0, 1, 2])),
        max_skips_per_day=draw(st.sampled_from([None, None, 0, 1, 3])),
        working_hours=hours,
        busy_max_wait_s=draw(st.sampled_from([None, MIN, 10 * MIN, 30 * MIN])),
    )


@st.composite
def working_hours(draw: st.DrawFn) -> WorkingHours:
    """All day, or a span (half-hour steps, possibly over midnight) on some days."""
    if draw(st.booleans()):
        return WorkingHours(days=frozenset(range(7)), start=time(0, 0), end=time.max)
    start, end = draw(st.lists(st.integers(0, 47), min_size=2, max_size=2, unique=True).map(tuple))
    days = draw(st.frozensets(st.integers(0, 6), min_size=1))
    return WorkingHours(
        days=days,
        start=time(start // 2, 30 * (start % 2)),
        end=time(end // 2, 30 * (end % 2)),
    )


@st.composite
def split_days(draw: st.DrawFn) -> WorkingHours:
    """Two (sometimes three) ranges a day with gaps between them (ten-minute steps), on some
    days: a lunch break, a split shift."""
    count = draw(st.integers(2, 3))
    edges = sorted(
        draw(st.lists(st.integers(0, 144), min_size=2 * count, max_size=2 * count, unique=True))
    )

    def clock(step: int) -> time:
        return time.max if step == 144 else time(step // 6, 10 * (step % 6))

    ranges = [(clock(edges[i]), clock(edges[i + 1])) for i in range(0, 2 * count, 2)]
    days = draw(st.frozensets(st.integers(0, 6), min_size=1))
    (start, end), *more = ranges
    return WorkingHours(days=days, start=start, end=end, more=tuple(more))


@st.composite
def week_plans(draw: st.DrawFn) -> WorkingHours:
    """Usual ranges (split_days) and, on some days, ranges of their own (one to three, with
    gaps): a short Friday, a split shift on Mondays only."""
    usual = draw(split_days())
    own = []
    for day in sorted(draw(st.frozensets(st.integers(0, 6), min_size=1))):
        count = draw(st.integers(1, 3))
        edges = sorted(
            draw(st.lists(st.integers(0, 144), min_size=2 * count, max_size=2 * count, unique=True))
        )

        def clock(step: int) -> time:
            return time.max if step == 144 else time(step // 6, 10 * (step % 6))

        own.append(
            (day, tuple((clock(edges[i]), clock(edges[i + 1])) for i in range(0, 2 * count, 2)))
        )
    return replace(usual, by_day=tuple(own))


@st.composite
def short_nights(draw: st.DrawFn) -> tuple[TimerSettings, datetime]:
    """Every day, with a short off-hours span (5 to 120 minutes) that people work through; the
    timeline starts up to three hours before working hours end."""
    base = draw(timer_settings(always_on=True))
    end = draw(st.integers(0, 24 * 60 - 1))
    start = (end + draw(st.integers(5, 120))) % (24 * 60)
    hours = WorkingHours(
        days=frozenset(range(7)),
        start=time(start // 60, start % 60),
        end=time(end // 60, end % 60) if end else time.max,
    )
    zone = draw(st.sampled_from([BERLIN, NEW_YORK]))
    day = datetime(2026, 1, 5, tzinfo=UTC) + timedelta(days=draw(st.integers(0, 300)))
    ends = datetime.combine(day.date(), hours.end, tzinfo=zone)
    before = timedelta(seconds=draw(st.integers(0, 3 * HOUR)))
    return replace(base, working_hours=hours), (ends.astimezone(UTC) - before).astimezone(zone)


@st.composite
def starts(draw: st.DrawFn, *, dst: bool) -> datetime:
    if dst or draw(st.booleans()):
        zone, change = draw(st.sampled_from(DST_CHANGES))
        moment = change - timedelta(seconds=draw(st.integers(0, 10 * HOUR)))
    else:
        zone = draw(st.sampled_from([BERLIN, NEW_YORK]))
        moment = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(
            seconds=draw(st.integers(0, 364 * 24 * HOUR))
        )
    return moment.astimezone(zone)


# --- the model and the checks ---------------------------------------------------------------------


@dataclass
class Model:
    """What the test knows from what it fed, independent of the timer's bookkeeping."""

    away_s: float = 0.0  # seconds since the last input, as an idle source would report it
    paused_until: float | None = None  # UTC seconds; math.inf: until resumed; None: not paused
    busy: str | None = None  # what the last observation said
    held_s: float | None = None  # real seconds a prompt has waited for the desktop; None: none
    active_since_prompt: dict[str, float] = field(default_factory=dict)
    command_since_prompt: dict[str, bool] = field(default_factory=dict)
    prompts: int = 0

    def paused(self, now: datetime) -> bool:
        return self.paused_until is not None and now.timestamp() < self.paused_until


@dataclass
class Run:
    timer: BreakTimer
    clock: LocalClock
    model: Model
    use_mono: bool
    log: list[str] = field(default_factory=list)
    accepted: int = 0
    looks: int = 0  # observations so far
    seen: set[str] = field(default_factory=set)  # the event types this timeline produced
    checked: set[str] = field(default_factory=set)  # the properties this timeline exercised
    outcomes: dict[str, dict[str, int]] = field(default_factory=dict)  # tally of today's events

    def tally(self, event: Event) -> None:
        if isinstance(event, DayRolledOver):
            self.outcomes = {}
        elif isinstance(event, BreakEnded | NaturalBreakRecorded):
            outcome = event.outcome.value if isinstance(event, BreakEnded) else "natural"
            per_kind = self.outcomes.setdefault(event.kind, {})
            per_kind[outcome] = per_kind.get(outcome, 0) + 1

    def applied(self, prop: str) -> None:
        self.checked.add(prop)

    @property
    def settings(self) -> TimerSettings:
        return self.timer.settings

    def earned(self) -> dict[str, float]:
        return {b.kind: self.timer.earned_s(b.kind) for b in self.settings.breaks}

    def fail(self, message: str) -> str:
        return message + "\n" + "\n".join(self.log[-25:])

    # --- one observation ---

    def observe(
        self, seconds: float, idle_s: float | None, active: float, busy: str | None = None
    ) -> list[Event]:
        """Advance real time by `seconds` and observe; `active` is the model's work in it."""
        before_day = self.timer.status().day
        before_active = self.timer.status().active_today_s
        current_before = self.timer.current
        self.clock.advance(seconds)
        now = self.clock.now()
        mono = self.clock.monotonic() if self.use_mono else None
        free: BreakTimer | None = None
        self.looks += 1
        # (n) is checked on every fourth busy look: a copy per look would double the run time
        if busy is not None and self.looks % 4 == 0 and not self.timer.busy_matters(seconds):
            settings = self.timer.settings  # frozen: shared, not copied (keeps this cheap)
            free = copy.deepcopy(self.timer, {id(settings): settings})
        events = self.timer.observe(now, idle_s, mono=mono, busy=busy)
        if free is not None:
            # (n) the busy answer was not needed: a free desktop gives the same
            self.applied("n")
            assert free.observe(now, idle_s, mono=mono) == events, self.fail(
                f"busy={busy!r} changed a step that busy_matters({seconds:g}) called free"
            )
            assert free == self.timer, self.fail("busy changed the timer's state")
        self.model.busy = busy
        self.check_busy_wait(seconds, busy, events)
        self.seen.update(type(e).__name__ for e in events)
        self.log.append(f"{now.isoformat()} +{seconds:g}s idle={idle_s} -> {_brief(events)}")
        for kind in self.model.active_since_prompt:
            self.model.active_since_prompt[kind] += active
        if self.model.paused_until is not None and now.timestamp() >= self.model.paused_until:
            self.model.paused_until = None
        self.check_events(now, events, current_before)
        self.check_invariants(before_day, before_active)
        return events

    def check_events(self, now: datetime, events: list[Event], current: str | None) -> None:
        for event in events:
            self.tally(event)
            # (j) the break that is due, snoozed or on screen ends with BreakEnded, never with a
            # second record of a natural break beside it
            if isinstance(event, NaturalBreakRecorded):
                assert event.kind != current, self.fail(f"{event} while {current} was current")
            if not isinstance(event, BreakDue | BreakPrompted):
                continue
            # (l) a break due when working hours ended was cancelled: none is due the moment
            # they begin again
            assert not any(isinstance(e, WorkingHoursBegan) for e in events), self.fail(
                f"{event} as working hours began"
            )
            # (b) no break is due or asked for while paused or outside working hours
            assert not self.model.paused(now), self.fail(f"{event} while paused")
            assert self.settings.working_hours.contains(now), self.fail(
                f"{event} outside working hours"
            )
            if isinstance(event, BreakPrompted):
                self.check_prompt_spacing(event)

    def check_busy_wait(self, seconds: float, busy: str | None, events: list[Event]) -> None:
        # (m) a prompt held back for a busy desktop waits less than busy_max_wait_s
        model = self.model
        if model.held_s is not None and busy is not None:
            model.held_s += seconds
        if any(isinstance(e, BreakPrompted | BreakEnded) for e in events):
            model.held_s = None
        if model.held_s is None and any(isinstance(e, BreakDeferred) for e in events):
            model.held_s = 0.0
        cap = self.settings.busy_max_wait_s
        if model.held_s is not None and cap is not None and busy is not None:
            self.applied("m")
            assert model.held_s < cap, self.fail(f"a prompt held {model.held_s:g}s (cap {cap}s)")

    def check_prompt_spacing(self, event: BreakPrompted) -> None:
        # (a) two prompts of one kind are an interval of work apart, unless a command came between
        kind = event.kind
        every = next(b.every_s for b in self.settings.breaks if b.kind == kind)
        if kind in self.model.active_since_prompt and not self.model.command_since_prompt[kind]:
            worked = self.model.active_since_prompt[kind]
            self.applied("a")
            assert worked >= every - EPS, self.fail(
                f"{kind} asked again after {worked:g}s of work (interval {every}s)"
            )
        self.model.active_since_prompt[kind] = 0.0
        self.model.command_since_prompt[kind] = False
        self.model.prompts += 1

    def check_invariants(self, before_day: object, before_active: float) -> None:
        status = self.timer.status()
        # (f) counters are never negative; the day's active time never decreases within a day
        for kind, value in self.earned().items():
            assert value >= 0, self.fail(f"earned_s({kind}) = {value}")
        if status.day == before_day:
            assert status.active_today_s >= before_active - EPS, self.fail("active_today fell")
        # (i) outside working hours the timer is quiet, inside it is not. Not checked while
        # paused or on a break (hours may begin or end meanwhile), nor while snoozed: a break the
        # user takes after hours and then snoozes is SNOOZED until the next look cancels it.
        if status.state not in (State.PAUSED, State.ON_BREAK, State.SNOOZED):
            inside = self.settings.working_hours.contains(self.clock.now())
            assert (status.state is State.OFF_HOURS) == (not inside), self.fail(
                f"state {status.state.name} with working hours {'on' if inside else 'off'}"
            )
        # (o) the day's skips never exceed the daily cap
        cap = self.settings.max_skips_per_day
        skipped = sum(per_kind.get("skipped", 0) for per_kind in self.outcomes.values())
        assert cap is None or skipped <= cap, self.fail(f"{skipped} skips today, cap {cap}")
        if cap is not None and skipped == cap:
            self.applied("o")
        # (k) the day's outcome figures are the tally of the events since the day began
        assert status.outcomes_today == self.outcomes, self.fail(
            f"outcomes_today {status.outcomes_today} but events say {self.outcomes}"
        )
        # (g) the wait is never 0: no busy loop
        wait = self.timer.seconds_until_next(self.clock.now())
        assert wait is None or wait > 0, self.fail(f"seconds_until_next = {wait} in {status}")

    def check_natural(self, away: float) -> None:
        # (c) away >= max(length, idle threshold) restarts that kind's counter, except for the
        # kinds a break on screen covers: they restart when it ends.
        covered = -1
        if self.timer.state is State.ON_BREAK and self.timer.current is not None:
            covered = next(b.length_s for b in self.settings.breaks if b.kind == self.timer.current)
        for spec in self.settings.breaks:
            if away >= max(spec.length_s, self.settings.idle_threshold_s) and (
                spec.length_s > covered
            ):
                self.applied("c")
                assert self.timer.earned_s(spec.kind) == 0, self.fail(
                    f"{spec.kind}: away {away:g}s but earned_s = {self.timer.earned_s(spec.kind)}"
                )

    # --- the steps ---

    def step(self, step: Step) -> None:
        threshold = self.settings.idle_threshold_s
        match step:
            case Work(seconds, poll, unknown, busy):
                left = float(seconds)
                while left > 0:
                    dt = min(poll, left)
                    left -= dt
                    self.model.away_s = 0.0
                    self.observe(dt, None if unknown else 0.0, dt, busy)
            case WorkThenAway(seconds, away):
                worked = seconds - away if away >= threshold else seconds
                self.model.away_s = float(away)
                self.observe(seconds, float(away), worked)
                self.check_natural(away)
            case Away(seconds, poll):
                left = float(seconds)
                while left > 0:
                    dt = min(poll, left)
                    left -= dt
                    self.model.away_s += dt
                    away = self.model.away_s
                    worked = dt if away < threshold else max(0.0, dt - away)
                    self.observe(dt, away, worked)
                    self.check_natural(away)
            case Suspend(extra, input_on_wake):
                self.suspend(self.settings.suspend_gap_s + extra, input_on_wake)
            case Jump(seconds):
                self.jump(seconds)
            case Do():
                self.command(step)
            case DoAllowed(pick, arg, skipped):
                allowed = sorted(self.timer.status().allowed, key=lambda c: c.value)
                if allowed:
                    command = allowed[pick % len(allowed)]
                    if command is Command.PAUSE and arg is None:
                        arg = 30 * MIN  # a pause "until resumed" comes from Do steps
                    self.command(Do(command, arg, skipped))

    def suspend(self, seconds: float, input_on_wake: bool) -> None:
        before, before_active = self.earned(), self.timer.status().active_today_s
        away = self.model.away_s + seconds
        self.model.away_s = 0.0 if input_on_wake else away
        events = self.observe(seconds, self.model.away_s, 0.0)
        self.check_natural(away)
        # (d) a suspend gap asks for each kind at most once, and counts no work
        asked = [e.kind for e in events if isinstance(e, BreakPrompted)]
        self.applied("d")
        assert len(asked) == len(set(asked)), self.fail(f"burst after a suspend: {asked}")
        for kind, value in self.earned().items():
            assert value <= before[kind] + EPS, self.fail(f"a suspend counted work for {kind}")
        assert self.timer.status().active_today_s <= before_active + EPS, self.fail(
            "a suspend counted as screen time"
        )

    def jump(self, seconds: int) -> None:
        if not self.use_mono:  # without a monotonic clock a jump is indistinguishable from time
            return
        hours = self.settings.working_hours
        was_inside = hours.contains(self.clock.now())
        was_paused = self.model.paused_until is not None
        before, before_active = self.earned(), self.timer.status().active_today_s
        self.clock.jump_wall(seconds)
        # the same desktop as a moment ago: only the wall clock differs
        events = self.observe(0.0, self.model.away_s, 0.0, self.model.busy)
        after = self.earned()
        # (e) a jump alone never adds work...
        for kind, value in after.items():
            assert value <= before[kind] + EPS, self.fail(f"a clock jump counted work for {kind}")
        assert self.timer.status().active_today_s <= before_active + EPS, self.fail(
            "a clock jump counted as screen time"
        )
        # ...and, unless it moved the wall clock across a working-hours boundary or past the end
        # of a pause (both follow the wall clock by design) or the user is away, moves nothing.
        quiet = (
            hours.contains(self.clock.now()) == was_inside
            and (self.model.paused_until is not None) == was_paused
            and self.model.away_s < self.settings.idle_threshold_s
            and not any(isinstance(e, Resumed) for e in events)
        )
        if quiet:
            self.applied("e")
            fired = [e for e in events if isinstance(e, BreakDue | BreakPrompted)]
            assert not fired, self.fail(f"a clock jump fired {fired}")
            assert after == before, self.fail(f"a clock jump moved counters {before} -> {after}")

    def command(self, step: Do) -> None:
        timer, now = self.timer, self.clock.now()
        status = timer.status()
        allowed = step.command in status.allowed
        kinds = [b.kind for b in self.settings.breaks]
        until: datetime | None = None
        match step.command:
            case Command.SNOOZE:
                for_s = step.arg
                allowed &= status.snoozes_left != 0 and (for_s is None or for_s > 0)

                def call() -> list[Event]:
                    return timer.snooze(now, for_s)

            case Command.SKIP:
                allowed &= status.skip_allowed

                def call() -> list[Event]:
                    return timer.skip(now)

            case Command.PAUSE:
                if step.arg is not None:  # in real time, as the service computes it
                    later = now.astimezone(UTC) + timedelta(seconds=abs(step.arg) + 1)
                    until = later.astimezone(now.tzinfo)

                def call() -> list[Event]:
                    return timer.pause(now, until)

            case Command.RESUME:

                def call() -> list[Event]:
                    return timer.resume(now)

            case Command.TAKE_NOW:
                kind = None if step.arg is None or not kinds else kinds[step.arg % len(kinds)]
                allowed &= bool(kinds)

                def call() -> list[Event]:
                    return timer.take_now(now, kind)

            case Command.START_BREAK:

                def call() -> list[Event]:
                    return timer.start_break(now)

            case Command.FINISH_BREAK:
                outcome = Outcome.SKIPPED if step.skipped else Outcome.TAKEN
                if step.skipped:
                    allowed &= status.skip_allowed

                def call() -> list[Event]:
                    return timer.finish_break(now, outcome)

        # (h) accepted exactly when allowed; refused: IllegalCommand and nothing changed
        if not allowed:
            before = copy.deepcopy(timer)
            try:
                call()
            except IllegalCommand:
                pass
            else:
                raise AssertionError(self.fail(f"{step} accepted in {status}"))
            assert timer == before, self.fail(f"refused {step} changed the timer")
            return
        for kind in self.model.command_since_prompt:
            self.model.command_since_prompt[kind] = True
        self.model.held_s = None  # a command (snooze, pause...) starts any wait afresh
        before_day, before_active = status.day, status.active_today_s
        events = call()
        self.accepted += 1
        self.log.append(f"{now.isoformat()} {step} -> {_brief(events)}")
        if step.command is Command.PAUSE:
            self.model.paused_until = math.inf if until is None else until.timestamp()
        elif step.command is Command.RESUME:
            self.model.paused_until = None
        started = [e for e in events if isinstance(e, BreakStarted)]
        assert all(e.length_s > 0 for e in started)
        self.check_events(now, events, None)
        self.check_invariants(before_day, before_active)


def _brief(events: list[Event]) -> str:
    return ", ".join(
        type(e).__name__ + (f"({e.kind})" if hasattr(e, "kind") else "") for e in events
    )


def run_timeline(
    settings_: TimerSettings, start: datetime, steps: list[Step], *, use_mono: bool = True
) -> Run:
    timer = BreakTimer(settings_)
    clock = LocalClock(start)
    model = Model()
    for spec in settings_.breaks:
        model.command_since_prompt[spec.kind] = False
    run = Run(timer, clock, model, use_mono)
    assert timer.observe(clock.now(), 0.0, mono=clock.monotonic() if use_mono else None) == []
    for step in steps:
        run.step(step)
    # What the timelines exercised, for --hypothesis-show-statistics.
    note_event(f"prompts: {min(model.prompts, 10)}{'+' if model.prompts > 10 else ''}")
    note_event(f"commands accepted: {min(run.accepted, 5)}{'+' if run.accepted > 5 else ''}")
    for prop in sorted(run.checked):
        note_event(f"property ({prop}) applied")
    for name in sorted(run.seen):
        note_event(f"saw {name}")
    return run


# --- the properties -------------------------------------------------------------------------------


@profile(500, HealthCheck.data_too_large)
@given(
    settings_=timer_settings(),
    start=starts(dst=False),
    steps=st.lists(steps_with_jumps, min_size=10, max_size=60),
)
def test_timer_properties_random_timelines(
    settings_: TimerSettings, start: datetime, steps: list[Step]
) -> None:
    run_timeline(settings_, start, steps)


@profile(400, HealthCheck.data_too_large)
@given(
    settings_=timer_settings(),
    start=starts(dst=True),
    steps=st.lists(steps_with_jumps, min_size=10, max_size=60),
)
def test_timer_properties_across_a_dst_change(
    settings_: TimerSettings, start: datetime, steps: list[Step]
) -> None:
    run_timeline(settings_, start, steps)


@profile(200, HealthCheck.data_too_large)
@given(
    settings_=timer_settings(always_on=True),
    start=starts(dst=True),
    steps=st.lists(steps_without_jumps, min_size=10, max_size=60),
)
def test_timer_properties_wall_clock_only(
    settings_: TimerSettings, start: datetime, steps: list[Step]
) -> None:
    # No monotonic clock: durations come from the aware wall clock, across DST too.
    run_timeline(settings_, start, steps, use_mono=False)


@profile(200, HealthCheck.data_too_large)
@given(
    settings_=timer_settings(always_on=True),
    start=starts(dst=False),
    steps=st.lists(st.one_of(steps_of_busy_days, jumps), min_size=10, max_size=60),
)
def test_timer_properties_busy_working_days(
    settings_: TimerSettings, start: datetime, steps: list[Step]
) -> None:
    # Mostly work, sometimes on a busy desktop: many prompts, reminders and deferrals.
    run_timeline(settings_, start, steps)


@profile(200, HealthCheck.data_too_large)
@given(
    night=short_nights(),
    steps=st.lists(st.one_of(steps_of_busy_days, jumps), min_size=10, max_size=60),
)
def test_timer_properties_short_nights(
    night: tuple[TimerSettings, datetime], steps: list[Step]
) -> None:
    # Working hours with a short gap that people work through: breaks due when hours end
    # must not come straight back when they begin.
    run_timeline(*night, steps)


@profile(300, HealthCheck.data_too_large)
@given(
    settings_=timer_settings(always_on=True),
    hours=split_days(),
    start=starts(dst=False),
    steps=st.lists(st.one_of(steps_of_busy_days, jumps), min_size=10, max_size=60),
)
def test_timer_properties_several_ranges_a_day(
    settings_: TimerSettings, hours: WorkingHours, start: datetime, steps: list[Step]
) -> None:
    # Two or three working-hours ranges a day, mostly work with random commands: no break is
    # ever due or asked for in a gap (b), the timer is quiet there (i), and the daily skip cap
    # holds (o).
    run_timeline(replace(settings_, working_hours=hours), start, steps)


@profile(300, HealthCheck.data_too_large)
@given(
    settings_=timer_settings(always_on=True),
    hours=week_plans(),
    start=starts(dst=False),
    steps=st.lists(st.one_of(steps_of_busy_days, jumps), min_size=10, max_size=60),
)
def test_timer_properties_hours_of_their_own_on_some_weekdays(
    settings_: TimerSettings, hours: WorkingHours, start: datetime, steps: list[Step]
) -> None:
    # Per-weekday plans (some days with ranges of their own, one to three with gaps): no break
    # is ever due or asked for outside that day's ranges (b), the timer is quiet there (i).
    run_timeline(replace(settings_, working_hours=hours), start, steps)


@profile(200, HealthCheck.data_too_large)
@given(
    settings_=timer_settings(always_on=True),
    cap=st.integers(0, 3),
    start=starts(dst=False),
    steps=st.lists(st.one_of(steps_of_busy_days, jumps), min_size=10, max_size=60),
)
def test_timer_properties_the_daily_skip_cap_holds(
    settings_: TimerSettings, cap: int, start: datetime, steps: list[Step]
) -> None:
    # Busy days with many prompts and random commands (skips among them): never more skips in
    # a working day than the cap (o); a refused skip changes nothing (h).
    run = run_timeline(
        replace(settings_, max_skips_per_day=cap, max_skips_in_row=None), start, steps
    )
    assert run.timer.skips_today() <= cap
