"""The statistics window (tray -> Statistics…, `posture-guard stats --window`) as plain values:
today and the last 7 and 30 working days side by side, and the active time of each of the
last 7 days as bars. Pure; drawn by ui/form_gtk.py and ui/form_tk.py (`show_statistics`).

Rule 1: the figures are `summary.summarise`'s, the ones `posture-guard stats` prints: one
        Summary per period (`PERIODS`), read by app/stats.py; nothing is counted here that the
        summary does not count. Adherence is `KindFigures.adherence` of all kinds together.
Rule 2: the words are those of `stats` and the report ("active time", "taken", "adherence",
        their definitions under the table); durations, numbers, percentages and dates are the
        language's (units.format_duration, localeforms).
Rule 3: every figure can be read without seeing the table: each row carries the sentence a
        screen reader says for it (`spoken`), and so do the bars.
Rule 4: the bars are the report's colour for active time (`ACTIVE_COLOUR`, Okabe-Ito blue), or
        the high-contrast accent in high contrast.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from posture_guard.core.brand_colours import BLACK
from posture_guard.core.form_view import Action, Look
from posture_guard.core.i18n import _, ngettext
from posture_guard.core.localeforms import format_number, format_percent, format_short_date
from posture_guard.core.summary import (
    ADHERENCE_DEFINITION,
    GAP_DEFINITION,
    STRETCH_DEFINITION,
    KindFigures,
    Summary,
)
from posture_guard.core.units import format_duration

#: The periods side by side, in working days: today, the last 7, the last 30.
PERIODS: Final = (1, 7, 30)
#: How many of the last days the bars show.
BAR_DAYS: Final = 7
#: Active time in the report's charts (report/charts.py takes it from here).
ACTIVE_COLOUR: Final = "#0072B2"


@dataclass(frozen=True, slots=True)
class Row:
    """One figure over the periods: its label, a cell per period, and the sentence a screen
    reader says for the row."""

    label: str
    cells: tuple[str, ...]
    spoken: str


@dataclass(frozen=True, slots=True)
class Bar:
    """One day's bar: the day, its active time in words, its height (0..1 of the tallest)."""

    label: str
    value: str
    fraction: float


@dataclass(frozen=True, slots=True)
class StatisticsWindow:
    """What the window shows, top to bottom: the brand line, the title, a line saying when
    nothing is recorded yet, the table (column headers, rows), the bars with their title and
    colour, the definitions, and the buttons (Close, Esc)."""

    title: str
    columns: tuple[str, ...]
    rows: tuple[Row, ...]
    bars_title: str
    bars: tuple[Bar, ...]
    bar_colour: str
    notes: tuple[str, ...]
    actions: tuple[Action, ...]
    brand: str = ""
    empty: str = ""

    @property
    def bars_spoken(self) -> str:
        """The bars as a screen reader says them: the title, then each day and its time."""
        days = ", ".join(f"{bar.label} {bar.value}" for bar in self.bars)
        return f"{self.bars_title}: {days}"


def period_name(days: int) -> str:
    """A column's header: "Today", "Last 7 days"."""
    if days == 1:
        # Translators: the statistics window's column of the working day in progress
        return _("Today")
    # Translators: the statistics window's column of the last N working days, today included
    return ngettext("Last {count} day", "Last {count} days", days).format(count=format_number(days))


def _all_kinds(summary: Summary) -> KindFigures:
    """Every kind's figures added up, so that adherence is `KindFigures.adherence` (Rule 1)."""
    k = summary.kinds
    return KindFigures(
        kind="",
        prompted=sum(x.prompted for x in k),
        taken=sum(x.taken for x in k),
        natural=sum(x.natural for x in k),
        skipped=sum(x.skipped for x in k),
        snoozed=sum(x.snoozed for x in k),
        merged=sum(x.merged for x in k),
        cancelled=sum(x.cancelled for x in k),
    )


def _duration(seconds: float | None) -> str:
    return "-" if seconds is None else format_duration(seconds)


def _longest(summary: Summary, measured: bool) -> float | None:
    """The period's longest stretch (or gap, as the stats table falls back to it)."""
    each = (d.longest_stretch_s if measured else d.longest_gap_s for d in summary.days)
    return max((s for s in each if s is not None), default=None)


def _row(label: str, columns: Sequence[str], cells: Sequence[str]) -> Row:
    values = ", ".join(
        # Translators: one figure of a period as a screen reader says it: {period} is "Today"
        # or "Last 7 days", {value} the figure ("2h10m", "80 %")
        _("{period} {value}").format(period=period, value=cell)
        for period, cell in zip(columns, cells, strict=True)
    )
    # Translators: a row of the statistics table as a screen reader says it: {label} is the
    # figure's name ("active time"), {values} each period and its figure
    return Row(label, tuple(cells), _("{label}: {values}").format(label=label, values=values))


def statistics_window(
    summaries: Sequence[Summary], *, look: Look | None = None
) -> StatisticsWindow:
    """The window for one Summary per period (`PERIODS`, in that order; each ending today).

    Raises:
        ValueError: no summaries.
    """
    if not summaries:
        raise ValueError("summaries: expected one per period, got none")
    look = look or Look.of(high_contrast=False)
    columns = tuple(period_name(len(s.days)) for s in summaries)
    measured = any(s.stretch_measured for s in summaries)
    kinds = [_all_kinds(s) for s in summaries]

    def total(s: Summary) -> float | None:
        known = [d.active_s for d in s.days if d.active_s is not None]
        return sum(known) if known else None

    def share(k: KindFigures) -> str:
        a = k.adherence
        return "-" if a is None else format_percent(round(a * 100))

    # the stats table's words (summary.format_summary), so that both read alike
    rows = (
        _row(_("active time"), columns, [_duration(total(s)) for s in summaries]),
        _row(
            _("longest stretch") if measured else _("longest gap"),
            columns,
            [_duration(_longest(s, measured)) for s in summaries],
        ),
        _row(_("taken"), columns, [format_number(k.taken) for k in kinds]),
        _row(_("natural"), columns, [format_number(k.natural) for k in kinds]),
        _row(_("skipped"), columns, [format_number(k.skipped) for k in kinds]),
        _row(_("adherence"), columns, [share(k) for k in kinds]),
    )
    longest = max(summaries, key=lambda s: len(s.days))
    last_days = longest.days[-BAR_DAYS:]
    tallest = max((d.active_s or 0.0 for d in last_days), default=0.0)
    bars = tuple(
        Bar(
            format_short_date(d.day),
            _duration(d.active_s),
            0.0 if not tallest else (d.active_s or 0.0) / tallest,
        )
        for d in last_days
    )
    return StatisticsWindow(
        # Translators: the statistics window's title
        title=_("Statistics"),
        columns=columns,
        rows=rows,
        # Translators: the title of the statistics window's bars: one per day
        bars_title=ngettext(
            "Active time per day, last {count} day",
            "Active time per day, last {count} days",
            len(bars),
        ).format(count=format_number(len(bars))),
        bars=bars,
        bar_colour=look.accent if look.page == BLACK else ACTIVE_COLOUR,
        notes=(_(ADHERENCE_DEFINITION), _(STRETCH_DEFINITION if measured else GAP_DEFINITION)),
        actions=(Action("close", _("Close"), "escape", primary=True),),
        brand=look.brand_line(),
        empty=""
        if any(s.has_data for s in summaries)
        else _("no data yet: no active time or breaks recorded in this period"),
    )
