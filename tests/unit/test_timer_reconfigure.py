"""`BreakTimer.reconfigure`: a changed policy takes effect without losing the day."""

from __future__ import annotations

import pytest

from posture_guard.core.errors import IllegalCommand
from posture_guard.core.timer import BreakDue, State
from tests.unit.helpers import MIN, at, feed, spec, start, timer_settings

PLAN = (spec("posture", 20 * MIN, 20), spec("movement", 60 * MIN, 5 * MIN))


def test_timer_reconfigure_keeps_earned_time_and_today_and_a_shorter_interval_is_due_at_once() -> (
    None
):
    # 09:00 start; 09:15 working, 15 min earned on each kind
    timer, clock = start(timer_settings(breaks=PLAN), at("09:00"))
    assert feed(timer, clock, [(60, 0.0)] * 15) == []
    # the policy now asks for posture checks every 10 min and adds a stretch break
    timer.reconfigure(
        timer_settings(
            breaks=(spec("posture", 10 * MIN, 20), spec("stretch", 40 * MIN, 2 * MIN), PLAN[1])
        )
    )
    assert timer.status().active_today_s == 15 * MIN
    assert timer.earned_s("posture") == 15 * MIN
    assert timer.earned_s("movement") == 15 * MIN
    assert timer.earned_s("stretch") == 0  # new: starts from nothing
    # 09:16: the posture check is due at the next observation, not 10 minutes later
    events = feed(timer, clock, [(60, 0.0)])
    assert [type(e) for e in events if isinstance(e, BreakDue)] == [BreakDue]
    assert timer.state is State.BREAK_DUE


def test_timer_reconfigure_is_refused_during_a_break_and_changes_nothing() -> None:
    timer, clock = start(timer_settings(breaks=PLAN), at("09:00"))
    feed(timer, clock, [(60, 0.0)] * 20)  # 09:20: the posture check is due
    assert timer.state is State.BREAK_DUE
    before = timer.settings
    with pytest.raises(IllegalCommand, match=r"^can't reconfigure when state=BREAK_DUE$"):
        timer.reconfigure(timer_settings(breaks=PLAN[1:]))
    assert timer.settings is before
    assert timer.state is State.BREAK_DUE
