"""Commands as values: argument checks, the policy's name for each, and refusals in words."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from posture_guard.app.control import decode_command, encode_snapshot
from posture_guard.core import config, refusals
from posture_guard.core.commands import (
    MAX_PAUSE_S,
    MAX_SNOOZE_S,
    BreakNow,
    Command,
    FinishBreak,
    Malformed,
    Pause,
    Quit,
    Resume,
    Skip,
    Snapshot,
    Snooze,
    StartBreak,
    Status,
    policy_verb,
    validate,
)
from posture_guard.core.errors import IllegalCommand, InvalidCommand, UnknownCommand
from posture_guard.core.records import DayTally
from posture_guard.core.timer import (
    TRANSITIONS,
    BreakTimer,
    NotAllowedNow,
    Outcome,
    SkipsUsedUp,
    State,
)
from posture_guard.core.timer import Command as TimerCommand
from posture_guard.core.traymodel import TrayStatus
from posture_guard.core.wording import STATE_WORDS

START = datetime(2026, 11, 23, 9, 0, tzinfo=ZoneInfo("Europe/Berlin"))  # a working Monday

VALID: list[Command] = [
    Status(),
    Snooze(),
    Snooze(seconds=1),
    Snooze(seconds=MAX_SNOOZE_S),
    Skip(),
    Pause(),
    Pause(seconds=MAX_PAUSE_S),
    Pause(tomorrow=True),
    Pause(tomorrow=True, seconds=-5),  # "tomorrow" wins; the seconds are not looked at
    Resume(),
    BreakNow(),
    BreakNow(kind="posture"),
    StartBreak(),
    FinishBreak(outcome=Outcome.TAKEN),
    FinishBreak(outcome=Outcome.SKIPPED),
    Quit(),
]


@pytest.mark.parametrize("command", VALID, ids=repr)
def test_commands_validate_accepts_arguments_in_range(command: Command) -> None:
    validate(command)


@pytest.mark.parametrize(
    ("command", "message"),
    [
        (Snooze(seconds=0), r"^Can't snooze for 0s: expected from 1s to 4h$"),
        (Snooze(seconds=-5), r"^Can't snooze for -5s: expected from 1s to 4h$"),
        (Snooze(seconds=5 * 3600), r"^Can't snooze for 5h: expected from 1s to 4h$"),
        (Snooze(seconds=True), r"""^Can't snooze: "seconds" must be a whole number, got True$"""),
        (Pause(seconds=-5), r"^Can't pause for -5s: expected from 1s to 168h$"),
        (Pause(seconds=MAX_PAUSE_S + 3600), r"^Can't pause for 169h: expected from 1s to 168h$"),
        (
            FinishBreak(outcome=Outcome.NATURAL),
            r"""^Can't finish a break: "outcome" must be "taken" or "skipped", got 'natural'$""",
        ),
        (
            FinishBreak(outcome=Outcome.MERGED),
            r"""^Can't finish a break: "outcome" must be "taken" or "skipped", got 'merged'$""",
        ),
        (Malformed(verb="break-now", problem='"kind" must be a break kind, got 7'), r"^.*got 7$"),
    ],
)
def test_commands_validate_refuses_with_the_words_people_read(
    command: Command | Malformed, message: str
) -> None:
    with pytest.raises(InvalidCommand, match=message):
        validate(command)


def test_commands_are_values_compared_by_their_arguments() -> None:
    assert Pause(seconds=60) == Pause(seconds=60)
    assert Pause(seconds=60) != Pause(seconds=61)
    assert len({Snooze(), Snooze(), Skip()}) == 2  # hashable: the tray's menu compares them
    with pytest.raises(AttributeError):
        Snooze().seconds = 5  # type: ignore[misc]


def test_commands_policy_verb_treats_a_window_skip_as_a_skip() -> None:
    assert policy_verb(FinishBreak(outcome=Outcome.SKIPPED)) == "skip"
    assert policy_verb(FinishBreak(outcome=Outcome.TAKEN)) == "finish-break"
    assert policy_verb(BreakNow(kind="posture")) == "break-now"
    assert policy_verb(Malformed(verb="snooze", problem="x")) == "snooze"


# --- refusals: the timer's terms, said for people ------------------------------------------------


def test_refusals_word_a_command_not_allowed_in_this_state() -> None:
    timer = BreakTimer(config.defaults().timer)
    timer.observe(START, 0.0)
    with pytest.raises(NotAllowedNow, match=r"^can't snooze when state=WORKING$") as caught:
        timer.snooze(START)
    # the reason in plain words, not the state's name ("Snooze is for when a break is due; none is due now" was)
    assert refusals.illegal(caught.value) == "Snooze is for when a break is due; none is due now"
    # nothing changed
    assert timer.status().state is State.WORKING


def test_refusals_say_take_a_break_for_take_now() -> None:
    timer = BreakTimer(config.defaults().timer)
    timer.observe(START, 0.0)
    timer.take_now(START)
    with pytest.raises(NotAllowedNow) as caught:
        timer.take_now(START)
    assert refusals.illegal(caught.value) == "You are on a break already"


@pytest.mark.parametrize(
    ("command", "state"),
    [(c, s) for s in State for c in TimerCommand if (s, c) not in TRANSITIONS],
)
def test_refusals_give_every_refused_command_a_plain_reason(
    command: TimerCommand, state: State
) -> None:
    """Every command the timer can refuse, in every state it refuses it in, gets a reason of
    its own in plain words: no state word ("working"), no command id ("start_break") and not
    the catch-all."""
    said = refusals.illegal(NotAllowedNow(command, state))
    assert said != refusals.NOT_NOW
    assert not any(f"({words})" in said for words in STATE_WORDS.values()), said
    assert "_" not in said, said
    assert state.name not in said, said


def test_refusals_start_the_timer_s_other_refusals_as_a_sentence() -> None:
    exc = IllegalCommand("can't take a 'nap' break: expected one of posture, movement")
    assert refusals.illegal(exc) == "Can't take a 'nap' break: expected one of posture, movement"


def test_refusals_service_level_texts_are_fixed() -> None:
    assert refusals.SHUTTING_DOWN == "Posture Guard is shutting down"
    assert refusals.BUSY == "Posture Guard is busy; nothing was done, try again"
    assert refusals.INTERNAL_ERROR == "internal error; see the log file for details"


# --- the snapshot: the tray reads the value, the menu window its JSON; both agree --------------


def test_tray_status_of_a_snapshot_equals_the_one_read_from_its_json() -> None:
    timer = BreakTimer(config.defaults().timer)
    timer.observe(START, 0.0)
    settings = config.defaults()
    snapshots = [
        Snapshot(
            at=START,
            status=timer.status(),
            settings=settings,
            idle_source="x",
            sees_idle=True,
            notifier="y",
            today=DayTally(active_s=0.0, outcomes={}),
        )
    ]
    timer.pause(START, START.replace(hour=17, microsecond=250))
    snapshots.append(
        Snapshot(
            at=START,
            status=timer.status(),
            settings=settings,
            idle_source="x",
            sees_idle=False,
            notifier="y",
            today=DayTally(active_s=60.0, outcomes={"posture": {"taken": 1}}),
            episode_open=True,
        )
    )
    for snapshot in snapshots:
        assert TrayStatus.of(snapshot) == TrayStatus.from_json(encode_snapshot(snapshot))


def test_commands_unknown_name_says_which() -> None:
    with pytest.raises(UnknownCommand, match=r"^unknown command 'explode'$"):
        decode_command({"command": "explode"})


@pytest.mark.parametrize(
    ("skipped", "limit", "said"),
    [
        (
            2,
            2,
            "You have skipped 2 breaks today, the most your settings allow "
            "([general] max_skips_per_day); take it or snooze it",
        ),
        (
            1,
            1,
            "You have skipped 1 break today, the most your settings allow "
            "([general] max_skips_per_day); take it or snooze it",
        ),
        (0, 0, "Skipping breaks is turned off ([general] max_skips_per_day = 0)"),
    ],
)
def test_refusals_the_daily_skip_cap_in_plain_words(skipped: int, limit: int, said: str) -> None:
    """The timer's SkipsUsedUp is worded from its numbers, never from its own message."""
    assert refusals.illegal(SkipsUsedUp(skipped, limit)) == said
