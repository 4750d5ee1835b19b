"""core/cues.py: which break event sounds, and what keeps a sound silent (plain values)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from posture_guard.core.cues import MUTED, THEME_NAMES, TURNED_OFF, Cue, cue_for, silence_reason
from posture_guard.core.timer import (
    BreakDue,
    BreakEnded,
    BreakPrompted,
    BreakSnoozed,
    BreakStarted,
    Event,
    NaturalBreakRecorded,
    Outcome,
)

AT = datetime(2026, 11, 23, 9, 20, tzinfo=ZoneInfo("Europe/Berlin"))


def test_cue_for_a_break_start_and_the_end_of_its_time() -> None:
    # Protects: the countdown's start sounds, and so does the moment the break's own time is up
    # (an eyes-closed exercise only hears that it is over).
    assert cue_for(BreakStarted(at=AT, kind="posture", length_s=20)) is Cue.BREAK_START
    ran_out = BreakEnded(at=AT, kind="posture", outcome=Outcome.TAKEN, ran_out=True)
    assert cue_for(ran_out) is Cue.BREAK_END


@pytest.mark.parametrize(
    "event",
    [
        BreakDue(at=AT, kind="posture"),
        BreakPrompted(at=AT, kind="posture", reminder=False),
        BreakSnoozed(at=AT, kind="posture", for_s=300),
        # the person pressed Done, skipped, or the timer merged or cancelled it: they know, or
        # nothing happened at the screen
        BreakEnded(at=AT, kind="posture", outcome=Outcome.TAKEN, ran_out=False),
        BreakEnded(at=AT, kind="posture", outcome=Outcome.SKIPPED),
        BreakEnded(at=AT, kind="posture", outcome=Outcome.MERGED),
        BreakEnded(at=AT, kind="posture", outcome=Outcome.CANCELLED),
        BreakEnded(at=AT, kind="posture", outcome=Outcome.NATURAL),
        NaturalBreakRecorded(at=AT, kind="posture", idle_s=30.0),
    ],
)
def test_cue_for_other_events_is_none(event: Event) -> None:
    # Protects: no sound for prompts, snoozes and breaks the person or the timer ended.
    assert cue_for(event) is None


def test_theme_names_are_soft_freedesktop_sounds_for_every_cue() -> None:
    # Protects: every cue names sounds the freedesktop theme ships, best first.
    assert set(THEME_NAMES) == set(Cue)
    assert THEME_NAMES[Cue.BREAK_END][0] == "complete"
    assert THEME_NAMES[Cue.BREAK_START][0] == "message-new-instant"


class Asked:
    """Records which questions were asked, answering as told."""

    def __init__(self, busy: str | None = None, muted: bool | None = False) -> None:
        self.asked: list[str] = []
        self._busy, self._muted = busy, muted

    def busy(self) -> str | None:
        self.asked.append("busy")
        return self._busy

    def muted(self) -> bool | None:
        self.asked.append("muted")
        return self._muted


def test_silence_reason_none_plays_after_asking_busy_then_muted() -> None:
    # Protects: an enabled sound on a free, unmuted desktop plays; both were asked, in order.
    asked = Asked()
    assert silence_reason(enabled=True, busy=asked.busy, muted=asked.muted) is None
    assert asked.asked == ["busy", "muted"]


def test_silence_reason_setting_off_asks_nothing() -> None:
    # Protects: `[sound] enabled = false` is silent and runs no query.
    asked = Asked(busy="camera in use (zoom)", muted=True)
    assert silence_reason(enabled=False, busy=asked.busy, muted=asked.muted) == TURNED_OFF
    assert asked.asked == []


def test_silence_reason_busy_desktop_is_silent_without_asking_muted() -> None:
    # Protects: silent in meetings (and do-not-disturb, full screen); the mixer is not asked.
    asked = Asked(busy="camera in use (zoom)")
    reason = silence_reason(enabled=True, busy=asked.busy, muted=asked.muted)
    assert reason == "busy: camera in use (zoom)"
    assert asked.asked == ["busy"]


def test_silence_reason_muted_desktop_is_silent_and_cannot_tell_plays() -> None:
    # Protects: a muted desktop stays silent; a player that cannot tell plays (the sound server
    # itself still honours the mute).
    muted = Asked(muted=True)
    assert silence_reason(enabled=True, busy=muted.busy, muted=muted.muted) == MUTED
    unknown = Asked(muted=None)
    assert silence_reason(enabled=True, busy=unknown.busy, muted=unknown.muted) is None
