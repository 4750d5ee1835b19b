"""Typed fakes for tests and benchmarks (after trio.testing): a clock, an idle source, a notifier,
a chime.

They implement the same Protocols (`posture_guard.core.ports`) as the real adapters in
`posture_guard.desktop`, so the service runs unchanged on them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from posture_guard.app.store import Store
    from posture_guard.core.cues import Cue


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
    tag: str | None = None


@dataclass
class RecordingNotifier:
    """Keeps every notice it is given, and what is on the screen as a daemon that replaces and
    withdraws tagged notices would show it; `fail=True` makes it behave like a dead daemon."""

    notices: list[Notice] = field(default_factory=list)
    #: What a replacing daemon shows now, oldest first (a tag replaces its notice in place).
    on_screen: list[Notice] = field(default_factory=list)
    withdrawn: list[str] = field(default_factory=list)
    fail: bool = False
    name: str = "recording"

    def notify(self, title: str, message: str, *, tag: str | None = None) -> bool:
        if self.fail:
            return False
        notice = Notice(title, message, tag)
        self.notices.append(notice)
        same = [i for i, n in enumerate(self.on_screen) if tag is not None and n.tag == tag]
        if same:
            self.on_screen[same[0]] = notice
        else:
            self.on_screen.append(notice)
        return True

    def withdraw(self, tag: str) -> None:
        self.withdrawn.append(tag)
        self.on_screen = [n for n in self.on_screen if n.tag != tag]

    def titles(self) -> Iterable[str]:
        return [n.title for n in self.notices]


@dataclass
class RecordingChime:
    """Keeps every cue it is asked to play; `muted_answer` is what `muted()` says (None: cannot
    tell), and `fail=True` acts as a player that cannot start."""

    played: list[Cue] = field(default_factory=list)
    muted_answer: bool | None = False
    #: How many times `muted()` was asked (it is a sound-server query in the real ones).
    muted_asked: int = 0
    fail: bool = False
    closed: bool = False
    name: str = "recording"

    def muted(self) -> bool | None:
        self.muted_asked += 1
        return self.muted_answer

    def play(self, cue: Cue) -> bool:
        if self.fail:
            return False
        self.played.append(cue)
        return True

    def close(self) -> None:
        self.closed = True


def synthetic_years(
    store: Store, last_day: date, years: int, zone: tzinfo, seed: int = 5
) -> tuple[int, int]:
    """Fill `store` with `years` of plausible working days ending `last_day` (for tests and
    bench/report.py): weekdays of 3-8 h of activity (in work stretches of 10-90 min) with 12-30
    breaks of every kind and outcome, an episode of neck pain with updates about every 7 weeks,
    a check-in a week.
    Seeded, so the same arguments give the same history. Returns (days written, breaks written).
    """
    import random  # noqa: PLC0415 - only the generator needs these
    from datetime import time as clock  # noqa: PLC0415

    from posture_guard.core.episodes import (  # noqa: PLC0415
        AgeBand,
        CheckIn,
        Episode,
        EpisodeUpdate,
        Helped,
        Stiffness,
        Trend,
        Trigger,
    )
    from posture_guard.core.records import AdviceSummary, BreakRecord, DayActivity  # noqa: PLC0415
    from posture_guard.core.stretches import WorkStretch  # noqa: PLC0415
    from posture_guard.core.tiers import Tier  # noqa: PLC0415
    from posture_guard.core.timer import Outcome  # noqa: PLC0415

    rng = random.Random(seed)  # noqa: S311 - made-up data, not secrets
    kinds = (("posture", 20), ("stretch", 120), ("movement", 300))
    outcomes = [Outcome.TAKEN] * 10 + [Outcome.NATURAL] * 6 + [Outcome.SKIPPED] * 5
    outcomes += [Outcome.MERGED, Outcome.CANCELLED]
    first = last_day - timedelta(days=365 * years - 1)
    day = first
    all_breaks: list[BreakRecord] = []
    activity: list[DayActivity] = []
    stretches: list[WorkStretch] = []
    while day <= last_day:
        if day.weekday() < 5:
            breaks = []
            start = datetime.combine(day, clock(8, 30), tzinfo=zone)
            minutes = rng.randint(180, 480)
            for _ in range(rng.randint(12, 30)):
                ended = start + timedelta(minutes=rng.uniform(5, minutes + 60))
                kind, length = rng.choice(kinds)
                outcome = rng.choice(outcomes)
                due = None if outcome is Outcome.NATURAL else ended - timedelta(seconds=90)
                breaks.append(
                    BreakRecord(
                        kind=kind,
                        ended=ended,
                        outcome=outcome,
                        due=due,
                        prompted=due,
                        started=ended - timedelta(seconds=length),
                        snoozes=rng.choice((0, 0, 0, 1, 2)),
                    )
                )
            all_breaks += breaks
            activity.append(DayActivity(day=day, active_s=minutes * 60.0))
            left, moment = minutes * 60.0, start
            while left > 0:  # the day's active time in stretches of 10-90 min between rests
                active = min(left, rng.uniform(600, 5400))
                stretches.append(
                    WorkStretch(
                        started=moment, ended=moment + timedelta(seconds=active), active_s=active
                    )
                )
                left, moment = left - active, moment + timedelta(seconds=active + 300)
        if (day - first).days % 49 == 20:
            began = datetime.combine(day, clock(9, 0), tzinfo=zone)
            pain = rng.randint(4, 8)
            episode = store.start_episode(
                Episode(
                    started=began,
                    pain_at_start=pain,
                    pain_peak=pain,
                    stiffness=Stiffness.MODERATE,
                    triggers=frozenset({rng.choice(list(Trigger))}),
                )
            )
            for n in range(1, 4):
                store.update_episode(
                    EpisodeUpdate(
                        at=began + timedelta(days=n, hours=3),
                        pain=max(0, pain - n),
                        helped=frozenset({rng.choice(list(Helped))}),
                        notes=f"day {n}",
                    ),
                    episode_id=episode.id,
                )
            store.end_episode(began + timedelta(days=5), episode_id=episode.id)
        if day.weekday() == 2:
            at = datetime.combine(day, clock(17, 0), tzinfo=zone)
            store.add_check_in(
                CheckIn(
                    at=at,
                    pain_now=rng.randint(0, 6),
                    stiffness=Stiffness.MILD,
                    trend=Trend.SAME,
                    age_band=AgeBand.FROM_20_TO_50,
                ),
                AdviceSummary(tier=Tier.SELF_CARE, rule_ids=()),
            )
        day += timedelta(days=1)
    store.save(breaks=all_breaks, activity=activity, stretches=stretches)  # one transaction
    return len(activity), len(all_breaks)
