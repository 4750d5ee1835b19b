"""Records dated while the clock ran ahead (core/clock_ahead.py, issue 18): the newest check-in
is the one entered last, one dated ahead is flagged and never trusted over a later one, an
episode started in the future can be ended and never blocks a new one, and back-dating an
episode still works when nothing is in the future."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from posture_guard.core.clock_ahead import (
    ahead_open,
    check_ins_ahead,
    end_ahead,
    episodes_ahead,
    last_moment,
    latest_pain,
    newest_check_in,
    overlap_history,
    update_ahead,
)
from posture_guard.core.episodes import (
    TOLERANCE,
    Episode,
    EpisodeUpdate,
    check_in_due,
    current_episode,
    end_episode,
    entered_last,
    is_ahead,
    open_episode,
    start_episode,
    update_episode,
)
from posture_guard.core.exercises import ACUTE_PAIN, picker_inputs
from posture_guard.core.records import AdviceSummary, PainEntry, StoredCheckIn
from posture_guard.core.tiers import Tier
from tests.store.test_diary_store import check_ins
from tests.store.test_store import fresh_store

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
SUMMARY = AdviceSummary(tier=Tier.SELF_CARE, rule_ids=())
steps = st.lists(st.integers(0, 3 * 86_400), min_size=1, max_size=6)


def stored(answers: object, seconds: list[int]) -> list[StoredCheckIn]:
    """Check-ins entered in this order, dated NOW minus the seconds (id = entry order)."""
    return [
        StoredCheckIn(
            id=n, check_in=replace(answers, at=NOW - timedelta(seconds=s)), advice=SUMMARY
        )  # type: ignore[type-var]
        for n, s in enumerate(seconds, start=1)
    ]


@given(answers=check_ins, gaps=steps)
def test_clock_ahead_a_right_clock_flags_nothing_and_the_newest_is_the_latest(
    answers: object, gaps: list[int]
) -> None:
    # Protects: with the clock right (dates follow the entry order), nothing is flagged and the
    # newest check-in is the latest dated, as before
    seconds = sorted((sum(gaps[i:]) for i in range(len(gaps))), reverse=True)
    entered = stored(answers, seconds)
    assert check_ins_ahead(entered, NOW) == ()
    assert newest_check_in(entered) == max(entered, key=lambda s: (s.check_in.at, s.id))


@given(answers=check_ins, gaps=steps, ahead_by=st.integers(301, 10 * 365 * 86_400), data=st.data())
def test_clock_ahead_a_check_in_dated_ahead_is_flagged_and_never_trusted_over_a_later_one(
    answers: object, gaps: list[int], ahead_by: int, data: st.DataObject
) -> None:
    # Protects: a check-in saved with the clock ahead is flagged whatever comes after it, and
    # it is the newest only when nothing was entered after it
    seconds = sorted((sum(gaps[i:]) for i in range(len(gaps))), reverse=True)
    where = data.draw(st.integers(0, len(seconds)))
    seconds.insert(where, -ahead_by)  # dated `ahead_by` seconds after NOW
    entered = stored(answers, seconds)
    flagged = check_ins_ahead(entered, NOW)
    assert [s.id for s in flagged] == [where + 1]
    newest = newest_check_in(entered)
    assert newest is entered[-1]
    assert (newest in flagged) == (where == len(seconds) - 1)
    # and later, once the real time has passed its date, it is still flagged when it was
    # followed by a later entry (Rule 1): only the last one entered is cleared by the clock
    later = NOW + timedelta(seconds=ahead_by) + TOLERANCE * 2
    assert [s.id for s in check_ins_ahead(entered, later)] == (
        [] if where == len(seconds) - 1 else [where + 1]
    )


def an_episode(started: datetime, updates: int = 0) -> Episode:
    episode = Episode(started=started, pain_at_start=4, pain_peak=4, stiffness=None)
    return replace(
        episode,
        updates=tuple(
            EpisodeUpdate(at=started + timedelta(hours=h + 1), pain=3) for h in range(updates)
        ),
    )


@given(
    ahead_by=st.integers(301, 10 * 365 * 86_400),
    updates=st.integers(0, 3),
    asked=st.integers(0, 30 * 86_400),
)
def test_clock_ahead_an_episode_from_the_future_ends_at_its_last_moment(
    ahead_by: int, updates: int, asked: int
) -> None:
    # Protects: an episode started with the clock ahead can be ended (it could not: "before it
    # started"), at its own last moment, and it does not block a new one
    future = an_episode(NOW + timedelta(seconds=ahead_by), updates)
    at = NOW - timedelta(seconds=asked)
    ended = end_episode(future, end_ahead(future, at, NOW), [future])
    assert ended.ended == last_moment(future)
    assert ahead_open([future], NOW) is future
    assert ahead_open([ended], NOW) is None
    start_episode([ended], an_episode(at))  # a new one may start now


@given(back=st.integers(0, 30 * 86_400), asked=st.integers(0, 30 * 86_400))
def test_clock_ahead_back_dating_is_untouched_when_nothing_is_in_the_future(
    back: int, asked: int
) -> None:
    # Protects: an episode back-dated with --at (entered later, dated earlier) is never treated
    # as ahead, and ending it asks for exactly the time given
    episode = an_episode(NOW - timedelta(seconds=back))
    at = NOW - timedelta(seconds=asked)
    assert not is_ahead(episode.started, NOW)
    assert end_ahead(episode, at, NOW) == at
    assert ahead_open([episode], NOW) is None


def test_clock_ahead_tolerance_absorbs_small_steps() -> None:
    # Protects: a record a few minutes ahead (an NTP step) is not flagged
    assert not is_ahead(NOW + TOLERANCE, NOW)
    assert is_ahead(NOW + TOLERANCE + timedelta(seconds=1), NOW)


# --- episodes entered while the clock ran ahead, once the real time has passed their dates ------


def stored_episodes(starts: list[int]) -> list[Episode]:
    """Ended episodes entered in this order (id = entry order), started NOW plus the seconds,
    each ending as it starts (as one entered ahead is ended)."""
    return [
        replace(an_episode(NOW + timedelta(seconds=s)), id=n, ended=NOW + timedelta(seconds=s))
        for n, s in enumerate(starts, start=1)
    ]


@given(starts=st.lists(st.integers(-400 * 86_400, 400 * 86_400), min_size=1, max_size=6))
def test_clock_ahead_the_current_episode_is_the_one_entered_last(starts: list[int]) -> None:
    # Protects: with no episode open, the current one is the one entered last, never one dated
    # later (ahead) but entered before it (issue 18: an ended episode dated ahead was "current")
    history = sorted(stored_episodes(starts), key=lambda e: e.started)  # as the store lists them
    assert current_episode(history) is not None
    assert current_episode(history).id == len(starts)  # type: ignore[union-attr]
    assert entered_last(history).id == len(starts)  # type: ignore[union-attr]
    assert open_episode(history) is None


@given(
    ahead_by=st.integers(2 * 86_400, 400 * 86_400),
    real=st.lists(st.integers(1, 86_400), min_size=1, max_size=4),
    passed=st.integers(0, 30 * 86_400),
)
def test_clock_ahead_an_episode_entered_ahead_never_blocks_later_ones(
    ahead_by: int, real: list[int], passed: int
) -> None:
    # Protects: an episode entered with the clock `ahead_by` seconds ahead (ended at its own
    # start), then real episodes entered with the right clock, the last left open: once the
    # real time has passed its date it is still flagged (by the readings of those entered
    # after it), the open one can be updated and ended after its date and a new one started,
    # never refused as overlapping it
    future = NOW + timedelta(seconds=ahead_by)
    history = [replace(an_episode(future), id=1, ended=future)]
    entered = {1: future}
    readings = [NOW + timedelta(seconds=sum(real[: i + 1])) for i in range(len(real))]
    for n, (reading, next_one) in enumerate(
        zip(readings, [*readings[1:], None], strict=True), start=2
    ):
        # each ends before the next is entered (only one is open at a time); the last is open
        ended = None if next_one is None else reading + (next_one - reading) / 2
        history.append(replace(an_episode(reading), id=n, ended=ended))
        entered[n] = reading
    # the real time now: past the date entered ahead and every later reading
    later = max(future, readings[-1]) + TOLERANCE + timedelta(seconds=passed + 1)
    assert list(episodes_ahead(history, entered, later)) == [1]
    assert episodes_ahead(history, entered, later)[1] == future
    trusted = overlap_history(history, entered, later)
    assert [e.id for e in trusted] == list(range(2, len(real) + 2))
    current = history[-1]
    assert current_episode(sorted(history, key=lambda e: e.started)) is current
    updated = update_episode(current, EpisodeUpdate(at=later, pain=2), trusted)
    ended = end_episode(updated, later, trusted)
    start_episode([*(e for e in trusted if e is not current), ended], an_episode(later + TOLERANCE))
    # without the readings of the later episodes nothing tells it was entered ahead: it keeps
    # blocking, as it did before the store kept them
    assert episodes_ahead(history, {}, later) == {}


@given(back=st.lists(st.integers(0, 400 * 86_400), min_size=2, max_size=6))
def test_clock_ahead_back_dated_episodes_are_never_flagged(back: list[int]) -> None:
    # Protects: episodes back-dated with --at (entered in this order, each dated before its own
    # reading, in any order of dates) flag nothing, and every one of them still counts for the
    # overlap checks
    history = []
    entered = {}
    for n, seconds in enumerate(back, start=1):
        reading = NOW + timedelta(seconds=n)
        started = reading - timedelta(seconds=seconds)
        history.append(replace(an_episode(started), id=n, ended=started))
        entered[n] = reading
    assert episodes_ahead(history, entered, NOW + timedelta(days=1)) == {}
    assert overlap_history(history, entered, NOW + timedelta(days=1)) == history


@given(ahead_by=st.integers(301, 400 * 86_400), updates=st.integers(0, 3))
def test_clock_ahead_an_episode_from_the_future_can_be_updated(ahead_by: int, updates: int) -> None:
    # Protects: an update at the real time to an episode started with the clock ahead (issue
    # 18: refused as "before it started") is dated at its last moment, so the person can
    # correct it; with nothing ahead, the time asked for is kept
    future = an_episode(NOW + timedelta(seconds=ahead_by), updates)
    at = update_ahead(future, NOW, NOW)
    assert at == last_moment(future)
    changed = update_episode(future, EpisodeUpdate(at=at, pain=2), [future])
    assert changed.pain_now == 2
    real = an_episode(NOW - timedelta(days=1))
    assert update_ahead(real, NOW, NOW) == NOW


@given(ahead_by=st.integers(301, 400 * 86_400))
def test_clock_ahead_a_check_in_reminder_is_never_held_back_by_a_date_ahead(
    ahead_by: int,
) -> None:
    # Protects: a check-in dated ahead (issue 18) does not stop the daily check-in reminder
    # until the real time reaches its date; an episode started ahead has no known age and
    # asks for none
    episode = an_episode(NOW - timedelta(days=2))
    ahead = NOW + timedelta(seconds=ahead_by)
    assert check_in_due(episode, ahead, None, NOW)
    assert check_in_due(episode, ahead, ahead, NOW)
    assert not check_in_due(episode, NOW - timedelta(hours=1), ahead, NOW)
    assert not check_in_due(an_episode(ahead), None, None, NOW)


@given(
    answers=check_ins,
    ahead_by=st.integers(TOLERANCE.seconds + 1, 400 * 86_400),
    calm=st.integers(0, ACUTE_PAIN - 1),
    sore=st.integers(ACUTE_PAIN, 10),
    ago=st.integers(0, 7 * 86_400),
)
def test_clock_ahead_the_pickers_latest_pain_is_never_one_dated_ahead(
    answers: object, ahead_by: int, calm: int, sore: int, ago: int
) -> None:
    # Protects: the exercise picker's "latest pain" (acute or not) is never a check-in dated
    # while the clock ran ahead over a rating entered after it with the clock right: a calm
    # check-in dated next month would otherwise keep offering neck work to a sore neck
    ahead = replace(answers, at=NOW + timedelta(seconds=ahead_by), pain_now=calm)  # type: ignore[type-var]
    rated = NOW - timedelta(seconds=ago)
    episode = replace(
        an_episode(rated - timedelta(hours=1)),
        id=1,
        pain_peak=sore,
        updates=(EpisodeUpdate(at=rated, pain=sore),),
        ended=rated + timedelta(minutes=1),
    )
    assert picker_inputs(episode, ahead, now=NOW).acute is True
    assert picker_inputs(episode, ahead).acute is False  # trusting every date: the fault
    # with the clock right, the later of the two counts, as before
    right = replace(ahead, at=rated + timedelta(minutes=2))
    assert picker_inputs(episode, right, now=NOW + timedelta(hours=1)).acute is False


# one entry: update or check-in, its pain, how far the clock ran ahead as it was entered (0: it
# was right), and the real seconds that passed before it
entries = st.lists(
    st.tuples(
        st.sampled_from(("update", "check-in")),
        st.integers(0, 10),
        st.one_of(st.just(0), st.integers(TOLERANCE.seconds + 1, 30 * 86_400)),
        st.integers(1, 2 * 86_400),
    ),
    min_size=1,
    max_size=7,
)


@given(answers=check_ins, steps=entries, passing=st.integers(0, 40 * 86_400))
def test_clock_ahead_the_pickers_latest_pain_is_the_one_entered_last(
    tmp_path_factory: pytest.TempPathFactory,
    answers: object,
    steps: list[tuple[str, int, int, int]],
    passing: int,
) -> None:
    # Protects: whatever the interleaving of episode updates and check-ins, any of them entered
    # while the clock ran ahead, and however much time passes after, the picker's latest pain
    # is the one entered last among those not dated ahead of now (clock_ahead Rule 6): a
    # wrongly dated 8 never wins over a calm check-in entered after it once its date has passed
    real = NOW
    with fresh_store(tmp_path_factory) as store:
        store.start_episode(
            Episode(started=real, pain_at_start=5, pain_peak=5, stiffness=None), now=real
        )
        for kind, pain, ahead_by, gap in steps:
            real += timedelta(seconds=gap)
            reading = real + timedelta(seconds=ahead_by)
            if kind == "update":
                store.update_episode(EpisodeUpdate(at=reading, pain=pain), now=reading)
            else:
                answered = replace(answers, at=reading, pain_now=pain)  # type: ignore[type-var]
                store.add_check_in(answered, SUMMARY)
        episode = store.open_episode()
        assert episode is not None
        store.end_episode(max(real, last_moment(episode)), now=real)
        now = real + timedelta(seconds=passing)
        diary = store.picker_diary(now=now)
        every = store.picker_diary(now=datetime(1900, 1, 1, tzinfo=UTC)).pains  # all dated ahead
    # every rating is numbered in the order it was entered
    entered = sorted(every, key=lambda p: p.seq or 0)
    assert [p.pain for p in entered] == [5, *(pain for _, pain, _, _ in steps)]
    expected = [p for p in entered if not is_ahead(p.at, now)][-1].pain
    # read at now: every rating of the episode, and the check-ins from the newest back to the
    # first not dated ahead of now: a few rows, however long the diary
    kinds = ["start", *(kind for kind, *_ in steps)]
    walked = []
    for p in reversed(entered):
        if kinds[(p.seq or 0) - 1] == "check-in":
            walked.append(p)
            if not is_ahead(p.at, now):
                break
    episode = [p for p in entered if kinds[(p.seq or 0) - 1] != "check-in"]
    assert sorted(diary.pains, key=lambda p: p.seq or 0) == sorted(
        [*episode, *walked], key=lambda p: p.seq or 0
    )
    assert latest_pain(diary.pains, now) == expected
    assert diary.latest is not None or all(kind == "update" for kind, *_ in steps)
    inputs = picker_inputs(
        diary.current,
        None if diary.latest is None else diary.latest.check_in,
        None if diary.latest is None else diary.latest.advice.tier,
        now=now,
        pains=diary.pains,
    )
    assert inputs.acute is (expected >= ACUTE_PAIN)
    assert inputs.why == (f"your latest pain is {expected}" if inputs.acute else "")


# check-ins: pain, how far the clock ran ahead, the real seconds before it; how many of the first
# were entered before store v7 (no place in the order of entry); when the picker reads
check_in_steps = st.lists(
    st.tuples(
        st.integers(0, 10),
        st.one_of(st.just(0), st.integers(TOLERANCE.seconds + 1, 30 * 86_400)),
        st.integers(1, 2 * 86_400),
    ),
    min_size=1,
    max_size=8,
)


@given(
    answers=check_ins,
    steps=check_in_steps,
    before_v7=st.integers(0, 8),
    passing=st.none() | st.integers(-2 * 86_400, 40 * 86_400),
)
def test_clock_ahead_the_pickers_few_rows_give_the_latest_pain_of_every_check_in(
    tmp_path_factory: pytest.TempPathFactory,
    answers: object,
    steps: list[tuple[int, int, int]],
    before_v7: int,
    passing: int | None,
) -> None:
    # Protects: the picker reads a few check-ins at each break (Store.picker_diary), not the
    # whole diary; the latest pain from those is the one from every check-in, at any `now`
    # (None: every date trusted), whichever were entered before store v7 and ordered by date:
    # a calm one dated ahead never hides a sore one entered before it
    real = NOW
    with fresh_store(tmp_path_factory) as store:
        for pain, ahead_by, gap in steps:
            real += timedelta(seconds=gap)
            reading = real + timedelta(seconds=ahead_by)
            store.add_check_in(replace(answers, at=reading, pain_now=pain), SUMMARY)  # type: ignore[type-var]
        with sqlite3.connect(store.path) as db:  # those entered first: as before v7, unnumbered
            db.execute(
                "UPDATE check_ins SET seq = NULL WHERE id IN"
                " (SELECT id FROM check_ins ORDER BY id LIMIT ?)",
                (before_v7,),
            )
            every = [
                PainEntry(seq, datetime.fromisoformat(at), pain)
                for seq, at, pain in db.execute(
                    "SELECT seq, at, json_extract(answers, '$.pain_now') FROM check_ins ORDER BY id"
                )
            ]
        now = None if passing is None else real + timedelta(seconds=passing)
        read = store.picker_diary(now=now).pains
    assert len(read) <= len(every)
    assert latest_pain(read, now) == latest_pain(every, now)


def test_clock_ahead_ratings_entered_before_the_counter_are_older_and_ordered_by_date() -> None:
    # Protects: a rating entered before store v7 (no place in the order of entry) is older than
    # any numbered one, whatever its date; those without are ordered by date; one dated ahead
    # wins only when every rating is
    old_late = PainEntry(None, NOW - timedelta(hours=1), 8)
    old_early = PainEntry(None, NOW - timedelta(hours=5), 2)
    numbered = PainEntry(3, NOW - timedelta(days=2), 1)
    assert latest_pain([old_late, old_early], NOW) == 8
    assert latest_pain([old_late, numbered, old_early], NOW) == 1
    ahead = PainEntry(4, NOW + timedelta(days=1), 9)
    assert latest_pain([ahead, old_early, numbered], NOW) == 1
    assert latest_pain([ahead], NOW) == 9
    assert latest_pain([ahead, numbered], NOW + timedelta(days=2)) == 9
    assert latest_pain([], NOW) is None
