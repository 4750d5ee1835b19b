"""The service loop with a fake clock, idle source and notifier: queue, snapshot, prompts."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from posture_guard.app.control import encode_result, encode_snapshot
from posture_guard.app.service import BUSY_CACHE_S, Service
from posture_guard.core import config
from posture_guard.core.commands import (
    BreakNow,
    Command,
    Pause,
    Quit,
    Resume,
    Skip,
    Snapshot,
    Snooze,
    Status,
)
from posture_guard.core.timer import BreakTimer, Event
from posture_guard.testing import (
    FakeClock,
    RecordingNotifier,
    ScriptedBusySource,
    ScriptedIdleSource,
)

START = datetime(2026, 11, 23, 9, 0, tzinfo=ZoneInfo("Europe/Berlin"))


class Running:
    def __init__(
        self, notifier: RecordingNotifier, settings: config.Settings | None = None
    ) -> None:
        self.clock = FakeClock(START)
        self.idle = ScriptedIdleSource([0.0])
        self.busy = ScriptedBusySource()
        self.notifier = notifier
        self.snapshots: list[Snapshot] = []
        self.service = Service(
            settings or config.defaults(),
            self.clock,
            self.idle,
            notifier,
            on_snapshot=self.snapshots.append,
            busy=self.busy,
        )
        self.thread = threading.Thread(target=self.service.run, daemon=True)

    def work(self, minutes: int) -> None:
        """Type for `minutes`, observed once a minute as the real loop would (a longer single
        step would be a suspend gap)."""
        for _ in range(minutes):
            self.clock.advance(60)
            self.ask(Status())

    def ask(self, command: Command) -> dict[str, object]:
        return encode_result(self.service.submit(command))


@pytest.fixture
def running() -> Iterator[Running]:
    world = Running(RecordingNotifier())
    world.thread.start()
    world.ask(Status())  # the worker has made its first observation before the clock moves
    yield world
    world.service.stop()
    world.thread.join(timeout=5)
    assert not world.thread.is_alive()


def test_service_prompts_through_the_notifier_with_one_concrete_exercise(running: Running) -> None:
    running.work(20)  # 09:20, typing all along
    reply = running.ask(Status())
    assert reply["ok"] is True
    status = reply["status"]
    assert isinstance(status, dict)
    assert (status["state"], status["current"]) == ("break_due", "posture")
    assert [n.title for n in running.notifier.notices] == ["Posture and eyes check (20s)"]
    message = running.notifier.notices[0].message
    assert message.startswith("Look into the distance: Take your eyes off the screen.")
    assert message.endswith("Step away now, or `posture-guard snooze` / `posture-guard skip`.")


def test_service_holds_a_due_break_while_busy_and_prompts_when_free(running: Running) -> None:
    # Protects: the service passes the busy source's reason to the timer; a due break waits
    # without a notice, and comes as soon as the desktop is free again.
    running.busy.reason = "fullscreen"
    running.work(25)  # due at 09:20, held back for five minutes of a full-screen film
    assert running.notifier.notices == []
    assert running.snapshots[-1].status.state.name == "BREAK_DUE"
    running.busy.reason = None
    running.work(1)
    assert [n.title for n in running.notifier.notices] == ["Posture and eyes check (20s)"]


def test_service_asks_the_busy_source_only_when_a_prompt_can_come(running: Running) -> None:
    # Protects: busy sources (a /proc scan, a pactl process) are not asked through the
    # working day, only in the steps where a break can be asked for.
    running.work(18)  # 09:18: posture due at 09:20
    assert running.busy.asked == 0
    running.work(2)
    assert running.busy.asked >= 1
    assert [n.title for n in running.notifier.notices] == ["Posture and eyes check (20s)"]
    running.ask(Skip())
    asked = running.busy.asked
    running.work(10)
    assert running.busy.asked == asked  # nothing due again until 09:40


def test_service_resume_while_busy_holds_the_due_break_until_free(running: Running) -> None:
    # Protects (issue 7 review): ending a pause asks for a due break only when the desktop is
    # free, as a due break does; the pause's own steps asked "free" a second before.
    running.work(20)  # 09:20 the posture check is asked for
    assert running.ask(Pause())["ok"] is True
    running.work(5)
    running.clock.advance(1)
    running.ask(Status())  # free at 09:25:01
    running.busy.reason = "fullscreen"  # 09:25:02 a film goes full screen
    running.clock.advance(1)
    reply = running.ask(Resume())
    assert reply["message"] == "Resumed."
    status = reply["status"]
    assert isinstance(status, dict)
    assert (status["state"], status["waiting_for"]) == ("break_due", "fullscreen")
    assert len(running.notifier.notices) == 1  # only the 09:20 prompt
    running.busy.reason = None
    running.work(1)
    assert [n.title for n in running.notifier.notices] == ["Posture and eyes check (20s)"] * 2


def test_service_asks_a_busy_source_a_few_times_a_minute_in_a_meeting(running: Running) -> None:
    # Protects (issue 7 review): a "busy" answer is reused for BUSY_CACHE_S, so a status bar
    # asking every second through a meeting costs a few /proc scans a minute, not 60; and the
    # break still comes within BUSY_CACHE_S once the meeting ends.
    running.busy.reason = "camera in use (zoom)"
    running.work(20)  # 09:20 due, held back
    assert running.snapshots[-1].status.waiting_for == "camera in use (zoom)"
    asked = running.busy.asked
    for _ in range(60):
        running.clock.advance(1)
        running.ask(Status())
    assert 60 / BUSY_CACHE_S - 1 <= running.busy.asked - asked <= 60 / BUSY_CACHE_S + 1
    assert running.notifier.notices == []
    running.busy.reason = None  # the call ends
    waited = 0
    while not running.notifier.notices and waited < 60:
        running.clock.advance(1)
        running.ask(Status())
        waited += 1
    assert [n.title for n in running.notifier.notices] == ["Posture and eyes check (20s)"]
    assert waited <= BUSY_CACHE_S


def test_service_prompts_after_busy_max_wait_even_while_busy() -> None:
    # Protects: a day of calls does not switch breaks off: after general.busy_max_wait (30m
    # by default) the due break is asked for anyway.
    defaults = config.defaults()
    posture_only = tuple(b for b in defaults.timer.breaks if b.kind == "posture")
    settings = replace(defaults, timer=replace(defaults.timer, breaks=posture_only))
    world = Running(RecordingNotifier(), settings)
    world.busy.reason = "camera in use (zoom)"
    world.thread.start()
    try:
        world.ask(Status())
        world.work(49)  # due at 09:20, held back since
        assert world.notifier.notices == []
        world.work(1)  # 09:50
        assert [n.title for n in world.notifier.notices] == ["Posture and eyes check (20s)"]
    finally:
        world.service.stop()
        world.thread.join(timeout=5)


def test_service_commands_change_state_and_publish_a_snapshot(running: Running) -> None:
    running.work(20)
    assert running.ask(Snooze(seconds=600))["message"] == "Snoozed the posture break for 10m."
    assert running.snapshots[-1].status.state.name == "SNOOZED"
    reply = running.ask(Pause(tomorrow=True))
    assert reply["message"] == "Paused until Tue 04:00."
    assert running.ask(Skip()) == {
        "ok": False,
        "error": "Breaks are paused, so there is no break to skip",
        "status": encode_snapshot(running.snapshots[-1]),
    }
    assert running.ask(Resume())["message"] == "Resumed."
    # the break that was due before the pause is asked for again
    assert [n.title for n in running.notifier.notices] == ["Posture and eyes check (20s)"] * 2
    # the break shows the same exercise the prompt offered
    assert running.ask(BreakNow())["message"].startswith(
        "Enjoy your posture break (20s): Look into the distance: "
    )


def test_service_survives_a_dead_notifier(running: Running) -> None:
    running.notifier.fail = True
    running.work(20)
    assert running.ask(Status())["status"]["state"] == "break_due"  # type: ignore[index]
    assert running.thread.is_alive()


def test_service_survives_an_idle_source_that_raises(running: Running) -> None:
    def broken() -> float | None:
        raise OSError("display went away")

    running.idle.idle_seconds = broken  # type: ignore[method-assign]
    running.clock.advance(60)
    assert running.ask(Status())["ok"] is True
    assert running.thread.is_alive()


def test_service_quit_stops_the_loop(running: Running) -> None:
    assert running.ask(Quit()) == {"ok": True, "message": "Posture Guard is stopping."}
    running.thread.join(timeout=5)
    assert not running.thread.is_alive()
    assert encode_result(running.service.submit(Status())) == {
        "ok": False,
        "error": "Posture Guard is shutting down",
    }


def test_service_internal_error_answers_and_the_loop_goes_on(running: Running) -> None:
    class BrokenTimer(BreakTimer):
        def take_now(self, now: datetime, kind: str | None = None) -> list[Event]:
            raise RuntimeError("a bug")

    running.service._timer = BrokenTimer(running.service.settings.timer)
    assert running.ask(BreakNow()) == {
        "ok": False,
        "error": "internal error; see the log file for details",
    }
    assert running.ask(Status())["ok"] is True
    assert running.thread.is_alive()


def test_service_abandoned_request_never_runs_later() -> None:
    world = Running(RecordingNotifier())  # not started: nobody answers
    reply = encode_result(world.service.submit(Pause(seconds=600), timeout=0.1))
    assert reply == {"ok": False, "error": "Posture Guard is busy; nothing was done, try again"}
    world.thread.start()
    status = world.ask(Status())["status"]
    assert isinstance(status, dict)
    assert status["state"] == "working"  # the abandoned pause was dropped, not run late
    world.service.stop()
    world.thread.join(timeout=5)


def test_service_rotates_exercises_and_keeps_one_per_break() -> None:
    defaults = config.defaults()
    posture_only = replace(
        defaults, timer=replace(defaults.timer, breaks=defaults.timer.breaks[:1])
    )
    world = Running(RecordingNotifier(), posture_only)
    world.thread.start()
    world.ask(Status())
    try:
        names = []
        for _ in range(4):
            world.work(20)  # the posture break comes due and is prompted
            names.append(world.notifier.notices[-1].message.split(":")[0])
            world.ask(Skip())
        # each of the three posture exercises once, then the rotation starts again
        assert names == [
            "Look into the distance",
            "Slow blinks",
            "Posture reset",
            "Look into the distance",
        ]
    finally:
        world.service.stop()
        world.thread.join(timeout=5)


@pytest.mark.parametrize("how", ["started", "skipped", "snoozed", "paused"])
def test_a_break_leaves_one_notification_that_goes_when_the_break_moves_on(
    running: Running, how: str
) -> None:
    # Protects: one notification per break (it piled up as three before): the prompt carries
    # the break's tag, so a repeat replaces it, and starting, skipping, snoozing or pausing
    # takes it off the screen.
    running.work(20)
    assert [(n.title, n.tag) for n in running.notifier.on_screen] == [
        ("Posture and eyes check (20s)", "break")
    ]
    command = {
        "started": BreakNow(),
        "skipped": Skip(),
        "snoozed": Snooze(seconds=300),
        "paused": Pause(seconds=1800),
    }[how]
    assert running.ask(command)["ok"] is True
    running.ask(Status())
    assert running.notifier.on_screen == []
    assert running.notifier.withdrawn[-1] == "break"


def test_on_a_desktop_the_prompt_names_the_break_windows_button_not_a_command() -> None:
    # Protects: desktop users were told to type `posture-guard snooze`; with the break window
    # the words name its button, and the command words stay for the headless service.
    world = Running(RecordingNotifier())
    world.service = Service(
        config.defaults(), world.clock, world.idle, world.notifier, on_desktop=True
    )
    world.thread = threading.Thread(target=world.service.run, daemon=True)
    world.thread.start()
    try:
        world.ask(Status())
        world.work(20)
        (notice,) = world.notifier.notices
        assert notice.message.endswith("Press Start now in the break window when you are ready.")
        assert "posture-guard" not in notice.message
    finally:
        world.service.stop()
        world.thread.join(timeout=5)
