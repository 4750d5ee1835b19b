"""The service's inbox, made before the service (as `run` does), and what its snapshots carry."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

from posture_guard.app.service import Inbox, Service
from posture_guard.core import config, refusals
from posture_guard.core.commands import Done, Pause, Refused, Snapshot, Status
from posture_guard.core.timer import BreakPrompted, Event
from posture_guard.testing import FakeClock, RecordingNotifier, ScriptedIdleSource

START = datetime(2026, 11, 23, 9, 0, tzinfo=ZoneInfo("Europe/Berlin"))  # a working Monday


def test_inbox_submit_before_any_service_runs_is_refused_and_never_runs_later() -> None:
    inbox = Inbox()
    assert inbox.submit(Pause(seconds=600), timeout=0.1) == Refused(reason=refusals.BUSY)
    service = Service(
        config.defaults(),
        FakeClock(START),
        ScriptedIdleSource([0.0]),
        RecordingNotifier(),
        inbox=inbox,
    )
    thread = threading.Thread(target=service.run, daemon=True)
    thread.start()
    try:
        result = inbox.submit(Status())  # the same inbox reaches the service built after it
        assert isinstance(result, Done)
        assert result.snapshot is not None
        assert result.snapshot.status.state.name == "WORKING"  # the early pause was dropped
    finally:
        service.stop()
        thread.join(5)
    assert inbox.closed
    assert inbox.submit(Status()) == Refused(reason=refusals.SHUTTING_DOWN)


def test_snapshot_carries_the_settings_and_the_exercise_the_prompt_named() -> None:
    clock = FakeClock(START)
    notifier = RecordingNotifier()
    prompts: list[Snapshot] = []

    def on_events(events: Sequence[Event], snapshot: Snapshot) -> float | None:
        if any(isinstance(e, BreakPrompted) for e in events):
            prompts.append(snapshot)
        return None

    defaults = config.defaults()
    settings = replace(defaults, timer=replace(defaults.timer, breaks=defaults.timer.breaks[:1]))
    service = Service(settings, clock, ScriptedIdleSource([0.0]), notifier, on_events=on_events)
    thread = threading.Thread(target=service.run, daemon=True)
    thread.start()
    try:
        first = service.submit(Status())
        assert isinstance(first, Done)
        assert first.snapshot is not None
        assert first.snapshot.settings is settings
        assert first.snapshot.exercise is None  # no break in progress
        for _ in range(20):  # 09:20, typing all along: the posture break is asked for
            clock.advance(60)
            service.submit(Status())
    finally:
        service.stop()
        thread.join(5)
    (prompted,) = prompts
    assert prompted.exercise is not None
    assert prompted.exercise.name in notifier.notices[-1].message
