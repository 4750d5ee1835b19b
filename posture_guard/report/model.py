"""The clinician report's figures, from the store's records and a period. Pure.

Rule 1: no clock, no I/O, no plotting: records, the period, the local zone and `now` arrive as
        arguments and a ReportModel (frozen values) comes back. The HTML and PDF renderers and
        the exports draw only from these values and the records, never from the store.
Rule 2: a day is a working day (it starts at `day_starts_at`, 04:00 by default), and a break
        belongs to the day of its `ended` time, exactly as `posture-guard stats` counts it: the
        per-day and per-kind figures are `stats.summarise`'s, so the two never disagree.
Rule 3: "longest unbroken stretch" is a day's longest work stretch: the active seconds between
        two rests, as the service records them (stretches.py, store v3), by the day its rest
        began. A period with no recorded stretch (a store from before v3) falls back to break
        times: the longest wall-clock time between the ends of two consecutive taken or natural
        breaks on a day (`stats.DayFigures.longest_gap_s`), an upper bound since it includes idle
        time; `stretch_measured` says which, and the report says so beside the figure.
Rule 4: "work patterns before episodes" compares the `window_days` working days before each
        episode's start day with the person's own baseline: the days of the period that are in
        no such window. Each figure is an average over the days that have it (a day with an
        active-time figure; for the stretch, a day that has one). The words say it is
        an association in the person's own records, never a cause.
Rule 6: the clinic's programme (core/pack.py), when a pack is in use: adherence per prescribed
        exercise is the period's breaks that offered it (store v5 records which) against those
        of them taken; pain per phase groups the period's check-ins by the phase in force at
        each check-in's time (the latest phase change at or before it; check-ins before the
        pack's import are "before the programme").
Rule 5: the sentences here are written whole in English and translated when the report is made
        (i18n.py Rule 1); dates and numbers in them are the language's (core/localeforms.py).
        The model's values stay English words (the vocabulary's `LABELS`): the words' functions
        and sections.py translate them where they are shown.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from enum import Enum
from typing import TYPE_CHECKING, Final

from posture_guard.core.clock_ahead import check_ins_ahead
from posture_guard.core.episodes import (
    EARLIEST_DAY,
    LABELS,
    Area,
    Episode,
    Helped,
    Trigger,
    in_order,
)
from posture_guard.core.i18n import N_, _, ngettext
from posture_guard.core.localeforms import (
    format_date,
    format_day_span,
    format_number,
    format_percent,
)
from posture_guard.core.summary import DayFigures, KindFigures, summarise
from posture_guard.core.timer import Outcome, day_of
from posture_guard.core.units import format_duration
from posture_guard.report.branding import NO_BRANDING, ReportBranding

if TYPE_CHECKING:
    from posture_guard.core.clinic import ClinicProfile
    from posture_guard.core.pack import Prescription
    from posture_guard.core.records import BreakRecord, DayActivity, PhaseChange, StoredCheckIn
    from posture_guard.core.stretches import WorkStretch
    from posture_guard.core.triage import Advice

#: How many episodes the summary's pain trend lists one by one (the latest ones).
TREND_EPISODES: Final = 5
#: How many check-ins the report's table shows (the latest ones; the exports hold them all).
CHECK_IN_ROWS: Final = 20
#: How many working days before an episode make its "before" window (judgement: a working week
#: and a weekend, long enough to hold a pattern, short enough to be about this episode).
WINDOW_DAYS: Final = 7
#: The notes under "Work patterns before episodes" (English; shown through `_`).
ASSOCIATION_NOTE: Final = N_(
    "These are associations in your own records, not causes: many things change how much we work"
    " and how our neck feels, and a few episodes are too few to tell a pattern from chance."
)
STRETCH_MEASURED_NOTE: Final = N_(
    "Longest stretch = the most active screen time between two rests (a break taken, or"
    " stepping away for a break's length) in a day, as Posture Guard measured it."
)
STRETCH_NOTE: Final = N_(
    "Longest stretch = the longest time between the ends of two consecutive breaks taken (or"
    " natural breaks) on a day, by the clock; it includes any idle time in between, so it is an"
    " upper bound on work without a break."
)


@dataclass(frozen=True, slots=True, kw_only=True)
class ProgrammeRecords:
    """The clinic's pack in use, as the report needs it (Rule 6).

    Attributes:
        pack_id, version: the pack's own.
        clinic: the clinic's name in the pack.
        phases: the programme's phases, in order.
        phase: the phase in force now.
        prescriptions: every exercise of every phase, with how many times a day.
        names: each prescribed exercise's id -> its name, in the language in use.
        changes: every phase change, in the order set (the import starts the first phase).
    """

    pack_id: str
    version: str
    clinic: str
    phases: tuple[str, ...]
    phase: str
    prescriptions: tuple[Prescription, ...]
    names: Mapping[str, str]
    changes: tuple[PhaseChange, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Adherence:
    """One prescribed exercise over the period: offered in how many breaks, done in how many."""

    exercise: str
    name: str
    phases: tuple[str, ...]
    per_day: int
    offered: int
    done: int


@dataclass(frozen=True, slots=True, kw_only=True)
class PhasePain:
    """The period's check-ins made while `phase` was in force ("" = before the programme)."""

    phase: str
    check_ins: int
    mean: float
    lowest: int
    highest: int


@dataclass(frozen=True, slots=True, kw_only=True)
class ProgrammeFigures:
    """Rule 6's figures, with the pack they are for."""

    pack_id: str
    version: str
    clinic: str
    phase: str
    adherence: tuple[Adherence, ...]
    pain: tuple[PhasePain, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Records:
    """Everything the report reads from the store, for one period (plus the window before it).

    Attributes:
        breaks: break records that ended from `window_days` before the period to its end.
        stretches: work stretches that ended over the same span (none before store v3).
        activity: day figures over the same span.
        episodes: every episode (the model keeps those that overlap the period).
        check_ins: every check-in (the model keeps those in the period).
        clinic: the user's clinic; else the organisation's (from the policy), if either is set.
        clinic_owner: the organisation's name when `clinic` is the organisation's; else None.
        advice: the latest check-in's advice, assessed against the diary now; None without one.
        advice_check_in: the check-in that advice is for.
    """

    breaks: tuple[BreakRecord, ...]
    activity: tuple[DayActivity, ...]
    episodes: tuple[Episode, ...]
    check_ins: tuple[StoredCheckIn, ...]
    clinic: ClinicProfile | None
    advice: Advice | None
    advice_check_in: StoredCheckIn | None
    stretches: tuple[WorkStretch, ...] = ()
    clinic_owner: str | None = None
    programme: ProgrammeRecords | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Period:
    """The working days the report covers, both included, and how days are cut."""

    first: date
    last: date
    day_starts_at: time
    zone: tzinfo
    #: True when `first` is the first record's day (the default period fitted to the data).
    fitted: bool = False

    def __post_init__(self) -> None:
        if self.first > self.last:
            raise ValueError(f"Period: expected first <= last, got {self.first} > {self.last}")

    @property
    def days(self) -> tuple[date, ...]:
        count = (self.last - self.first).days + 1
        return tuple(self.first + timedelta(days=n) for n in range(count))

    @property
    def start(self) -> datetime:
        """The moment the first day begins."""
        return datetime.combine(self.first, self.day_starts_at, tzinfo=self.zone)

    @property
    def end(self) -> datetime:
        """The moment after the last day ends."""
        return datetime.combine(self.last + timedelta(days=1), self.day_starts_at, tzinfo=self.zone)

    def day_of(self, moment: datetime) -> date:
        """The working day `moment` belongs to, in the period's zone."""
        return day_of(moment.astimezone(self.zone), self.day_starts_at)


@dataclass(frozen=True, slots=True, kw_only=True)
class PainPoint:
    """One pain score on the 0-10 scale: at the start of an episode, an update, or a check-in."""

    at: datetime
    pain: int
    source: str  # "start", "update" or "check-in"


@dataclass(frozen=True, slots=True, kw_only=True)
class EpisodeSummary:
    """One episode that overlaps the period, as the report shows it.

    Attributes:
        number: 1, 2, ... in the order of the period's episodes (the store's id is `id`).
        points: the start and every update with a pain score, in time order.
        latest_pain: the last score recorded (the start's when there is no update).
        length_days: start to end (or to `now` while open), in days.
        triggers, helped, areas: in plain words, vocabulary order.
    """

    number: int
    id: int | None
    started: datetime
    ended: datetime | None
    length_days: float
    pain_at_start: int
    pain_peak: int
    latest_pain: int
    points: tuple[PainPoint, ...]
    triggers: tuple[str, ...]
    helped: tuple[str, ...]
    areas: tuple[str, ...]
    notes: tuple[str, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class WorkFigures:
    """Averages over a set of days (Rule 4); each is None when no day has it.

    Attributes:
        days: how many of the days have an active-time figure.
        active_s: average active seconds per such day.
        longest_stretch_s: average of each day's longest stretch (days that have one, Rule 3).
        skipped: average skipped breaks per such day.
    """

    days: int
    active_s: float | None
    longest_stretch_s: float | None
    skipped: float | None


@dataclass(frozen=True, slots=True, kw_only=True)
class BeforeEpisode:
    """The window before one episode against the baseline."""

    number: int
    started: datetime
    first: date
    last: date
    before: WorkFigures


@dataclass(frozen=True, slots=True, kw_only=True)
class ReportModel:
    """All the report's figures. `has_data` is False when the period holds no active time, no
    break, no episode and no check-in: the report then says "no data yet"."""

    period: Period
    generated: datetime
    days: tuple[DayFigures, ...]
    kinds: tuple[KindFigures, ...]
    episodes: tuple[EpisodeSummary, ...]
    check_ins: tuple[StoredCheckIn, ...]
    advice: Advice | None
    advice_check_in: StoredCheckIn | None
    clinic: ClinicProfile | None
    triggers: tuple[tuple[str, int], ...]
    helped: tuple[tuple[str, int], ...]
    window_days: int
    baseline: WorkFigures
    before: tuple[BeforeEpisode, ...]
    has_data: bool
    stretch_measured: bool = False
    clinic_owner: str | None = None
    branding: ReportBranding = NO_BRANDING
    programme: ProgrammeFigures | None = None
    #: Check-ins entered while the clock ran ahead (clock_ahead Rule 1), from the whole diary.
    check_ins_ahead: tuple[StoredCheckIn, ...] = ()

    @property
    def active_total_s(self) -> float:
        return sum(d.active_s for d in self.days if d.active_s is not None)

    @property
    def days_with_activity(self) -> int:
        return sum(1 for d in self.days if d.active_s is not None)


def records_span(period: Period, window_days: int = WINDOW_DAYS) -> tuple[datetime, datetime]:
    """The instants whose breaks the model needs: from `window_days` before the period (the
    windows of its first episodes) to its end, one day wider on each side (Rule 2 decides)."""
    first = period.first - timedelta(days=window_days + 1)
    last = period.last + timedelta(days=2)
    return (
        datetime.combine(first, period.day_starts_at, tzinfo=period.zone),
        datetime.combine(last, period.day_starts_at, tzinfo=period.zone),
    )


def build(
    records: Records,
    period: Period,
    now: datetime,
    window_days: int = WINDOW_DAYS,
    *,
    branding: ReportBranding = NO_BRANDING,
) -> ReportModel:
    """The report's figures for `period` from `records`, with the organisation's `branding`.

    Raises:
        ValueError: `now` is naive, or `window_days` is below 1.
    """
    if now.utcoffset() is None:
        raise ValueError(f"now: expected an aware datetime, got {now!r}")
    if window_days < 1:
        raise ValueError(f"window_days: expected 1 or more, got {window_days!r}")
    days = period.days
    extended = tuple(period.first - timedelta(days=n) for n in range(window_days, 0, -1)) + days
    all_days = summarise(
        records.breaks,
        records.activity,
        extended,
        period.day_starts_at,
        period.zone,
        stretches=records.stretches,
    )
    in_period = summarise(records.breaks, records.activity, days, period.day_starts_at, period.zone)
    figures = {d.day: d for d in all_days.days}
    measured = all_days.stretch_measured
    stretch_of = {
        d.day: d.longest_stretch_s if measured else d.longest_gap_s for d in all_days.days
    }

    chosen = [
        e
        for e in records.episodes
        if e.started < period.end and (e.ended is None or e.ended >= period.start)
    ]
    chosen.sort(key=lambda e: e.started)
    episodes = tuple(_summary(n, e, now) for n, e in enumerate(chosen, start=1))
    check_ins = tuple(c for c in records.check_ins if period.start <= c.check_in.at < period.end)

    windows = {s.number: _window(period.day_of(s.started), window_days) for s in episodes}
    in_windows = {day for first, last in windows.values() for day in _span(first, last)}
    baseline = _work([figures[d] for d in days if d not in in_windows], stretch_of)
    before = tuple(
        BeforeEpisode(
            number=s.number,
            started=s.started,
            first=windows[s.number][0],
            last=windows[s.number][1],
            before=_work(
                [figures[d] for d in _span(*windows[s.number]) if d in figures], stretch_of
            ),
        )
        for s in episodes
        if windows[s.number][0] >= extended[0]
    )
    in_span = [b for b in records.breaks if period.start <= b.ended < period.end]
    programme = (
        None
        if records.programme is None
        else programme_figures(records.programme, in_span, check_ins)
    )
    return ReportModel(
        check_ins_ahead=check_ins_ahead(records.check_ins, now),
        programme=programme,
        period=period,
        generated=now,
        days=in_period.days,
        kinds=in_period.kinds,
        episodes=episodes,
        check_ins=check_ins,
        advice=records.advice,
        advice_check_in=records.advice_check_in,
        clinic=records.clinic,
        triggers=_tally(Trigger, [e.triggers for e in chosen]),
        helped=_tally(Helped, [e.helped_so_far for e in chosen]),
        window_days=window_days,
        baseline=baseline,
        before=before,
        has_data=bool(in_period.has_data or episodes or check_ins or programme),
        stretch_measured=measured,
        clinic_owner=records.clinic_owner if records.clinic is not None else None,
        branding=branding,
    )


def programme_figures(
    programme: ProgrammeRecords,
    breaks: Sequence[BreakRecord],
    check_ins: Sequence[StoredCheckIn],
) -> ProgrammeFigures:
    """Rule 6: adherence per prescribed exercise and pain per phase, from the period's breaks
    and check-ins."""
    order: list[str] = []
    for p in programme.prescriptions:
        if p.exercise not in order:
            order.append(p.exercise)
    adherence = []
    for exercise in order:
        mine = [p for p in programme.prescriptions if p.exercise == exercise]
        offered = [b for b in breaks if b.exercise == exercise]
        adherence.append(
            Adherence(
                exercise=exercise,
                name=programme.names.get(exercise, exercise),
                phases=tuple(p.phase for p in mine),
                per_day=max(p.per_day for p in mine),
                offered=len(offered),
                done=sum(b.outcome is Outcome.TAKEN for b in offered),
            )
        )
    pains: dict[str, list[int]] = {}
    for stored in check_ins:
        phase = phase_at(programme.changes, stored.check_in.at)
        pains.setdefault(phase, []).append(stored.check_in.pain_now)
    ordered = [p for p in ("", *programme.phases) if p in pains]
    return ProgrammeFigures(
        pack_id=programme.pack_id,
        version=programme.version,
        clinic=programme.clinic,
        phase=programme.phase,
        adherence=tuple(adherence),
        pain=tuple(
            PhasePain(
                phase=phase,
                check_ins=len(pains[phase]),
                mean=sum(pains[phase]) / len(pains[phase]),
                lowest=min(pains[phase]),
                highest=max(pains[phase]),
            )
            for phase in ordered
        ),
    )


def phase_at(changes: Sequence[PhaseChange], moment: datetime) -> str:
    """The phase in force at `moment`: of the changes dated at or before it, the one set last
    (`changes` in the order set, so one dated while the clock ran ahead never outlasts a later
    one); "" before the first."""
    found = ""
    for change in changes:
        if change.at <= moment:
            found = change.phase
    return found


# --- words shared by the HTML and PDF renderers ------------------------------------------------


def pain_trend(model: ReportModel) -> tuple[str, tuple[str, ...]]:
    """The pain trend: one plain sentence, and a line for each of the latest TREND_EPISODES
    episodes (a long period lists the rest in the episodes table only)."""
    if not model.episodes:
        return _("No episode of neck pain was recorded in this period."), ()
    lines = []
    for e in model.episodes[-TREND_EPISODES:]:
        state = _("still open") if e.ended is None else _lasted(e.length_days)
        lines.append(
            # Translators: one episode of neck pain; {state} is "still open" or "lasted 3 days",
            # the pains are scores from 0 to 10
            _(
                "Episode {number} ({date}, {state}): pain {start} at the start, peak {peak},"
                " latest {latest}."
            ).format(
                number=e.number,
                date=format_date(e.started.date()),
                state=state,
                start=e.pain_at_start,
                peak=e.pain_peak,
                latest=e.latest_pain,
            )
        )
    count = len(model.episodes)
    if count == 1:
        return _("One episode."), tuple(lines)
    peaks = [e.pain_peak for e in model.episodes]
    first, last = peaks[0], peaks[-1]
    # Translators: {count} is 2 or more; the pains are scores out of 10
    head = ngettext(
        "{count} episode; their peak pain ranged from {low} to {high} out of 10.",
        "{count} episodes; their peak pain ranged from {low} to {high} out of 10.",
        count,
    ).format(count=count, low=min(peaks), high=max(peaks))
    if last < first:
        compared = _(
            "The latest episode's peak ({last}/10) is lower than the first one's ({first}/10)."
        )
    elif last > first:
        compared = _(
            "The latest episode's peak ({last}/10) is higher than the first one's ({first}/10)."
        )
    else:
        compared = _(
            "The latest episode's peak ({last}/10) is the same as the first one's ({first}/10)."
        )
    head += " " + compared.format(last=last, first=first)
    if count > TREND_EPISODES:
        # Translators: introduces the list of the latest episodes
        head += " " + _("The latest {count}:").format(count=TREND_EPISODES)
    return head, tuple(lines)


def describe_before(item: BeforeEpisode, baseline: WorkFigures) -> str:
    """One episode's window against the baseline, plainly, with the numbers."""
    b = item.before
    days = (item.last - item.first).days + 1
    span = format_day_span(item.first, item.last)
    if b.days == 0:
        return ngettext(
            "In the {days} day before episode {number} ({span}), no active time was recorded,"
            " so there is nothing to compare.",
            "In the {days} days before episode {number} ({span}), no active time was recorded,"
            " so there is nothing to compare.",
            days,
        ).format(days=days, number=item.number, span=span)
    pieces = []
    if b.active_s is not None:
        # Translators: one finding of "In the 7 days before episode 2 (...), {findings}."
        pieces.append(
            _("you were active {duration} a day on average").format(
                duration=format_duration(b.active_s)
            )
            + _against(b.active_s, baseline.active_s, format_duration)
        )
    if b.longest_stretch_s is not None:
        # Translators: one finding of "In the 7 days before episode 2 (...), {findings}."
        pieces.append(
            _("your longest stretch between breaks averaged {duration}").format(
                duration=format_duration(b.longest_stretch_s)
            )
            + _against(b.longest_stretch_s, baseline.longest_stretch_s, format_duration)
        )
    else:
        # Translators: one finding of "In the 7 days before episode 2 (...), {findings}."
        pieces.append(_("there is no longest stretch to compare (too few breaks recorded)"))
    if b.skipped is not None:
        # Translators: one finding of "In the 7 days before episode 2 (...), {findings}.";
        # {count} is an average such as 1.5
        pieces.append(
            _("you skipped {count} breaks a day").format(count=format_number(b.skipped, 1))
            + _against(b.skipped, baseline.skipped, lambda v: format_number(v, 1), relative=False)
        )
    # Translators: {findings} are clauses such as "you were active 5h a day on average",
    # joined by "; "
    return ngettext(
        "In the {days} day before episode {number} ({span}), {findings}.",
        "In the {days} days before episode {number} ({span}), {findings}.",
        days,
    ).format(days=days, number=item.number, span=span, findings="; ".join(pieces))


#: The smallest baseline a duration is compared with in per cent: below it, a few minutes
#: either way read as a large change.
MIN_RELATIVE_BASE_S: Final = 15 * 60


def _against(
    value: float, base: float | None, shown: Callable[[float], str], *, relative: bool = True
) -> str:
    """The comparison after a finding ("against 3h on your other days (+25%)"): the change in
    per cent only where `relative` and the baseline is MIN_RELATIVE_BASE_S or more; never for
    counts as small as breaks skipped a day, where 0 against 1 would read as "-100%"."""
    if base is None:
        # Translators: follows a finding such as "you were active 5h a day on average"
        return " " + _("(no baseline days to compare with)")
    if not relative or base < MIN_RELATIVE_BASE_S:
        # Translators: follows a finding such as "you were active 5h a day on average";
        # {value} is the same figure on the person's other days
        return " " + _("against {value} on your other days").format(value=shown(base))
    change = round((value - base) / base * 100)
    # Translators: follows a finding such as "you were active 5h a day on average"; {value}
    # is the same figure on the person's other days, {change} the difference (+25%)
    return " " + _("against {value} on your other days ({change})").format(
        value=shown(base), change=format_percent(change, signed=True)
    )


def _lasted(length: float) -> str:
    if length < 1:
        # Translators: how long an episode of neck pain lasted
        return _("lasted under a day")
    whole = round(length)
    # Translators: how long an episode of neck pain lasted
    return ngettext("lasted {count} day", "lasted {count} days", whole).format(count=whole)


# --- helpers -----------------------------------------------------------------------------------


def _summary(number: int, e: Episode, now: datetime) -> EpisodeSummary:
    points = [PainPoint(at=e.started, pain=e.pain_at_start, source="start")]
    points += [
        PainPoint(at=u.at, pain=u.pain, source="update") for u in e.updates if u.pain is not None
    ]
    notes = tuple(n for n in (e.notes, *(u.notes for u in e.updates)) if n.strip())
    end = e.ended or now
    return EpisodeSummary(
        number=number,
        id=e.id,
        started=e.started,
        ended=e.ended,
        length_days=max(0.0, (end - e.started).total_seconds() / 86400),
        pain_at_start=e.pain_at_start,
        pain_peak=e.pain_peak,
        latest_pain=points[-1].pain,
        points=tuple(points),
        triggers=_words(Trigger, e.triggers),
        helped=_words(Helped, e.helped_so_far),
        areas=_words(Area, e.areas),
        notes=notes,
    )


def _words(kind: type[Enum], members: frozenset[Enum]) -> tuple[str, ...]:
    return tuple(LABELS[m] for m in in_order(kind, members))


def _tally(kind: type[Enum], sets: Sequence[frozenset[Enum]]) -> tuple[tuple[str, int], ...]:
    """How many episodes named each word, most first (vocabulary order on a tie); 0s left out."""
    counts: Counter[Enum] = Counter(m for s in sets for m in s)
    order = list(kind)
    ranked = sorted(counts, key=lambda m: (-counts[m], order.index(m)))
    return tuple((LABELS[m], counts[m]) for m in ranked)


def _window(start_day: date, window_days: int) -> tuple[date, date]:
    start_day = max(start_day, EARLIEST_DAY)  # a record kept from before the bound (year 1)
    return start_day - timedelta(days=window_days), start_day - timedelta(days=1)


def _span(first: date, last: date) -> tuple[date, ...]:
    return tuple(first + timedelta(days=n) for n in range((last - first).days + 1))


def _work(days: Sequence[DayFigures], stretch_of: dict[date, float | None]) -> WorkFigures:
    measured = [d for d in days if d.active_s is not None]
    stretches = [v for v in (stretch_of.get(d.day) for d in measured) if v is not None]
    if not measured:
        return WorkFigures(days=0, active_s=None, longest_stretch_s=None, skipped=None)
    return WorkFigures(
        days=len(measured),
        active_s=sum(d.active_s or 0.0 for d in measured) / len(measured),
        longest_stretch_s=sum(stretches) / len(stretches) if stretches else None,
        skipped=sum(d.skipped for d in measured) / len(measured),
    )
