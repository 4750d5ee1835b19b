"""Warning-sign triage: a table of vignettes, properties (the highest tier wins; a worse answer
never lowers the tier), the advice's promises (not a diagnosis, emergency without booking, no
invented link), and the content's integrity (every rule has words, every source resolves).

Every vignette is answers + diary + now -> the exact tier and the exact set of rule ids. Unless
it says otherwise, `now` is Monday 2 March 2026, 10:00 in Berlin, and the person is 35, has mild
pain (3/10) and mild stiffness that is improving, no symptoms, no injury and no risk history:
that baseline alone is self-care.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from importlib import resources
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from posture_guard.app import diary
from posture_guard.core import content, triage
from posture_guard.core.clinic import ClinicProfile
from posture_guard.core.episodes import (
    AgeBand,
    Answer,
    CheckIn,
    Episode,
    EpisodeUpdate,
    Lasted,
    RiskFactor,
    Stiffness,
    Symptom,
    Trend,
    age_band_for,
    parse_choice,
    parse_choices,
)
from posture_guard.core.errors import ContentError, DiaryValueError
from posture_guard.core.tiers import Tier
from posture_guard.core.triage import RULES, assess, fired_rules
from tests.unit.helpers import profile

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 3, 2, 10, 0, tzinfo=BERLIN)
DAY = timedelta(days=1)
CLINIC = ClinicProfile(
    name="Riverside Physiotherapy",
    booking_url="https://riverside-physio.example/book",
    phone="+44 20 7946 0000",
)

E, P, B, S = Tier.EMERGENCY, Tier.PROMPT, Tier.BOOK, Tier.SELF_CARE


def ask(
    *,
    pain: int = 3,
    stiffness: str = "mild",
    symptoms: str = "",
    trend: str = "improving",
    sleep: bool = False,
    work: bool = False,
    daily: bool = False,
    home_care: int = 0,
    injury: bool | str = False,
    high_risk: bool | str = False,
    head: bool | str = False,
    manipulation: bool | str = False,
    lasted: str | None = None,
    risks: str = "",
    age: int = 35,
    at: datetime = NOW,
) -> CheckIn:
    """Check-in answers in the CLI's words ("not-sure" for the yes/no/not-sure questions);
    anything not given is the calm baseline."""

    def answer(value: bool | str) -> Answer:
        return (
            parse_choice(Answer, value, "answer")
            if isinstance(value, str)
            else Answer("yes" if value else "no")
        )

    return CheckIn(
        at=at,
        pain_now=pain,
        stiffness=parse_choice(Stiffness, stiffness, "stiffness"),
        symptoms=parse_choices(Symptom, symptoms, "symptoms"),
        trend=parse_choice(Trend, trend, "trend"),
        pain_disturbs_sleep=sleep,
        pain_stops_work=work,
        daily_life_affected=daily,
        home_care_days=home_care,
        pain_lasted=None if lasted is None else parse_choice(Lasted, lasted, "lasted"),
        after_injury=answer(injury),
        high_risk_mechanism=answer(high_risk),
        head_injury=answer(head),
        neck_manipulation=answer(manipulation),
        risk_history=parse_choices(RiskFactor, risks, "risk_history"),
        age_band=age_band_for(age),
    )


def ep(
    days_ago: float,
    *,
    lasted: float | None = None,
    pain: int = 4,
    updates: Sequence[tuple[float, int]] = (),
    started: datetime | None = None,
) -> Episode:
    """A diary episode that started `days_ago` before NOW (or at `started`), ended after
    `lasted` days (open when None), with updates as (days ago, pain)."""
    begin = started if started is not None else NOW - timedelta(days=days_ago)
    pains = [pain, *(p for _, p in updates)]
    return Episode(
        started=begin,
        ended=None if lasted is None else begin + timedelta(days=lasted),
        pain_at_start=pain,
        pain_peak=max(pains),
        stiffness=Stiffness.MILD,
        updates=tuple(EpisodeUpdate(at=NOW - timedelta(days=ago), pain=p) for ago, p in updates),
    )


@dataclass(frozen=True)
class Vignette:
    name: str
    answers: CheckIn
    tier: Tier
    rules: frozenset[str]
    history: tuple[Episode, ...] = ()
    now: datetime = NOW
    clinic: ClinicProfile | None = field(default=None)


def v(
    name: str,
    answers: CheckIn,
    tier: Tier,
    rules: set[str],
    history: Sequence[Episode] = (),
    *,
    now: datetime = NOW,
) -> Vignette:
    return Vignette(name, answers, tier, frozenset(rules), tuple(history), now)


SELF = {"self-care"}

VIGNETTES: list[Vignette] = [
    # --- self-care: the baseline and the seed page's ordinary symptoms
    v("baseline: mild, improving, nothing else", ask(), S, SELF),
    v("no pain, no stiffness", ask(pain=0, stiffness="none"), S, SELF),
    v(
        "the seed's common symptoms alone",
        ask(symptoms="headache,pain-on-movement,twitching,shoulder-discomfort,posture-discomfort"),
        S,
        SELF,
    ),
    v("moderate stiffness", ask(stiffness="moderate"), S, SELF),
    v("pain 6 is not yet severe", ask(pain=6), S, SELF),
    # --- several days without improvement: 6 vs 7 days of the open episode
    v("open 6 days, the same", ask(trend="same"), S, SELF, [ep(6, pain=3)]),
    v(
        "open 6 days 23 h, the same",
        ask(trend="same"),
        S,
        SELF,
        [ep(6 + 23 / 24, pain=3)],
    ),
    v("open 7 days, the same", ask(trend="same"), B, {"several-days-no-better"}, [ep(7, pain=3)]),
    v("open 10 days but improving", ask(), S, SELF, [ep(10, pain=3)]),
    v(
        "open 7 days, the same, but no pain or stiffness left",
        ask(pain=0, stiffness="none", trend="same"),
        S,
        SELF,
        [ep(7, pain=3)],
    ),
    v("a long episode that has ended", ask(trend="same"), S, SELF, [ep(20, lasted=12, pain=3)]),
    v(
        "DST: 7 days on the wall clock but 6 d 23 h of real time",
        ask(trend="same", at=datetime(2026, 3, 30, 10, 0, tzinfo=BERLIN)),
        S,
        SELF,
        [ep(0, pain=3, started=datetime(2026, 3, 23, 10, 0, tzinfo=BERLIN))],
        now=datetime(2026, 3, 30, 10, 0, tzinfo=BERLIN),
    ),
    v(
        "DST: 7 days of real time across the change",
        ask(trend="same", at=datetime(2026, 3, 30, 10, 0, tzinfo=BERLIN)),
        B,
        {"several-days-no-better"},
        [ep(0, pain=3, started=datetime(2026, 3, 23, 9, 0, tzinfo=BERLIN))],
        now=datetime(2026, 3, 30, 10, 0, tzinfo=BERLIN),
    ),
    # --- persisting despite home care: 6 vs 7 days
    v("home care 6 days, the same", ask(trend="same", home_care=6), S, SELF),
    v(
        "home care 7 days, the same",
        ask(trend="same", home_care=7),
        B,
        {"persisting-despite-home-care"},
    ),
    v("home care 7 days, improving", ask(home_care=7), S, SELF),
    # --- recurrence from the diary: 2 vs 3 episodes in 8 weeks (56 days)
    v(
        "2 episodes in 8 weeks",
        ask(),
        S,
        SELF,
        [ep(40, lasted=3), ep(1, pain=3)],
    ),
    v(
        "3 episodes in 8 weeks",
        ask(),
        B,
        {"recurrent-episodes"},
        [ep(50, lasted=3), ep(20, lasted=2), ep(1, pain=3)],
    ),
    v(
        "3 episodes, the oldest 56 days ago",
        ask(),
        B,
        {"recurrent-episodes"},
        [ep(56, lasted=3), ep(20, lasted=2), ep(1, pain=3)],
    ),
    v(
        "3 episodes, the oldest 57 days ago",
        ask(),
        S,
        SELF,
        [ep(57, lasted=3), ep(20, lasted=2), ep(1, pain=3)],
    ),
    v(
        "3 closed episodes, none open",
        ask(pain=0, stiffness="none"),
        B,
        {"recurrent-episodes"},
        [ep(30, lasted=2), ep(20, lasted=2), ep(10, lasted=2)],
    ),
    v(
        "an episode that starts after now is not counted",
        ask(),
        S,
        SELF,
        [ep(30, lasted=2), ep(10, lasted=2), ep(-1)],
    ),
    # --- getting worse: said, or computed from the pain values (2 points above the lowest)
    v("says it is worse", ask(trend="worse"), B, {"getting-worse"}),
    v("pain 3 -> 5 in the episode", ask(pain=5), B, {"getting-worse"}, [ep(2, pain=3)]),
    v("pain 3 -> 4 in the episode", ask(pain=4), S, SELF, [ep(2, pain=3)]),
    v(
        "pain 6 -> 2 -> 4: up 2 from the lowest",
        ask(pain=4),
        B,
        {"getting-worse"},
        [ep(3, pain=6, updates=[(1, 2)])],
    ),
    v(
        "pain 6 -> 5 -> 5: not worse",
        ask(pain=5, trend="same"),
        S,
        SELF,
        [ep(3, pain=6, updates=[(1, 5)])],
    ),
    v(
        "a later update (after now) is not counted",
        ask(pain=4),
        S,
        SELF,
        [ep(3, pain=4, updates=[(-1, 1)])],
    ),
    # --- the seed page's other reasons to book
    v("severe stiffness", ask(stiffness="severe"), B, {"severe-stiffness"}),
    v("pain disturbs sleep", ask(sleep=True), B, {"sleep-disturbed"}),
    v("pain interferes with work", ask(work=True), B, {"work-stopped"}),
    v("daily life affected", ask(daily=True), B, {"daily-life-affected"}),
    v("pain 7 is severe", ask(pain=7), B, {"severe-pain"}),
    v("arm tingling", ask(symptoms="tingling-numbness"), B, {"arm-or-nerve-symptoms"}),
    v("arm pain and a cold arm", ask(symptoms="arm-pain,cold-arm"), B, {"arm-or-nerve-symptoms"}),
    v(
        "arm weakness, the same",
        ask(symptoms="weakness", trend="same"),
        B,
        {"arm-or-nerve-symptoms"},
    ),
    v(
        "arm weakness while getting worse",
        ask(symptoms="weakness", trend="worse"),
        P,
        {"weakness-getting-worse", "arm-or-nerve-symptoms", "getting-worse"},
    ),
    # --- age bands (new pain): 19/20, 55/56, 50/51 with a history
    v("age 19", ask(age=19), B, {"age-band"}),
    v("age 20", ask(age=20), S, SELF),
    v("age 55", ask(age=55), S, SELF),
    v("age 56", ask(age=56), B, {"age-band"}),
    v("age 19 without neck pain or stiffness", ask(age=19, pain=0, stiffness="none"), S, SELF),
    v("age 50 with vascular disease", ask(age=50, risks="vascular-disease"), S, SELF),
    v("age 51 with vascular disease", ask(age=51, risks="vascular-disease"), B, {"age-band"}),
    v(
        "age 51 with a history of cancer",
        ask(age=51, risks="cancer"),
        P,
        {"risk-history", "age-band"},
    ),
    # --- risk histories with neck pain
    v("cancer history, neck pain", ask(risks="cancer"), P, {"risk-history"}),
    v(
        "cancer history, no pain or stiffness",
        ask(risks="cancer", pain=0, stiffness="none"),
        S,
        SELF,
    ),
    v("cancer history, stiffness only", ask(risks="cancer", pain=0), P, {"risk-history"}),
    v("tuberculosis", ask(risks="tuberculosis"), P, {"risk-history"}),
    v("weakened immune system", ask(risks="immunosuppression"), P, {"risk-history"}),
    v("injecting drugs", ask(risks="iv-drug-use"), P, {"risk-history"}),
    v("inflammatory arthritis", ask(risks="inflammatory-arthritis"), P, {"risk-history"}),
    v("osteoporosis, no injury", ask(risks="osteoporosis"), S, SELF),
    v("previous neck surgery", ask(risks="neck-surgery"), B, {"previous-neck-surgery"}),
    # --- injuries and the C-spine rule: age 64 vs 65, mechanism, limb signs, rotation
    v("injury at 35, nothing else", ask(injury=True), B, {"neck-injury"}),
    v("injury at 64", ask(injury=True, age=64), B, {"neck-injury", "age-band"}),
    v(
        "injury at 65",
        ask(injury=True, age=65),
        E,
        {"neck-injury-high-risk", "neck-injury", "age-band"},
    ),
    v(
        "injury at 35, dangerous mechanism",
        ask(injury=True, high_risk=True),
        E,
        {"neck-injury-high-risk", "neck-injury"},
    ),
    v(
        "injury at 35, tingling in the arms",
        ask(injury=True, symptoms="tingling-numbness"),
        E,
        {"neck-injury-high-risk", "neck-injury", "arm-or-nerve-symptoms"},
    ),
    v(
        "injury at 35, cannot turn the head",
        ask(injury=True, stiffness="severe"),
        E,
        {"neck-injury-high-risk", "neck-injury", "severe-stiffness"},
    ),
    v(
        "injury at 35, moderate stiffness",
        ask(injury=True, stiffness="moderate"),
        B,
        {"neck-injury"},
    ),
    v(
        "osteoporosis and a minor fall",
        ask(injury=True, risks="osteoporosis"),
        P,
        {"osteoporosis-and-injury", "neck-injury"},
    ),
    # --- meningitis
    v(
        "fever, headache, stiff neck",
        ask(symptoms="fever,headache"),
        E,
        {"meningitis-signs", "systemic-signs"},
    ),
    v(
        "fever, vomiting, light hurts, painful neck without stiffness",
        ask(symptoms="fever,vomiting,light-sensitivity", stiffness="none"),
        E,
        {"meningitis-signs", "systemic-signs"},
    ),
    v(
        "fever and headache, but no neck pain or stiffness",
        ask(symptoms="fever,headache", pain=0, stiffness="none"),
        P,
        {"systemic-signs"},
    ),
    v(
        "fever alone with neck pain, not stiff",
        ask(symptoms="fever", stiffness="none"),
        P,
        {"systemic-signs"},
    ),
    v(
        "fever with a stiff neck, nothing else",
        ask(symptoms="fever"),
        E,
        {"meningitis-signs", "systemic-signs"},
    ),
    v("a non-fading rash alone", ask(symptoms="non-fading-rash"), E, {"meningitis-signs"}),
    v(
        "headache, vomiting and light-sensitivity without fever",
        ask(symptoms="headache,vomiting,light-sensitivity"),
        E,
        {"meningitis-signs", "possible-meningitis-no-fever"},
    ),
    v(
        "headache, vomiting and light-sensitivity without fever or stiffness",
        ask(symptoms="headache,vomiting,light-sensitivity", stiffness="none"),
        S,
        SELF,
    ),
    # --- other emergencies
    v("thunderclap headache", ask(symptoms="thunderclap-headache"), E, {"thunderclap-headache"}),
    v("sudden weakness of a leg", ask(symptoms="sudden-weakness"), E, {"sudden-neuro-deficit"}),
    v("new numbness in the face", ask(symptoms="face-numbness"), E, {"sudden-neuro-deficit"}),
    v("double vision", ask(symptoms="double-vision"), E, {"sudden-neuro-deficit"}),
    v(
        "trouble speaking or swallowing",
        ask(symptoms="trouble-speaking-swallowing"),
        E,
        {"sudden-neuro-deficit"},
    ),
    v("fainting", ask(symptoms="fainting"), E, {"sudden-neuro-deficit"}),
    v("a seizure", ask(symptoms="seizure"), E, {"sudden-neuro-deficit"}),
    v(
        "an electric-shock feeling",
        ask(symptoms="electric-shock-feeling"),
        E,
        {"sudden-neuro-deficit", "myelopathy-signs"},
    ),
    v("chest pain", ask(symptoms="chest-pain"), E, {"cardiac-chest-pain"}),
    # --- spinal cord, neck artery, the whole body
    v("clumsy hands", ask(symptoms="clumsy-hands"), P, {"myelopathy-signs"}),
    v("unsteady walking", ask(symptoms="balance-problems"), P, {"myelopathy-signs"}),
    v("bladder or bowel changes", ask(symptoms="bladder-bowel-changes"), P, {"myelopathy-signs"}),
    v("dizziness", ask(symptoms="dizziness"), P, {"dissection-like-signs"}),
    v(
        "new severe headache and blurred vision",
        ask(symptoms="severe-headache,vision-changes"),
        E,
        {"vascular-signs-together", "dissection-like-signs"},
    ),
    v("hearing changes", ask(symptoms="hearing-changes"), P, {"dissection-like-signs"}),
    v("drop attacks", ask(symptoms="drop-attacks"), P, {"dissection-like-signs"}),
    v(
        "dizziness with double vision (stroke-like)",
        ask(symptoms="dizziness,double-vision"),
        E,
        {"sudden-neuro-deficit", "vascular-signs-together", "dissection-like-signs"},
    ),
    v(
        "night sweats or weight loss",
        ask(symptoms="night-sweats-weight-loss"),
        P,
        {"systemic-signs"},
    ),
    v("swollen glands", ask(symptoms="swollen-glands"), P, {"systemic-signs"}),
    v("feeling unwell", ask(symptoms="feeling-unwell"), P, {"systemic-signs"}),
    # --- combinations: the highest tier wins, every reason is listed
    v(
        "chest pain with arm pain, sleep and work affected",
        ask(symptoms="chest-pain,arm-pain", sleep=True, work=True),
        E,
        {"cardiac-chest-pain", "arm-or-nerve-symptoms", "sleep-disturbed", "work-stopped"},
    ),
    v(
        "a bad fortnight: 14 days, worse, severe, sleepless, off work, home care tried",
        ask(pain=8, trend="worse", sleep=True, work=True, daily=True, home_care=10),
        P,
        {
            "severe-pain-getting-worse",
            "several-days-no-better",
            "persisting-despite-home-care",
            "getting-worse",
            "sleep-disturbed",
            "work-stopped",
            "daily-life-affected",
            "severe-pain",
        },
        [ep(14, pain=5)],
    ),
    v(
        "recurrent and worse, with clumsy hands",
        ask(pain=6, symptoms="clumsy-hands"),
        P,
        {"myelopathy-signs", "recurrent-episodes", "getting-worse"},
        [ep(40, lasted=4), ep(25, lasted=3), ep(2, pain=3)],
    ),
    # --- the second clinical pass (issue 17): each new rule at least once
    v("unusually drowsy, alone", ask(symptoms="drowsiness"), E, {"altered-consciousness"}),
    v(
        "vomiting after an injury",
        ask(injury=True, symptoms="vomiting"),
        E,
        {"injury-warning-signs", "neck-injury", "possible-meningitis-no-fever"},
    ),
    v(
        "headache after a blow to the head, not sure",
        ask(injury=True, head="not-sure", symptoms="headache"),
        E,
        {"injury-warning-signs", "neck-injury"},
    ),
    v(
        "dizziness and nausea together",
        ask(symptoms="dizziness,nausea"),
        E,
        {"vascular-signs-together", "dissection-like-signs"},
    ),
    v(
        "dizziness after a neck manipulation",
        ask(manipulation=True, symptoms="dizziness"),
        E,
        {"vascular-signs-after-injury-or-manipulation", "dissection-like-signs"},
    ),
    v("a neck manipulation alone", ask(manipulation=True), S, SELF),
    v("weakness spreading", ask(symptoms="weakness-spreading"), P, {"weakness-getting-worse"}),
    v("both arms", ask(symptoms="both-arms"), P, {"both-arms"}),
    v(
        "pain 10, improving",
        ask(pain=10),
        P,
        {"severe-pain-getting-worse", "severe-pain"},
    ),
    v(
        "pain 10 and getting worse",
        ask(pain=10, trend="worse"),
        P,
        {"severe-pain-getting-worse", "severe-pain", "getting-worse"},
    ),
    v("lasted 3-12 weeks, improving", ask(lasted="3-12-weeks"), B, {"lasting-weeks"}),
    v(
        "lasted 1-3 weeks, the same, no open episode",
        ask(lasted="1-3-weeks", trend="same"),
        B,
        {"several-days-no-better"},
    ),
    v("lasted 1-3 weeks, improving", ask(lasted="1-3-weeks"), S, SELF),
    v(
        "lasted over 12 weeks, no pain or stiffness left",
        ask(lasted="over-12-weeks", pain=0, stiffness="none"),
        S,
        SELF,
    ),
    v("injury: not sure", ask(injury="not-sure"), B, {"neck-injury"}),
    v(
        "injury not sure, dangerous not sure",
        ask(injury="not-sure", high_risk="not-sure"),
        E,
        {"neck-injury-high-risk", "neck-injury"},
    ),
    v(
        "age 70, tingling, no injury",
        ask(age=70, symptoms="tingling-numbness"),
        B,
        {"arm-or-nerve-symptoms", "age-band"},
    ),
]


def _advice(case: Vignette, clinic: ClinicProfile | None = None) -> triage.Advice:
    return assess(case.answers, case.history, case.now, clinic)


@pytest.mark.parametrize("case", VIGNETTES, ids=[c.name for c in VIGNETTES])
def test_vignette_tier_and_exact_rules(case: Vignette) -> None:
    advice = _advice(case)
    assert (advice.tier, set(advice.rule_ids)) == (case.tier, case.rules)
    assert len(advice.rule_ids) == len(set(advice.rule_ids))


def test_vignettes_are_many_and_cover_every_rule() -> None:
    assert len(VIGNETTES) >= 40
    covered = set().union(*(c.rules for c in VIGNETTES))
    assert covered == {rule.id for rule in RULES}
    assert {c.tier for c in VIGNETTES} == set(Tier)


def test_vignette_names_are_unique() -> None:
    names = [c.name for c in VIGNETTES]
    assert len(names) == len(set(names))


#: What each symptom alone (with the baseline's mild neck pain) leads to. Adding a word to the
#: vocabulary fails this test until someone decides what it means.
SYMPTOM_ALONE: dict[Symptom, Tier] = {
    Symptom.HEADACHE: S,
    Symptom.PAIN_ON_MOVEMENT: S,
    Symptom.TWITCHING: S,
    Symptom.SHOULDER_DISCOMFORT: S,
    Symptom.POSTURE_DISCOMFORT: S,
    Symptom.VOMITING: P,
    Symptom.LIGHT_SENSITIVITY: P,
    Symptom.DROWSINESS: E,
    Symptom.ARM_PAIN: B,
    Symptom.TINGLING_NUMBNESS: B,
    Symptom.COLD_ARM: B,
    Symptom.WEAKNESS: B,
    Symptom.FEVER: E,  # the baseline's neck is a little stiff: fever with a stiff neck
    Symptom.FEELING_UNWELL: P,
    Symptom.NIGHT_SWEATS_WEIGHT_LOSS: P,
    Symptom.SWOLLEN_GLANDS: P,
    Symptom.CLUMSY_HANDS: P,
    Symptom.BALANCE_PROBLEMS: P,
    Symptom.BLADDER_BOWEL_CHANGES: P,
    Symptom.SEVERE_HEADACHE: P,
    Symptom.DIZZINESS: P,
    Symptom.VISION_CHANGES: P,
    Symptom.HEARING_CHANGES: P,
    Symptom.DROP_ATTACKS: P,
    Symptom.NON_FADING_RASH: E,
    Symptom.THUNDERCLAP_HEADACHE: E,
    Symptom.SEIZURE: E,
    Symptom.SUDDEN_WEAKNESS: E,
    Symptom.FACE_NUMBNESS: E,
    Symptom.DOUBLE_VISION: E,
    Symptom.TROUBLE_SPEAKING_SWALLOWING: E,
    Symptom.FAINTING: E,
    Symptom.ELECTRIC_SHOCK_FEELING: E,
    Symptom.CHEST_PAIN: E,
    Symptom.NAUSEA: P,
    Symptom.NYSTAGMUS: E,
    Symptom.SUDDEN_UNSTEADINESS: E,
    Symptom.SUDDEN_VISION_LOSS: E,
    Symptom.WEAKNESS_SPREADING: P,
    Symptom.BOTH_ARMS: P,
}


def test_symptom_alone_every_word_has_a_decided_tier() -> None:
    assert set(SYMPTOM_ALONE) == set(Symptom)
    got = {symptom: assess(ask(symptoms=symptom.value), [], NOW, None).tier for symptom in Symptom}
    assert got == SYMPTOM_ALONE


# --- properties (Hypothesis) -----------------------------------------------------------------------


def sets(kind: Any) -> st.SearchStrategy[frozenset[Any]]:
    return st.frozensets(st.sampled_from(list(kind)))


#: Each yes/no/not-sure answer; None where a stored check-in predates the question.
answers_ = st.sampled_from(list(Answer))


@st.composite
def check_ins(draw: st.DrawFn) -> CheckIn:
    after_injury = draw(answers_)
    return CheckIn(
        at=NOW,
        pain_now=draw(st.integers(0, 10)),
        stiffness=draw(st.sampled_from(list(Stiffness))),
        symptoms=draw(sets(Symptom)),
        trend=draw(st.sampled_from(list(Trend))),
        pain_disturbs_sleep=draw(st.booleans()),
        pain_stops_work=draw(st.booleans()),
        daily_life_affected=draw(st.booleans()),
        home_care_days=draw(st.integers(0, 30)),
        pain_lasted=draw(st.none() | st.sampled_from(list(Lasted))),
        after_injury=after_injury,
        high_risk_mechanism=draw(answers_) if after_injury else Answer.NO,
        head_injury=draw(answers_ | st.none()) if after_injury else Answer.NO,
        neck_manipulation=draw(answers_ | st.none()),
        risk_history=draw(sets(RiskFactor)),
        age_band=draw(st.sampled_from(list(AgeBand))),
    )


@st.composite
def diaries(draw: st.DrawFn) -> tuple[Episode, ...]:
    """Up to 5 episodes started up to 90 days ago (some after now), the latest possibly open."""
    starts = sorted(draw(st.lists(st.integers(-3 * 24, 90 * 24), max_size=5)), reverse=True)
    history = []
    for index, hours_ago in enumerate(starts):
        started = NOW - timedelta(hours=hours_ago)
        is_last = index == len(starts) - 1
        ended = None if is_last and draw(st.booleans()) else started + timedelta(hours=12)
        pain = draw(st.integers(0, 10))
        later = draw(st.lists(st.integers(0, 10), max_size=3))
        history.append(
            Episode(
                started=started,
                ended=ended,
                pain_at_start=pain,
                pain_peak=max([pain, *later]),
                stiffness=Stiffness.MILD,
                updates=tuple(
                    EpisodeUpdate(at=started + timedelta(hours=2 * (i + 1)), pain=p)
                    for i, p in enumerate(later)
                    if ended is None or started + timedelta(hours=2 * (i + 1)) <= ended
                ),
            )
        )
    return tuple(history)


@profile(600)
@given(check_ins(), diaries())
def test_property_the_highest_tier_wins(answers: CheckIn, history: tuple[Episode, ...]) -> None:
    advice = assess(answers, history, NOW, CLINIC)
    holding = [rule for rule in RULES if rule.applies(answers, history, NOW)]
    assert advice.tier == max(rule.tier for rule in holding)
    warning_signs = {rule.id for rule in holding if rule.id != "self-care"}
    assert set(advice.rule_ids) == (warning_signs or {"self-care"})
    tiers = [reason.tier for reason in advice.reasons]
    assert tiers == sorted(tiers, reverse=True)
    assert tiers[0] == advice.tier
    assert advice.what_to_do == triage.load_warning_signs().tiers[advice.tier].what_to_do


def _level(value: Answer | Lasted | None) -> int:
    return -1 if value is None else value.level


def _add(kind: str) -> Callable[[Any], Callable[[CheckIn], CheckIn]]:
    def make(value: Any) -> Callable[[CheckIn], CheckIn]:
        def worse(c: CheckIn) -> CheckIn:
            match kind:
                case "symptom":
                    return replace(c, symptoms=c.symptoms | {value})
                case "risk":
                    return replace(c, risk_history=c.risk_history | {value})
                case "pain":
                    return replace(c, pain_now=min(10, c.pain_now + value))
                case "stiffness":
                    return replace(c, stiffness=max(c.stiffness, value, key=lambda s: s.level))
                case "trend":
                    return replace(c, trend=max(c.trend, value, key=lambda t: t.level))
                case "home_care":
                    return replace(c, home_care_days=c.home_care_days + value)
                case "yes":
                    return replace(c, **{value: True})
                case "answer":  # no -> not sure -> yes (None, not asked, is below no)
                    name, answer = value
                    old = getattr(c, name)
                    if name in ("high_risk_mechanism", "head_injury"):
                        c = replace(c, after_injury=max(c.after_injury, answer, key=_level))
                    return replace(c, **{name: max(old, answer, key=_level)})
                case "lasted":
                    return replace(c, pain_lasted=max(c.pain_lasted, value, key=_level))
                case "dangerous":
                    return replace(c, after_injury=True, high_risk_mechanism=True)
            raise AssertionError(kind)

        worse.__name__ = f"add {kind} {value}"
        return worse

    return make


#: Every way an answer can get worse (module Rule 7); age is a band, not a direction.
worse_answers = st.one_of(
    st.sampled_from(list(Symptom)).map(_add("symptom")),
    st.sampled_from(list(RiskFactor)).map(_add("risk")),
    st.integers(1, 10).map(_add("pain")),
    st.sampled_from(list(Stiffness)).map(_add("stiffness")),
    st.sampled_from(list(Trend)).map(_add("trend")),
    st.integers(1, 30).map(_add("home_care")),
    st.sampled_from(["pain_disturbs_sleep", "pain_stops_work", "daily_life_affected"]).map(
        _add("yes")
    ),
    st.tuples(
        st.sampled_from(
            ["after_injury", "high_risk_mechanism", "head_injury", "neck_manipulation"]
        ),
        st.sampled_from([Answer.NOT_SURE, Answer.YES]),
    ).map(_add("answer")),
    st.sampled_from(list(Lasted)).map(_add("lasted")),
    st.just(None).map(_add("dangerous")),
)


@profile(1000)
@given(check_ins(), diaries(), st.lists(worse_answers, min_size=1, max_size=3))
def test_property_a_worse_answer_never_lowers_the_tier(
    answers: CheckIn,
    history: tuple[Episode, ...],
    changes: list[Callable[[CheckIn], CheckIn]],
) -> None:
    """No under-triage: each worse answer keeps the tier and every warning sign that fired."""
    before = assess(answers, history, NOW, None)
    worse = answers
    for change in changes:
        worse = change(worse)
    after = assess(worse, history, NOW, None)
    assert after.tier >= before.tier
    assert set(before.rule_ids) - {"self-care"} <= set(after.rule_ids)


# --- the advice's promises ------------------------------------------------------------------------


def test_tier_order() -> None:
    assert E > P > B > S
    assert max([B, S, E, P]) is E
    assert sorted([E, S, P, B]) == [S, B, P, E]
    assert S < B < P < E
    assert B <= Tier.BOOK
    assert E >= P
    with pytest.raises(TypeError):
        assert E > 2  # type: ignore[operator]


@pytest.mark.parametrize("clinic", [None, CLINIC], ids=["no clinic", "clinic"])
def test_advice_every_text_says_it_is_not_a_diagnosis(clinic: ClinicProfile | None) -> None:
    line = triage.load_warning_signs().not_a_diagnosis
    assert line.startswith("This is not a diagnosis.")
    for case in VIGNETTES:
        advice = _advice(case, clinic)
        assert advice.not_a_diagnosis == line
        assert line in advice.text(), case.name


def test_advice_emergency_names_the_number_and_offers_no_booking() -> None:
    emergencies = [c for c in VIGNETTES if c.tier is E]
    assert len(emergencies) >= 10
    for case in emergencies:
        advice = _advice(case, CLINIC)
        text = advice.text()
        assert (advice.booking_url, advice.clinic, advice.add_clinic) == (None, None, None)
        for number in ("112", "999", "911"):
            assert number in advice.what_to_do, case.name
        assert "emergency number" in advice.what_to_do
        assert CLINIC.name not in text
        assert "http" not in text
        assert "Book" not in text.split("Why:")[0]


@pytest.mark.parametrize("tier", [P, B])
def test_advice_prompt_and_book_offer_the_clinics_link(tier: Tier) -> None:
    for case in (c for c in VIGNETTES if c.tier is tier):
        advice = _advice(case, CLINIC)
        assert advice.booking_url == CLINIC.booking_url
        assert advice.clinic == CLINIC
        assert advice.add_clinic is None
        text = advice.text()
        assert f"Book online: {CLINIC.booking_url}" in text
        assert f"Phone: {CLINIC.phone}" in text


def test_advice_clinic_with_a_phone_only_gives_no_link() -> None:
    phone_only = ClinicProfile(name="Dr Shah", phone="+44 20 7946 0001")
    advice = assess(ask(sleep=True), [], NOW, phone_only)
    assert advice.booking_url is None
    assert "Phone: +44 20 7946 0001" in advice.text()
    assert "http" not in advice.text()


def test_advice_self_care_offers_no_booking() -> None:
    advice = assess(ask(), [], NOW, CLINIC)
    assert (advice.tier, advice.booking_url, advice.clinic) == (S, None, None)
    assert "http" not in advice.text()


@pytest.mark.parametrize("tier", [P, B, S])
def test_advice_without_a_clinic_says_how_to_add_one_and_invents_no_link(tier: Tier) -> None:
    for case in (c for c in VIGNETTES if c.tier is tier):
        advice = _advice(case)
        assert advice.booking_url is None
        assert advice.add_clinic is not None
        assert "`posture-guard clinic set`" in advice.add_clinic
        assert "`posture-guard clinic import FILE`" in advice.add_clinic
        assert advice.add_clinic in advice.text()
        assert "http" not in advice.text()
        # Protects: a window says the button's name instead of the commands
        in_window = diary.advice_text(advice, in_window=True)
        assert "posture-guard" not in in_window
        assert "press Add my clinic" in in_window


def test_advice_reasons_carry_words_and_resolved_sources() -> None:
    advice = assess(ask(symptoms="tingling-numbness"), [], NOW, None)
    (reason,) = advice.reasons
    assert reason.rule_id == "arm-or-nerve-symptoms"
    assert reason.tier is B
    assert reason.title.startswith("Pain spreading down an arm")
    assert [s.id for s in reason.sources] == [
        "seed-nivaan",
        "hse-ireland-neck-pain",
        "aafp-radiculopathy",
        "gponline-cks-neck-pain",
        "judgement",
    ]
    assert reason.judgement is not None
    assert f"Our judgement: {reason.judgement}" in advice.text()
    assert "AAFP patient page: Cervical radiculopathy" in advice.text()


def test_advice_is_the_same_for_the_same_arguments() -> None:
    case = VIGNETTES[-1]
    assert _advice(case, CLINIC) == _advice(case, CLINIC)


def test_assess_needs_an_aware_now() -> None:
    with pytest.raises(DiaryValueError, match=r"^now = 2026-03-02T10:00:00: expected a date"):
        assess(ask(), [], datetime(2026, 3, 2, 10, 0), None)


def test_fired_rules_highest_tier_first_then_table_order() -> None:
    fired = fired_rules(ask(symptoms="arm-pain,chest-pain,dizziness", sleep=True), [], NOW)
    assert [r.id for r in fired] == [
        "cardiac-chest-pain",
        "dissection-like-signs",
        "sleep-disturbed",
        "arm-or-nerve-symptoms",
    ]


# --- the content: every rule has words, every source resolves ---------------------------------------


def _package_toml(name: str) -> dict[str, Any]:
    text = resources.files("posture_guard.content").joinpath(name).read_text(encoding="utf-8")
    return tomllib.loads(text)


def test_content_every_rule_has_words_and_no_words_lack_a_rule() -> None:
    document = _package_toml("warning_signs.toml")
    in_toml = [entry["id"] for entry in document["rule"]]
    assert sorted(in_toml) == sorted(rule.id for rule in RULES)
    assert len(in_toml) == len(set(in_toml))
    for entry in document["rule"]:
        code = next(rule for rule in RULES if rule.id == entry["id"])
        assert entry["tier"] == code.tier.value, entry["id"]
        assert tuple(entry["sources"]) == code.sources, entry["id"]
        assert entry["title"].strip(), entry["id"]
        assert entry["do_now"].strip(), entry["id"]


def test_content_every_cited_source_resolves_in_sources_toml() -> None:
    known = set(_package_toml("sources.toml"))
    document = _package_toml("warning_signs.toml")
    cited = {s for rule in RULES for s in rule.sources}
    cited |= {s for entry in document["rule"] for s in entry["sources"]}
    cited |= {s for tier in document["tiers"].values() for s in tier["sources"]}
    assert cited - known == set()


def test_content_judgement_rows_say_what_is_ours() -> None:
    document = _package_toml("warning_signs.toml")
    entries = [*document["rule"], *document["tiers"].values()]
    for entry in entries:
        if "judgement" in entry["sources"]:
            assert entry.get("judgement", "").strip(), entry.get("id", entry.get("title"))
        assert entry["sources"] != ["judgement"]  # never alone


def test_content_every_rule_has_a_basis() -> None:
    for rule in RULES:
        assert rule.basis.startswith(("CLINICAL.md", "seed")), rule.id


def test_content_loads_and_checks_itself() -> None:
    signs = triage.load_warning_signs()
    assert set(signs.rules) == {rule.id for rule in RULES}
    assert set(signs.tiers) == set(Tier)
    assert "{emergency_numbers}" not in signs.tiers[E].what_to_do


#: The seed page's own sentences (the warning-sign and specialist lists): our words must not
#: copy them.
SEED_SENTENCES = [
    "neck pain lasting several days without improvement",
    "recurrent or worsening muscle spasms",
    "severe stiffness limiting head movement",
    "pain interfering with sleep or work",
    "associated arm pain or neurological symptoms",
    "neck spasms persist despite home care",
    "pain or stiffness continues to worsen",
    "neck movement becomes severely limited",
    "symptoms interfere with daily activities or sleep",
    "early evaluation improves outcomes",
    "early specialist care improves recovery and reduces recurrence",
    "mild cases may improve with rest and heat",
]


def test_content_does_not_copy_the_seed_page() -> None:
    text = " ".join(
        resources.files("posture_guard.content")
        .joinpath("warning_signs.toml")
        .read_text(encoding="utf-8")
        .lower()
        .split()
    )
    assert [s for s in SEED_SENTENCES if s in text] == []


@pytest.fixture
def fresh_content() -> Any:
    """Clears the content caches around a test that feeds the loaders doctored files."""
    triage.load_sources.cache_clear()
    triage.load_warning_signs.cache_clear()
    yield
    triage.load_sources.cache_clear()
    triage.load_warning_signs.cache_clear()


BROKEN_CONTENT: list[tuple[str, Callable[[str, str], str], str]] = [
    (
        "a source missing from sources.toml",
        lambda name, text: (
            text.replace("[nice-ng228-sah]", "[nice-ng228-sah-old]")
            if name == "sources.toml"
            else text
        ),
        'warning_signs.toml: [tiers.emergency]: sources = ["nhs-meningitis", "nice-ng228-sah", '
        '"sheffield-msk-neck-pain", "springwell-heart-attack"]: expected ids from sources.toml; '
        "unknown: nice-ng228-sah",
    ),
    (
        "a rule without words",
        lambda name, text: (
            text.replace('id = "severe-pain"', 'id = "severe-pain-old"')
            if name == "warning_signs.toml"
            else text
        ),
        'warning_signs.toml: rule "severe-pain-old": id = "severe-pain-old": expected the id of a '
        "rule in triage.RULES",
    ),
    (
        "a tier that differs from the code",
        lambda name, text: text.replace(
            'id = "neck-injury"\ntier = "book"', 'id = "neck-injury"\ntier = "self-care"'
        ),
        'warning_signs.toml: rule "neck-injury": tier = "self-care": expected \'book\', as in '
        "triage.RULES",
    ),
    (
        "a judgement row without its note",
        lambda name, text: re.sub(r'\njudgement = "The 7-day mark[^\n]*', "", text),
        'warning_signs.toml: rule "persisting-despite-home-care": judgement is missing: expected '
        'when "judgement" is cited',
    ),
]

_THUNDERCLAP = 'id = "thunderclap-headache"\ntier = "emergency"\n'
_SEVERE_PAIN_RULE = re.compile(r'\[\[rule\]\]\nid = "severe-pain"\n.*?(?=\[\[rule\]\])', re.S)


def _warning_signs(change: Callable[[str], str]) -> Callable[[str, str], str]:
    """A doctored warning_signs.toml (and the other files as shipped)."""
    return lambda name, text: change(text) if name == "warning_signs.toml" else text


def _before_rules(text: str) -> str:
    return text[: text.index("\n[[rule]]\n")]


# Every other message of the loader, pinned before it moved onto the shared table reader.
BROKEN_CONTENT += [
    (
        "an unknown top-level key",
        _warning_signs(lambda text: "extra = 1\n" + text),
        "warning_signs.toml: extra = 1: unknown key",
    ),
    (
        "a missing top-level table",
        _warning_signs(lambda text: text.replace("[advice]\n", "[tiers.advice]\n")),
        "warning_signs.toml: advice is missing: expected in every entry",
    ),
    (
        "two missing keys: the first in alphabetical order",
        _warning_signs(
            lambda text: text.replace("\nnot_a_diagnosis =", "\n# ").replace(
                "\nemergency_numbers =", "\n# "
            )
        ),
        "warning_signs.toml: [advice]: emergency_numbers is missing: expected in every entry",
    ),
    (
        "advice that is not text",
        _warning_signs(
            lambda text: re.sub(r"\nemergency_numbers = [^\n]*", "\nemergency_numbers = 112", text)
        ),
        "warning_signs.toml: [advice]: emergency_numbers = 112: expected text",
    ),
    (
        "an unknown tier",
        _warning_signs(lambda text: text.replace("[tiers.book]", "[tiers.booking]")),
        "warning_signs.toml: [tiers]: booking = {...}: unknown key",
    ),
    (
        "a tier without words",
        _warning_signs(lambda text: text.replace("[tiers.book]", "[tiers.prompt.book]")),
        "warning_signs.toml: [tiers]: book is missing: expected in every entry",
    ),
    (
        "an unknown key in a tier",
        _warning_signs(
            lambda text: text.replace("[tiers.emergency]\n", '[tiers.emergency]\ncolour = "red"\n')
        ),
        'warning_signs.toml: [tiers.emergency]: colour = "red": unknown key',
    ),
    (
        "sources that are not a list",
        _warning_signs(
            lambda text: text.replace('sources = ["nice-ng228-sah"]', 'sources = "nice-ng228-sah"')
        ),
        'warning_signs.toml: rule "thunderclap-headache": sources = "nice-ng228-sah": expected a '
        "list of source ids",
    ),
    (
        "an empty source list",
        _warning_signs(lambda text: text.replace('sources = ["nice-ng228-sah"]', "sources = []")),
        'warning_signs.toml: rule "thunderclap-headache": sources = []: expected a list of source ids',
    ),
    (
        "sources that differ from the code",
        _warning_signs(
            lambda text: text.replace(
                'sources = ["nice-ng228-sah"]', 'sources = ["nhs-meningitis"]'
            )
        ),
        'warning_signs.toml: rule "thunderclap-headache": sources = ["nhs-meningitis"]: expected '
        "['nice-ng228-sah'], as in triage.RULES",
    ),
    (
        "an unknown tier word",
        _warning_signs(
            lambda text: text.replace(_THUNDERCLAP, 'id = "thunderclap-headache"\ntier = "soon"\n')
        ),
        'warning_signs.toml: rule "thunderclap-headache": tier = "soon": expected one of '
        "self-care, book, prompt, emergency",
    ),
    (
        "a rule twice",
        _warning_signs(
            lambda text: (
                text
                + '\n[[rule]]\nid = "thunderclap-headache"\ntier = "emergency"\ntitle = "T"\n'
                + 'do_now = "D"\nsources = ["nice-ng228-sah"]\n'
            )
        ),
        'warning_signs.toml: rule "thunderclap-headache": id = "thunderclap-headache": expected '
        "each rule once",
    ),
    (
        "a rule missing two keys",
        _warning_signs(
            lambda text: text.replace(_THUNDERCLAP + "title =", _THUNDERCLAP + "# ").replace(
                'do_now = "A headache like this', "# "
            )
        ),
        'warning_signs.toml: rule "thunderclap-headache": do_now is missing: expected in every entry',
    ),
    (
        "a rule without an id",
        _warning_signs(lambda text: text.replace('id = "thunderclap-headache"\n', "")),
        "warning_signs.toml: [[rule]] number 2: id is missing: expected in every entry",
    ),
    (
        "a rule with an id that is not text",
        _warning_signs(lambda text: text.replace('id = "thunderclap-headache"', "id = 2")),
        "warning_signs.toml: [[rule]] number 2: id = 2: expected text",
    ),
    (
        "an unknown key in a rule, reported before a missing one",
        _warning_signs(
            lambda text: text.replace(_THUNDERCLAP + "title =", _THUNDERCLAP + "colour =")
        ),
        'warning_signs.toml: rule "thunderclap-headache": colour = "A sudden, very severe headache '
        'that reaches its worst within moments": unknown key',
    ),
    (
        "rules that are not a list",
        _warning_signs(lambda text: "rule = 3\n" + _before_rules(text)),
        "warning_signs.toml: rule = 3: expected [[rule]] entries",
    ),
    (
        "a rule that is not a table",
        _warning_signs(lambda text: "rule = [1]\n" + _before_rules(text)),
        "warning_signs.toml: [[rule]] number 1: expected a table",
    ),
    (
        "a rule of the code without words",
        _warning_signs(lambda text: _SEVERE_PAIN_RULE.sub("", text)),
        "warning_signs.toml: rule is missing: expected words for every rule in triage.RULES; "
        "missing: severe-pain",
    ),
]


@pytest.mark.usefixtures("fresh_content")
@pytest.mark.parametrize(
    ("change", "message"), [c[1:] for c in BROKEN_CONTENT], ids=[c[0] for c in BROKEN_CONTENT]
)
def test_content_broken_files_fail_loudly(
    monkeypatch: pytest.MonkeyPatch, change: Callable[[str, str], str], message: str
) -> None:
    original = content.package_text  # sources.toml is read through the content module
    monkeypatch.setattr(content, "package_text", lambda name: change(name, original(name)))
    with pytest.raises(ContentError, match=f"^{re.escape(message)}$"):
        triage.load_warning_signs()
