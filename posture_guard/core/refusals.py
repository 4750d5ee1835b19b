"""Every sentence that refuses a service command, in one place. Pure.

Rule 1: a refusal is worded here from values (the command, the state, the argument), never by
        rewriting another exception's text. The timer's IllegalCommand keeps its own terms
        ("can't snooze when state=WORKING"); `illegal` turns it into "Can't snooze now
        (working)". The policy's refusals ("Can't snooze: set by your organisation.") are the
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
from posture_guard.core.i18n import N_, _
from posture_guard.core.timer import Command, NotAllowedNow
from posture_guard.core.units import format_duration
from posture_guard.core.wording import state_words

#: The service stopped taking commands.
SHUTTING_DOWN: Final = N_("Posture Guard is shutting down")
#: The worker did not answer in time; the command was dropped unrun.
BUSY: Final = N_("Posture Guard is busy; nothing was done, try again")
#: A bug while answering (logged with its traceback).
INTERNAL_ERROR: Final = N_("internal error; see the log file for details")

#: The refusal of each timer command in a state that does not allow it; `{state}` is how the
#: state is said (wording.state_words).
_NOT_NOW: Final[Mapping[Command, str]] = {
    Command.SNOOZE: N_("Can't snooze now ({state})"),
    Command.SKIP: N_("Can't skip now ({state})"),
    Command.PAUSE: N_("Can't pause now ({state})"),
    Command.RESUME: N_("Can't resume now ({state})"),
    Command.TAKE_NOW: N_("Can't take a break now ({state})"),
    Command.START_BREAK: N_("Can't start_break now ({state})"),
    Command.FINISH_BREAK: N_("Can't finish_break now ({state})"),
}


def illegal(exc: IllegalCommand) -> str:
    """The timer's refusal as people read it: "Can't take a break now (on a break)"."""
    if isinstance(exc, NotAllowedNow):
        return _(_NOT_NOW[exc.command]).format(state=state_words(exc.state))
    return _sentence(str(exc))


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
