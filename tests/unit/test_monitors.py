"""Which monitors the break window covers (the pure parts of desktop/monitors.py)."""

from __future__ import annotations

import pytest

from posture_guard.desktop.monitors import Monitor, distinct, parse_monitors

LEFT, RIGHT = Monitor(0, 0, 1280, 800), Monitor(1280, 0, 1024, 768)


def test_side_by_side_monitors_each_get_a_window_in_order():
    assert distinct([LEFT, RIGHT]) == [LEFT, RIGHT]


def test_a_cloned_smaller_monitor_is_covered_by_the_larger_one():
    assert distinct([Monitor(0, 0, 1024, 768), LEFT]) == [LEFT]
    assert distinct([LEFT, LEFT]) == [LEFT]


def test_monitors_option_is_parsed_and_a_bad_one_named():
    assert parse_monitors("1280x800+0+0, 1024x768+1280+0") == [LEFT, RIGHT]
    with pytest.raises(
        ValueError, match=r"^--monitors: expected WxH\+X\+Y\[,WxH\+X\+Y...\], got '1280x800'$"
    ):
        parse_monitors("1280x800")
