"""Every sentence that refuses a service command, in one place. Pure.

Rule 1: a refusal is worded here from values (the command, the state, the argument), never by
        rewriting another exception's text. The timer's IllegalCommand keeps its own terms
        ("can't snooze when state=WORKING"); `illegal` turns it into the reason in plain words,
        "Snooze is for when a break is due; none is due now": never a state's or a command's
        internal name. The policy's refusals ("Can't snooze: set by your organisation.") are the
        policy's (policy.py Rule 2); the control socket's own errors about bytes, JSON and
        unknown command names are the socket's (control.py, errors.UnknownCommand).
Rule 2: the texts are API: the CLI prints them and scripts may match them; tests pin each one.
        They are API in English: in another language each is the catalogue's translation of
        the same whole sentence (i18n.py), said when refused; the constants hold the English
        (`N_`) and the service says `_(CONSTANT)`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from posture_guard.core.errors import IllegalCommand
from posture_guard.core.i18n import N_, _, ngettext
from posture_guard.core.timer import Command, NotAllowedNow, SkipsUsedUp, State
from posture_guard.core.units import format_duration

#: The service stopped taking commands.
SHUTTING_DOWN: Final = N_("Posture Guard is shutting down")
#: The worker did not answer in time; the command was dropped unrun.
BUSY: Final = N_("Posture Guard is busy; nothing was done, try again")
#: A bug while answering (logged with its traceback).
INTERNAL_ERROR: Final = N_("internal error; see the log file for details")

#: Why the break is not there to act on, said plainly, per state a command can be refused in
#: (the reason, never the state's or the command's internal name).
_NO_BREAK_TO: Final[Mapping[State, Mapping[Command, str]]] = {
    State.WORKING: {
        Command.SNOOZE: N_("Snooze is for when a break is due; none is due now"),
        Command.SKIP: N_("Skip is for when a break is due; none is due now"),
        Command.START_BREAK: N_("No break is due, so there is none to start"),
    },
    State.OFF_HOURS: {
        Command.SNOOZE: N_("It is outside your working hours, so there is no break to snooze"),
        Command.SKIP: N_("It is outside your working hours, so there is no break to skip"),
        Command.START_BREAK: N_("It is outside your working hours, so there is no break to start"),
    },
    State.PAUSED: {
        Command.SNOOZE: N_("Breaks are paused, so there is no break to snooze"),
        Command.SKIP: N_("Breaks are paused, so there is no break to skip"),
        Command.START_BREAK: N_("Breaks are paused, so there is no break to start"),
        Command.TAKE_NOW: N_("Breaks are paused; resume them first to take a break"),
    },
    State.ON_BREAK: {
        Command.TAKE_NOW: N_("You are on a break already"),
        Command.START_BREAK: N_("The break has already started"),
    },
}
#: A command refused the same way in every state it is refused in (`_NO_BREAK_TO` first).
_NOT_NOW: Final[Mapping[Command, str]] = {
    Command.RESUME: N_("Breaks are not paused, so there is nothing to resume"),
    Command.FINISH_BREAK: N_("No break is running, so there is none to finish"),
}
#: For a refusal the tables above do not word (a test checks that none is left).
NOT_NOW: Final = N_("That cannot be done now")


def illegal(exc: IllegalCommand) -> str:
    """The timer's refusal as people read it: "Snooze is for when a break is due; none is due
    now" (the reason in plain words; the timer's own terms stay in its exception)."""
    if isinstance(exc, NotAllowedNow):
        text = _NO_BREAK_TO.get(exc.state, {}).get(exc.command) or _NOT_NOW.get(
            exc.command, NOT_NOW
        )
        return _(text)
    if isinstance(exc, SkipsUsedUp):
        return skips_used_up(exc.skipped, exc.limit)
    return _sentence(str(exc))


def skips_used_up(skipped: int, limit: int) -> str:
    """Skip refused by the daily cap (`[general] max_skips_per_day`)."""
    if limit == 0:
        # Translators: [general] max_skips_per_day is the setting as written in the file
        return _("Skipping breaks is turned off ([general] max_skips_per_day = 0)")
    # Translators: [general] max_skips_per_day is the setting as written in the file
    return ngettext(
        "You have skipped {count} break today, the most your settings allow "
        "([general] max_skips_per_day); take it or snooze it",
        "You have skipped {count} breaks today, the most your settings allow "
        "([general] max_skips_per_day); take it or snooze it",
        skipped,
    ).format(count=skipped)


def not_whole_seconds(verb: str, value: object) -> str:
    """A "seconds" argument that is not a whole number (true and false are not numbers)."""
    # Translators: {command} is the command's name as typed ("snooze", "pause"); the words in
    # double quotes are the control socket's JSON names and values: keep both as they are.
    return _('Can\'t {command}: "seconds" must be a whole number, got {value}').format(
        command=verb, value=repr(value)
    )


def seconds_out_of_range(verb: str, seconds: int, maximum: int) -> str:
    shown = format_duration(seconds) if seconds > 0 else f"{seconds}s"
    # Translators: {command} is the command's name as typed ("snooze", "pause"); the words in
    # double quotes are the control socket's JSON names and values: keep both as they are.
    return _("Can't {command} for {duration}: expected from 1s to {maximum}").format(
        command=verb, duration=shown, maximum=format_duration(maximum)
    )


def snooze_over_locked(seconds: int, locked_s: int) -> str:
    """A snooze longer than the one the organisation set and locked."""
    return _("Can't snooze for {duration}: your organisation set snoozes to {maximum}").format(
        duration=format_duration(seconds), maximum=format_duration(locked_s)
    )


def bad_pause_until(until: object) -> str:
    # Translators: {command} is the command's name as typed ("snooze", "pause"); the words in
    # double quotes are the control socket's JSON names and values: keep both as they are.
    return _('Can\'t pause until {until}: expected "tomorrow" or a duration').format(
        until=repr(until)
    )


def bad_outcome(outcome: object) -> str:
    """A break window's outcome other than "taken" or "skipped" (given as its text)."""
    # Translators: {command} is the command's name as typed ("snooze", "pause"); the words in
    # double quotes are the control socket's JSON names and values: keep both as they are.
    return _('Can\'t finish a break: "outcome" must be "taken" or "skipped", got {outcome}').format(
        outcome=repr(outcome)
    )


def bad_kind(kind: object) -> str:
    # Translators: {command} is the command's name as typed ("snooze", "pause"); the words in
    # double quotes are the control socket's JSON names and values: keep both as they are.
    return _('"kind" must be a break kind, got {kind}').format(kind=repr(kind))


def _sentence(message: str) -> str:
    return message[:1].upper() + message[1:]
