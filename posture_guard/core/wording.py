"""How the service's states and commands are said to people. Pure.

Rule 1: every sentence the service says about a state or a command's effect is made here (the
        refusals are in refusals.py); the service, the control socket and the tray only pass
        them on, so one state is never worded two ways.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Final

from posture_guard.core.timer import (
    BreakEnded,
    BreakSnoozed,
    BreakStarted,
    Event,
    Outcome,
    Paused,
    Resumed,
    State,
)
from posture_guard.core.units import format_duration

#: How each state is said to people (status lines, refusals, the tray).
STATE_WORDS: Final[Mapping[State, str]] = {
    State.WORKING: "working",
    State.BREAK_DUE: "a break is due",
    State.SNOOZED: "break snoozed",
    State.ON_BREAK: "on a break",
    State.PAUSED: "paused",
    State.OFF_HOURS: "outside working hours",
}

#: The answer to `quit`.
STOPPING: Final = "Posture Guard is stopping."


def describe(events: Sequence[Event], exercise_text: Callable[[str], str]) -> str:
    """One line saying what a command did, from the events it caused.

    Args:
        exercise_text: what to do in a break of this kind (asked only for a break that began).
    """
    for event in events:
        if isinstance(event, BreakSnoozed):
            return f"Snoozed the {event.kind} break for {format_duration(event.for_s)}."
        if isinstance(event, BreakStarted):
            return f"Enjoy your {event.kind} break ({format_duration(event.length_s)}): {exercise_text(event.kind)}"
        if isinstance(event, BreakEnded) and event.outcome is Outcome.SKIPPED:
            return f"Skipped the {event.kind} break."
    for event in events:
        if isinstance(event, Paused):
            until = f" until {event.until:%a %H:%M}" if event.until else " until you resume"
            return f"Paused{until}."
        if isinstance(event, Resumed):
            return "Resumed."
    return "OK."


#: What a break says to do when no exercise fits it.
NO_EXERCISE_TEXT: Final = "Step away from the screen, look into the distance and move gently."


def prompt_notice(title: str, length_s: int, exercise_text: str) -> tuple[str, str]:
    """The notice (title, message) asking for a break of `length_s` seconds."""
    return (
        f"{title} ({format_duration(length_s)})",
        f"{exercise_text} Step away now, or `posture-guard snooze` / `posture-guard skip`.",
    )


def daily_limit_notice(limit_s: float) -> tuple[str, str]:
    """The notice (title, message) that today's screen time reached its limit."""
    return (
        "Daily screen time reached",
        f"You have been at the screen for {format_duration(limit_s)} today.",
    )


def check_in_notice(days: int) -> tuple[str, str]:
    """The notice (title, message) asking for a check-in on an episode `days` old."""
    return (
        "How is your neck today?",
        f"Your episode began {days} day{'s' if days != 1 else ''} ago. Run "
        "`posture-guard check-in` to note how it is now and see what to do next.",
    )
