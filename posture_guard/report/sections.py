"""The report's content as plain values (headings, paragraphs, tables), shared by HTML and PDF.

Rule 1: what the report says is decided here, once; html.py and pdf.py only lay it out. Text
        here is plain (unescaped): each renderer escapes for its own format.
Rule 2: every figure carries its unit and every date its year; nothing is called a cause.
Rule 3: every word is in the language in use, translated when the sections are made (never at
        import); the constants here are English, marked with `N_`, and shown through `_`. Dates
        and numbers are the language's (core/localeforms.py). What the person or the clinic
        wrote (notes, names) and the rule ids and sources' titles (citations) stay as written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Final

from posture_guard.core import links
from posture_guard.core.clock_ahead import ahead_line
from posture_guard.core.episodes import LABELS, Stiffness, Trend
from posture_guard.core.i18n import N_, _, ngettext, pgettext
from posture_guard.core.localeforms import (
    format_clock,
    format_date_range,
    format_date_time,
    format_day_span,
    format_number,
    format_percent,
)
from posture_guard.core.tiers import Tier
from posture_guard.core.units import format_duration
from posture_guard.core.wording import kind_word
from posture_guard.report.model import (
    ASSOCIATION_NOTE,
    CHECK_IN_ROWS,
    STRETCH_MEASURED_NOTE,
    STRETCH_NOTE,
    ProgrammeFigures,
    ReportModel,
    WorkFigures,
    describe_before,
    pain_trend,
)

TITLE: Final = N_("Neck pain and screen work: a report for your clinician")
HEALTH_NOTICE: Final = N_(
    "This report contains health information from your Posture Guard diary. Keep it private:"
    " share it only with the people you choose, such as your clinician."
)
NO_DATA: Final = N_(
    "No data yet: Posture Guard has recorded no active time, breaks, episodes or check-ins in"
    " this period. Leave it running while you work, and record episodes and check-ins"
    " (`posture-guard episode start`, `posture-guard check-in`); the report fills in as you go."
)
#: The advice's tiers in a word (English; shown through `_`), as the diary commands say them.
_TIER_WORDS: Final = {
    Tier.SELF_CARE: N_("self-care"),
    Tier.BOOK: N_("book"),
    Tier.PROMPT: N_("prompt"),
    Tier.EMERGENCY: N_("emergency"),
}
NOT_A_DIAGNOSIS: Final = N_(
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
    #: Columns of free text the person wrote (kept as written, wrapped anywhere).
    text_columns: frozenset[int] = frozenset()


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
    if p.fitted:
        # Translators: the report's period when it starts at the diary's first record (not the
        # usual 90 days back); {span}, {time} and {made} as in the line below
        line = ngettext(
            "{span} ({count} day, from your first record; a day starts at {time}). Made {made}.",
            "{span} ({count} days, from your first record; a day starts at {time}). Made {made}.",
            count,
        )
    else:
        # Translators: the report's period; {span} is two dates ("1 March 2026 to 28 March
        # 2026", with a dash), {time} the clock time a working day starts (04:00), {made} the
        # date and time it was made
        line = ngettext(
            "{span} ({count} day; a day starts at {time}). Made {made}.",
            "{span} ({count} days; a day starts at {time}). Made {made}.",
            count,
        )
    return line.format(
        span=format_date_range(p.first, p.last),
        count=format_number(count),
        time=format_clock(p.day_starts_at),
        made=format_date_time(model.generated),
    )


@dataclass(frozen=True, slots=True)
class ClinicLine:
    """The clinic as the report's header shows it.

    Attributes:
        name: its name, with phone and hours.
        shown: the booking link as a person reads it (core/links.shown_url: the plain host
            beside a host of mixed alphabets); None when there is no link.
        href: the link a click follows, its host in the plain (xn--) form; None when there is
            no link or its host has no plain form.
        mixed: the link's host mixes alphabets (the report then prints `shown` beside the link).
    """

    name: str
    shown: str | None
    href: str | None
    mixed: bool


def clinic_line(model: ReportModel) -> ClinicLine | None:
    """The clinic's name (with phone and hours) and its booking link, when a profile is set."""
    c = model.clinic
    if c is None:
        return None
    # Translators: the clinic's phone number, after its name
    phone = c.phone and _("phone {number}").format(number=c.phone)
    extra = "; ".join(part for part in (phone, c.opening_hours) if part)
    url = c.booking_url
    shown = None if url is None else links.shown_url(url)
    return ClinicLine(
        name=c.name + (f" ({extra})" if extra else ""),
        shown=shown,
        href=None if url is None else links.plain_url(url),
        mixed=shown is not None and shown != url,
    )


def clinic_label(model: ReportModel) -> str:
    """What goes before the clinic's name: whose clinic it is, as the advice says it."""
    if model.clinic_owner is None:
        # Translators: before the clinic's name ("Clinic: Riverside Physio")
        return _("Clinic")
    # Translators: before the clinic's name, when the person's organisation offers it
    return _("Clinic offered by {organisation}").format(organisation=model.clinic_owner)


def provided_by(model: ReportModel) -> str | None:
    """The header's "Provided by ..." when the policy names the organisation."""
    org = model.branding.organisation
    # Translators: {organisation} provides Posture Guard to the person (their employer)
    return None if org is None else _("Provided by {organisation}").format(organisation=org)


def branding_notes(model: ReportModel) -> tuple[str, ...]:
    """The footer's lines about the organisation: that it does not see the report, and who to
    ask about the app. The policy's welcome text is for the person, not their clinician: left out.
    """
    b = model.branding
    lines = []
    if b.organisation is not None:
        lines.append(
            _(
                "{organisation} provides Posture Guard and does not see this report or the diary"
                " it comes from."
            ).format(organisation=b.organisation)
        )
    if b.support_contact is not None:
        lines.append(
            _("Questions about Posture Guard (the app, not your health): {contact}").format(
                contact=b.support_contact
            )
        )
    return tuple(lines)


def health_notice_lead() -> str:
    """The health notice's first words, set in bold before `HEALTH_NOTICE`."""
    return _("Contains health information.")


def made_by(version: str) -> str:
    """The footer's line on where the report was made."""
    return _(
        "Made by Posture Guard {version} on this computer; nothing in it was sent anywhere."
    ).format(version=version)


def chart_title(name: str) -> str:
    """A chart's name for screen readers (and the PDF's alternative text)."""
    if name == "activity":
        return _("Active hours and breaks taken or skipped over the period")
    return _("Pain over time, per episode and check-in")


def tier_word(tier: Tier) -> str:
    """An advice tier in a word or two, as the tables show it (the words `posture-guard
    advice` uses)."""
    return _(_TIER_WORDS[tier])


def stiffness_word(stiffness: Stiffness) -> str:
    """A stiffness in one word, as the check-ins table shows it."""
    words = {
        # Translators: how stiff the neck is, in a table's cell
        Stiffness.NONE: pgettext("stiffness", "none"),
        Stiffness.MILD: pgettext("stiffness", "mild"),
        Stiffness.MODERATE: pgettext("stiffness", "moderate"),
        Stiffness.SEVERE: pgettext("stiffness", "severe"),
    }
    return words[stiffness]


def trend_word(trend: Trend) -> str:
    """How things went since the last check-in, as the check-ins table shows it."""
    words = {
        # Translators: how the neck is since the last check-in, in a table's cell
        Trend.IMPROVING: pgettext("trend", "improving"),
        Trend.SAME: pgettext("trend", "same"),
        Trend.WORSE: pgettext("trend", "worse"),
    }
    return words[trend]


def answer_word(answer: Enum | None) -> str:
    """A check-in's answer (how long it had lasted; yes, no or not sure) as the check-ins table
    shows it: "-" where the question was not asked then (check-ins from before it)."""
    return "-" if answer is None else _(LABELS[answer])


def sections(model: ReportModel) -> tuple[Section, ...]:
    """The report's sections, in order. With no data: the summary alone, saying so."""
    if not model.has_data:
        return (Section(id="summary", title=_("Summary"), paragraphs=(_(NO_DATA),)),)
    programme = () if model.programme is None else (_programme(model.programme),)
    return (
        _summary(model),
        _daily(model),
        *programme,
        _episodes(model),
        _tallies(model),
        _before(model),
    )


# --- sections ----------------------------------------------------------------------------------


def _summary(model: ReportModel) -> Section:
    trend, lines = pain_trend(model)
    facts = [
        Fact(label=_("Episodes in this period"), text=format_number(len(model.episodes))),
        Fact(label=_("Pain trend"), text=trend, items=lines),
        _advice_fact(model),
        Fact(
            label=_("What helped"),
            text=(
                ", ".join(_counted(word, n) for word, n in model.helped)
                if model.helped
                else _("nothing recorded")
            ),
        ),
    ]
    if model.days_with_activity:
        days = model.days_with_activity
        average = model.active_total_s / days
        taken = sum(k.taken + k.natural for k in model.kinds)
        skipped = sum(k.skipped for k in model.kinds)
        asked = taken + skipped
        active = ngettext(
            "{duration} of active time a day on average over {count} day with a record.",
            "{duration} of active time a day on average over {count} days with a record.",
            days,
        ).format(duration=format_duration(average), count=format_number(days))
        if asked:
            # Translators: {share} is a percentage (80%)
            breaks = ngettext(
                "{taken} break taken or natural, {skipped} skipped ({share} of breaks asked for).",
                "{taken} breaks taken or natural, {skipped} skipped ({share} of breaks asked for).",
                taken,
            )
        else:
            breaks = ngettext(
                "{taken} break taken or natural, {skipped} skipped.",
                "{taken} breaks taken or natural, {skipped} skipped.",
                taken,
            )
        share = format_percent(round(taken / asked * 100)) if asked else ""
        facts.append(
            Fact(
                label=_("Screen work"),
                text=active
                + " "
                + breaks.format(
                    taken=format_number(taken), skipped=format_number(skipped), share=share
                ),
            )
        )
    return Section(id="summary", title=_("Summary for the clinician"), facts=tuple(facts))


def _advice_fact(model: ReportModel) -> Fact:
    advice = model.advice
    if advice is None or model.advice_check_in is None:
        return Fact(label=_("Current advice"), text=_("no check-in yet"))
    at = model.advice_check_in.check_in.at
    # Translators: {heading} is the advice ("Book an appointment"), {moment} the date and time
    # of the check-in the advice came from
    text = _("{heading} (from the check-in of {moment}, read against the diary now).").format(
        heading=advice.heading, moment=format_date_time(at)
    )
    items = []
    for r in advice.reasons:
        cited = [s.title for s in r.sources if s.id != "judgement"]
        item = r.title  # the warning sign in words; its rule id is ours, not the clinician's
        if cited:
            # Translators: the published titles of a warning sign's sources, after its name
            item += "; " + _("sources: {titles}").format(titles="; ".join(cited))
        items.append(item)
    if advice.tier is Tier.SELF_CARE and not items:
        items = [_("no warning sign fired")]
    for stored in model.check_ins_ahead:
        flag = ahead_line(stored.check_in.at)
        if stored.id == model.advice_check_in.id:
            text += " " + flag
        else:
            # Translators: {ahead} is "entered while the clock was ahead: dated <time>"
            items.append(
                _("Left out, as a later check-in was entered: a check-in {ahead}").format(
                    ahead=flag
                )
            )
    return Fact(label=_("Current advice"), text=text, items=tuple(items))


def _daily(model: ReportModel) -> Section:
    kinds = Table(
        header=(
            # Translators: the report's table of breaks per kind: its first column's title (the
            # others are the words of `posture-guard stats`)
            _("break kind"),
            _("prompted"),
            _("taken"),
            _("natural"),
            _("skipped"),
            _("snoozed"),
            _("adherence"),
        ),
        rows=tuple(
            (
                kind_word(k.kind),
                format_number(k.prompted),
                format_number(k.taken),
                format_number(k.natural),
                format_number(k.skipped),
                format_number(k.snoozed),
                "-" if k.adherence is None else format_percent(round(k.adherence * 100)),
            )
            for k in model.kinds
        ),
        numeric=frozenset(range(1, 7)),
        caption=_(
            "adherence = (taken + natural) / (taken + natural + skipped); snoozed counts each"
            " snooze; breaks merged into a longer one or cancelled are left out"
        ),
    )
    weekly = len(model.days) > 120
    return Section(
        id="daily",
        title=_("Active screen time and breaks"),
        chart="activity",
        paragraphs=(
            (
                _(
                    "Active input time and breaks per week (the period is long: a bar per day"
                    " would be too thin); shaded: episodes of neck pain."
                )
                if weekly
                else _("Active input time and breaks per day; shaded: episodes of neck pain.")
            ),
        ),
        tables=(kinds,),
    )


def _programme(p: ProgrammeFigures) -> Section:
    """The clinic's programme (model Rule 6): the pack, adherence per exercise, pain per phase."""
    adherence = Table(
        header=(
            # Translators: the report's table of the clinic's programme, one row per exercise
            pgettext("programme table", "exercise"),
            # Translators: the programme's phases (such as acute, recovery) that prescribe it
            pgettext("programme table", "phases"),
            # Translators: how many times a day the clinic prescribes the exercise
            pgettext("programme table", "per day"),
            # Translators: in how many breaks the exercise was offered
            pgettext("programme table", "offered"),
            # Translators: in how many of those breaks it was done (the break was taken)
            pgettext("programme table", "done"),
            pgettext("programme table", "done of offered"),
        ),
        rows=tuple(
            (
                a.name,
                ", ".join(a.phases),
                format_number(a.per_day),
                format_number(a.offered),
                format_number(a.done),
                "-" if not a.offered else format_percent(round(100 * a.done / a.offered)),
            )
            for a in p.adherence
        ),
        numeric=frozenset({2, 3, 4, 5}),
        text_columns=frozenset({0, 1}),
        caption=_(
            "offered: breaks of the period that offered the exercise; done: those of them taken"
        ),
    )
    pain = Table(
        header=(
            # Translators: the report's table of pain per phase of the clinic's programme
            pgettext("programme table", "phase"),
            pgettext("programme table", "check-ins"),
            pgettext("programme table", "average pain"),
            pgettext("programme table", "lowest - highest"),
        ),
        rows=tuple(
            (
                row.phase or _("before the programme"),
                format_number(row.check_ins),
                format_number(row.mean, 1),
                f"{format_number(row.lowest)} - {format_number(row.highest)}",
            )
            for row in p.pain
        )
        or ((_("no check-in in the period"), format_number(0), "-", "-"),),
        numeric=frozenset({1, 2, 3}),
        text_columns=frozenset({0}),
        caption=_("pain 0-10 at each check-in, by the phase in force when it was made"),
    )
    return Section(
        id="programme",
        title=_("The clinic's programme"),
        paragraphs=(
            _("{clinic}: programme {pack}, version {version}. Phase now: {phase}.").format(
                clinic=p.clinic, pack=p.pack_id, version=p.version, phase=p.phase
            ),
        ),
        tables=(adherence, pain),
    )


def _episodes(model: ReportModel) -> Section:
    title = _("Episodes and pain over time")
    if not model.episodes and not model.check_ins:
        return Section(
            id="episodes",
            title=title,
            paragraphs=(_("No episode or check-in was recorded in this period."),),
        )
    episodes = Table(
        header=(
            # Translators: the report's table of episodes: its column titles ("#" is the
            # episode's number)
            pgettext("episodes table", "#"),
            pgettext("episodes table", "started"),
            pgettext("episodes table", "ended"),
            pgettext("episodes table", "pain: start / peak / latest"),
            pgettext("episodes table", "where"),
            pgettext("episodes table", "triggers"),
            pgettext("episodes table", "helped"),
        ),
        rows=tuple(
            (
                str(e.number),
                format_date_time(e.started),
                _("still open") if e.ended is None else format_date_time(e.ended),
                f"{e.pain_at_start} / {e.pain_peak} / {e.latest_pain}",
                _words(e.areas),
                _words(e.triggers),
                _words(e.helped),
            )
            for e in model.episodes
        ),
        caption=_("pain: 0 (none) to 10 (worst imaginable)"),
    )
    notes = Table(
        header=(
            pgettext("episodes table", "#"),
            # Translators: a column of the person's own notes, as they wrote them
            pgettext("episodes table", "notes in the diary"),
        ),
        rows=tuple((str(e.number), " / ".join(e.notes)) for e in model.episodes if e.notes),
        text_columns=frozenset({1}),
    )
    shown = model.check_ins[-CHECK_IN_ROWS:]
    check_ins = Table(
        header=(
            # Translators: the report's table of check-ins: its column titles
            pgettext("check-ins table", "check-in"),
            pgettext("check-ins table", "pain"),
            pgettext("check-ins table", "stiffness"),
            pgettext("check-ins table", "trend"),
            pgettext("check-ins table", "lasted"),
            # Translators: a column of three answers: after an injury? the head hurt? the
            # neck manipulated in the last 4 weeks? ("no / - / no")
            pgettext("check-ins table", "injury / head / manipulation"),
            pgettext("check-ins table", "advice then"),
        ),
        rows=tuple(
            (
                format_date_time(c.check_in.at),
                str(c.check_in.pain_now),
                stiffness_word(c.check_in.stiffness),
                trend_word(c.check_in.trend),
                answer_word(c.check_in.pain_lasted),
                " / ".join(
                    answer_word(a)
                    for a in (
                        c.check_in.after_injury,
                        c.check_in.head_injury,
                        c.check_in.neck_manipulation,
                    )
                ),
                tier_word(c.advice.tier),
            )
            for c in shown
        ),
        numeric=frozenset({1}),
        caption=(
            ngettext(
                "the latest {shown} of {count} check-in; the CSV and JSON exports hold them all",
                "the latest {shown} of {count} check-ins; the CSV and JSON exports hold them all",
                len(model.check_ins),
            ).format(shown=len(shown), count=format_number(len(model.check_ins)))
            if len(model.check_ins) > CHECK_IN_ROWS
            else ""
        ),
    )
    tables = tuple(t for t in (episodes, notes, check_ins) if t.rows)
    return Section(id="episodes", title=title, chart="pain", tables=tables)


def _tallies(model: ReportModel) -> Section:
    title = _("Triggers and what helped")
    if not model.episodes:
        return Section(id="tallies", title=title, paragraphs=(_("No episode to tally."),))
    tables = []
    for name, tally in (
        # Translators: the title of a column of triggers, beside how many episodes named each
        (pgettext("tally table", "trigger"), model.triggers),
        # Translators: the title of a column of what helped, beside how many episodes named each
        (pgettext("tally table", "what helped"), model.helped),
    ):
        tables.append(
            Table(
                # Translators: the title of a column of counts of episodes
                header=(name, pgettext("tally table", "episodes")),
                rows=tuple((_(word), format_number(n)) for word, n in tally)
                or ((_("nothing recorded"), format_number(0)),),
                numeric=frozenset({1}),
            )
        )
    count = len(model.episodes)
    return Section(
        id="tallies",
        title=title,
        paragraphs=(
            ngettext(
                "How many of the {count} episode named each.",
                "How many of the {count} episodes named each.",
                count,
            ).format(count=format_number(count)),
        ),
        tables=tuple(tables),
    )


def _before(model: ReportModel) -> Section:
    title = _("Work patterns before episodes")
    if not model.before:
        return Section(
            id="before", title=title, paragraphs=(_("No episode began in this period."),)
        )
    base = model.baseline
    rows = [
        (
            # Translators: a row of the table of work before episodes
            _("before episode {number}").format(number=b.number),
            format_day_span(b.first, b.last),
            *_work_cells(b.before),
        )
        for b in model.before
    ]
    # Translators: the last row of the table of work before episodes: the days in no window
    rows.append((_("baseline"), _("the other days"), *_work_cells(base)))
    table = Table(
        header=(
            "",
            # Translators: the table of work before episodes: its column titles; {count} is
            # how many days before each episode are compared
            ngettext("the {count} day", "the {count} days", model.window_days).format(
                count=model.window_days
            ),
            pgettext("before table", "days recorded"),
            pgettext("before table", "active a day"),
            pgettext("before table", "longest stretch"),
            pgettext("before table", "skipped a day"),
        ),
        rows=tuple(rows),
        numeric=frozenset({2, 3, 4, 5}),
    )
    return Section(
        id="before",
        title=title,
        tables=(table,),
        paragraphs=tuple(describe_before(b, base) for b in model.before),
        notes=(
            _(ASSOCIATION_NOTE),
            _(STRETCH_MEASURED_NOTE if model.stretch_measured else STRETCH_NOTE),
        ),
    )


def _work_cells(w: WorkFigures) -> tuple[str, str, str, str]:
    return (
        format_number(w.days),
        "-" if w.active_s is None else format_duration(w.active_s),
        "-" if w.longest_stretch_s is None else format_duration(w.longest_stretch_s),
        "-" if w.skipped is None else format_number(w.skipped, 1),
    )


def _words(words: tuple[str, ...]) -> str:
    """The vocabulary's words (English `LABELS`) in the language in use, or "-" for none."""
    return ", ".join(_(word) for word in words) or "-"


def _counted(word: str, count: int) -> str:
    # Translators: a word of the vocabulary and how many episodes named it ("heat (3)")
    return _("{word} ({count})").format(word=_(word), count=format_number(count))
