"""The report's content as plain values (headings, paragraphs, tables), shared by HTML and PDF.

Rule 1: what the report says is decided here, once; html.py and pdf.py only lay it out. Text
        here is plain (unescaped): each renderer escapes for its own format.
Rule 2: every figure carries its unit and every date its year; nothing is called a cause.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Final

from posture_guard.core.triage import Tier
from posture_guard.core.units import format_duration
from posture_guard.report.model import (
    ASSOCIATION_NOTE,
    CHECK_IN_ROWS,
    STRETCH_MEASURED_NOTE,
    STRETCH_NOTE,
    ReportModel,
    WorkFigures,
    describe_before,
    pain_trend,
)

TITLE: Final = "Neck pain and screen work: a report for your clinician"
HEALTH_NOTICE: Final = (
    "This report contains health information from your Posture Guard diary. Keep it private:"
    " share it only with the people you choose, such as your clinician."
)
NO_DATA: Final = (
    "No data yet: Posture Guard has recorded no active time, breaks, episodes or check-ins in"
    " this period. Leave it running while you work, and record episodes and check-ins"
    " (`posture-guard episode start`, `posture-guard check-in`); the report fills in as you go."
)
NOT_A_DIAGNOSIS: Final = (
    "Posture Guard is not a medical device. The advice comes from warning-sign rules with cited"
    " sources; it is never a diagnosis."
)


@dataclass(frozen=True, slots=True, kw_only=True)
class Table:
    """A table: a header row and body rows of plain text; `numeric` columns align right."""

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    numeric: frozenset[int] = frozenset()
    caption: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class Fact:
    """One line of the clinician's summary: a label and what it says."""

    label: str
    text: str
    items: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Section:
    """A titled part of the report. `chart` names a chart ("activity" or "pain") drawn above
    the paragraphs; renderers skip it when the model has nothing to draw."""

    id: str
    title: str
    facts: tuple[Fact, ...] = ()
    paragraphs: tuple[str, ...] = ()
    tables: tuple[Table, ...] = ()
    chart: str | None = None
    notes: tuple[str, ...] = field(default=())


def period_line(model: ReportModel) -> str:
    p = model.period
    count = len(p.days)
    return (
        f"{p.first:%d %b %Y} to {p.last:%d %b %Y} ({count} day{'' if count == 1 else 's'};"
        f" a day starts at {p.day_starts_at:%H:%M}). Made {_moment(model.generated)}."
    )


def clinic_line(model: ReportModel) -> tuple[str, str | None] | None:
    """The clinic's name (with phone and hours) and its booking link, when a profile is set."""
    c = model.clinic
    if c is None:
        return None
    extra = "; ".join(part for part in (c.phone and f"phone {c.phone}", c.opening_hours) if part)
    return (c.name + (f" ({extra})" if extra else ""), c.booking_url)


def clinic_label(model: ReportModel) -> str:
    """What goes before the clinic's name: whose clinic it is, as the advice says it."""
    if model.clinic_owner is None:
        return "Clinic"
    return f"Clinic offered by {model.clinic_owner}"


def provided_by(model: ReportModel) -> str | None:
    """The header's "Provided by ..." when the policy names the organisation."""
    org = model.branding.organisation
    return None if org is None else f"Provided by {org}"


def branding_notes(model: ReportModel) -> tuple[str, ...]:
    """The footer's lines about the organisation: that it does not see the report, and who to
    ask about the app. The policy's welcome text is for the person, not their clinician: left out.
    """
    b = model.branding
    lines = []
    if b.organisation is not None:
        lines.append(
            f"{b.organisation} provides Posture Guard and does not see this report or the diary"
            " it comes from."
        )
    if b.support_contact is not None:
        lines.append(
            f"Questions about Posture Guard (the app, not your health): {b.support_contact}"
        )
    return tuple(lines)


def sections(model: ReportModel) -> tuple[Section, ...]:
    """The report's sections, in order. With no data: the summary alone, saying so."""
    if not model.has_data:
        return (Section(id="summary", title="Summary", paragraphs=(NO_DATA,)),)
    return (
        _summary(model),
        _daily(model),
        _episodes(model),
        _tallies(model),
        _before(model),
    )


# --- sections ----------------------------------------------------------------------------------


def _summary(model: ReportModel) -> Section:
    trend, lines = pain_trend(model)
    facts = [
        Fact(label="Episodes in this period", text=str(len(model.episodes))),
        Fact(label="Pain trend", text=trend, items=lines),
        _advice_fact(model),
        Fact(
            label="What helped",
            text=(
                ", ".join(f"{word} ({n})" for word, n in model.helped)
                if model.helped
                else "nothing recorded"
            ),
        ),
    ]
    if model.days_with_activity:
        average = model.active_total_s / model.days_with_activity
        taken = sum(k.taken + k.natural for k in model.kinds)
        skipped = sum(k.skipped for k in model.kinds)
        asked = taken + skipped
        share = f" ({round(taken / asked * 100)}% of breaks asked for)" if asked else ""
        facts.append(
            Fact(
                label="Screen work",
                text=(
                    f"{format_duration(average)} of active time a day on average over"
                    f" {model.days_with_activity} days with a record; {taken} breaks taken or"
                    f" natural, {skipped} skipped{share}."
                ),
            )
        )
    return Section(id="summary", title="Summary for the clinician", facts=tuple(facts))


def _advice_fact(model: ReportModel) -> Fact:
    advice = model.advice
    if advice is None or model.advice_check_in is None:
        return Fact(label="Current advice", text="no check-in yet")
    at = model.advice_check_in.check_in.at
    text = (
        f"{advice.heading} (tier: {advice.tier.value}; from the check-in of {_moment(at)}, read"
        " against the diary now)."
    )
    items = tuple(
        f"{r.title} [{r.rule_id}]"
        + (
            f"; sources: {'; '.join(s.title for s in r.sources if s.id != 'judgement')}"
            if any(s.id != "judgement" for s in r.sources)
            else ""
        )
        for r in advice.reasons
    )
    if advice.tier is Tier.SELF_CARE and not items:
        items = ("no warning sign fired",)
    return Fact(label="Current advice", text=text, items=items)


def _daily(model: ReportModel) -> Section:
    kinds = Table(
        header=("break kind", "prompted", "taken", "natural", "skipped", "snoozed", "adherence"),
        rows=tuple(
            (
                k.kind,
                str(k.prompted),
                str(k.taken),
                str(k.natural),
                str(k.skipped),
                str(k.snoozed),
                "-" if k.adherence is None else f"{round(k.adherence * 100)}%",
            )
            for k in model.kinds
        ),
        numeric=frozenset(range(1, 7)),
        caption=(
            "adherence = (taken + natural) / (taken + natural + skipped); snoozed counts each"
            " snooze; breaks merged into a longer one or cancelled are left out"
        ),
    )
    weekly = len(model.days) > 120
    return Section(
        id="daily",
        title="Active screen time and breaks",
        chart="activity",
        paragraphs=(
            (
                "Active input time and breaks per week (the period is long: a bar per day would be"
                " too thin); shaded: episodes of neck pain."
                if weekly
                else "Active input time and breaks per day; shaded: episodes of neck pain."
            ),
        ),
        tables=(kinds,),
    )


def _episodes(model: ReportModel) -> Section:
    if not model.episodes and not model.check_ins:
        return Section(
            id="episodes",
            title="Episodes and pain over time",
            paragraphs=("No episode or check-in was recorded in this period.",),
        )
    episodes = Table(
        header=(
            "#",
            "started",
            "ended",
            "pain: start / peak / latest",
            "where",
            "triggers",
            "helped",
        ),
        rows=tuple(
            (
                str(e.number),
                _moment(e.started),
                "still open" if e.ended is None else _moment(e.ended),
                f"{e.pain_at_start} / {e.pain_peak} / {e.latest_pain}",
                ", ".join(e.areas) or "-",
                ", ".join(e.triggers) or "-",
                ", ".join(e.helped) or "-",
            )
            for e in model.episodes
        ),
        caption="pain: 0 (none) to 10 (worst imaginable)",
    )
    notes = Table(
        header=("#", "notes in the diary"),
        rows=tuple((str(e.number), " / ".join(e.notes)) for e in model.episodes if e.notes),
    )
    check_ins = Table(
        header=("check-in", "pain", "stiffness", "trend", "advice then"),
        rows=tuple(
            (
                _moment(c.check_in.at),
                str(c.check_in.pain_now),
                c.check_in.stiffness.value,
                c.check_in.trend.value,
                c.advice.tier.value,
            )
            for c in model.check_ins[-CHECK_IN_ROWS:]
        ),
        numeric=frozenset({1}),
        caption=(
            f"the latest {CHECK_IN_ROWS} of {len(model.check_ins)} check-ins; the CSV and JSON"
            " exports hold them all"
            if len(model.check_ins) > CHECK_IN_ROWS
            else ""
        ),
    )
    tables = tuple(t for t in (episodes, notes, check_ins) if t.rows)
    return Section(id="episodes", title="Episodes and pain over time", chart="pain", tables=tables)


def _tallies(model: ReportModel) -> Section:
    if not model.episodes:
        return Section(
            id="tallies", title="Triggers and what helped", paragraphs=("No episode to tally.",)
        )
    tables = []
    for title, tally in (("trigger", model.triggers), ("what helped", model.helped)):
        tables.append(
            Table(
                header=(title, "episodes"),
                rows=tuple((word, str(n)) for word, n in tally) or (("nothing recorded", "0"),),
                numeric=frozenset({1}),
            )
        )
    return Section(
        id="tallies",
        title="Triggers and what helped",
        paragraphs=(f"How many of the {len(model.episodes)} episodes named each.",),
        tables=tuple(tables),
    )


def _before(model: ReportModel) -> Section:
    title = "Work patterns before episodes"
    if not model.before:
        return Section(id="before", title=title, paragraphs=("No episode began in this period.",))
    base = model.baseline
    rows = [
        (
            f"before episode {b.number}",
            f"{b.first:%d %b} to {b.last:%d %b %Y}",
            *_work_cells(b.before),
        )
        for b in model.before
    ]
    rows.append(("baseline", "the other days", *_work_cells(base)))
    table = Table(
        header=(
            "",
            f"the {model.window_days} days",
            "days recorded",
            "active a day",
            "longest stretch",
            "skipped a day",
        ),
        rows=tuple(rows),
        numeric=frozenset({2, 3, 4, 5}),
    )
    return Section(
        id="before",
        title=title,
        tables=(table,),
        paragraphs=tuple(describe_before(b, base) for b in model.before),
        notes=(ASSOCIATION_NOTE, STRETCH_MEASURED_NOTE if model.stretch_measured else STRETCH_NOTE),
    )


def _work_cells(w: WorkFigures) -> tuple[str, str, str, str]:
    return (
        str(w.days),
        "-" if w.active_s is None else format_duration(w.active_s),
        "-" if w.longest_stretch_s is None else format_duration(w.longest_stretch_s),
        "-" if w.skipped is None else f"{w.skipped:.1f}",
    )


def _moment(moment: datetime) -> str:
    return f"{moment:%d %b %Y %H:%M}"
