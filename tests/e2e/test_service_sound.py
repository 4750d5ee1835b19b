"""The service sounds a break's start and the end of its time through the chime, and keeps
silent when the setting is off, the desktop is busy or muted (fake clock, fake chime)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from posture_guard.app.service import Service
from posture_guard.core import config
from posture_guard.core.commands import BreakNow, FinishBreak, Skip, Status
from posture_guard.core.cues import Cue
from posture_guard.core.timer import Outcome
from posture_guard.testing import (
    FakeClock,
    RecordingChime,
    RecordingNotifier,
    ScriptedBusySource,
    ScriptedIdleSource,
)

START = datetime(2026, 11, 23, 9, 0, tzinfo=ZoneInfo("Europe/Berlin"))


class World:
    def __init__(self, *, sound: bool = True) -> None:
        self.clock = FakeClock(START)
        self.busy = ScriptedBusySource()
        self.chime = RecordingChime()
        self.service = Service(
            replace(config.defaults(), sound=sound),
            self.clock,
            ScriptedIdleSource([0.0]),
            RecordingNotifier(),
            busy=self.busy,
            chime=self.chime,
        )
        self.thread = threading.Thread(target=self.service.run, daemon=True)
        self.thread.start()
        self.service.submit(Status())

    def seconds(self, count: int) -> None:
        for _ in range(count):
            self.clock.advance(1)
            self.service.submit(Status())

    def stop(self) -> None:
        self.service.stop()
        self.thread.join(timeout=5)
        assert not self.thread.is_alive()


@pytest.fixture
def world() -> Iterator[World]:
    w = World()
    yield w
    w.stop()


def test_service_sounds_the_start_and_the_end_of_a_break_taken(world: World) -> None:
    # Protects: a break taken sounds when it starts and when its time is up, so "slow blinks"
    # with the eyes closed hears that it is over.
    world.service.submit(BreakNow(kind="posture"))
    assert world.chime.played == [Cue.BREAK_START]
    world.seconds(19)
    assert world.chime.played == [Cue.BREAK_START]
    world.seconds(2)  # the 20 s are up
    assert world.chime.played == [Cue.BREAK_START, Cue.BREAK_END]


def test_service_no_end_sound_when_the_person_ends_the_break(world: World) -> None:
    # Protects: Done or Skip pressed by the person has no end sound: they know.
    world.service.submit(BreakNow(kind="posture"))
    world.service.submit(Skip())
    world.service.submit(BreakNow(kind="posture"))
    world.service.submit(FinishBreak(outcome=Outcome.TAKEN))
    assert world.chime.played == [Cue.BREAK_START, Cue.BREAK_START]


def test_service_silent_in_a_meeting_and_when_muted(world: World) -> None:
    # Protects: a busy desktop (a call) keeps both sounds silent; a muted one too.
    world.busy.reason = "camera in use (zoom)"
    world.service.submit(BreakNow(kind="posture"))
    world.seconds(21)
    assert world.chime.played == []
    assert world.chime.muted_asked == 0  # busy decided; the mixer was not asked
    world.busy.reason = None
    world.clock.advance(60)  # past the busy answer's cache
    world.chime.muted_answer = True
    world.service.submit(BreakNow(kind="posture"))
    world.seconds(21)
    assert world.chime.played == []
    assert world.chime.muted_asked == 2


def test_service_silent_when_the_setting_is_off() -> None:
    # Protects: `[sound] enabled = false` keeps every break silent, and the chime is closed
    # when the service stops.
    world = World(sound=False)
    try:
        world.service.submit(BreakNow(kind="posture"))
        world.seconds(21)
        assert world.chime.played == []
        assert world.chime.muted_asked == 0
    finally:
        world.stop()
    assert world.chime.closed
