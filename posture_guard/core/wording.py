"""How the service's states and commands are said to people. Pure.

Rule 1: every sentence the service says about a state or a command's effect is made here (the
        refusals are in refusals.py); the service, the control socket and the tray only pass
        them on, so one state is never worded two ways.
Rule 2: each sentence is written whole in English and looked up in the catalogue when it is said
        (i18n.py Rule 1); the tables here hold the English (`N_`), and what fills a sentence's
        placeholders is a value (a number, a duration, a break kind's word from `kind_word`).
Rule 3: a date or a moment a person reads is written in the language's form (core/localeforms.py:
        `format_date_time`, `format_percent`); ISO stays where the text is to be typed back (`--at` values, the
        refusals that name a moment to use) or read by programs (`--json`, CSV, the log).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Final

from posture_guard.core.i18n import N_, _, ngettext, pgettext
from posture_guard.core.localeforms import format_clock
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

#: How each state is said to people (status lines, refusals, the tray), in English: shown
#: through `state_words`.
STATE_WORDS: Final[Mapping[State, str]] = {
    State.WORKING: N_("working"),
    State.BREAK_DUE: N_("a break is due"),
    State.SNOOZED: N_("break snoozed"),
    State.ON_BREAK: N_("on a break"),
    State.PAUSED: N_("paused"),
    State.OFF_HOURS: N_("outside working hours"),
}

#: The answer to `quit` (English; the service says `_(STOPPING)`).
STOPPING: Final = N_("Posture Guard is stopping.")
#: What it means when no idle source works here (`doctor`, `status`; the log says it in
#: English): shown through `_`.
IDLE_UNSEEN: Final = N_(
    "idle time cannot be read here: all time counts as active, and natural breaks (time away "
    "from the screen) are not seen, so only the breaks you record count"
)
#: How to record a break when idle time cannot be read (`status`, after IDLE_UNSEEN): shown
#: through `_`.
# Translators: keep the command in `` as it is
RECORD_A_BREAK: Final = N_("run `posture-guard break-now` as you step away, so the break counts")


def state_words(state: State) -> str:
    """How `state` is said to people, in the language in use."""
    return _(STATE_WORDS[state])


def kind_word(kind: str) -> str:
    """A break kind ("posture", "stretch", "movement") as the word sentences put in their
    `{kind}`; a kind we do not know is shown as it is."""
    words = {
        # Translators: a break kind (a posture and eyes check), the word put in "{kind}" of
        # sentences such as "Skipped the {kind} break."
        "posture": pgettext("break kind", "posture"),
        # Translators: a break kind (a stretch break), as in "Skipped the {kind} break."
        "stretch": pgettext("break kind", "stretch"),
        # Translators: a break kind (a movement break), as in "Skipped the {kind} break."
        "movement": pgettext("break kind", "movement"),
    }
    return words.get(kind, kind)


def describe(events: Sequence[Event], exercise_text: Callable[[str], str]) -> str:
    """One line saying what a command did, from the events it caused.

    Args:
        exercise_text: what to do in a break of this kind (asked only for a break that began).
    """
    for event in events:
        if isinstance(event, BreakSnoozed):
            # Translators: {duration} is written as 5m or 1h30m
            return _("Snoozed the {kind} break for {duration}.").format(
                kind=kind_word(event.kind), duration=format_duration(event.for_s)
            )
        if isinstance(event, BreakStarted):
            return _("Enjoy your {kind} break ({duration}): {exercise}").format(
                kind=kind_word(event.kind),
                duration=format_duration(event.length_s),
                exercise=exercise_text(event.kind),
            )
        if isinstance(event, BreakEnded) and event.outcome is Outcome.SKIPPED:
            return _("Skipped the {kind} break.").format(kind=kind_word(event.kind))
    for event in events:
        if isinstance(event, Paused):
            if event.until is None:
                return _("Paused until you resume.")
            # Translators: {day} is the weekday's short name and {time} the clock time (24 h)
            return _("Paused until {day} {time}.").format(**day_and_time(event.until))
        if isinstance(event, Resumed):
            return _("Resumed.")
    return _("OK.")


#: Short weekday names, Monday first, as `%a` writes them in English.
_WEEKDAYS: Final = (
    N_("Mon"),
    N_("Tue"),
    N_("Wed"),
    N_("Thu"),
    N_("Fri"),
    N_("Sat"),
    N_("Sun"),
)


def day_and_time(moment: datetime) -> dict[str, str]:
    """`{day}` (the weekday's short name, translated) and `{time}` ("09:30") of `moment`, for
    sentences such as "Paused until {day} {time}"; `%a` would say the C locale's English."""
    return {"day": _(_WEEKDAYS[moment.weekday()]), "time": format_clock(moment)}


def snoozed_until_words(until: datetime, left_s: float, kind: str) -> str:
    """When a snooze of the `kind` break ends (`until`, `left_s` real seconds from now) and
    what comes then, for `status`: "14:35 (in 4m40s), then the posture break is asked for
    again". The end is real time, unlike the next break's active time."""
    # Translators: after "Snoozed until:"; {time} is a clock time (14:35), {duration} is
    # written as 4m or 1h30m, {kind} a break kind
    return _("{time} (in {duration}), then the {kind} break is asked for again").format(
        time=format_clock(until), duration=format_duration(left_s), kind=kind_word(kind)
    )


#: What a break says to do when no exercise fits it (English; shown through `_`).
NO_EXERCISE_TEXT: Final = N_("Step away from the screen, look into the distance and move gently.")


def prompt_notice(
    title: str,
    length_s: int,
    exercise_text: str,
    *,
    on_desktop: bool = False,
    sees_idle: bool = True,
) -> tuple[str, str]:
    """The notice (title, message) asking for a break of `length_s` seconds. `on_desktop`: the
    break window is open, so the words name its button (which records the break); else they
    name the commands. `sees_idle` False: idle time cannot be read, so stepping away is never
    noticed and the words say how to record the break instead."""
    if on_desktop:
        # Translators: {exercise} is what to do in the break; "Start now" is the break
        # window's button: use its translation
        message = _("{exercise} Press Start now in the break window when you are ready.")
    elif not sees_idle:
        # Translators: {exercise} is what to do in the break; keep the commands in `` as
        # they are
        message = _(
            "{exercise} Run `posture-guard break-now` as you step away: time away cannot be "
            "seen here, so only a break you record counts. Or `posture-guard snooze` / "
            "`posture-guard skip`."
        )
    else:
        # Translators: {exercise} is what to do in the break; keep the commands in `` as
        # they are
        message = _("{exercise} Step away now, or `posture-guard snooze` / `posture-guard skip`.")
    return (
        # Translators: a break's title ("Stretch break") and its length, written as 2m or 1h30m
        _("{title} ({duration})").format(title=title, duration=format_duration(length_s)),
        message.format(exercise=exercise_text),
    )


def daily_limit_notice(limit_s: float) -> tuple[str, str]:
    """The notice (title, message) that today's screen time reached its limit."""
    return (
        _("Daily screen time reached"),
        _("You have been at the screen for {duration} today.").format(
            duration=format_duration(limit_s)
        ),
    )


#: After a settings file's problem, in the notice and in `status` (English; shown through `_`).
LAST_GOOD_KEPT: Final = N_("The last good settings stay in use until the file is fixed.")


def settings_trouble_notice(problem: str) -> tuple[str, str]:
    """The notice (title, message) that the settings file changed but has `problem` (one line
    naming the file, the key, what was expected and what was got)."""
    return (
        _("Your settings file has a problem"),
        f"{problem}\n{_(LAST_GOOD_KEPT)}",
    )


def check_in_notice(days: int, *, on_desktop: bool = False) -> tuple[str, str]:
    """The notice (title, message) asking for a check-in on an episode `days` old;
    `on_desktop`: the words name the tray menu's item, else the command."""
    if on_desktop:
        return (
            _("How is your neck today?"),
            # Translators: "Check-in…" is the tray menu's item: use its translation
            ngettext(
                "Your episode began {days} day ago. Choose Check-in… in the Posture Guard menu "
                "to note how it is now and see what to do next.",
                "Your episode began {days} days ago. Choose Check-in… in the Posture Guard menu "
                "to note how it is now and see what to do next.",
                days,
            ).format(days=days),
        )
    return (
        _("How is your neck today?"),
        # Translators: keep the command in `` as it is
        ngettext(
            "Your episode began {days} day ago. Run `posture-guard check-in` to note how it is "
            "now and see what to do next.",
            "Your episode began {days} days ago. Run `posture-guard check-in` to note how it is "
            "now and see what to do next.",
            days,
        ).format(days=days),
    )
