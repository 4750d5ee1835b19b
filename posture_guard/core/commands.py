"""The commands the service accepts and what it answers, as values. Pure.

Rule 1: inside the process a command is one of these frozen values, named by its verb (`VERB`,
        the CLI's word). JSON exists only on the control socket (app/control.py), which turns a
        request line into one of these and a `Result` back into a reply line.
Rule 2: `validate` is the one check of a command's arguments. The service runs it after the
        policy's refusal (policy.py Rule 2) and before the timer, so a locked command is refused
        as locked whatever its arguments, and a bad argument changes nothing.
Rule 3: a request whose arguments cannot even be read into a command (a "seconds" that is text)
        arrives as `Malformed`: it is refused like a bad argument, in the same order, and never
        runs.
Rule 4: every answer is a `Result`: `Done` or `Refused`, each with the snapshot after the
        command when the service took one (none when it is stopping, busy, or failed).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar, Final

from posture_guard.core import refusals
from posture_guard.core.errors import InvalidCommand
from posture_guard.core.exercises import Exercise
from posture_guard.core.records import DayTally
from posture_guard.core.settings import Settings
from posture_guard.core.timer import Outcome, TimerStatus

#: The longest snooze and pause a command may ask for.
MAX_SNOOZE_S: Final = 4 * 3600
MAX_PAUSE_S: Final = 7 * 24 * 3600


@dataclass(frozen=True, slots=True, kw_only=True)
class Status:
    """Only look: the answer carries the snapshot."""

    VERB: ClassVar[str] = "status"


@dataclass(frozen=True, slots=True, kw_only=True)
class Snooze:
    """Put the due break (or the one on screen) off; `seconds` None: the configured snooze."""

    VERB: ClassVar[str] = "snooze"
    seconds: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Skip:
    VERB: ClassVar[str] = "skip"


@dataclass(frozen=True, slots=True, kw_only=True)
class Pause:
    """No breaks for `seconds`, or until the next working day starts (`tomorrow`, which wins),
    or (neither) until resumed."""

    VERB: ClassVar[str] = "pause"
    seconds: int | None = None
    tomorrow: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class Resume:
    VERB: ClassVar[str] = "resume"


@dataclass(frozen=True, slots=True, kw_only=True)
class BreakNow:
    """Take a break now: the one due, else `kind`, else the one that would come due first."""

    VERB: ClassVar[str] = "break-now"
    kind: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class StartBreak:
    """The break window's countdown began."""

    VERB: ClassVar[str] = "start-break"


@dataclass(frozen=True, slots=True, kw_only=True)
class FinishBreak:
    """The break window ended the break early: TAKEN or SKIPPED (a skip, for the policy)."""

    VERB: ClassVar[str] = "finish-break"
    outcome: Outcome


@dataclass(frozen=True, slots=True, kw_only=True)
class Quit:
    VERB: ClassVar[str] = "quit"


Command = Status | Snooze | Skip | Pause | Resume | BreakNow | StartBreak | FinishBreak | Quit

#: Every command type, in the order the CLI lists them.
COMMANDS: Final[tuple[type[Command], ...]] = (
    Status,
    Snooze,
    Skip,
    Pause,
    Resume,
    BreakNow,
    StartBreak,
    FinishBreak,
    Quit,
)


@dataclass(frozen=True, slots=True, kw_only=True)
class Malformed:
    """A request for `verb` whose arguments could not be read into a command (Rule 3)."""

    verb: str
    #: The refusal, worded (refusals.py).
    problem: str


def policy_verb(command: Command | Malformed) -> str:
    """The name the policy knows this command by (`policy.command_refusal`): a break window's
    "skipped" is a skip, so every entry point gets the same policy answer."""
    if isinstance(command, FinishBreak) and command.outcome is Outcome.SKIPPED:
        return Skip.VERB
    if isinstance(command, Malformed):
        return command.verb
    return command.VERB


#: The policy key whose lock bounds a snooze's length (a locked "5m" is the longest snooze).
SNOOZE_KEY: Final = "general.snooze"


def validate(command: Command | Malformed, settings: Settings | None = None) -> None:
    """Check a command's arguments (Rule 2); with `settings`, against the policy's locks too.

    Raises:
        InvalidCommand: with the refusal as people read it, e.g. "Can't snooze for 5h:
            expected from 1s to 4h".
    """
    if isinstance(command, Malformed):
        raise InvalidCommand(command.problem)
    if isinstance(command, Snooze):
        _check_seconds(command.VERB, command.seconds, MAX_SNOOZE_S)
        if (
            settings is not None
            and command.seconds is not None
            and SNOOZE_KEY in settings.locked
            and command.seconds > settings.timer.snooze_s
        ):
            raise InvalidCommand(
                refusals.snooze_over_locked(command.seconds, settings.timer.snooze_s)
            )
    elif isinstance(command, Pause) and not command.tomorrow:
        _check_seconds(command.VERB, command.seconds, MAX_PAUSE_S)
    elif isinstance(command, FinishBreak) and command.outcome not in (
        Outcome.TAKEN,
        Outcome.SKIPPED,
    ):
        raise InvalidCommand(refusals.bad_outcome(command.outcome.value))


def _check_seconds(verb: str, seconds: int | None, maximum: int) -> None:
    if isinstance(seconds, bool):  # an int to the type checker, never a duration
        raise InvalidCommand(refusals.not_whole_seconds(verb, seconds))
    if seconds is not None and not 0 < seconds <= maximum:
        raise InvalidCommand(refusals.seconds_out_of_range(verb, seconds, maximum))


@dataclass(frozen=True, slots=True, kw_only=True)
class SettingsTrouble:
    """The person's settings file changed but has problems: the service keeps the last good
    settings until it is fixed (app/managed.py `SettingsWatch`)."""

    file: str
    #: One line each, naming the file, the key, what was expected and what was got.
    problems: tuple[str, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Snapshot:
    """What the service shows the world after a step; immutable, shared between threads."""

    at: datetime
    status: TimerStatus
    #: The settings in effect (a policy the service re-applied shows here first).
    settings: Settings
    #: The exercise the break in progress (`status.current`) offers, once picked: from its
    #: prompt, or its start when taken early. None before that, or when none fits.
    exercise: Exercise | None = None
    idle_source: str
    #: The idle source can read idle time (its `HAS_IDLE_TIME`). False (`none`): all time
    #: counts as active and stepping away is never seen, so only recorded breaks count.
    sees_idle: bool
    notifier: str
    #: The working day so far as `status` says it: with a store, its figures for the day plus
    #: the unsaved part (a restart keeps the day); without one, the timer's own.
    today: DayTally
    #: A spasm episode is open in the diary (read at start and with each minute's save).
    episode_open: bool = False
    #: The settings file's problems while the last good settings are kept; None: none.
    settings_trouble: SettingsTrouble | None = None
    #: Seconds without input as the idle source read them for the step this snapshot follows
    #: (a break prompted there was prompted at that reading); None when it could not tell, or
    #: the snapshot follows a command rather than an observation.
    idle_s: float | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Done:
    """The command ran; `message` says what it did."""

    message: str
    snapshot: Snapshot | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Refused:
    """The command did not run (or not to the end); `reason` says why, worded for people."""

    reason: str
    snapshot: Snapshot | None = None


Result = Done | Refused
