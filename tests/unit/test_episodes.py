"""The diary's values: exact validation messages, the CLI's word parsers, the episode lifecycle,
and exact record round trips (Hypothesis) for every value type.

Times are Monday 2 March 2026 in Berlin (+01:00) unless a test says otherwise.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Callable
from dataclasses import fields, replace
from datetime import UTC, datetime, timedelta, timezone
from enum import Enum
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from posture_guard.core import episodes, exercises
from posture_guard.core.content import Schema
from posture_guard.core.episodes import (
    CHECK_IN_QUESTIONS,
    LABELS,
    AgeBand,
    Answer,
    Area,
    CheckIn,
    Episode,
    EpisodeUpdate,
    Helped,
    Lasted,
    RiskFactor,
    Stiffness,
    Symptom,
    Trend,
    Trigger,
    age_band_for,
    current_episode,
    end_episode,
    open_episode,
    overlaps,
    parse_age,
    parse_choice,
    parse_choices,
    parse_days,
    parse_pain,
    parse_yes_no,
    start_episode,
    update_episode,
)
from posture_guard.core.errors import DiaryError, DiaryValueError, IllegalEpisodeChange
from tests.unit.helpers import profile

CET = timezone(timedelta(hours=1))
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=CET)
HOUR = timedelta(hours=1)
DAY = timedelta(days=1)

PAIN = "expected a whole number from 0 (no pain) to 10 (worst imaginable)"
SYMPTOM_WORDS = (
    "headache, pain-on-movement, twitching, shoulder-discomfort, posture-discomfort, arm-pain, "
    "tingling-numbness, cold-arm, weakness, fever, vomiting, light-sensitivity, drowsiness, "
    "non-fading-rash, thunderclap-headache, seizure, sudden-weakness, face-numbness, "
    "double-vision, trouble-speaking-swallowing, fainting, electric-shock-feeling, clumsy-hands, "
    "balance-problems, bladder-bowel-changes, severe-headache, dizziness, vision-changes, "
    "hearing-changes, drop-attacks, feeling-unwell, night-sweats-weight-loss, swollen-glands, "
    "chest-pain, nausea, nystagmus, sudden-unsteadiness, sudden-vision-loss, weakness-spreading, "
    "both-arms"
)
EPISODE_KEYS = (
    "id, started, ended, pain_at_start, pain_peak, stiffness, range_of_motion, areas, triggers, "
    "symptoms, helped, notes, updates"
)


def exactly(message: str) -> str:
    return f"^{re.escape(message)}$"


def episode(**changes: Any) -> Episode:
    fields_: dict[str, Any] = {
        "id": 7,
        "started": T0,
        "pain_at_start": 5,
        "pain_peak": 6,
        "stiffness": Stiffness.MODERATE,
    }
    fields_.update(changes)
    return Episode(**fields_)


def check_in(**changes: Any) -> CheckIn:
    fields_: dict[str, Any] = {
        "at": T0,
        "pain_now": 4,
        "stiffness": Stiffness.MILD,
        "trend": Trend.SAME,
        "age_band": AgeBand.FROM_20_TO_50,
    }
    fields_.update(changes)
    return CheckIn(**fields_)


def update(hours: float, **changes: Any) -> EpisodeUpdate:
    return EpisodeUpdate(at=T0 + timedelta(hours=hours), **changes)


# --- validation: each bad value -> the exact message ------------------------------------------

INVALID: list[tuple[str, Callable[[], object], str]] = [
    ("update pain 11", lambda: update(1, pain=11), f"pain = 11: {PAIN}"),
    ("update pain -1", lambda: update(1, pain=-1), f"pain = -1: {PAIN}"),
    ("update pain 7.5", lambda: update(1, pain=7.5), f"pain = 7.5: {PAIN}"),
    ("update pain bool", lambda: update(1, pain=True), f"pain = true: {PAIN}"),
    (
        "update with nothing in it",
        lambda: update(1, notes="  "),
        'notes = "  ": expected a note when an update records nothing else (pain, stiffness, '
        "symptoms or helped)",
    ),
    (
        "update stiffness as a word",
        lambda: update(1, stiffness="severe"),
        'stiffness = "severe": expected one of none, mild, moderate, severe',
    ),
    (
        "naive update time",
        lambda: EpisodeUpdate(at=datetime(2026, 3, 2, 9, 0), pain=3),
        "at = 2026-03-02T09:00:00: expected a date and time with its UTC offset, like "
        "2026-03-02T09:00:00+01:00",
    ),
    ("check-in pain 11", lambda: check_in(pain_now=11), f"pain_now = 11: {PAIN}"),
    ("check-in pain None", lambda: check_in(pain_now=None), f"pain_now = None: {PAIN}"),
    (
        "check-in symptom as a word",
        lambda: check_in(symptoms=frozenset({"fever"})),
        f'symptoms = "fever": expected one of {SYMPTOM_WORDS}',
    ),
    (
        "check-in symptoms as a set",
        lambda: check_in(symptoms={Symptom.FEVER}),
        "symptoms = {<Symptom.FEVER: 'fever'>}: expected a frozenset of Symptom",
    ),
    (
        "check-in trend",
        lambda: check_in(trend="meh"),
        'trend = "meh": expected one of improving, same, worse',
    ),
    (
        "check-in yes/no as text",
        lambda: check_in(pain_stops_work="yes"),
        'pain_stops_work = "yes": expected true or false',
    ),
    (
        "check-in home-care days",
        lambda: check_in(home_care_days=-1),
        "home_care_days = -1: expected a whole number of days from 0 to 3650",
    ),
    (
        "high-risk mechanism without an injury",
        lambda: check_in(high_risk_mechanism=True),
        'high_risk_mechanism = "yes": expected only with after_injury yes or not-sure (it '
        "describes the injury)",
    ),
    (
        "check-in risk as a word",
        lambda: check_in(risk_history=frozenset({"smoking"})),
        'risk_history = "smoking": expected one of cancer, tuberculosis, immunosuppression, '
        "iv-drug-use, inflammatory-arthritis, osteoporosis, neck-surgery, vascular-disease",
    ),
    (
        "check-in age as a number",
        lambda: check_in(age_band=64),
        "age_band = 64: expected one of under-20, 20-50, 51-55, 56-64, 65-plus",
    ),
    (
        "episode id 0",
        lambda: episode(id=0),
        "id = 0: expected a whole number of 1 or more, or none",
    ),
    ("episode pain 12", lambda: episode(pain_at_start=12), f"pain_at_start = 12: {PAIN}"),
    (
        "peak below the start",
        lambda: episode(pain_at_start=5, pain_peak=3),
        "pain_peak = 3: expected at least the highest pain recorded in this episode (5)",
    ),
    (
        "peak below an update",
        lambda: episode(pain_peak=6, updates=(update(2, pain=8),)),
        "pain_peak = 6: expected at least the highest pain recorded in this episode (8)",
    ),
    (
        "ended before started",
        lambda: episode(ended=T0 - HOUR),
        "ended = 2026-03-02 08:00+01:00: expected at or after started (2026-03-02 09:00+01:00)",
    ),
    (
        "update before the start",
        lambda: episode(updates=(update(-1, pain=3),)),
        "updates[0].at = 2026-03-02 08:00+01:00: expected at or after started "
        "(2026-03-02 09:00+01:00)",
    ),
    (
        "updates out of order",
        lambda: episode(updates=(update(3, pain=3), update(2, pain=4))),
        "updates[1].at = 2026-03-02 11:00+01:00: expected at or after updates[0].at "
        "(2026-03-02 12:00+01:00)",
    ),
    (
        "update after the end",
        lambda: episode(ended=T0 + HOUR, updates=(update(2, pain=3),)),
        "updates[0].at = 2026-03-02 11:00+01:00: expected at or before ended "
        "(2026-03-02 10:00+01:00)",
    ),
    (
        "updates as a list",
        lambda: episode(updates=[update(1, pain=3)]),
        "updates = [EpisodeUpdate(at=datetime.datetime(2026, 3, 2, 10, 0, tzinfo=datetime."
        "timezone(datetime.timedelta(seconds=3600))), pain=3, stiffness=None, symptoms=frozenset(), "
        "helped=frozenset(), notes='')]: expected a tuple of EpisodeUpdate",
    ),
    (
        "area as a word",
        lambda: episode(areas=frozenset({"neck"})),
        'areas = "neck": expected one of neck-left, neck-right, neck-both, shoulder, upper-back, '
        "head",
    ),
    (
        "trigger as a word",
        lambda: episode(triggers=frozenset({"desk"})),
        'triggers = "desk": expected one of posture, long-screen-session, stress, '
        "sudden-movement, sleep-position, other",
    ),
    (
        "helped as a word",
        lambda: episode(helped=frozenset({"yoga"})),
        'helped = "yoga": expected one of heat, cold, rest, stretching, movement, medication, '
        "physiotherapy, massage, other",
    ),
    (
        "blank range-of-motion note",
        lambda: episode(range_of_motion=" "),
        'range_of_motion = " ": expected a short note (at most 200 characters) like "can turn '
        'left only halfway", or none',
    ),
    (
        "notes too long",
        lambda: episode(notes="x" * 4001),
        "notes = (4001 characters): expected at most 4000 characters",
    ),
    ("notes not text", lambda: episode(notes=None), "notes = None: expected text"),
]


@pytest.mark.parametrize(
    ("build", "message"), [c[1:] for c in INVALID], ids=[c[0] for c in INVALID]
)
def test_values_invalid_field_names_field_expected_and_got(
    build: Callable[[], object], message: str
) -> None:
    with pytest.raises(DiaryValueError, match=exactly(message)):
        build()


def test_values_error_carries_its_parts() -> None:
    with pytest.raises(DiaryValueError) as caught:
        update(1, pain=11)
    assert (caught.value.field, caught.value.expected, caught.value.got) == ("pain", PAIN, 11)
    assert isinstance(caught.value, DiaryError)


def test_values_boundaries_are_accepted() -> None:
    assert update(0, pain=0).pain == 0
    assert update(0, pain=10).pain == 10
    assert check_in(home_care_days=3650, pain_now=10).home_care_days == 3650
    assert check_in(after_injury=True, high_risk_mechanism=True).high_risk_mechanism
    assert episode(ended=T0).ended == T0  # zero length is allowed
    assert episode(notes="x" * 4000, range_of_motion="r" * 200).notes == "x" * 4000


# --- parsing words from the CLI -----------------------------------------------------------------

PARSE_ERRORS: list[tuple[str, Callable[[], object], str]] = [
    ("pain 11", lambda: parse_pain("11"), f"pain = 11: {PAIN}"),
    ("pain as a word", lambda: parse_pain("eleven"), f'pain = "eleven": {PAIN}'),
    ("pain negative", lambda: parse_pain("-1"), f'pain = "-1": {PAIN}'),
    ("pain empty", lambda: parse_pain(""), f'pain = "": {PAIN}'),
    ("pain decimal", lambda: parse_pain("7.5"), f'pain = "7.5": {PAIN}'),
    ("pain other field", lambda: parse_pain("99", "pain_peak"), f"pain_peak = 99: {PAIN}"),
    (
        "stiffness",
        lambda: parse_choice(Stiffness, "stiff", "stiffness"),
        'stiffness = "stiff": expected one of none, mild, moderate, severe',
    ),
    (
        "unknown trigger in a list",
        lambda: parse_choices(Trigger, "posture, desk", "triggers"),
        'triggers = "desk": expected one of posture, long-screen-session, stress, '
        "sudden-movement, sleep-position, other",
    ),
    (
        "unknown symptom",
        lambda: parse_choices(Symptom, "tingling-numbness,hiccups", "symptoms"),
        f'symptoms = "hiccups": expected one of {SYMPTOM_WORDS}',
    ),
    (
        "yes or no",
        lambda: parse_yes_no("maybe", "after_injury"),
        'after_injury = "maybe": expected yes or no',
    ),
    (
        "days",
        lambda: parse_days("2w"),
        'home_care_days = "2w": expected a whole number of days from 0 to 3650',
    ),
    (
        "days too many",
        lambda: parse_days("4000"),
        "home_care_days = 4000: expected a whole number of days from 0 to 3650",
    ),
    (
        "age too high",
        lambda: parse_age("121"),
        "age = 121: expected a whole number of years from 0 to 120, or an age band",
    ),
    (
        "age as a word",
        lambda: parse_age("old"),
        'age = "old": expected a whole number of years from 0 to 120, or an age band',
    ),
]


@pytest.mark.parametrize(
    ("parse", "message"), [c[1:] for c in PARSE_ERRORS], ids=[c[0] for c in PARSE_ERRORS]
)
def test_parse_bad_words_name_field_expected_and_got(
    parse: Callable[[], object], message: str
) -> None:
    with pytest.raises(DiaryValueError, match=exactly(message)):
        parse()


def test_parse_words_as_people_type_them() -> None:
    assert parse_pain(" 7 ") == 7
    assert parse_choice(Stiffness, "Severe", "stiffness") is Stiffness.SEVERE
    assert parse_choice(Trigger, "long_screen_session", "trigger") is Trigger.LONG_SCREEN_SESSION
    assert parse_choices(Symptom, "Tingling_Numbness, arm-pain,, arm-pain", "symptoms") == {
        Symptom.TINGLING_NUMBNESS,
        Symptom.ARM_PAIN,
    }
    assert parse_choices(Symptom, "none", "symptoms") == frozenset()
    assert parse_choices(Helped, "", "helped") == frozenset()
    assert parse_yes_no("Y", "x") is True
    assert parse_yes_no("false", "x") is False
    assert parse_days("0") == 0


@pytest.mark.parametrize(
    ("text", "band"),
    [
        ("0", AgeBand.UNDER_20),
        ("19", AgeBand.UNDER_20),
        ("20", AgeBand.FROM_20_TO_50),
        ("50", AgeBand.FROM_20_TO_50),
        ("51", AgeBand.FROM_51_TO_55),
        ("55", AgeBand.FROM_51_TO_55),
        ("56", AgeBand.FROM_56_TO_64),
        ("64", AgeBand.FROM_56_TO_64),
        ("65", AgeBand.FROM_65),
        ("120", AgeBand.FROM_65),
        ("65-plus", AgeBand.FROM_65),
        ("56-64", AgeBand.FROM_56_TO_64),
    ],
)
def test_parse_age_bands_at_their_boundaries(text: str, band: AgeBand) -> None:
    assert parse_age(text) is band
    if text.isdigit():
        assert age_band_for(int(text)) is band


def test_vocabularies_every_word_has_plain_words() -> None:
    kinds: list[type[Enum]] = [
        Stiffness,
        Area,
        Trigger,
        Symptom,
        Helped,
        Trend,
        RiskFactor,
        AgeBand,
    ]
    missing = [m for kind in kinds for m in kind if m not in LABELS]
    assert missing == []
    assert all(label.strip() for label in LABELS.values())


def test_check_in_every_answer_has_a_question() -> None:
    answers = {f.name for f in fields(CheckIn)} - {"at"}
    assert set(CHECK_IN_QUESTIONS) == answers


# --- the lifecycle: start, update, end ------------------------------------------------------------


def test_lifecycle_start_in_an_empty_diary() -> None:
    new = episode(id=None)
    assert start_episode([], new) is new


def test_lifecycle_start_refused_while_one_is_open() -> None:
    history = [episode(id=3, started=T0 - DAY)]
    before = list(history)
    with pytest.raises(
        IllegalEpisodeChange,
        match=exactly(
            "can't start a new episode while episode 3 (started 2026-03-01 09:00+01:00) is still "
            "open; end it first"
        ),
    ):
        start_episode(history, episode(id=None))
    assert history == before  # nothing changed
    assert open_episode(history) == before[0]


def test_lifecycle_start_refused_inside_an_earlier_episode() -> None:
    history = [episode(id=2, started=T0 - DAY, ended=T0 + HOUR)]
    with pytest.raises(
        IllegalEpisodeChange,
        match=exactly(
            "can't start an episode at 2026-03-02 09:00+01:00: that is inside episode 2 (started "
            "2026-03-01 09:00+01:00), which ended 2026-03-02 10:00+01:00"
        ),
    ):
        start_episode(history, episode(id=None))


def test_lifecycle_start_refused_when_already_ended() -> None:
    with pytest.raises(
        IllegalEpisodeChange,
        match=exactly(
            "can't start an episode that has already ended (2026-03-02 10:00+01:00); start it, "
            "then end it"
        ),
    ):
        start_episode([], episode(id=None, ended=T0 + HOUR))


def test_lifecycle_start_after_an_ended_episode() -> None:
    history = [episode(id=2, started=T0 - DAY, ended=T0 - HOUR)]
    assert start_episode(history, episode(id=None)).started == T0
    assert open_episode(history) is None


def test_lifecycle_update_adds_in_time_order_and_raises_the_peak() -> None:
    first = episode(pain_at_start=5, pain_peak=6)
    later = update_episode(first, update(5, pain=4, helped=frozenset({Helped.HEAT})))
    both = update_episode(later, update(2, pain=8, symptoms=frozenset({Symptom.ARM_PAIN})))
    assert [u.at for u in both.updates] == [T0 + 2 * HOUR, T0 + 5 * HOUR]
    assert both.pain_peak == 8
    assert both.pain_now == 4  # the latest in time, not the latest added
    assert both.pains() == [5, 8, 4]
    assert both.pains(until=T0 + 3 * HOUR) == [5, 8]
    assert both.symptoms_so_far == {Symptom.ARM_PAIN}
    assert both.helped_so_far == {Helped.HEAT}
    assert first.updates == ()  # values never change in place


def test_lifecycle_update_without_pain_keeps_the_last_pain_and_stiffness() -> None:
    ep = update_episode(episode(), update(1, pain=3, stiffness=Stiffness.SEVERE))
    ep = update_episode(ep, update(2, notes="heat helped"))
    assert (ep.pain_now, ep.stiffness_now, ep.pain_peak) == (3, Stiffness.SEVERE, 6)


def test_lifecycle_update_refused_after_the_end() -> None:
    ended = episode(ended=T0 + HOUR)
    with pytest.raises(
        IllegalEpisodeChange,
        match=exactly(
            "can't update episode 7 (started 2026-03-02 09:00+01:00): it ended "
            "2026-03-02 10:00+01:00"
        ),
    ):
        update_episode(ended, update(0.5, pain=2))
    assert ended.updates == ()


def test_lifecycle_update_refused_before_the_start() -> None:
    with pytest.raises(
        IllegalEpisodeChange,
        match=exactly(
            "can't add an update at 2026-03-02 08:59:59+01:00 to episode 7 (started "
            "2026-03-02 09:00+01:00): that is before it started"
        ),
    ):
        update_episode(episode(), EpisodeUpdate(at=T0 - timedelta(seconds=1), pain=2))


def test_lifecycle_end_sets_the_end() -> None:
    ep = update_episode(episode(), update(2, pain=1))
    ended = end_episode(ep, T0 + 2 * HOUR)
    assert ended.ended == T0 + 2 * HOUR
    assert not ended.is_open
    assert ep.is_open


def test_lifecycle_end_refused_twice() -> None:
    ended = end_episode(episode(id=None), T0 + HOUR)
    with pytest.raises(
        IllegalEpisodeChange,
        match=exactly(
            "can't end the episode started 2026-03-02 09:00+01:00: it already ended "
            "2026-03-02 10:00+01:00"
        ),
    ):
        end_episode(ended, T0 + 2 * HOUR)
    assert ended.ended == T0 + HOUR


def test_lifecycle_end_refused_before_the_start() -> None:
    with pytest.raises(
        IllegalEpisodeChange,
        match=exactly(
            "can't end episode 7 (started 2026-03-02 09:00+01:00) at 2026-03-02 08:00+01:00: "
            "that is before it started"
        ),
    ):
        end_episode(episode(), T0 - HOUR)


def test_lifecycle_end_refused_before_the_last_update() -> None:
    ep = update_episode(episode(), update(3, pain=2))
    with pytest.raises(
        IllegalEpisodeChange,
        match=exactly(
            "can't end episode 7 (started 2026-03-02 09:00+01:00) at 2026-03-02 11:00+01:00: "
            "that is before its last update (2026-03-02 12:00+01:00)"
        ),
    ):
        end_episode(ep, T0 + 2 * HOUR)


def test_lifecycle_a_past_episode_may_start_before_a_later_one_and_end_before_it() -> None:
    """Issue "The first day at the desk": a past episode could not be entered once a later one
    existed ("would overlap episode 1"), though it ended before that one began."""
    later = episode(id=1, started=T0 + DAY, ended=T0 + DAY + HOUR)
    past = start_episode([later], episode(id=2, started=T0 - DAY))
    updated = update_episode(past, update(-20, pain=3), [later, past])
    ended = end_episode(updated, T0, [later, updated])
    assert (ended.started, ended.ended) == (T0 - DAY, T0)


def test_lifecycle_an_episode_may_start_the_moment_the_last_one_ended() -> None:
    # Protects: ending an episode and starting the next in the same second is not an overlap
    # (issue 18: it was refused as one)
    ended = end_episode(episode(id=1, started=T0 - HOUR), T0)
    started = start_episode([ended], episode(id=None, started=T0))
    assert started.started == ended.ended
    with pytest.raises(IllegalEpisodeChange):  # but never at the same start
        start_episode([ended], episode(id=None, started=T0 - HOUR))


def test_lifecycle_a_past_episode_may_not_reach_into_a_later_one() -> None:
    later = episode(id=1, started=T0 + DAY, ended=T0 + DAY + HOUR)
    past = start_episode([later], episode(id=2, started=T0))
    with pytest.raises(
        IllegalEpisodeChange,
        match=exactly(
            "can't end episode 2 (started 2026-03-02 09:00+01:00) at 2026-03-03 09:01+01:00: it "
            "would overlap episode 1 (started 2026-03-03 09:00+01:00); end it at "
            "2026-03-03 09:00+01:00 at the latest"
        ),
    ):
        end_episode(past, T0 + DAY + timedelta(minutes=1), [later, past])
    with pytest.raises(
        IllegalEpisodeChange,
        match=exactly(
            "can't add an update at 2026-03-03 10:00+01:00 to episode 2 (started 2026-03-02 "
            "09:00+01:00): it would overlap episode 1 (started 2026-03-03 09:00+01:00); add it "
            "before 2026-03-03 09:00+01:00"
        ),
    ):
        update_episode(past, update(25, pain=3), [later, past])


#: Random spells of a diary: a start (minutes after T0) and a length (minutes, 0 allowed).
SPELLS = st.lists(st.tuples(st.integers(0, 3000), st.integers(0, 600)), min_size=1, max_size=8)


@given(SPELLS)
def test_lifecycle_an_episode_is_accepted_iff_it_overlaps_none_kept(
    spells: list[tuple[int, int]],
) -> None:
    """The overlap rule, with random spells entered in any order (past ones afterwards): each
    is started then ended; it is kept iff it shares no moment with one kept (a spell ends just
    before its end: the next may start then)."""
    kept: list[Episode] = []
    for number, (start, length) in enumerate(spells, start=1):
        began = T0 + timedelta(minutes=start)
        until = began + timedelta(minutes=length)
        clash = any(overlaps(began, until, e.started, e.ended) for e in kept)
        try:
            opened = start_episode(kept, episode(id=number, started=began))
            done = end_episode(opened, until, [*kept, opened])
        except IllegalEpisodeChange:
            assert clash, (began, until, [(e.started, e.ended) for e in kept])
            continue
        assert not clash, (began, until, [(e.started, e.ended) for e in kept])
        kept.append(done)
    ordered = sorted(kept, key=lambda e: e.started)
    assert all(a.ended is not None and a.ended <= b.started for a, b in itertools.pairwise(ordered))


@pytest.mark.parametrize(
    ("a", "b", "shared"),
    [
        ((0, 10), (11, 20), False),
        ((0, 10), (10, 20), False),  # one ends the moment the other starts
        ((0, 10), (9, 20), True),
        ((5, 5), (5, 6), True),  # same start: the ended-at-once spell holds that moment
        ((10, 10), (0, 10), False),
        ((11, 20), (0, 10), False),
        ((0, None), (5, 6), True),  # still open: to no end
        ((7, None), (5, 6), False),
        ((0, 30), (5, 6), True),
    ],
)
def test_overlaps_shares_a_moment_ends_excluded(
    a: tuple[int, int | None], b: tuple[int, int | None], shared: bool
) -> None:
    def moment(minute: int | None) -> datetime | None:
        return None if minute is None else T0 + timedelta(minutes=minute)

    start, end = (moment(m) for m in a)
    other_start, other_end = (moment(m) for m in b)
    assert start is not None
    assert other_start is not None
    assert overlaps(start, end, other_start, other_end) is shared
    assert overlaps(other_start, other_end, start, end) is shared


def test_an_unanswered_stiffness_is_kept_as_not_given() -> None:
    """Issue "The first day at the desk": it was saved as "no stiffness"."""
    unanswered = episode(stiffness=None)
    assert unanswered.stiffness_now is None
    record = unanswered.to_record()
    assert record["stiffness"] is None
    assert Episode.from_record(json.loads(json.dumps(record))) == unanswered
    later = update_episode(unanswered, update(1, stiffness=Stiffness.MILD))
    assert later.stiffness_now is Stiffness.MILD


def test_lifecycle_end_needs_an_aware_time() -> None:
    with pytest.raises(DiaryValueError, match=r"^ended = 2026-03-02T10:00:00: expected a date"):
        end_episode(episode(), datetime(2026, 3, 2, 10, 0))


def test_lifecycle_open_episode_is_the_latest_open() -> None:
    old = episode(id=1, started=T0 - 3 * DAY, ended=T0 - 2 * DAY)
    current = episode(id=2, started=T0 - DAY)
    assert open_episode([current, old]) == current
    assert open_episode([old]) is None


# --- records ----------------------------------------------------------------------------------------


def test_record_episode_shape_is_pinned() -> None:
    ep = update_episode(
        episode(
            areas=frozenset({Area.SHOULDER, Area.NECK_LEFT}),
            triggers=frozenset({Trigger.STRESS}),
            symptoms=frozenset({Symptom.TWITCHING, Symptom.HEADACHE}),
            range_of_motion="turns left halfway",
        ),
        update(2, pain=3, helped=frozenset({Helped.HEAT})),
    )
    assert ep.to_record() == {
        "id": 7,
        "started": "2026-03-02T09:00:00+01:00",
        "ended": None,
        "pain_at_start": 5,
        "pain_peak": 6,
        "stiffness": "moderate",
        "range_of_motion": "turns left halfway",
        "areas": ["neck-left", "shoulder"],  # vocabulary order, not insertion order
        "triggers": ["stress"],
        "symptoms": ["headache", "twitching"],
        "helped": [],
        "notes": "",
        "updates": [
            {
                "at": "2026-03-02T11:00:00+01:00",
                "pain": 3,
                "stiffness": None,
                "symptoms": [],
                "helped": ["heat"],
                "notes": "",
            }
        ],
    }


def test_record_check_in_shape_is_pinned() -> None:
    record = check_in(symptoms=frozenset({Symptom.TINGLING_NUMBNESS})).to_record()
    assert record == {
        "at": "2026-03-02T09:00:00+01:00",
        "pain_now": 4,
        "stiffness": "mild",
        "symptoms": ["tingling-numbness"],
        "trend": "same",
        "pain_disturbs_sleep": False,
        "pain_stops_work": False,
        "daily_life_affected": False,
        "home_care_days": 0,
        "pain_lasted": None,
        "after_injury": "no",
        "high_risk_mechanism": "no",
        "head_injury": "no",
        "neck_manipulation": "no",
        "risk_history": [],
        "age_band": "20-50",
    }


GOOD_UPDATE = update(1, pain=4).to_record()
GOOD_EPISODE = {**episode().to_record(), "updates": [GOOD_UPDATE]}
GOOD_CHECK_IN = check_in().to_record()


def _without(record: dict[str, object], key: str) -> dict[str, object]:
    return {k: v for k, v in record.items() if k != key}


RECORD_ERRORS: list[tuple[str, Callable[[], object], str]] = [
    (
        "unknown key",
        lambda: Episode.from_record({**GOOD_EPISODE, "colour": "red"}),
        f'episode record: colour = "red": unknown key (the keys are {EPISODE_KEYS})',
    ),
    (
        "missing key",
        lambda: Episode.from_record(_without(GOOD_EPISODE, "started")),
        "episode record: started is missing: expected in every episode record",
    ),
    (
        "unknown word",
        lambda: Episode.from_record({**GOOD_EPISODE, "symptoms": ["hiccups"]}),
        f'episode record: symptoms = "hiccups": expected one of {SYMPTOM_WORDS}',
    ),
    (
        "unknown stiffness",
        lambda: Episode.from_record({**GOOD_EPISODE, "stiffness": "rigid"}),
        'episode record: stiffness = "rigid": expected one of none, mild, moderate, severe',
    ),
    (
        "repeated word",
        lambda: Episode.from_record({**GOOD_EPISODE, "areas": ["head", "head"]}),
        'episode record: areas = ["head", "head"]: expected each word at most once',
    ),
    (
        "words not a list",
        lambda: Episode.from_record({**GOOD_EPISODE, "triggers": "stress"}),
        'episode record: triggers = "stress": expected a list of words (expected one of posture, '
        "long-screen-session, stress, sudden-movement, sleep-position, other)",
    ),
    (
        "pain out of range",
        lambda: Episode.from_record({**GOOD_EPISODE, "pain_peak": 11}),
        f"episode record: pain_peak = 11: {PAIN}",
    ),
    (
        "time without offset",
        lambda: Episode.from_record({**GOOD_EPISODE, "started": "2026-03-02T09:00:00"}),
        'episode record: started = "2026-03-02T09:00:00": expected a date and time with its UTC '
        "offset, like 2026-03-02T09:00:00+01:00",
    ),
    (
        "not a time",
        lambda: Episode.from_record({**GOOD_EPISODE, "ended": "yesterday"}),
        'episode record: ended = "yesterday": expected a date and time with its UTC offset, like '
        "2026-03-02T09:00:00+01:00",
    ),
    (
        "cross-field check",
        lambda: Episode.from_record({**GOOD_EPISODE, "ended": "2026-03-01T09:00:00+01:00"}),
        "episode record: ended = 2026-03-01 09:00+01:00: expected at or after started "
        "(2026-03-02 09:00+01:00)",
    ),
    (
        "nested update",
        lambda: Episode.from_record({**GOOD_EPISODE, "updates": [{**GOOD_UPDATE, "pain": 12}]}),
        f"episode record: updates[0].pain = 12: {PAIN}",
    ),
    (
        "nested update missing a key",
        lambda: Episode.from_record({**GOOD_EPISODE, "updates": [_without(GOOD_UPDATE, "at")]}),
        "episode record: updates[0].at is missing: expected in every episode update record",
    ),
    (
        "nested update not a mapping",
        lambda: Episode.from_record({**GOOD_EPISODE, "updates": [5]}),
        "episode record: updates[0] = 5: expected an episode update record",
    ),
    (
        "updates not a list",
        lambda: Episode.from_record({**GOOD_EPISODE, "updates": {}}),
        "episode record: updates = {...}: expected a list of episode update records",
    ),
    (
        "id as text",
        lambda: Episode.from_record({**GOOD_EPISODE, "id": "7"}),
        'episode record: id = "7": expected a whole number of 1 or more, or none',
    ),
    (
        "check-in yes/no as a number",
        lambda: CheckIn.from_record({**GOOD_CHECK_IN, "pain_stops_work": 1}),
        "check-in record: pain_stops_work = 1: expected true or false",
    ),
    (
        "check-in injury answer as true (before migration 4)",
        lambda: CheckIn.from_record({**GOOD_CHECK_IN, "after_injury": True}),
        "check-in record: after_injury = true: expected one of no, not-sure, yes",
    ),
    (
        "check-in duration not a band",
        lambda: CheckIn.from_record({**GOOD_CHECK_IN, "pain_lasted": "ages"}),
        'check-in record: pain_lasted = "ages": expected one of under-1-week, 1-3-weeks, '
        "3-12-weeks, over-12-weeks",
    ),
    (
        "check-in pain as bool",
        lambda: CheckIn.from_record({**GOOD_CHECK_IN, "pain_now": True}),
        f"check-in record: pain_now = true: {PAIN}",
    ),
    (
        "check-in unknown age band",
        lambda: CheckIn.from_record({**GOOD_CHECK_IN, "age_band": "old"}),
        'check-in record: age_band = "old": expected one of under-20, 20-50, 51-55, 56-64, 65-plus',
    ),
    (
        "check-in inconsistent injury answers",
        lambda: CheckIn.from_record({**GOOD_CHECK_IN, "head_injury": "not-sure"}),
        'check-in record: head_injury = "not-sure": expected only with after_injury yes or '
        "not-sure (it describes the injury)",
    ),
    (
        "update record",
        lambda: EpisodeUpdate.from_record({"at": "2026-03-02T09:00:00+01:00", "pain": 3}),
        "episode update record: stiffness is missing: expected in every episode update record",
    ),
    # pinned before the records moved onto the shared table reader
    (
        "unknown keys in record order",
        lambda: Episode.from_record({**GOOD_EPISODE, "zebra": 1, "apple": 2}),
        f"episode record: zebra = 1: unknown key (the keys are {EPISODE_KEYS})",
    ),
    (
        "an unknown key before a missing one",
        lambda: Episode.from_record({**_without(GOOD_EPISODE, "started"), "colour": 1}),
        f"episode record: colour = 1: unknown key (the keys are {EPISODE_KEYS})",
    ),
    (
        "missing keys in field order",
        lambda: Episode.from_record(_without(_without(GOOD_EPISODE, "ended"), "started")),
        "episode record: started is missing: expected in every episode record",
    ),
    (
        "values in field order",
        lambda: Episode.from_record({**GOOD_EPISODE, "notes": 5, "pain_at_start": 11}),
        f"episode record: pain_at_start = 11: {PAIN}",
    ),
    (
        "time that is not text",
        lambda: Episode.from_record({**GOOD_EPISODE, "started": 5}),
        "episode record: started = 5: expected a date and time with its UTC offset, like "
        "2026-03-02T09:00:00+01:00",
    ),
    (
        "id as a bool",
        lambda: Episode.from_record({**GOOD_EPISODE, "id": True}),
        "episode record: id = true: expected a whole number of 1 or more, or none",
    ),
    (
        "a word that is not text",
        lambda: Episode.from_record({**GOOD_EPISODE, "symptoms": ["headache", 3]}),
        f"episode record: symptoms = 3: expected one of {SYMPTOM_WORDS}",
    ),
    (
        "notes that are not text",
        lambda: Episode.from_record({**GOOD_EPISODE, "notes": 5}),
        "episode record: notes = 5: expected text",
    ),
    (
        "notes too long",
        lambda: Episode.from_record({**GOOD_EPISODE, "notes": "x" * 4001}),
        "episode record: notes = (4001 characters): expected at most 4000 characters",
    ),
    (
        "a blank range-of-motion note",
        lambda: Episode.from_record({**GOOD_EPISODE, "range_of_motion": " "}),
        'episode record: range_of_motion = " ": expected a short note (at most 200 characters) '
        'like "can turn left only halfway", or none',
    ),
    (
        "nested update with an unknown key",
        lambda: Episode.from_record({**GOOD_EPISODE, "updates": [{**GOOD_UPDATE, "colour": 1}]}),
        "episode record: updates[0].colour = 1: unknown key (the keys are at, pain, stiffness, "
        "symptoms, helped, notes)",
    ),
    (
        "nested update that records nothing",
        lambda: Episode.from_record(
            {**GOOD_EPISODE, "updates": [{**GOOD_UPDATE, "pain": None, "notes": ""}]}
        ),
        'episode record: updates[0].notes = "": expected a note when an update records nothing '
        "else (pain, stiffness, symptoms or helped)",
    ),
    (
        "update stiffness word",
        lambda: EpisodeUpdate.from_record({**GOOD_UPDATE, "stiffness": "rigid"}),
        'episode update record: stiffness = "rigid": expected one of none, mild, moderate, severe',
    ),
    (
        "check-in days out of range",
        lambda: CheckIn.from_record({**GOOD_CHECK_IN, "home_care_days": -1}),
        "check-in record: home_care_days = -1: expected a whole number of days from 0 to 3650",
    ),
    (
        "check-in risk words not a list",
        lambda: CheckIn.from_record({**GOOD_CHECK_IN, "risk_history": None}),
        "check-in record: risk_history = None: expected a list of words (expected one of cancer, "
        "tuberculosis, immunosuppression, iv-drug-use, inflammatory-arthritis, osteoporosis, "
        "neck-surgery, vascular-disease)",
    ),
]


@pytest.mark.parametrize(
    ("read", "message"), [c[1:] for c in RECORD_ERRORS], ids=[c[0] for c in RECORD_ERRORS]
)
def test_record_errors_name_record_key_expected_and_got(
    read: Callable[[], object], message: str
) -> None:
    with pytest.raises(DiaryValueError, match=exactly(message)):
        read()


@pytest.mark.parametrize("fold", [0, 1])
def test_record_round_trip_in_the_repeated_hour_of_a_dst_change(fold: int) -> None:
    """Sunday 25 October 2026, 02:30 in Berlin happens twice (+02:00, then +01:00). The clock
    gives named-zone times; a value keeps the offset, so the record round trip is exact even
    here, where Python never calls a zoned and a fixed-offset time equal."""
    at = datetime(2026, 10, 25, 2, 30, fold=fold, tzinfo=ZoneInfo("Europe/Berlin"))
    value = check_in(at=at)
    assert value.at.utcoffset() == timedelta(hours=2 - fold)
    assert value.at.astimezone(UTC) == at.astimezone(UTC)  # the same instant
    assert CheckIn.from_record(value.to_record()) == value
    ep = end_episode(episode(started=at - HOUR), at)
    assert Episode.from_record(ep.to_record()) == ep


@pytest.mark.parametrize(
    ("schema", "value_type"),
    [
        (episodes._EPISODE_RECORD, Episode),
        (episodes._UPDATE_RECORD, EpisodeUpdate),
        (episodes._CHECK_IN_RECORD, CheckIn),
    ],
)
def test_record_keys_are_the_fields_in_field_order(schema: Schema, value_type: type) -> None:
    """The unknown-key message lists them, and missing keys are named, in this order."""
    assert schema.names == tuple(f.name for f in fields(value_type))


def test_record_that_is_not_a_mapping() -> None:
    with pytest.raises(
        DiaryError,
        match=exactly("check-in record: expected a mapping of field names to values, got list"),
    ):
        CheckIn.from_record([])
    with pytest.raises(
        DiaryError,
        match=exactly("episode record: expected a mapping of field names to values, got str"),
    ):
        Episode.from_record("x")


# --- record round trips (Hypothesis) ----------------------------------------------------------------


# Offsets in whole minutes, as a store gives them back; a zone's name is not kept (Rule 4).
offsets = st.integers(min_value=-14 * 60, max_value=14 * 60).map(
    lambda minutes: UTC if minutes == 0 else timezone(timedelta(minutes=minutes))
)
moments = st.builds(
    lambda naive, tz: naive.replace(tzinfo=tz),
    st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2099, 12, 31)),
    offsets,
)
spans = st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=60))
pains = st.integers(min_value=0, max_value=10)
notes = st.text(max_size=40)


def sets(kind: type[Enum]) -> st.SearchStrategy[frozenset[Any]]:
    return st.frozensets(st.sampled_from(list(kind)))


@st.composite
def updates_at(draw: st.DrawFn, at: datetime) -> EpisodeUpdate:
    return EpisodeUpdate(
        at=at,
        pain=draw(st.none() | pains),
        stiffness=draw(st.none() | st.sampled_from(list(Stiffness))),
        symptoms=draw(sets(Symptom)),
        helped=draw(sets(Helped)),
        notes=draw(notes.filter(str.strip) | st.just("a note")),
    )


@st.composite
def episodes(draw: st.DrawFn) -> Episode:
    started = draw(moments)
    length = draw(spans)
    ended = draw(st.none() | st.just(started + length))
    offsets_in = sorted(draw(st.lists(st.timedeltas(timedelta(0), length), max_size=4)))
    updates = tuple(draw(updates_at(started + offset)) for offset in offsets_in)
    pain_at_start = draw(pains)
    highest = max([pain_at_start, *(u.pain for u in updates if u.pain is not None)])
    return Episode(
        id=draw(st.none() | st.integers(min_value=1, max_value=2**53)),
        started=started,
        ended=ended,
        pain_at_start=pain_at_start,
        pain_peak=draw(st.integers(min_value=highest, max_value=10)),
        stiffness=draw(st.sampled_from(list(Stiffness))),
        range_of_motion=draw(st.none() | st.text(min_size=1, max_size=40).filter(str.strip)),
        areas=draw(sets(Area)),
        triggers=draw(sets(Trigger)),
        symptoms=draw(sets(Symptom)),
        helped=draw(sets(Helped)),
        notes=draw(notes),
        updates=updates,
    )


@st.composite
def check_ins(draw: st.DrawFn) -> CheckIn:
    after_injury = draw(st.sampled_from(list(Answer)))
    return CheckIn(
        at=draw(moments),
        pain_now=draw(pains),
        stiffness=draw(st.sampled_from(list(Stiffness))),
        symptoms=draw(sets(Symptom)),
        trend=draw(st.sampled_from(list(Trend))),
        pain_disturbs_sleep=draw(st.booleans()),
        pain_stops_work=draw(st.booleans()),
        daily_life_affected=draw(st.booleans()),
        home_care_days=draw(st.integers(min_value=0, max_value=3650)),
        pain_lasted=draw(st.none() | st.sampled_from(list(Lasted))),
        after_injury=after_injury,
        high_risk_mechanism=draw(st.sampled_from(list(Answer))) if after_injury else Answer.NO,
        head_injury=draw(st.none() | st.sampled_from(list(Answer))) if after_injury else None,
        neck_manipulation=draw(st.none() | st.sampled_from(list(Answer))),
        risk_history=draw(sets(RiskFactor)),
        age_band=draw(st.sampled_from(list(AgeBand))),
    )


def _round_trip(value: Episode | EpisodeUpdate | CheckIn) -> None:
    record = value.to_record()
    through_json = json.loads(json.dumps(record))
    assert through_json == record  # JSON-able as it is
    back = type(value).from_record(through_json)
    assert back == value
    assert back.to_record() == record
    assert _exact(back) == _exact(value)  # the same offsets and fold, not just the same instants


def _exact(value: object) -> object:
    """A value's fields, with each datetime as (instant, offset, fold), recursively."""
    if isinstance(value, datetime):
        return (value, value.utcoffset(), value.fold)
    if isinstance(value, tuple):
        return tuple(_exact(item) for item in value)
    if isinstance(value, Episode | EpisodeUpdate | CheckIn):
        return {f.name: _exact(getattr(value, f.name)) for f in fields(value)}
    return value


@profile(300)
@given(episodes())
def test_record_round_trip_episode(value: Episode) -> None:
    _round_trip(value)


@profile(300)
@given(moments.flatmap(updates_at))
def test_record_round_trip_episode_update(value: EpisodeUpdate) -> None:
    _round_trip(value)


@profile(300)
@given(check_ins())
def test_record_round_trip_check_in(value: CheckIn) -> None:
    _round_trip(value)


@profile(200)
@given(episodes(), st.data())
def test_lifecycle_update_then_end_keeps_a_valid_episode(
    value: Episode, data: st.DataObject
) -> None:
    """Any update at or after the start of an open episode is accepted, kept in order, and the
    episode can end at its last update."""
    ep = replace(value, ended=None)
    last = ep.updates[-1].at if ep.updates else ep.started
    at = last + data.draw(spans)
    new = update_episode(ep, data.draw(updates_at(at)))
    assert [u.at for u in new.updates] == sorted(u.at for u in new.updates)
    assert new.pain_peak >= max(new.pains())
    assert end_episode(new, at).ended == at


def test_episodes_check_in_due_after_a_day_and_at_most_daily() -> None:
    from datetime import UTC, datetime, timedelta

    from posture_guard.core.episodes import Episode, Stiffness, check_in_due

    start = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
    episode = Episode(started=start, pain_at_start=4, pain_peak=4, stiffness=Stiffness.MILD)
    day = timedelta(days=1)
    assert not check_in_due(None, None, None, start + 3 * day)
    assert not check_in_due(episode, None, None, start + day - timedelta(minutes=1))
    assert check_in_due(episode, None, None, start + day)
    assert not check_in_due(episode, start + day, None, start + day + timedelta(hours=23))
    assert not check_in_due(episode, None, start + day, start + day + timedelta(hours=23))
    assert check_in_due(episode, start + day, start + day, start + 2 * day)
    ended = Episode(
        started=start, ended=start + day, pain_at_start=4, pain_peak=4, stiffness=Stiffness.MILD
    )
    assert not check_in_due(ended, None, None, start + 3 * day)


# --- what the exercise picker is told -----------------------------------------------------------


def test_current_episode_is_the_open_one_else_the_latest_else_none() -> None:
    old = episode(id=1, started=T0 - timedelta(days=9), ended=T0 - timedelta(days=8))
    later = episode(id=2, started=T0 - timedelta(days=2), ended=T0 - timedelta(days=1))
    open_ = episode(id=3, started=T0 - timedelta(days=5))
    assert current_episode([]) is None
    assert current_episode([old, later]) == later
    assert current_episode([old, open_, later]) == open_


def test_picker_inputs_an_open_episode_is_acute_and_gives_its_symptoms() -> None:
    found = exercises.picker_inputs(episode(symptoms=frozenset({Symptom.HEADACHE})), None)
    assert (found.acute, found.symptoms, found.why) == (True, {"headache"}, "an episode is open")


def test_picker_inputs_a_high_latest_pain_is_acute_and_an_older_check_in_adds_no_symptoms() -> None:
    ended = episode(ended=T0 + timedelta(hours=2))
    later = check_in(at=T0 + timedelta(days=1), pain_now=exercises.ACUTE_PAIN)
    found = exercises.picker_inputs(ended, later)
    assert (found.acute, found.why) == (True, f"your latest pain is {exercises.ACUTE_PAIN}")
    calm = exercises.picker_inputs(ended, check_in(at=T0 + timedelta(days=1), pain_now=2))
    assert (calm.acute, calm.why) == (False, "")
    before = check_in(at=T0 - timedelta(days=1), symptoms=frozenset({Symptom.HEADACHE}))
    assert exercises.picker_inputs(ended, before).symptoms == frozenset()
    assert exercises.picker_inputs(None, before).symptoms == {"headache"}
