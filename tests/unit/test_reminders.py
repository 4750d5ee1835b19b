"""The reminders: one exercise per break, rotated; a check-in asked at most once a day."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from posture_guard.app.reminders import Reminders
from posture_guard.app.store import Store
from posture_guard.core.episodes import Episode, Stiffness
from posture_guard.core.exercises import Phase, instructions, load_catalogue
from posture_guard.core.wording import NO_EXERCISE_TEXT
from posture_guard.testing import FakeClock

START = datetime(2026, 11, 23, 9, 0, tzinfo=ZoneInfo("Europe/Berlin"))  # a working Monday
CATALOGUE = load_catalogue()


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
