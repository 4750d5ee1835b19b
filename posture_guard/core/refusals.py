"""Every sentence that refuses a service command, in one place. Pure.

Rule 1: a refusal is worded here from values (the command, the state, the argument), never by
        rewriting another exception's text. The timer's IllegalCommand keeps its own terms
        ("can't snooze when state=WORKING"); `illegal` turns it into "Can't snooze now
        (working)". The policy's refusals ("Can't snooze: set by your organisation.") are the
        policy's (policy.py Rule 2); the control socket's own errors about bytes, JSON and
        unknown command names are the socket's (control.py, errors.UnknownCommand).
Rule 2: the texts are API: the CLI prints them and scripts may match them; tests pin each one.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from posture_guard.core.errors import IllegalCommand
from posture_guard.core.timer import Command, NotAllowedNow
from posture_guard.core.units import format_duration
from posture_guard.core.wording import STATE_WORDS

#: The service stopped taking commands.
SHUTTING_DOWN: Final = "Posture Guard is shutting down"
#: The worker did not answer in time; the command was dropped unrun.
BUSY: Final = "Posture Guard is busy; nothing was done, try again"
#: A bug while answering (logged with its traceback).
INTERNAL_ERROR: Final = "internal error; see the log file for details"

#: How a timer command is said where its own name would read oddly.
_COMMAND_WORDS: Final[Mapping[Command, str]] = {Command.TAKE_NOW: "take a break"}


def illegal(exc: IllegalCommand) -> str:
    """The timer's refusal as people read it: "Can't take a break now (on a break)"."""
    if isinstance(exc, NotAllowedNow):
        verb = _COMMAND_WORDS.get(exc.command, exc.command.value)
        return f"Can't {verb} now ({STATE_WORDS[exc.state]})"
    return _sentence(str(exc))


def not_whole_seconds(verb: str, value: object) -> str:
    """A "seconds" argument that is not a whole number (true and false are not numbers)."""
    return f'Can\'t {verb}: "seconds" must be a whole number, got {value!r}'


def seconds_out_of_range(verb: str, seconds: int, maximum: int) -> str:
    shown = format_duration(seconds) if seconds > 0 else f"{seconds}s"
    return f"Can't {verb} for {shown}: expected from 1s to {format_duration(maximum)}"


def bad_pause_until(until: object) -> str:
    return f'Can\'t pause until {until!r}: expected "tomorrow" or a duration'


def bad_outcome(outcome: object) -> str:
    """A break window's outcome other than "taken" or "skipped" (given as its text)."""
    return f'Can\'t finish a break: "outcome" must be "taken" or "skipped", got {outcome!r}'


def bad_kind(kind: object) -> str:
    return f'"kind" must be a break kind, got {kind!r}'


def _sentence(message: str) -> str:
    return message[:1].upper() + message[1:]
