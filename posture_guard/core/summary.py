"""The figures of N working days (`posture-guard stats`, the report): pure.

Rule 1: `summarise` and `format_summary` are pure: records, days and the local zone arrive as
        arguments, and a Summary (frozen values) comes back. `app/stats.py` `stats_text` is the
        one function that reads the store for them; it decides nothing the pure ones do not.
Rule 2: a break belongs to the working day of its `ended` time in the local zone
        (`timer.day_of`, the day starting at `day_starts_at`, 04:00 by default), so a break
        ending at 02:00 counts for the day before. Active time is the store's `DayActivity`,
        which the timer already keeps per working day.
Rule 3: the definitions are written where the figures are (`KindFigures`, `DayFigures`) and
        printed under the table, so nobody has to guess what a percentage means.

The longest stretch of active time without a break is the store's work stretches (v3, recorded
by the service: stretches.py). Days from before the service recorded them have none; when no day
of the period has one, the table shows `longest_gap_s` instead, a wall-clock bound between
breaks (see `DayFigures`), and says so.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, time, timedelta, tzinfo
from itertools import pairwise
from typing import TYPE_CHECKING, Final

from posture_guard.core.episodes import Episode
from posture_guard.core.i18n import N_, _, ngettext
from posture_guard.core.localeforms import (
    format_clock,
    format_date,
    format_date_time,
    format_percent,
    format_short_date,
)
from posture_guard.core.settings import BREAK_KINDS
from posture_guard.core.timer import Outcome, day_of
from posture_guard.core.units import format_duration
from posture_guard.core.wording import kind_word

if TYPE_CHECKING:
    from posture_guard.core.records import BreakRecord, DayActivity
    from posture_guard.core.stretches import WorkStretch

MAX_DAYS: Final = 3650
DAYS_EXPECTED: Final = f"expected a whole number of days from 1 to {MAX_DAYS}"
NO_DATA: Final = "no data yet"
# The definitions are marked for the catalogues and translated where printed (i18n Rule 2).
ADHERENCE_DEFINITION: Final = N_(
    "adherence = (taken + natural) / (taken + natural + skipped); merged and cancelled are left out"
)
STRETCH_DEFINITION: Final = N_(
    "longest stretch = the most active time between two rests (a break taken, or stepping away"
    " for a break's length) on that day, as measured"
)
GAP_DEFINITION: Final = N_(
    "longest gap = the longest wall-clock time between the ends of two consecutive taken or"
    " natural breaks (any kind) on that day"
)
#: Outcomes that mean the person rested; their end times bound the day's gaps.
_RESTED: Final = frozenset({Outcome.TAKEN, Outcome.NATURAL})


@dataclass(frozen=True, slots=True, kw_only=True)
class DayFigures:
    """One working day.

    Attributes:
        day: the working day (it starts at `day_starts_at` local time).
        active_s: active input seconds as the timer counted them; None when the store has no
            figure for the day (the service did not run), which is not the same as 0.
        taken, natural, skipped: breaks of every kind with that outcome that ended on the day.
        longest_gap_s: the longest wall-clock time between the ends of two consecutive taken or
            natural breaks (any kind) that ended on the day; None with fewer than two. It is
            bounded by the day's first and last such break (the time before the first and after
            the last is not counted), and it includes any time away or idle in between, so it
            is an upper bound on active time without a break, not that time itself.
        longest_stretch_s: the longest work stretch (active seconds between two rests) whose
            rest began on the day, as the service measured it; None when none was recorded.
    """

    day: date
    active_s: float | None
    taken: int
    natural: int
    skipped: int
    longest_gap_s: float | None
    longest_stretch_s: float | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class KindFigures:
    """One break kind over the whole period.

    Attributes:
        kind: "posture", "stretch", "movement" (or any other kind the store holds).
        prompted: breaks of this kind that were shown as a prompt (have a `prompted` time).
        taken, natural, skipped, merged, cancelled: breaks with that outcome.
        snoozed: the sum of their snoozes (a break snoozed twice counts 2).
    """

    kind: str
    prompted: int
    taken: int
    natural: int
    skipped: int
    snoozed: int
    merged: int
    cancelled: int

    @property
    def adherence(self) -> float | None:
        """(taken + natural) / (taken + natural + skipped), 0..1; None when that is 0/0.

        Merged breaks (covered by a longer one) and cancelled ones (by a pause, the end of
        working hours or a quit) were never the person's choice, so they are left out.
        """
        rested = self.taken + self.natural
        asked = rested + self.skipped
        return None if asked == 0 else rested / asked


@dataclass(frozen=True, slots=True, kw_only=True)
class Summary:
    """The period's figures: one DayFigures per day asked for (in order), one KindFigures per
    known kind (config order) and per other kind found (by name); `has_data` is False when no
    break ended and no active time was recorded in the period."""

    days: tuple[DayFigures, ...]
    kinds: tuple[KindFigures, ...]
    day_starts_at: time
    has_data: bool

    @property
    def stretch_measured(self) -> bool:
        """True when some day has a measured stretch (else the gap bound stands in)."""
        return any(d.longest_stretch_s is not None for d in self.days)


def summarise(
    breaks: Sequence[BreakRecord],
    activity: Sequence[DayActivity],
    days: Sequence[date],
    day_starts_at: time,
    zone: tzinfo,
    *,
    stretches: Sequence[WorkStretch] = (),
) -> Summary:
    """The figures of `days` from the store's records; records outside those days are ignored.

    Args:
        breaks: break records (any order); each counts for the working day of its `ended` in
            `zone`.
        activity: active seconds per working day.
        days: the working days to report, in the order to show them.
        stretches: work stretches; each counts for the working day of its `ended`.
        day_starts_at: when a working day begins, local time.
        zone: the local time zone.

    Raises:
        ValueError: `days` is empty.
    """
    if not days:
        raise ValueError("days: expected at least one day, got none")
    wanted = set(days)
    by_day: dict[date, list[BreakRecord]] = {}
    for record in breaks:  # grouped once: five years of breaks stay linear
        day = day_of(record.ended.astimezone(zone), day_starts_at)
        if day in wanted:
            by_day.setdefault(day, []).append(record)
    active = {a.day: a.active_s for a in activity if a.day in wanted}
    longest: dict[date, float] = {}
    for stretch in stretches:
        day = day_of(stretch.ended.astimezone(zone), day_starts_at)
        if day in wanted:
            longest[day] = max(longest.get(day, 0.0), stretch.active_s)

    day_figures = []
    for day in days:
        on_day = by_day.get(day, [])
        day_figures.append(
            DayFigures(
                day=day,
                active_s=active.get(day),
                taken=_count(on_day, Outcome.TAKEN),
                natural=_count(on_day, Outcome.NATURAL),
                skipped=_count(on_day, Outcome.SKIPPED),
                longest_gap_s=_longest_gap(on_day),
                longest_stretch_s=longest.get(day),
            )
        )

    records = [record for on_day in by_day.values() for record in on_day]
    found = {record.kind for record in records}
    kinds = [*BREAK_KINDS, *sorted(found - set(BREAK_KINDS))]
    kind_figures = []
    for kind in kinds:
        of_kind = [record for record in records if record.kind == kind]
        kind_figures.append(
            KindFigures(
                kind=kind,
                prompted=sum(1 for record in of_kind if record.prompted is not None),
                taken=_count(of_kind, Outcome.TAKEN),
                natural=_count(of_kind, Outcome.NATURAL),
                skipped=_count(of_kind, Outcome.SKIPPED),
                snoozed=sum(record.snoozes for record in of_kind),
                merged=_count(of_kind, Outcome.MERGED),
                cancelled=_count(of_kind, Outcome.CANCELLED),
            )
        )
    return Summary(
        days=tuple(day_figures),
        kinds=tuple(kind_figures),
        day_starts_at=day_starts_at,
        has_data=bool(records or active),
    )


def format_summary(summary: Summary, open_episode: Episode | None, advice_line: str | None) -> str:
    """The summary as `posture-guard stats` prints it: a line per day, a line per break kind,
    the definitions, then the open episode and the latest advice when there are any."""
    first, last = summary.days[0].day, summary.days[-1].day
    count = len(summary.days)
    head = ngettext(
        "Last {count} day: {first} to {last} (a day starts at {start})",
        "Last {count} days: {first} to {last} (a day starts at {start})",
        count,
    ).format(
        count=count,
        first=format_date(first),
        last=format_date(last),
        start=format_clock(summary.day_starts_at),
    )
    lines = [head]
    if not summary.has_data:
        lines.append(_("no data yet: no active time or breaks recorded in this period"))
    else:
        measured = summary.stretch_measured
        last_column = _("longest stretch") if measured else _("longest gap")
        # Translators: the stats table's column headers; short words keep the table narrow
        # a day in the language's short form ("2 Mar", "2. März") when the period is within one
        # year (the head says which), else written whole
        one_year = first.year == last.year
        day_cells = [
            format_short_date(day.day) if one_year else format_date(day.day) for day in summary.days
        ]
        days = _Table(
            (_("day"), max(10, *(len(cell) for cell in day_cells)), "<"),
            (_("active"), 7, ">"),
            (_("taken"), 5, ">"),
            (_("natural"), 7, ">"),
            (_("skipped"), 7, ">"),
            (last_column, 0, "<"),
        )
        lines += ["", days.row(*days.headers)]
        for day, day_cell in zip(summary.days, day_cells, strict=True):
            longest = day.longest_stretch_s if measured else day.longest_gap_s
            lines.append(
                days.row(
                    day_cell,
                    _duration(day.active_s),
                    day.taken,
                    day.natural,
                    day.skipped,
                    _duration(longest),
                )
            )
        total = sum(d.active_s for d in summary.days if d.active_s is not None)
        lines.append(
            days.row(
                _("total"),
                format_duration(total),
                sum(d.taken for d in summary.days),
                sum(d.natural for d in summary.days),
                sum(d.skipped for d in summary.days),
            )
        )
        kinds = _Table(
            (_("kind"), 10, "<"),
            (_("prompted"), 8, ">"),
            (_("taken"), 5, ">"),
            (_("natural"), 7, ">"),
            (_("skipped"), 7, ">"),
            (_("snoozed"), 7, ">"),
            (_("merged"), 6, ">"),
            (_("cancelled"), 9, ">"),
            (_("adherence"), 9, ">"),
        )
        lines += ["", kinds.row(*kinds.headers)]
        for k in summary.kinds:
            lines.append(
                kinds.row(
                    kind_word(k.kind),
                    k.prompted,
                    k.taken,
                    k.natural,
                    k.skipped,
                    k.snoozed,
                    k.merged,
                    k.cancelled,
                    _percent(k.adherence),
                )
            )
        definition = STRETCH_DEFINITION if measured else GAP_DEFINITION
        lines += ["", _(ADHERENCE_DEFINITION), _(definition)]
    lines.append("")
    lines.append(
        _("Open episode: none")
        if open_episode is None
        else _("Open episode: {id} since {time}, pain {pain} (peak {peak})").format(
            id=open_episode.id,
            time=format_date_time(open_episode.started),
            pain=open_episode.pain_now,
            peak=open_episode.pain_peak,
        )
    )
    lines.append(advice_line or _("Latest advice: none (no check-in yet)"))
    return "\n".join(lines)


class _Table:
    """Columns of a plain-text table: (header, least width, "<" or ">"); each column is as wide
    as its least width or its header, whichever is wider (a translated header never shifts the
    columns after it out of line), and columns are two spaces apart."""

    def __init__(self, *columns: tuple[str, int, str]) -> None:
        self.headers = tuple(header for header, _width, _align in columns)
        self._formats = tuple(
            (width and max(width, len(header)), align) for header, width, align in columns
        )

    def row(self, *cells: object) -> str:
        """The cells given (the first ones, when fewer than the columns), each aligned in its
        column; a last column of least width 0 is not padded."""
        parts = []
        for cell, (width, align) in zip(cells, self._formats, strict=False):
            parts.append(f"{cell!s:{align}{width}}")
        return "  ".join(parts)


def period(today: date, count: int) -> tuple[date, ...]:
    """The `count` working days ending with `today`, oldest first.

    Raises:
        ValueError: `count` is not 1..MAX_DAYS.
    """
    if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= MAX_DAYS:
        raise ValueError(f"{DAYS_EXPECTED}, got {count!r}")
    return tuple(today - timedelta(days=n) for n in range(count - 1, -1, -1))


def _count(records: Sequence[BreakRecord], outcome: Outcome) -> int:
    return sum(1 for record in records if record.outcome is outcome)


def _longest_gap(records: Sequence[BreakRecord]) -> float | None:
    ends = sorted(record.ended for record in records if record.outcome in _RESTED)
    if len(ends) < 2:
        return None
    return max((later - earlier).total_seconds() for earlier, later in pairwise(ends))


def _duration(seconds: float | None) -> str:
    return "-" if seconds is None else format_duration(seconds)


def _percent(fraction: float | None) -> str:
    return "-" if fraction is None else format_percent(fraction * 100)
