"""Records dated while the clock ran ahead (core/clock_ahead.py, issue 18): the newest check-in
is the one entered last, one dated ahead is flagged and never trusted over a later one, an
episode started in the future can be ended and never blocks a new one, and back-dating an
episode still works when nothing is in the future."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from posture_guard.core.clock_ahead import (
    TOLERANCE,
    ahead_open,
    check_ins_ahead,
    end_ahead,
    is_ahead,
    last_moment,
    newest_check_in,
)
from posture_guard.core.episodes import Episode, EpisodeUpdate, end_episode, start_episode
from posture_guard.core.records import AdviceSummary, StoredCheckIn
from posture_guard.core.triage import Tier
from tests.store.test_diary_store import check_ins

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
