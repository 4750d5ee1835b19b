"""Helpers that keep a timer test to one line per step, after h11's `tests/helpers.py`.

A scenario is a fixed, aware start (a Monday in Berlin), a `FakeClock`, and a list of steps:

    feed(timer, clock, [*active(19 * MIN), (60, 0)])

Each step `(seconds, idle_s)` advances real time (wall and monotonic clocks together) by
`seconds`, then observes with the idle time the desktop would report at that moment. The events
of all steps come back in order, so the test asserts exact events and then the state.

The clock runs in UTC and each observation is converted to the scenario's zone. That is how a
real clock works (`datetime.now(tz)`), and it keeps real elapsed time right across a DST change,
which adding a `timedelta` to a zoned datetime does not (Python's aware arithmetic is wall-clock
arithmetic).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, settings

from posture_guard.core.config import defaults
from posture_guard.core.settings import BreakSpec, TimerSettings, WorkingHours
from posture_guard.core.timer import BreakTimer, Event
from posture_guard.testing import FakeClock

MIN = 60
HOUR = 3600
BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
MONDAY = date(2026, 3, 2)
ALL_DAYS = frozenset(range(7))

Step = tuple[float, float | None]


def at(hhmm: str, day: date = MONDAY, tz: ZoneInfo = BERLIN) -> datetime:
    """An aware local time on `day`: at("09:20") is Monday 2 March 2026, 09:20 in Berlin."""
    hour, minute = (int(part) for part in hhmm.split(":"))
    return datetime.combine(day, time(hour, minute), tzinfo=tz)


def spec(kind: str, every_s: int, length_s: int) -> BreakSpec:
    return BreakSpec(kind=kind, title=f"{kind.title()} break", every_s=every_s, length_s=length_s)


def timer_settings(**changes: Any) -> TimerSettings:
    """The built-in timer settings with `changes` applied (dataclasses.replace)."""
    return replace(defaults().timer, **changes)


def hours(start: str, end: str, days: Iterable[int] = ALL_DAYS) -> WorkingHours:
    """Working hours from "HH:MM" to "HH:MM" ("24:00" is the end of the day)."""

    def clock(text: str) -> time:
        return time.max if text == "24:00" else time.fromisoformat(text)

    return WorkingHours(days=frozenset(days), start=clock(start), end=clock(end))


class LocalClock:
    """A FakeClock kept in UTC, read in a zone: `now()` is what `datetime.now(tz)` would say."""

    def __init__(self, start: datetime) -> None:
        assert start.tzinfo is not None
        self.tz = start.tzinfo
        self.fake = FakeClock(start.astimezone(UTC))

    def now(self) -> datetime:
        return self.fake.now().astimezone(self.tz)

    def monotonic(self) -> float:
        return self.fake.monotonic()

    def advance(self, seconds: float) -> None:
        self.fake.advance(seconds)

    def jump_wall(self, seconds: float) -> None:
        self.fake.jump_wall(seconds)


def start(settings: TimerSettings, when: datetime) -> tuple[BreakTimer, LocalClock]:
    """A timer that has made its first observation at `when` (which returns no events)."""
    timer = BreakTimer(settings)
    clock = LocalClock(when)
    assert timer.observe(clock.now(), 0.0, mono=clock.monotonic()) == []
    return timer, clock


def feed(
    timer: BreakTimer,
    clock: LocalClock,
    steps: Iterable[Step],
    *,
    busy: str | None = None,
    mono: bool = True,
) -> list[Event]:
    """Advance the clock and observe once per `(seconds, idle_s)` step; all events, in order.

    With `mono=False` the timer gets only the wall clock, as on a platform without a
    suspend-counting monotonic clock.
    """
    events: list[Event] = []
    for seconds, idle_s in steps:
        clock.advance(seconds)
        events += timer.observe(
            clock.now(), idle_s, mono=clock.monotonic() if mono else None, busy=busy
        )
    return events


def jump(timer: BreakTimer, clock: LocalClock, seconds: float, idle_s: float = 0.0) -> list[Event]:
    """Move only the wall clock (a manual change) and observe: the monotonic clock stands still."""
    clock.jump_wall(seconds)
    return timer.observe(clock.now(), idle_s, mono=clock.monotonic())


def active(seconds: float, poll: float = MIN) -> list[Step]:
    """`seconds` of work observed every `poll` seconds (input just now at each observation)."""
    whole, rest = divmod(seconds, poll)
    return [(poll, 0.0)] * int(whole) + ([(rest, 0.0)] if rest else [])


def idle(seconds: float, poll: float = MIN, already: float = 0.0) -> list[Step]:
    """`seconds` away from the keyboard, observed every `poll` seconds; idle time accumulates.

    `already` is the idle time at the start (when the run continues an earlier one).
    """
    steps: list[Step] = []
    done = 0.0
    while done < seconds:
        dt = min(poll, seconds - done)
        done += dt
        steps.append((dt, already + done))
    return steps


def profile(examples: int, *also_suppress: HealthCheck) -> settings:
    """Hypothesis settings for our property tests: deterministic (derandomized, no example
    database) and without a deadline, so CI sees the same runs every time."""
    return settings(
        max_examples=examples,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, *also_suppress],
    )
