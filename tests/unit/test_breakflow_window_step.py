"""What each timer event does to the break window (breakflow.window_step), plain values."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from posture_guard.core.breakflow import ends_break_notice, window_step
from posture_guard.core.timer import (
    BreakEnded,
    BreakPrompted,
    BreakSnoozed,
    BreakStarted,
    DailyLimitReached,
    Outcome,
)

AT = datetime(2026, 3, 2, 9, 20, tzinfo=UTC)


@pytest.mark.parametrize(
    ("event", "step"),
    [
        (BreakPrompted(at=AT, kind="posture", reminder=False), "open"),
        (BreakStarted(at=AT, kind="posture", length_s=20), "open"),
        # the break's own time ran out: the window's countdown ends too and waits for Done
        (BreakEnded(at=AT, kind="posture", outcome=Outcome.TAKEN, ran_out=True), "time-up"),
        # ended by a command elsewhere (tray, CLI): the window goes
        (BreakEnded(at=AT, kind="posture", outcome=Outcome.TAKEN), "close"),
        (BreakEnded(at=AT, kind="posture", outcome=Outcome.SKIPPED), "close"),
        (BreakSnoozed(at=AT, kind="posture", for_s=300), "close"),
        (DailyLimitReached(at=AT, limit_s=28800), None),
    ],
)
def test_window_step(event: object, step: str | None) -> None:
    assert window_step(event) == step  # type: ignore[arg-type]


def test_the_break_notice_goes_when_the_break_starts_or_ends_but_not_when_it_is_asked() -> None:
    assert not ends_break_notice(BreakPrompted(at=AT, kind="posture", reminder=False))
    assert ends_break_notice(BreakStarted(at=AT, kind="posture", length_s=20))
    assert ends_break_notice(BreakEnded(at=AT, kind="posture", outcome=Outcome.TAKEN))
