"""The break flow's decisions: what the break window shows and what its answer means; pure.

Rule 1: the break window is a separate process that knows nothing of the timer. It is given a
        `BreakScreen` (JSON on stdin) and writes JSON lines on stdout: at most one
        `{"event": "started"}` when its countdown begins, then exactly one outcome line
        `{"outcome": "taken" | "postponed" | "skipped" | "closed", "countdown_done": bool}`.
Rule 2: every line becomes service commands here (`commands_for_line`), never in the window:
        started -> start-break (the timer counts the break from then, so idling through the
        countdown is the break, not a "natural" break); taken -> finish-break taken; postponed ->
        snooze; skipped -> skip.
Rule 3: closing the window (the window manager's close button, Alt+F4) is not a decision to
        skip: after the countdown it is "taken" (the break happened); before it, "postponed"
        when postponing is allowed, else nothing (the break stays due and is asked again).
Rule 4: the pre-break notice is shown once per coming break, when the active time left to it
        is at most the lead, and only while working (`pre_break_notice`).
Rule 5: the screen carries the words the window shows already in the language in use (the
        exercise's from the catalogue, which carries exercises.toml's); `title` comes
        translated from the caller. The outcome lines stay protocol words.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Final, Literal

from posture_guard.core.brand_colours import OWN_ACCENT, is_colour
from posture_guard.core.commands import Command, FinishBreak, Skip, Snooze, StartBreak
from posture_guard.core.exercises import Exercise
from posture_guard.core.i18n import _, ngettext
from posture_guard.core.policy import command_refusal
from posture_guard.core.settings import Settings
from posture_guard.core.timer import (
    BreakEnded,
    BreakPrompted,
    BreakSnoozed,
    BreakStarted,
    Event,
    NaturalBreakRecorded,
    Outcome,
    Paused,
    State,
    TimerStatus,
    WorkingHoursEnded,
)

#: The outcomes the window reports, as written on its outcome line.
OUTCOMES: Final = ("taken", "postponed", "skipped", "closed")
#: The default accent (the app's slate blue); a policy may set its own.
DEFAULT_ACCENT: Final = OWN_ACCENT
#: How long before a break the pre-break notice comes (active seconds).
NOTICE_LEAD_S: Final = 10.0
_MAX_SECONDS: Final = 3600


class ScreenError(ValueError):
    """A break screen description that cannot be shown; the message names the key."""


@dataclass(frozen=True, slots=True, kw_only=True)
class BreakScreen:
    """Everything the break window shows; built by `screen_for`, sent as JSON."""

    kind: str
    title: str
    seconds: int
    exercise_id: str = ""
    exercise_name: str = ""
    steps: tuple[str, ...] = ()
    hold: str = ""
    allow_skip: bool = True
    allow_postpone: bool = True
    accent: str = DEFAULT_ACCENT
    organisation: str = ""
    #: The organisation's logo, a PNG file's path ("" = none); the window skips one it cannot read.
    logo: str = ""
    #: The exercise's picture from the clinic's pack, a PNG file's path ("" = the drawing of
    #: `exercise_id`, if any); the window shows none when it cannot read it.
    picture: str = ""

    def to_json(self) -> str:
        return json.dumps({**asdict(self), "steps": list(self.steps)})

    @classmethod
    def from_mapping(cls, data: Mapping[str, object], source: str = "break screen") -> BreakScreen:
        """Check and build from parsed JSON or arguments.

        Raises:
            ScreenError: a key is missing, unknown or of the wrong kind; the message says which.
        """
        known = set(cls.__dataclass_fields__)
        unknown = sorted(set(data) - known)
        if unknown:
            raise ScreenError(f"{source}: unknown key {unknown[0]!r}: expected {sorted(known)}")
        for key in ("kind", "title", "seconds"):
            if key not in data:
                raise ScreenError(f"{source}: {key!r} is missing")

        def text(key: str, default: str = "") -> str:
            value = data.get(key, default)
            if not isinstance(value, str):
                raise ScreenError(f"{source}: {key!r}: expected text, got {value!r}")
            return value

        def flag(key: str) -> bool:
            value = data.get(key, True)
            if not isinstance(value, bool):
                raise ScreenError(f"{source}: {key!r}: expected true or false, got {value!r}")
            return value

        seconds = data["seconds"]
        if (
            isinstance(seconds, bool)
            or not isinstance(seconds, int)
            or not 0 < seconds <= _MAX_SECONDS
        ):
            raise ScreenError(
                f"{source}: 'seconds': expected a whole number from 1 to {_MAX_SECONDS}, got {seconds!r}"
            )
        steps = data.get("steps", [])
        if not isinstance(steps, list | tuple) or not all(isinstance(s, str) for s in steps):
            raise ScreenError(f"{source}: 'steps': expected a list of texts, got {steps!r}")
        accent = text("accent", DEFAULT_ACCENT)
        if not is_colour(accent):
            raise ScreenError(f"{source}: 'accent': expected a colour like #2E5478, got {accent!r}")
        return cls(
            kind=text("kind"),
            title=text("title"),
            seconds=seconds,
            exercise_id=text("exercise_id"),
            exercise_name=text("exercise_name"),
            steps=tuple(steps),
            hold=text("hold"),
            allow_skip=flag("allow_skip"),
            allow_postpone=flag("allow_postpone"),
            accent=accent,
            organisation=text("organisation"),
            logo=text("logo"),
            picture=text("picture"),
        )


def screen_for(
    *,
    kind: str,
    title: str,
    length_s: int,
    exercise: Exercise | None,
    status: TimerStatus,
    settings: Settings | None = None,
    accent: str = DEFAULT_ACCENT,
    organisation: str = "",
    logo: str = "",
) -> BreakScreen:
    """The screen for the break `status` has due: Skip only when the timer would take it
    (strict mode, `max_skips_in_row = 0`, hides it), Postpone only while snoozes are left, and
    neither when `settings` turn it off (a policy's `[controls]`), as the service would refuse it."""
    skip_ok = settings is None or command_refusal(settings, "skip") is None
    snooze_ok = settings is None or command_refusal(settings, "snooze") is None
    return BreakScreen(
        kind=kind,
        title=title,
        seconds=length_s,
        exercise_id=exercise.id if exercise else "",
        exercise_name=_(exercise.name) if exercise else _("Step away from the screen"),
        steps=tuple(_(step) for step in exercise.steps)
        if exercise
        else (_("Stand up, look into the distance and move gently."),),
        hold=_(exercise.hold_reps) if exercise else "",
        allow_skip=status.skip_allowed and skip_ok,
        allow_postpone=status.snoozes_left != 0 and snooze_ok,
        accent=accent,
        organisation=organisation,
        logo=logo,
        picture=exercise.picture_file if exercise else "",
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class WindowLine:
    """One parsed stdout line of the window: `event` "started", or a final `outcome`."""

    event: str | None = None
    outcome: str | None = None
    countdown_done: bool = False


def parse_line(line: str) -> WindowLine | None:
    """A stdout line of the window, or None when it is not one of ours (ignored, logged)."""
    try:
        data = json.loads(line)
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    if data.get("event") == "started":
        return WindowLine(event="started")
    outcome = data.get("outcome")
    if outcome in OUTCOMES:
        return WindowLine(outcome=str(outcome), countdown_done=data.get("countdown_done") is True)
    return None


def commands_for_line(line: WindowLine, screen: BreakScreen) -> list[Command]:
    """The service commands one window line stands for (Rules 2 and 3)."""
    if line.event == "started":
        return [StartBreak()]
    outcome = line.outcome
    if outcome == "closed":
        if line.countdown_done:
            outcome = "taken"
        elif screen.allow_postpone:
            outcome = "postponed"
        else:
            return []
    if outcome == "taken":
        return [FinishBreak(outcome=Outcome.TAKEN)]
    if outcome == "postponed":
        return [Snooze()]
    if outcome == "skipped":
        return [Skip()]
    return []


def pre_break_notice(
    status: TimerStatus, noticed: str | None, lead_s: float = NOTICE_LEAD_S
) -> tuple[str | None, float | None]:
    """(kind to announce now or None, active seconds until the notice should be looked at again).

    `noticed` is the kind announced for the coming break (None when none yet); the caller
    clears it when that break comes or the plan changes (`notice_reset`).
    """
    if status.state is not State.WORKING or status.next_kind is None or status.next_in_s is None:
        return None, None
    left = status.next_in_s
    if left > lead_s:
        return None, left - lead_s
    if left <= 0 or noticed == status.next_kind:
        return None, None
    return status.next_kind, None


#: The tag of a break's one notification: the pre-break notice and then the prompt replace each
#: other under it, and it is withdrawn when the break no longer needs it (`ends_break_notice`).
BREAK_NOTICE_TAG: Final = "break"


def window_step(event: Event) -> Literal["open", "close", "time-up"] | None:
    """What `event` does to the break window: "open" it (a break asked for or started);
    "close" it when a command ended the break elsewhere (skip, snooze, done from the tray or
    the CLI); "time-up" when the break's own time ran out: the window's countdown reaches its
    end too and waits for Done (closing it then would take Done away at 0:01)."""
    if isinstance(event, BreakPrompted | BreakStarted):
        return "open"
    if isinstance(event, BreakEnded):
        return "time-up" if event.ran_out else "close"
    if isinstance(event, BreakSnoozed):
        return "close"
    return None


def ends_break_notice(event: Event) -> bool:
    """Whether `event` takes the break's notification off the screen: the break started (its
    window says the rest), ended, was snoozed or came naturally, or breaks stopped for now."""
    return isinstance(
        event,
        BreakStarted
        | BreakEnded
        | BreakSnoozed
        | NaturalBreakRecorded
        | Paused
        | WorkingHoursEnded,
    )


def notice_text(kind_title: str, seconds_left: float) -> tuple[str, str]:
    """The title and message of the pre-break notice; `kind_title` in the language in use."""
    seconds = max(1, round(seconds_left))
    return (
        # Translators: {title} is the break's title ("Stretch break")
        ngettext("{title} in {seconds} s", "{title} in {seconds} s", seconds).format(
            title=kind_title, seconds=seconds
        ),
        _("Finish your sentence; the break window opens without taking your keyboard."),
    )


def keep_notice(status: TimerStatus, noticed: str | None) -> str | None:
    """The remembered notice after a step: forgotten once the break came or was taken."""
    if noticed is None or status.state is not State.WORKING or status.next_kind != noticed:
        return None
    return noticed
