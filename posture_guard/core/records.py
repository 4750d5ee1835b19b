"""What the diary and the break log keep, as values: breaks, days, advice summaries, check-ins.

Frozen, validated on construction; the store turns them into rows and back, the report and the
statistics read them. No SQL here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

from posture_guard.core.episodes import CheckIn, Episode
from posture_guard.core.tiers import Tier
from posture_guard.core.timer import Outcome
from posture_guard.core.units import seconds_at_least_zero

if TYPE_CHECKING:  # triage's module is the check-in's, never the service's (core/tiers.py)
    from posture_guard.core.triage import Advice


@dataclass(frozen=True, slots=True, kw_only=True)
class BreakRecord:
    """One break, from the moment it came due to its outcome; or a natural break (no `due`).

    Times are aware datetimes; the record keeps them in UTC (converted on construction), so two
    records are equal exactly when they describe the same instants. They need not be in order:
    a wall-clock change between two of them is kept as it was seen.

    Attributes:
        kind: the break kind ("posture", "stretch", "movement").
        ended: when the outcome happened.
        outcome: taken, natural, skipped, merged (into a longer break) or cancelled.
        due: when it came due; None for a break nobody asked for (natural, or taken early).
        prompted: the first prompt shown (reminders do not move it); None if never shown.
        started: when the break began: the break window opening, or for a natural break the
            moment input stopped; the latest start if it was started again after a snooze.
        snoozes: how many times it was snoozed.
        exercise: the id of the exercise the break offered ("" when it offered none, or
            before store v5 recorded it), for the programme's adherence (report).
    """

    kind: str
    ended: datetime
    outcome: Outcome
    due: datetime | None = None
    prompted: datetime | None = None
    started: datetime | None = None
    snoozes: int = 0
    exercise: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.kind, str) or not self.kind:
            raise ValueError(f"BreakRecord.kind: expected a break kind, got {self.kind!r}")
        if not isinstance(self.outcome, Outcome):
            raise ValueError(f"BreakRecord.outcome: expected an Outcome, got {self.outcome!r}")
        if not isinstance(self.exercise, str):
            raise ValueError(f"BreakRecord.exercise: expected an id or '', got {self.exercise!r}")
        if isinstance(self.snoozes, bool) or not isinstance(self.snoozes, int) or self.snoozes < 0:
            raise ValueError(
                f"BreakRecord.snoozes: expected a whole number >= 0, got {self.snoozes!r}"
            )
        object.__setattr__(self, "ended", in_utc("ended", self.ended))
        for name, value in (
            ("due", self.due),
            ("prompted", self.prompted),
            ("started", self.started),
        ):
            if value is not None:
                object.__setattr__(self, name, in_utc(name, value))


@dataclass(frozen=True, slots=True, kw_only=True)
class DayActivity:
    """Active (input) seconds on one working day, as the timer counts them.

    A working day starts at `day_starts_at` (04:00), so 02:00 belongs to the day before.
    """

    day: date
    active_s: float

    def __post_init__(self) -> None:
        if not isinstance(self.day, date) or isinstance(self.day, datetime):
            raise ValueError(f"DayActivity.day: expected a date, got {self.day!r}")
        seconds = seconds_at_least_zero(self.active_s, "DayActivity.active_s")
        object.__setattr__(self, "active_s", seconds)


@dataclass(frozen=True, slots=True, kw_only=True)
class DayTally:
    """A working day so far, as `status` says it: the active seconds and the breaks' outcomes
    (kind -> outcome value -> count). With a store these are what it holds for the day plus
    what is not saved yet (the figures `stats` reads, and the live part), so a restart of the
    service does not start the day again from zero."""

    active_s: float
    outcomes: Mapping[str, Mapping[str, int]]

    @classmethod
    def of(cls, active_s: float, breaks: Iterable[BreakRecord]) -> DayTally:
        """The tally of `active_s` and the outcomes of `breaks` (all of one day)."""
        outcomes: dict[str, dict[str, int]] = {}
        for record in breaks:
            per_kind = outcomes.setdefault(record.kind, {})
            per_kind[record.outcome.value] = per_kind.get(record.outcome.value, 0) + 1
        return cls(active_s=active_s, outcomes=outcomes)


@dataclass(frozen=True, slots=True, kw_only=True)
class AdviceSummary:
    """What a check-in's advice said, as the diary keeps it: the tier and the rules that fired.

    The words are not kept: they come from the package's content and are rebuilt by assessing
    again (`posture-guard advice`).
    """

    tier: Tier
    rule_ids: tuple[str, ...]

    def __post_init__(self) -> None:
        if not isinstance(self.tier, Tier):
            raise ValueError(f"AdviceSummary.tier: expected a Tier, got {self.tier!r}")
        if not isinstance(self.rule_ids, tuple) or not all(
            isinstance(r, str) and r for r in self.rule_ids
        ):
            raise ValueError(
                f"AdviceSummary.rule_ids: expected a tuple of rule ids, got {self.rule_ids!r}"
            )

    @classmethod
    def of(cls, advice: Advice) -> AdviceSummary:
        """The summary of an Advice."""
        return cls(tier=advice.tier, rule_ids=advice.rule_ids)


@dataclass(frozen=True, slots=True, kw_only=True)
class StoredCheckIn:
    """A check-in as stored: its id, the answers, and the advice they produced then."""

    id: int
    check_in: CheckIn
    advice: AdviceSummary


@dataclass(frozen=True, slots=True)
class PainEntry:
    """One pain rating as the diary holds it: an episode's start, an update with a pain, or a
    check-in. `seq` is its place in the order of entry across the three (the store's entry
    counter, from schema v7 on), None for one entered before; `at` is its date."""

    seq: int | None
    at: datetime
    pain: int


@dataclass(frozen=True, slots=True, kw_only=True)
class PickerDiary:
    """What the exercise picker reads of the diary, in one read: the current episode
    (`episodes.current_episode`), the check-in entered last, and the pain ratings among which
    the latest is chosen (`clock_ahead.latest_pain`): the current episode's, and the
    check-ins'."""

    current: Episode | None
    latest: StoredCheckIn | None
    pains: tuple[PainEntry, ...]


def in_utc(name: str, moment: object) -> datetime:
    if not isinstance(moment, datetime) or moment.utcoffset() is None:
        raise ValueError(f"BreakRecord.{name}: expected an aware datetime, got {moment!r}")
    return moment.astimezone(UTC)


@dataclass(frozen=True, slots=True, kw_only=True)
class StoredPack:
    """The clinic's pack in use (core/pack.py), as the store keeps it: which pack, where its
    files are, and its programme's phases in order.

    Attributes:
        id, version: the pack's own.
        digest: the SHA-256 of its manifest: names this exact pack.
        folder: the folder under the data folder that holds its files.
        imported: when it was imported.
        phases: the programme's phases, in order.
    """

    id: str
    version: str
    digest: str
    folder: str
    imported: datetime
    phases: tuple[str, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "imported", in_utc("imported", self.imported))
        if not self.phases:
            raise ValueError("StoredPack.phases: expected at least one phase")


@dataclass(frozen=True, slots=True, kw_only=True)
class PhaseChange:
    """From `at` on, the programme's phase in force is `phase` (until the next change)."""

    at: datetime
    phase: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "at", in_utc("at", self.at))
