"""The shipped fakes in posture_guard.testing: they are API, so they have their own tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from posture_guard.testing import (
    FakeClock,
    Notice,
    RecordingNotifier,
    ScriptedBusySource,
    ScriptedIdleSource,
)

from .helpers import BERLIN, LocalClock

START = datetime(2026, 3, 2, 9, 0, tzinfo=BERLIN)


# --- FakeClock -----------------------------------------------------------------------------------


def test_fake_clock_starts_where_told() -> None:
    clock = FakeClock(START)
    assert clock.now() == START
    assert clock.now().tzinfo is BERLIN
    assert clock.monotonic() == 1000.0


def test_fake_clock_needs_an_aware_start() -> None:
    with pytest.raises(ValueError, match=r"^FakeClock needs an aware start time$"):
        FakeClock(datetime(2026, 3, 2, 9, 0))  # naive on purpose


def test_fake_clock_advance_moves_both_clocks() -> None:
    clock = FakeClock(START)
    clock.advance(90)
    assert clock.now() == START + timedelta(seconds=90)
    assert clock.monotonic() == 1090.0
    clock.advance(0.25)
    assert clock.now() == START + timedelta(seconds=90.25)
    assert clock.monotonic() == 1090.25
    clock.advance(0)
    assert clock.monotonic() == 1090.25


def test_fake_clock_refuses_to_go_backwards() -> None:
    clock = FakeClock(START)
    clock.advance(60)
    with pytest.raises(ValueError, match=r"^time can't go backwards$"):
        clock.advance(-1)
    # nothing moved
    assert clock.now() == START + timedelta(seconds=60)
    assert clock.monotonic() == 1060.0


def test_fake_clock_jump_wall_moves_the_wall_clock_alone() -> None:
    clock = FakeClock(START)
    clock.jump_wall(-3600)
    assert clock.now() == START - timedelta(hours=1)
    assert clock.monotonic() == 1000.0
    clock.jump_wall(7200)
    assert clock.now() == START + timedelta(hours=1)
    assert clock.monotonic() == 1000.0
    # and real time still moves forward only
    clock.advance(30)
    assert clock.monotonic() == 1030.0


def test_fake_clock_in_utc_keeps_real_time_across_dst() -> None:
    # Kept in UTC (as tests/unit/helpers.LocalClock does), the clock is exact across a change.
    clock = FakeClock(datetime(2026, 3, 29, 0, 30, tzinfo=UTC))  # 01:30 CET
    clock.advance(3600)
    assert clock.now().astimezone(BERLIN).isoformat() == "2026-03-29T03:30:00+02:00"


def test_fake_clock_advance_is_real_time_across_dst_in_a_zone() -> None:
    clock = FakeClock(datetime(2026, 3, 29, 1, 30, tzinfo=BERLIN))
    clock.advance(2 * 3600)
    assert clock.now().isoformat() == "2026-03-29T04:30:00+02:00"


def test_local_clock_reads_the_fake_clock_in_its_zone() -> None:
    # The test helper that the timer scenarios use.
    clock = LocalClock(datetime(2026, 10, 25, 2, 30, tzinfo=BERLIN))  # 02:30 CEST
    assert clock.now().isoformat() == "2026-10-25T02:30:00+02:00"
    clock.advance(3600)
    assert clock.now().isoformat() == "2026-10-25T02:30:00+01:00"  # the same wall time again
    assert clock.monotonic() == 4600.0
    clock.jump_wall(-60)
    assert clock.now().isoformat() == "2026-10-25T02:29:00+01:00"
    assert clock.monotonic() == 4600.0
    with pytest.raises(ValueError, match=r"^time can't go backwards$"):
        clock.advance(-1)


# --- ScriptedIdleSource --------------------------------------------------------------------------


def test_scripted_idle_source_returns_values_in_turn_then_repeats_the_last() -> None:
    source = ScriptedIdleSource([0.0, 12.5, None, 40.0])
    assert [source.idle_seconds() for _ in range(6)] == [0.0, 12.5, None, 40.0, 40.0, 40.0]


def test_scripted_idle_source_defaults_to_active() -> None:
    source = ScriptedIdleSource()
    assert source.idle_seconds() == 0.0
    assert source.idle_seconds() == 0.0
    assert source.name == "scripted"


def test_scripted_idle_source_can_say_it_cannot_tell() -> None:
    source = ScriptedIdleSource([None])
    assert source.idle_seconds() is None
    assert source.idle_seconds() is None


def test_scripted_idle_source_set_replaces_the_script() -> None:
    source = ScriptedIdleSource([1.0, 2.0, 3.0])
    assert source.idle_seconds() == 1.0
    source.set(300.0)
    assert [source.idle_seconds() for _ in range(3)] == [300.0, 300.0, 300.0]
    source.set(None)
    assert source.idle_seconds() is None


def test_scripted_idle_sources_do_not_share_a_script() -> None:
    first, second = ScriptedIdleSource(), ScriptedIdleSource()
    first.set(99.0)
    assert second.idle_seconds() == 0.0


# --- RecordingNotifier ---------------------------------------------------------------------------


def test_recording_notifier_keeps_every_notice_in_order() -> None:
    notifier = RecordingNotifier()
    assert notifier.notify("Stretch break", "Roll your shoulders back, slowly, five times.")
    assert notifier.notify("Posture and eyes check", "Look 6 m away for 20 s.")
    assert notifier.notices == [
        Notice("Stretch break", "Roll your shoulders back, slowly, five times."),
        Notice("Posture and eyes check", "Look 6 m away for 20 s."),
    ]
    assert list(notifier.titles()) == ["Stretch break", "Posture and eyes check"]
    assert notifier.name == "recording"


def test_recording_notifier_that_fails_records_nothing() -> None:
    notifier = RecordingNotifier(fail=True)
    assert notifier.notify("Stretch break", "now") is False
    assert notifier.notices == []
    assert list(notifier.titles()) == []
    # a daemon that comes back
    notifier.fail = False
    assert notifier.notify("Stretch break", "now") is True
    assert list(notifier.titles()) == ["Stretch break"]


def test_recording_notifiers_do_not_share_notices() -> None:
    first, second = RecordingNotifier(), RecordingNotifier()
    first.notify("a", "b")
    assert second.notices == []


def test_notice_is_a_frozen_value() -> None:
    notice = Notice("t", "m")
    assert notice == Notice("t", "m")
    with pytest.raises(AttributeError):
        notice.title = "other"  # type: ignore[misc]


def test_scripted_busy_source_answers_its_reason_and_counts_asks() -> None:
    source = ScriptedBusySource()
    assert source.busy_reason() is None
    source.reason = "fullscreen"
    assert source.busy_reason() == "fullscreen"
    assert source.asked == 2
    source.close()
