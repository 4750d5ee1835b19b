"""The report's charts, drawn by matplotlib from a ReportModel: SVG for the HTML, PNG for the PDF.

Rule 1: only the report imports this module (the running service never does), so matplotlib's
        memory stays out of the service. Figures are built with `matplotlib.figure.Figure`,
        not pyplot: no global state, no GUI backend, safe in any thread.
Rule 2: the output is deterministic (a fixed SVG hash salt, no date in the metadata), so the same
        records give the same bytes.
Rule 3: colours are the Okabe-Ito palette (readable with colour-blindness); every axis says its
        unit.
Rule 4: the words are the language's (translated as a chart is drawn, dates by
        core/localeforms.py), set in DejaVu Sans with the Devanagari font taking what it lacks,
        shaped by matplotlib's libraqm (3.11+; typefaces.py).
"""

from __future__ import annotations

import io
import re
from datetime import date, datetime, tzinfo
from typing import Any, Final

import matplotlib as mpl
import matplotlib.dates as mdates
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import Formatter, MaxNLocator

from posture_guard.core import i18n
from posture_guard.core.i18n import _
from posture_guard.core.localeforms import format_number, format_short_date
from posture_guard.core.statistics import ACTIVE_COLOUR
from posture_guard.report import typefaces
from posture_guard.report.model import ReportModel

ACTIVE: Final = ACTIVE_COLOUR  # one blue for active time, here and in the statistics window
TAKEN: Final = "#009E73"
SKIPPED: Final = "#D55E00"
EPISODE: Final = "#E69F00"
INK: Final = "#222222"
GRID: Final = "#dddddd"
#: Above this many days the daily chart shows weeks (a bar per day would be too thin to read).
DAILY_MAX_DAYS: Final = 120
_STYLE: Final[Any] = {  # matplotlib types rc keys as literals; these are checked by it at run time
    "svg.hashsalt": "posture-guard",
    "svg.fonttype": "none",  # text stays text: smaller, selectable, the page's font
    "font.family": list(typefaces.CHART_FAMILIES),
    "font.size": 9,
    "axes.edgecolor": "#888888",
    "axes.labelcolor": INK,
    "xtick.color": INK,
    "ytick.color": INK,
    "axes.spines.top": False,
    "axes.spines.right": False,
}


def _style() -> Any:  # matplotlib types rc keys as literals (see _STYLE)
    """The charts' style in the language in use (Rule 4)."""
    return {
        **_STYLE,
        "font.family": list(typefaces.for_charts()),
        "text.language": i18n.language().replace("_", "-"),
    }


def activity_figure(model: ReportModel) -> Figure:
    """Active hours per day (per week over long periods) above breaks taken vs skipped; the
    days of each episode are shaded in both."""
    with mpl.rc_context(_style()):
        starts, width, active_h, taken, skipped, unit = _bins(model)
        fig = Figure(figsize=(8, 4.2), layout="constrained")
        top, bottom = fig.subplots(2, 1, sharex=True, height_ratios=(3, 2))
        top.bar(starts, active_h, width=width, align="edge", color=ACTIVE)
        top.set_ylabel(
            # Translators: a chart's axis title
            _("active hours per week") if unit == "week" else _("active hours per day")
        )
        bottom.bar(starts, taken, width=width, align="edge", color=TAKEN)
        bottom.bar(starts, skipped, width=width, align="edge", bottom=taken, color=SKIPPED)
        bottom.set_ylabel(
            # Translators: a chart's axis title
            _("breaks per week") if unit == "week" else _("breaks per day")
        )
        # the scales start at 0 and reach at least 1, so a period with no screen time (a
        # diary alone) draws an empty chart with sane axes, never "-0.04 h" or "0.0 0.0 0.0"
        top.set_ylim(0, max(1.0, max(active_h, default=0.0) * 1.08))
        stacked = [t + s for t, s in zip(taken, skipped, strict=True)]
        bottom.set_ylim(0, max(1.0, max(stacked, default=0.0) * 1.08))
        bottom.yaxis.set_major_locator(MaxNLocator(nbins=4, integer=True))
        for ax in (top, bottom):
            ax.grid(axis="y", color=GRID, linewidth=0.6)
            ax.set_axisbelow(True)
            for e in model.episodes:
                end = e.ended or model.generated
                ax.axvspan(
                    _num(e.started),
                    _num(end),
                    color=EPISODE,
                    alpha=0.25,
                    lw=0,
                    zorder=0,
                )
        first = _num(model.period.start)
        last = _num(model.period.end)
        bottom.set_xlim(first, last)
        _date_axis(bottom, model.period.zone)
        handles = [Patch(color=ACTIVE), Patch(color=TAKEN), Patch(color=SKIPPED)]
        # Translators: the keys of a chart's legend (bars of active time, breaks, skipped breaks)
        labels = [_("active time"), _("breaks taken or natural"), _("breaks skipped")]
        if model.episodes:
            handles.append(Patch(color=EPISODE, alpha=0.3))
            # Translators: a chart's legend: the shaded days of an episode
            labels.append(_("episode of neck pain"))
        fig.legend(
            handles, labels, loc="outside upper center", ncols=_columns(labels), frameon=False
        )
        return fig


def pain_figure(model: ReportModel) -> Figure | None:
    """Pain (0-10) over time: a line per episode through its start and updates, check-in scores
    as open circles, each episode's span shaded. None when there is nothing to draw."""
    check_ins = [(c.check_in.at, c.check_in.pain_now) for c in model.check_ins]
    if not model.episodes and not check_ins:
        return None
    with mpl.rc_context(_style()):
        fig = Figure(figsize=(8, 3.0), layout="constrained")
        ax = fig.subplots()
        for e in model.episodes:
            end = e.ended or model.generated
            ax.axvspan(_num(e.started), _num(end), color=EPISODE, alpha=0.25, lw=0, zorder=0)
            times = [_num(p.at) for p in e.points]
            pains = [p.pain for p in e.points]
            # the line runs on at the last score recorded, to the end (or now, while open)
            times.append(_num(end))
            pains.append(pains[-1])
            ax.plot(times, pains, color=INK, linewidth=1.6, drawstyle="steps-post")
            ax.plot(times[: len(e.points)], pains[: len(e.points)], "o", color=INK, markersize=4)
            ax.annotate(
                f"{e.number}",
                (times[0], pains[0]),
                textcoords="offset points",
                xytext=(0, 7),
                ha="center",
                fontsize=9,
                fontweight="bold",
                family="DejaVu Sans",  # digits only; the Devanagari font has no bold
            )
        if check_ins:
            ax.plot(
                [_num(at) for at, _ in check_ins],
                [pain for _, pain in check_ins],
                "o",
                markerfacecolor="white",
                markeredgecolor=ACTIVE,
                markersize=6,
            )
        ax.set_ylim(0, 10.8)
        ax.set_yticks(range(0, 11, 2))
        # Translators: a chart's axis title: the pain scale
        ax.set_ylabel(_("pain (0 = none, 10 = worst)"))
        ax.set_xlim(_num(model.period.start), _num(model.period.end))
        ax.grid(axis="y", color=GRID, linewidth=0.6)
        ax.set_axisbelow(True)
        _date_axis(ax, model.period.zone)
        handles = [
            Line2D([], [], color=INK, marker="o", markersize=4, linewidth=1.6),
            Line2D(
                [],
                [],
                linestyle="",
                marker="o",
                markerfacecolor="white",
                markeredgecolor=ACTIVE,
                markersize=6,
            ),
        ]
        labels = [
            # Translators: a chart's legend: the line of an episode's pain scores, labelled
            # with the episode's number
            _("episode: start and updates (number = episode)"),
            # Translators: a chart's legend: the marks of check-ins' pain scores
            _("check-ins"),
        ]
        fig.legend(handles, labels, loc="outside upper center", ncols=2, frameon=False)
        return fig


def to_svg(fig: Figure, title: str) -> str:
    """The figure as an inline <svg> element that scales with the page (no width/height, a
    viewBox), with a <title> for screen readers."""
    buffer = io.StringIO()
    with mpl.rc_context(_style()):
        fig.savefig(buffer, format="svg", metadata={"Date": None}, bbox_inches="tight")
    text = buffer.getvalue()
    text = text[text.index("<svg") :]
    text = re.sub(r'<svg([^>]*?) width="[^"]*" height="[^"]*"', r"<svg\1", text, count=1)
    text = text.replace("<svg", f'<svg role="img" aria-label="{_attr(title)}"', 1)
    return text


def to_png(fig: Figure, dpi: int = 150) -> bytes:
    buffer = io.BytesIO()
    with mpl.rc_context(_style()):
        fig.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
    return buffer.getvalue()


#: How many characters of legend fit on one row of a chart (at 9 pt across 8 inches, with the
#: keys' boxes); longer legends (German, the pseudo-locale) take two columns.
_LEGEND_ROW_CHARS: Final = 72


def _columns(labels: list[str]) -> int:
    return len(labels) if sum(len(label) for label in labels) <= _LEGEND_ROW_CHARS else 2


# --- helpers -----------------------------------------------------------------------------------


def _bins(
    model: ReportModel,
) -> tuple[list[float], float, list[float], list[int], list[int], str]:
    """Bar starts (matplotlib date numbers), bar width (days), and the series, per day or week."""
    days = model.days
    weekly = len(days) > DAILY_MAX_DAYS
    groups: list[list[int]] = []
    for i, d in enumerate(days):
        if not groups or not weekly or d.day.weekday() == 0:
            groups.append([i])
        else:
            groups[-1].append(i)
    starts, active, taken, skipped = [], [], [], []
    for group in groups:
        members = [days[i] for i in group]
        starts.append(_num(_at_day_start(model, members[0].day)))
        active.append(sum(d.active_s or 0.0 for d in members) / 3600)
        taken.append(sum(d.taken + d.natural for d in members))
        skipped.append(sum(d.skipped for d in members))
    width = 7 * 0.85 if weekly else 0.8
    return starts, width, active, taken, skipped, "week" if weekly else "day"


def _at_day_start(model: ReportModel, day: date) -> datetime:
    return datetime.combine(day, model.period.day_starts_at, tzinfo=model.period.zone)


def _date_axis(ax: Axes, zone: tzinfo) -> None:
    """Dates in the local zone (matplotlib would show UTC), short and in the language's form;
    every axis's numbers in its form too."""
    locator = mdates.AutoDateLocator(tz=zone, minticks=4, maxticks=9)  # type: ignore[no-untyped-call]
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(_ShortDates(zone))
    for axes in ax.figure.get_axes():
        axes.yaxis.set_major_formatter(_Numbers())


class _ShortDates(Formatter):
    """A tick's day as "6 Dec" in the language's form; the year under the first tick and under
    each tick in a new year (strftime's %b would say English whatever the language)."""

    def __init__(self, zone: tzinfo) -> None:
        self.zone = zone

    def _day(self, value: float) -> date:
        return mdates.num2date(value, tz=self.zone).date()  # type: ignore[no-untyped-call, no-any-return]

    def __call__(self, x: float, pos: int | None = None) -> str:
        return format_short_date(self._day(x))

    def format_ticks(self, values: list[float]) -> list[str]:
        days = [self._day(v) for v in values]
        return [
            format_short_date(d) + (f"\n{d.year}" if i == 0 or d.year != days[i - 1].year else "")
            for i, d in enumerate(days)
        ]


class _Numbers(Formatter):
    """An axis's numbers with the language's decimal sign (0.5 -> "0,5" in German)."""

    def __call__(self, x: float, pos: int | None = None) -> str:
        return format_number(x, 0 if float(x).is_integer() else 1)


def _num(moment: datetime) -> float:
    """A moment as matplotlib's date number."""
    return float(mdates.date2num(moment))  # type: ignore[no-untyped-call]


def _attr(text: str) -> str:
    return text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
