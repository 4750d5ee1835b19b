"""The break's sounds, decided: which cue a timer event calls for, and whether to play it; pure.

Rule 1: two moments have a sound: a break's countdown begins (`BreakStarted`) and a break's
        own time runs out (`BreakEnded` taken, `ran_out`). The end matters most: an exercise
        done with the eyes closed ("slow blinks") can only hear that it is over. A break ended
        by the person (Done, skip, snooze) or by the timer's bookkeeping (natural, merged,
        cancelled) has no sound: they know, or nothing happened at the screen.
Rule 2: silence wins: the setting (`[sound] enabled = false`), then a busy desktop (a meeting,
        a camera or microphone in use, do-not-disturb, a full-screen window, the screen
        locked), then a muted desktop. Each is asked only when the ones before it let the
        sound through, so a muted check (a sound-server query) runs only when it can matter.
Rule 3: a cue names sounds of the freedesktop sound naming spec, best first; the players that
        have no theme (Windows, macOS, our own tone) map the cue to their own sound.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from enum import Enum
from typing import Final

from posture_guard.core.timer import BreakEnded, BreakStarted, Event, Outcome


class Cue(Enum):
    """A moment that has a sound (Rule 1)."""

    BREAK_START = "break-start"
    BREAK_END = "break-end"


#: Sound-theme names per cue, best first (Rule 3): soft ones the freedesktop theme ships.
THEME_NAMES: Final[Mapping[Cue, tuple[str, ...]]] = {
    Cue.BREAK_START: ("message-new-instant", "bell"),
    Cue.BREAK_END: ("complete", "bell"),
}


def cue_for(event: Event) -> Cue | None:
    """The cue `event` calls for (Rule 1), or None: no sound."""
    if isinstance(event, BreakStarted):
        return Cue.BREAK_START
    if isinstance(event, BreakEnded) and event.ran_out and event.outcome is Outcome.TAKEN:
        return Cue.BREAK_END
    return None


#: Why a cue stays silent, for the log (Rule 2).
TURNED_OFF: Final = "sound turned off ([sound] enabled = false)"
MUTED: Final = "the desktop is muted"


def silence_reason(
    *,
    enabled: bool,
    busy: Callable[[], str | None],
    muted: Callable[[], bool | None],
) -> str | None:
    """Why a cue must not sound now (Rule 2), or None: play it.

    Args:
        enabled: the `[sound] enabled` setting.
        busy: why the desktop is busy now ("camera in use (zoom)"), or None; asked only when
            the sound is enabled.
        muted: True when the desktop's output is muted, None when that cannot be told (then
            it plays); asked only when the desktop is not busy.
    """
    if not enabled:
        return TURNED_OFF
    reason = busy()
    if reason is not None:
        return f"busy: {reason}"
    if muted() is True:
        return MUTED
    return None
