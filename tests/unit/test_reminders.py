"""The reminders: one exercise per break, rotated; a check-in asked at most once a day."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from posture_guard.app.reminders import Reminders
from posture_guard.app.store import Store
from posture_guard.core.episodes import AgeBand, CheckIn, Episode, Stiffness, Trend
from posture_guard.core.exercises import (
    HOLD_AREAS,
    Catalogue,
    Phase,
    instructions,
    load_catalogue,
)
from posture_guard.core.pack import programme_catalogue, read_pack
from posture_guard.core.records import AdviceSummary
from posture_guard.core.tiers import Tier
from posture_guard.core.wording import NO_EXERCISE_TEXT
from posture_guard.testing import FakeClock

START = datetime(2026, 11, 23, 9, 0, tzinfo=ZoneInfo("Europe/Berlin"))  # a working Monday
CATALOGUE = load_catalogue()
NOD = "riverside-supported-chin-nod"
CIRCLES = "riverside-shoulder-circles"


class Notices:
    def __init__(self) -> None:
        self.shown: list[tuple[str, str]] = []

    def __call__(self, title: str, message: str) -> None:
        self.shown.append((title, message))


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "pg.sqlite3") as opened:
        yield opened


def _open_episode(store: Store, started: datetime) -> None:
    store.start_episode(
        Episode(started=started, pain_at_start=5, pain_peak=5, stiffness=Stiffness.MODERATE)
    )


def test_reminders_keep_one_exercise_per_break_until_it_ends_then_rotate() -> None:
    reminders = Reminders(CATALOGUE, Notices())
    first = reminders.exercise_for("posture", 20)
    assert first is not None
    assert reminders.picked("posture") is first
    # the notice, the window and the answer all name the same one while the break lasts
    assert reminders.exercise_for("posture", 20) is first
    assert reminders.exercise_text("posture", 20) == instructions(first)
    reminders.break_over("posture")
    assert reminders.picked("posture") is None
    second = reminders.exercise_for("posture", 20)
    assert second is not None
    assert second.id != first.id  # no repeat before every fitting one was shown


def test_reminders_say_plain_words_when_no_exercise_fits() -> None:
    reminders = Reminders(CATALOGUE, Notices())
    assert reminders.exercise_for("posture", 1) is None  # nothing fits in one second
    assert reminders.exercise_text("posture", 1) == NO_EXERCISE_TEXT


def test_reminders_offer_gentle_exercises_while_an_episode_is_open(store: Store) -> None:
    _open_episode(store, START - timedelta(hours=3))
    reminders = Reminders(CATALOGUE, Notices(), store)
    for _ in range(5):
        exercise = reminders.exercise_for("stretch", 300)
        assert exercise is not None
        assert exercise.phase is Phase.ACUTE_GENTLE
        reminders.break_over("stretch")


def test_reminders_ask_for_a_check_in_once_a_day_for_an_episode_a_day_old(store: Store) -> None:
    clock = FakeClock(START)
    _open_episode(store, START - timedelta(days=1, hours=5))
    notices = Notices()
    reminders = Reminders(CATALOGUE, notices, store)
    reminders.maybe_ask_check_in(clock.now())  # 09:00 the service starts: asked
    clock.advance(3 * 3600)
    reminders.maybe_ask_check_in(clock.now())  # 12:00 a break prompt: not again today
    assert notices.shown == [
        (
            "How is your neck today?",
            "Your episode began 1 day ago. Run `posture-guard check-in` to note how it is now "
            "and see what to do next.",
        )
    ]


def test_reminders_do_not_ask_for_a_fresh_episode_or_without_a_diary(store: Store) -> None:
    notices = Notices()
    Reminders(CATALOGUE, notices).maybe_ask_check_in(START)
    _open_episode(store, START - timedelta(hours=12))
    Reminders(CATALOGUE, notices, store).maybe_ask_check_in(START)
    assert notices.shown == []


# --- the clinic's programme (issue 17) ---------------------------------------------------------


def _programme(phase: str) -> Catalogue:
    from tests import packs

    files = packs.sample()
    pack = read_pack(files, packs.sums(files), where="clinic-pack", catalogue=CATALOGUE)
    return programme_catalogue(pack, CATALOGUE, phase)


def test_reminders_offer_the_programmes_exercises_first_then_the_catalogues() -> None:
    # Protects: breaks pick from the programme's phase in force; a break none of them fits
    # (the posture break: 20 s) gets the catalogue's.
    reminders = Reminders(CATALOGUE, Notices(), programme=lambda: _programme("acute"))
    picked = []
    for _ in range(4):
        exercise = reminders.exercise_for("stretch", 120)
        assert exercise is not None
        picked.append(exercise.id)
        reminders.break_over("stretch")
    assert picked == [NOD, CIRCLES, NOD, CIRCLES]
    posture = reminders.exercise_for("posture", 20)
    assert posture is not None
    assert posture.id in {e.id for e in CATALOGUE.exercises}


def test_reminders_the_neck_limit_wins_over_the_programme(store: Store) -> None:
    # Protects: while the latest advice holds neck exercises (prompt tier), the programme's neck
    # and shoulder exercises are not offered: only what moves neither, from the catalogue.
    check_in = CheckIn(
        at=START, pain_now=5, stiffness=Stiffness.MILD, trend=Trend.SAME,
        age_band=AgeBand.FROM_20_TO_50,
    )  # fmt: skip
    store.add_check_in(check_in, AdviceSummary(tier=Tier.PROMPT, rule_ids=()))
    reminders = Reminders(CATALOGUE, Notices(), store, programme=lambda: _programme("acute"))
    for _ in range(6):
        exercise = reminders.exercise_for("stretch", 300)
        if exercise is not None:
            assert exercise.id not in {NOD, CIRCLES}
            assert exercise.area in HOLD_AREAS
        reminders.break_over("stretch")


def test_reminders_a_failing_programme_falls_back_to_the_catalogue() -> None:
    # Protects: a programme that cannot be read never stops a break from offering an exercise.
    def broken() -> Catalogue:
        raise OSError("disk gone")

    reminders = Reminders(CATALOGUE, Notices(), programme=broken)
    exercise = reminders.exercise_for("stretch", 120)
    assert exercise is not None
    assert exercise.id in {e.id for e in CATALOGUE.exercises}
