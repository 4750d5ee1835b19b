"""The real clock: local wall time for the calendar, a suspend-counting monotonic clock for durations."""

from __future__ import annotations

import sys
import time
from datetime import datetime


class SystemClock:
    """`now()` is the aware local time; `monotonic()` never jumps and counts suspend where it can.

    Linux has CLOCK_BOOTTIME (counts suspend); elsewhere time.monotonic() is used, which may stop
    during suspend: then a suspend looks like a wall-clock jump to the timer, and still never
    fires a break (timer Rule 6).
    """

    def now(self) -> datetime:
        return datetime.now().astimezone()

    def monotonic(self) -> float:
        if sys.platform == "linux":
            return time.clock_gettime(time.CLOCK_BOOTTIME)
        else:
            return time.monotonic()
