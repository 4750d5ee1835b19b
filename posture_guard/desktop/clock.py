"""The real clock: zoned local wall time for the calendar, a suspend-counting clock for durations."""

from __future__ import annotations

import contextlib
import os
import sys
import time
from datetime import datetime, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def local_zone() -> tzinfo | None:
    """The local time zone as a named zone ($TZ, /etc/localtime, /etc/timezone), or None.

    A named zone knows its DST changes, so "04:00 tomorrow" is right across them; without one,
    SystemClock falls back to the fixed UTC offset of each reading.
    """
    names = [os.environ.get("TZ", "").lstrip(":")]
    if sys.platform != "win32":
        target = os.path.realpath("/etc/localtime")
        if "/zoneinfo/" in target:
            names.append(target.split("/zoneinfo/", 1)[1])
        with contextlib.suppress(OSError):
            names.append(Path("/etc/timezone").read_text(encoding="utf-8").strip())
    for name in names:
        if not name:
            continue
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            continue
    return None


class SystemClock:
    """`now()` is the aware local time; `monotonic()` never jumps and counts suspend where it can.

    Linux has CLOCK_BOOTTIME (counts suspend); elsewhere time.monotonic() is used, which may stop
    during suspend: then a suspend looks like a wall-clock jump to the timer, and still never
    fires a break (timer Rule 6).
    """

    def __init__(self, zone: tzinfo | None = None) -> None:
        self._zone = zone if zone is not None else local_zone()

    def now(self) -> datetime:
        if self._zone is not None:
            return datetime.now(self._zone)
        return datetime.now().astimezone()

    def monotonic(self) -> float:
        if sys.platform == "linux":
            return time.clock_gettime(time.CLOCK_BOOTTIME)
        else:
            return time.monotonic()
