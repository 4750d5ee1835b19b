"""A known 28-day history for the report's tests (issue 5, acceptance 1), worked out by hand.

Working days k = 0..27 end with `last` (k = 27); Asia/Tokyo (no DST), a day starts at 04:00.
Three episodes start on days 9, 19 and 26; each one's 7-day "before" window is:

    episode 1 (day 9):  days 2..8     pattern W1 on each: 6h active, rests at 09:00 and 12:00
                                      (longest stretch 3h), 3 skipped (posture x2, stretch)
    episode 2 (day 19): days 12..18   pattern W2: 5h, rests at 09:00 and 11:00 (2h), 2 skipped
                                      (posture, movement)
    episode 3 (day 26): days 19..25   pattern W3: 4h, one rest (no stretch figure), 0 skipped;
                                      day 21 has no record at all
    baseline: days 0, 1, 9, 10, 11, 26, 27 (in no window); day 0 has no record; pattern B on
              the other 6: 3h, rests at 09:00, 10:00, 11:00 (1h), 1 skipped (snoozed once)

Each recorded day also has two work stretches (the service's measure of active time between
rests): its longest, STRETCH_MINUTES by pattern (B 50, W1 150, W2 100, W3 60), and one half as
long. So the comparison is: before 1: 7 days, 6h, longest stretch 2h30m, 3.0 skipped; before 2:
7 days, 5h, 1h40m, 2.0; before 3: 6 days, 4h, 1h, 0.0; baseline: 6 days, 3h, 50m, 1.0.
Without the stretches (a store from before v3) the stretch comes from break times instead:
3h, 2h, none (one rest a day), and 1h.

Per kind over the 28 days (B x6, W1 x7, W2 x7, W3 x6):
    posture:  prompted 53, taken 26, natural 0, skipped 27, snoozed 6 -> adherence 49%
    stretch:  prompted 20, taken 13, natural 0, skipped 7,  snoozed 0 -> 65%
    movement: prompted 7,  taken 0, natural 13, skipped 7,  snoozed 0 -> 65%
Plus one break and one check-in the day before the period (k = -1), which every figure leaves out.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from posture_guard.app.store import Store
from posture_guard.core.episodes import (
    AgeBand,
    Area,
    CheckIn,
    Episode,
    EpisodeUpdate,
    Helped,
    Stiffness,
    Symptom,
    Trend,
    Trigger,
)
from posture_guard.core.records import AdviceSummary, BreakRecord, DayActivity
from posture_guard.core.stretches import WorkStretch
from posture_guard.core.tiers import Tier
from posture_guard.core.timer import Outcome

TOKYO = ZoneInfo("Asia/Tokyo")
DAYS = 28
T, N, S = Outcome.TAKEN, Outcome.NATURAL, Outcome.SKIPPED
NASTY_NOTE = '<script>alert("x")</script> & <b>bold</b> =SUM(A1) ünïcødé 😀 中文'

FORMULA_NOTE = "=1+1 looks like a formula to a spreadsheet"

W1, W2, W3 = range(2, 9), range(12, 19), range(19, 26)
BASELINE = (1, 9, 10, 11, 26, 27)  # day 0 is baseline too, but has no record
HOURS = {**{k: 6 for k in W1}, **{k: 5 for k in W2}, **{k: 4 for k in W3 if k != 21}}
HOURS.update({k: 3 for k in BASELINE})
STRETCH_MINUTES = {**{k: 150 for k in W1}, **{k: 100 for k in W2}, **{k: 60 for k in W3}}
STRETCH_MINUTES.update({k: 50 for k in BASELINE})


def day(last: date, k: int) -> date:
    return last - timedelta(days=DAYS - 1 - k)


def at(last: date, k: int, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day(last, k), time(hour, minute), tzinfo=TOKYO)


def brk(kind: str, ended: datetime, outcome: Outcome, snoozes: int = 0) -> BreakRecord:
    if outcome is N:  # stepped away, never asked
        return BreakRecord(kind=kind, ended=ended, outcome=N, started=ended - timedelta(minutes=6))
    due = ended - timedelta(minutes=2)
    return BreakRecord(
        kind=kind,
        ended=ended,
        outcome=outcome,
        due=due,
        prompted=due,
        started=due if outcome is T else None,
        snoozes=snoozes,
    )


def breaks(last: date) -> list[BreakRecord]:
    out = [brk("posture", at(last, -1, 9), T)]  # before the period
    for k in range(DAYS):
        a = lambda h, m=0, k=k: at(last, k, h, m)  # noqa: E731
        if k in BASELINE:
            out += [
                brk("posture", a(9), T),
                brk("stretch", a(10), T),
                brk("movement", a(11), N),
                brk("posture", a(10, 30), S, snoozes=1),
            ]
        elif k in W1:
            out += [
                brk("posture", a(9), T),
                brk("movement", a(12), N),
                brk("posture", a(10), S),
                brk("posture", a(10, 20), S),
                brk("stretch", a(11), S),
            ]
        elif k in W2:
            out += [
                brk("posture", a(9), T),
                brk("stretch", a(11), T),
                brk("posture", a(9, 40), S),
                brk("movement", a(10, 10), S),
            ]
        elif k in W3 and k != 21:
            out.append(brk("posture", a(9), T))
    return out


def stretches(last: date) -> list[WorkStretch]:
    out = []
    for k in sorted(HOURS):
        longest = STRETCH_MINUTES[k] * 60.0
        out.append(WorkStretch(started=at(last, k, 8), ended=at(last, k, 12), active_s=longest))
        out.append(
            WorkStretch(started=at(last, k, 13), ended=at(last, k, 15), active_s=longest / 2)
        )
    return out


def activity(last: date) -> list[DayActivity]:
    return [DayActivity(day=day(last, k), active_s=h * 3600.0) for k, h in sorted(HOURS.items())]


def episodes(last: date) -> list[tuple[Episode, list[EpisodeUpdate], datetime | None]]:
    """(episode as started, its updates, its end) for each of the three."""
    return [
        (
            Episode(
                started=at(last, 9, 9),
                pain_at_start=6,
                pain_peak=6,
                stiffness=Stiffness.MODERATE,
                areas=frozenset({Area.NECK_LEFT}),
                triggers=frozenset({Trigger.POSTURE, Trigger.LONG_SCREEN_SESSION}),
                notes=NASTY_NOTE,
            ),
            [
                EpisodeUpdate(at=at(last, 10, 9), pain=8, helped=frozenset({Helped.HEAT})),
                EpisodeUpdate(
                    at=at(last, 11, 9), pain=4, helped=frozenset({Helped.HEAT, Helped.STRETCHING})
                ),
            ],
            at(last, 12, 18),
        ),
        (
            Episode(
                started=at(last, 19, 8),
                pain_at_start=5,
                pain_peak=5,
                stiffness=Stiffness.MILD,
                triggers=frozenset({Trigger.STRESS, Trigger.POSTURE}),
                helped=frozenset({Helped.REST}),
                notes=FORMULA_NOTE,
            ),
            [],
            at(last, 20, 12),
        ),
        (
            Episode(
                started=at(last, 26, 10),
                pain_at_start=7,
                pain_peak=7,
                stiffness=Stiffness.SEVERE,
                triggers=frozenset({Trigger.LONG_SCREEN_SESSION}),
            ),
            [EpisodeUpdate(at=at(last, 26, 15), pain=6, helped=frozenset({Helped.HEAT}))],
            None,
        ),
    ]


def check_ins(last: date) -> list[tuple[CheckIn, AdviceSummary]]:
    def one(
        k: int,
        pain: int,
        trend: Trend,
        tier: Tier,
        rules: tuple[str, ...],
        *,
        tingling: bool = False,
    ) -> tuple[CheckIn, AdviceSummary]:
        symptoms = frozenset({Symptom.TINGLING_NUMBNESS}) if tingling else frozenset()
        check_in = CheckIn(
            at=at(last, k, 18),
            pain_now=pain,
            stiffness=Stiffness.MILD,
            symptoms=symptoms,
            trend=trend,
            age_band=AgeBand.FROM_20_TO_50,
        )
        return check_in, AdviceSummary(tier=tier, rule_ids=rules)

    return [
        one(-1, 2, Trend.IMPROVING, Tier.SELF_CARE, ("self-care",)),  # before the period
        one(10, 7, Trend.WORSE, Tier.BOOK, ("getting-worse",)),
        one(20, 3, Trend.IMPROVING, Tier.SELF_CARE, ("self-care",)),
        one(26, 6, Trend.SAME, Tier.BOOK, ("arm-or-nerve-symptoms",), tingling=True),
    ]


def write(store: Store, last: date) -> None:
    """The whole history into a real store."""
    store.save(breaks=breaks(last), activity=activity(last), stretches=stretches(last))
    for episode, updates, ended in episodes(last):
        stored = store.start_episode(episode)
        for update in updates:
            store.update_episode(update, episode_id=stored.id)
        if ended is not None:
            store.end_episode(ended, episode_id=stored.id)
    for check_in, advice in check_ins(last):
        store.add_check_in(check_in, advice)
