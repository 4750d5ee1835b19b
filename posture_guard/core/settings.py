"""The settings as values: the break plan, working hours, controls, branding and fleet.

Pure frozen values, built by the loader (config.py) and read by the timer, the tray and the
windows. Nothing here reads a file.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, time
from pathlib import Path
from typing import Final

from posture_guard.core import clinic
from posture_guard.core.i18n import N_

BREAK_KINDS: Final = ("posture", "stretch", "movement")
#: Each kind's title, in English (`BreakSpec.title`); shown through `_` (i18n.py Rule 1).
BREAK_TITLES: Final[Mapping[str, str]] = {
    "posture": N_("Posture and eyes check"),
    "stretch": N_("Stretch break"),
    "movement": N_("Movement break"),
}
DAY_NAMES: Final = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True, slots=True, kw_only=True)
class BreakSpec:
    """One kind of break: earned by `every_s` of active time, lasting `length_s`."""

    kind: str
    #: In English (BREAK_TITLES): shown as `_(title)`.
    title: str
    every_s: int
    length_s: int


@dataclass(frozen=True, slots=True, kw_only=True)
class WorkingHours:
    """Days (0 = Monday) and local times in which breaks are asked for.

    `start`-`end` is the first range of each day; `more` holds the day's further ranges
    (`[working_hours] hours = "09:00-12:00, 13:00-17:30"`). With further ranges every range
    starts before it ends and none overlaps another (the loader checks this); a lone range
    whose start is after its end spans midnight.
    """

    days: frozenset[int]
    start: time
    end: time  # time.max means the end of the day
    #: The day's further ranges, each (start, end) with start < end; () for one range.
    more: tuple[tuple[time, time], ...] = ()
    #: Days (0 = Monday) with ranges of their own (`[working_hours] fri = "08:00-13:00"`),
    #: each range start < end and none overlapping; the other days have `ranges`.
    by_day: tuple[tuple[int, tuple[tuple[time, time], ...]], ...] = ()

    @property
    def ranges(self) -> tuple[tuple[time, time], ...]:
        """Every range of a usual working day, the first one first."""
        return ((self.start, self.end), *self.more)

    def ranges_on(self, weekday: int) -> tuple[tuple[time, time], ...]:
        """The ranges of `weekday` (0 = Monday): its own, else the usual ones."""
        return next((own for day, own in self.by_day if day == weekday), self.ranges)

    def contains(self, moment: datetime) -> bool:
        """True when `moment` (aware, local) is inside working hours; a start after end spans midnight."""
        t = moment.timetz().replace(tzinfo=None)
        today, yesterday = moment.weekday(), (moment.weekday() - 1) % 7
        if today in self.days:
            for start, end in self.ranges_on(today):
                if start <= end:  # time.max ends the day: its last microsecond is inside too
                    if start <= t and (t < end or end == time.max):
                        return True
                elif t >= start:
                    return True
        if yesterday in self.days:  # after midnight: a span that began on the previous day
            for start, end in self.ranges_on(yesterday):
                if start > end and t < end:
                    return True
        return False


@dataclass(frozen=True, slots=True, kw_only=True)
class TimerSettings:
    """Everything the break timer needs, in seconds."""

    breaks: tuple[BreakSpec, ...]  # enabled kinds only, shortest length first
    idle_threshold_s: int
    suspend_gap_s: int
    day_starts_at: time
    daily_limit_s: int | None
    snooze_s: int
    max_snoozes: int | None  # None = unlimited
    max_skips_in_row: int | None  # None = unlimited
    working_hours: WorkingHours
    #: Skips allowed in one working day, all kinds together; None = unlimited.
    max_skips_per_day: int | None = None
    #: Longest real time a due break waits for a busy desktop (full screen, locked, a
    #: meeting) before it is asked for anyway; None = waits as long as the desktop is busy.
    busy_max_wait_s: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Controls:
    """Which control commands the person may use (`[controls]`); False = refused."""

    snooze: bool
    skip: bool
    pause: bool
    quit: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class Branding:
    """The organisation's branding from the policy (`[branding]`); None = not set.

    The tray, break window, advice and report read these; nothing here is health data.
    """

    organisation: str | None
    accent_colour: str | None  # "#rrggbb", lower case
    logo: Path | None  # an existing PNG file
    support_contact: str | None
    welcome: str | None
    clinic: clinic.ClinicProfile | None  # the organisation's clinic, used when the user has none


@dataclass(frozen=True, slots=True, kw_only=True)
class Fleet:
    """Fleet figures (`[fleet]`): off unless the policy turns them on and names a directory."""

    directory: Path | None  # None = off
    team: str | None  # a group label for the employer's aggregation


@dataclass(frozen=True, slots=True, kw_only=True)
class Settings:
    """The effective settings after all layers."""

    timer: TimerSettings
    controls: Controls = Controls(snooze=True, skip=True, pause=True, quit=True)
    branding: Branding = Branding(
        organisation=None,
        accent_colour=None,
        logo=None,
        support_contact=None,
        welcome=None,
        clinic=None,
    )
    fleet: Fleet = Fleet(directory=None, team=None)
    #: Full dotted keys the policy locks.
    locked: frozenset[str] = frozenset()
    #: The language to speak ("de", "hi"); None: the desktop's (`general.language = "auto"`).
    language: str | None = None
    #: A soft sound when a break starts and when its time is up (`[sound] enabled`).
    sound: bool = True
    #: The desktop's notifications (the coming break, the break, reminders); off, the break
    #: window and the tray still say it (`[notifications] enabled`).
    notifications: bool = True
