"""The break flow's decisions: the window's screen, what its answers mean, the pre-break notice."""

from __future__ import annotations

import json
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from posture_guard.core.breakflow import (
    OUTCOMES,
    BreakScreen,
    ScreenError,
    WindowLine,
    commands_for_line,
    keep_notice,
    notice_text,
    parse_line,
    pre_break_notice,
    screen_for,
)
from posture_guard.core.commands import FinishBreak, Skip, Snooze, StartBreak
from posture_guard.core.exercises import load_catalogue
from posture_guard.core.timer import Outcome, State, TimerStatus

SCREEN = BreakScreen(kind="stretch", title="Stretch break", seconds=120)


def status(
    state: State = State.WORKING,
    *,
    next_kind: str | None = "posture",
    next_in_s: float | None = 300.0,
    skip_allowed: bool = True,
    snoozes_left: int | None = None,
) -> TimerStatus:
    return TimerStatus(
        state=state,
        current=None if state is State.WORKING else "stretch",
        next_kind=next_kind,
        next_in_s=next_in_s,
        active_today_s=0.0,
        day=date(2026, 11, 23),
        paused_until=None,
        outcomes_today={},
        allowed=frozenset(),
        snoozes_left=snoozes_left,
        skip_allowed=skip_allowed,
    )


# --- what the window's lines mean -------------------------------------------------------------


def test_countdown_start_starts_the_break_in_the_timer():
    assert commands_for_line(WindowLine(event="started"), SCREEN) == [StartBreak()]


@pytest.mark.parametrize(
    ("outcome", "expected"),
    [
        ("taken", [FinishBreak(outcome=Outcome.TAKEN)]),
        ("postponed", [Snooze()]),
        ("skipped", [Skip()]),
    ],
)
def test_each_answer_becomes_its_command(outcome, expected):
    assert commands_for_line(WindowLine(outcome=outcome), SCREEN) == expected


def test_closing_after_the_countdown_counts_as_taken():
    line = WindowLine(outcome="closed", countdown_done=True)
    assert commands_for_line(line, SCREEN) == [FinishBreak(outcome=Outcome.TAKEN)]


def test_closing_before_the_countdown_postpones_when_allowed():
    assert commands_for_line(WindowLine(outcome="closed"), SCREEN) == [Snooze()]


def test_closing_before_the_countdown_without_postpone_leaves_the_break_due():
    strict = BreakScreen(kind="stretch", title="Stretch", seconds=60, allow_postpone=False)
    assert commands_for_line(WindowLine(outcome="closed"), strict) == []


@given(
    outcome=st.sampled_from(OUTCOMES),
    done=st.booleans(),
    allow_skip=st.booleans(),
    allow_postpone=st.booleans(),
)
def test_closing_never_skips_and_nothing_exceeds_what_the_screen_offered(
    outcome, done, allow_skip, allow_postpone
):
    screen = BreakScreen(
        kind="stretch", title="S", seconds=60, allow_skip=allow_skip, allow_postpone=allow_postpone
    )
    commands = commands_for_line(WindowLine(outcome=outcome, countdown_done=done), screen)
    assert len(commands) <= 1
    if outcome == "closed":
        assert Skip() not in commands
        if not allow_postpone:
            assert Snooze() not in commands


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ('{"event": "started"}\n', WindowLine(event="started")),
        (
            '{"outcome": "taken", "countdown_done": true}',
            WindowLine(outcome="taken", countdown_done=True),
        ),
        ('{"outcome": "closed"}', WindowLine(outcome="closed")),
        ('{"outcome": "exploded"}', None),
        ("Gtk-WARNING: something\n", None),
        ("[1, 2]", None),
    ],
)
def test_window_lines_are_parsed_and_strangers_ignored(raw, expected):
    assert parse_line(raw) == expected


# --- the screen -------------------------------------------------------------------------------


def test_screen_shows_the_picked_exercise_and_the_policy_buttons():
    exercise = load_catalogue().exercise("neck-turn")
    screen = screen_for(
        kind="stretch", title="Stretch break", length_s=120, exercise=exercise, status=status()
    )
    assert (screen.exercise_id, screen.exercise_name, screen.seconds) == (
        "neck-turn",
        "Neck turn",
        120,
    )
    assert screen.steps == exercise.steps
    assert screen.allow_skip
    assert screen.allow_postpone


def test_strict_mode_hides_skip_and_no_snoozes_left_hides_postpone():
    screen = screen_for(
        kind="stretch",
        title="Stretch break",
        length_s=120,
        exercise=None,
        status=status(skip_allowed=False, snoozes_left=0),
    )
    assert not screen.allow_skip
    assert not screen.allow_postpone
    assert screen.exercise_name == "Step away from the screen"


def test_screen_hides_skip_and_postpone_a_policy_turns_off():
    """The window offers only what the service would accept: a locked skip or snooze is not
    a button (it used to be shown, and then refused)."""
    from posture_guard.core import config
    from posture_guard.core.config import PolicySource

    policy_text = '[controls]\nskip = false\nsnooze = false\n[policy]\nlock = ["controls.skip"]\n'
    settings = config.load(None, policies=[PolicySource(name="p.toml", text=policy_text)])
    screen = screen_for(
        kind="stretch",
        title="Stretch break",
        length_s=120,
        exercise=None,
        status=status(),
        settings=settings.settings,
    )
    assert (screen.allow_skip, screen.allow_postpone) == (False, False)
    plain = screen_for(
        kind="stretch",
        title="Stretch break",
        length_s=120,
        exercise=None,
        status=status(),
        settings=config.defaults(),
    )
    assert (plain.allow_skip, plain.allow_postpone) == (True, True)


def test_screen_round_trips_through_json():
    screen = BreakScreen(
        kind="posture", title="Posture break", seconds=20, exercise_id="blink-reset",
        steps=("Blink.", "Rest."), allow_skip=False, accent="#123456", organisation="ACME",
        logo="/etc/posture-guard/acme.png",
    )  # fmt: skip
    assert BreakScreen.from_mapping(json.loads(screen.to_json())) == screen


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"title": "T", "seconds": 5}, "stdin: 'kind' is missing"),
        (
            {"kind": "k", "title": "T", "seconds": 0},
            "stdin: 'seconds': expected a whole number from 1 to 3600, got 0",
        ),
        (
            {"kind": "k", "title": "T", "seconds": True},
            "stdin: 'seconds': expected a whole number from 1 to 3600, got True",
        ),
        (
            {"kind": "k", "title": "T", "seconds": 5, "accent": "red"},
            "stdin: 'accent': expected a colour like #2E5478, got 'red'",
        ),
        (
            {"kind": "k", "title": "T", "seconds": 5, "allow_skip": "no"},
            "stdin: 'allow_skip': expected true or false, got 'no'",
        ),
        ({"kind": "k", "title": "T", "seconds": 5, "colour": 1}, "stdin: unknown key 'colour'"),
    ],
)
def test_bad_screen_names_key_expected_and_got(data, message):
    with pytest.raises(ScreenError) as raised:
        BreakScreen.from_mapping(data, "stdin")
    assert str(raised.value).startswith(message)


# --- the pre-break notice ---------------------------------------------------------------------


def test_far_from_a_break_no_notice_and_a_wake_at_the_lead():
    assert pre_break_notice(status(next_in_s=300), None, lead_s=10) == (None, 290)


def test_within_the_lead_the_coming_break_is_announced_once():
    assert pre_break_notice(status(next_in_s=8), None, lead_s=10) == ("posture", None)
    assert pre_break_notice(status(next_in_s=6), "posture", lead_s=10) == (None, None)


@pytest.mark.parametrize("state", [State.BREAK_DUE, State.PAUSED, State.OFF_HOURS, State.ON_BREAK])
def test_no_notice_unless_working(state):
    assert pre_break_notice(status(state, next_in_s=5), None) == (None, None)


def test_the_notice_is_forgotten_once_its_break_came():
    assert keep_notice(status(next_in_s=5), "posture") == "posture"
    assert keep_notice(status(State.BREAK_DUE), "posture") is None
    assert keep_notice(status(next_kind="stretch"), "posture") is None


def test_notice_text_says_which_break_and_when():
    assert notice_text("Stretch break", 9.6) == (
        "Stretch break in 10 s",
        "Finish your sentence; the break window opens without taking your keyboard.",
    )
