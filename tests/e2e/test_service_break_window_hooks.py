"""The service hooks the break window uses: on_events after each step (with a wake-up wish),
and the start-break / finish-break commands, recorded in a real store (fake clock and idle)."""

from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from posture_guard.app.control import encode_result
from posture_guard.app.service import Service
from posture_guard.app.store import Store
from posture_guard.core import config
from posture_guard.core.commands import FinishBreak, Snapshot, StartBreak, Status
from posture_guard.core.timer import BreakPrompted, Event, Outcome
from posture_guard.testing import FakeClock, RecordingNotifier, ScriptedIdleSource

BERLIN = ZoneInfo("Europe/Berlin")
START = datetime(2026, 11, 23, 9, 0, tzinfo=BERLIN)  # a Monday, inside working hours


NOTIFIER = RecordingNotifier()


class Listener:
    def __init__(self, wake: float | None = None) -> None:
        self.calls: list[tuple[list[Event], Snapshot]] = []
        self.wake = wake

    def __call__(self, events, snapshot):
        self.calls.append((list(events), snapshot))
        return self.wake


def running(store: Store | None, listener: Listener) -> tuple[Service, FakeClock, threading.Thread]:
    clock = FakeClock(START)
    service = Service(
        config.defaults(),
        clock,
        ScriptedIdleSource([0.0]),
        NOTIFIER,
        store=store,
        on_events=listener,
    )
    thread = threading.Thread(target=service.run, daemon=True)
    thread.start()
    assert encode_result(service.submit(Status()))["ok"]
    return service, clock, thread


def work(service: Service, clock: FakeClock, minutes: int) -> None:
    for _ in range(minutes):
        clock.advance(60)
        encode_result(service.submit(Status()))


def test_listener_sees_the_prompt_with_its_snapshot_and_the_picked_exercise(tmp_path):
    listener = Listener()
    with Store.open(tmp_path / "pg.sqlite3") as store:
        service, clock, thread = running(store, listener)
        work(service, clock, 20)
        prompted = [
            (e, s) for events, s in listener.calls for e in events if isinstance(e, BreakPrompted)
        ]
        assert len(prompted) == 1
        event, snapshot = prompted[0]
        assert event.kind == "posture"
        assert snapshot.status.current == "posture"
        service.stop()
        thread.join(5)
    # the exercise the window shows is the one the prompt's notice named
    exercise = service.exercise_for("posture")
    assert exercise is not None
    assert any(exercise.name in n.message for n in NOTIFIER.notices)


def test_window_commands_record_a_taken_break_with_its_start(tmp_path):
    listener = Listener()
    with Store.open(tmp_path / "pg.sqlite3") as store:
        service, clock, thread = running(store, listener)
        work(service, clock, 20)
        assert encode_result(service.submit(StartBreak()))["ok"]
        clock.advance(12)
        reply = encode_result(service.submit(FinishBreak(outcome=Outcome.TAKEN)))
        assert reply["ok"], reply
        service.stop()
        thread.join(5)
        records = store.breaks_between(START, START + timedelta(hours=1))
    assert [(r.kind, r.outcome) for r in records] == [("posture", Outcome.TAKEN)]
    (record,) = records
    assert record.started is not None
    assert record.ended is not None
    assert record.ended - record.started == timedelta(seconds=12)
    assert record.due is not None
    assert record.prompted is not None


def test_finish_break_refuses_other_outcomes_and_a_break_not_on_screen(tmp_path):
    service, clock, thread = running(None, Listener())
    reply = encode_result(service.submit(FinishBreak(outcome=Outcome.TAKEN)))
    assert not reply["ok"]
    assert "No break is running, so there is none to finish" in str(reply["error"])
    work(service, clock, 20)
    encode_result(service.submit(StartBreak()))
    reply = encode_result(service.submit(FinishBreak(outcome=Outcome.NATURAL)))
    assert (
        reply["error"]
        == 'Can\'t finish a break: "outcome" must be "taken" or "skipped", got \'natural\''
    )
    service.stop()
    thread.join(5)


def test_listener_wake_wish_makes_the_worker_step_again_without_a_command():
    """Without the wish the worker sleeps up to 15 s; with a 0.1 s wish it steps again soon."""
    sleepy, eager = Listener(wake=None), Listener(wake=0.1)
    service_a, _clock_a, thread_a = running(None, sleepy)
    service_b, _clock_b, thread_b = running(None, eager)
    before_a, before_b = len(sleepy.calls), len(eager.calls)
    time.sleep(1.0)
    steps_a, steps_b = len(sleepy.calls) - before_a, len(eager.calls) - before_b
    for service, thread in ((service_a, thread_a), (service_b, thread_b)):
        service.stop()
        thread.join(5)
    assert steps_a == 0
    assert steps_b >= 3
