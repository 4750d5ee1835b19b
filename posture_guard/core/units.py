"""Durations and clock times as people write them: ``20s``, ``45m``, ``1h30m``, ``04:00``."""

from __future__ import annotations

import math
import re
from datetime import time

from posture_guard.core.i18n import N_

_DURATION = re.compile(r"^(?:(?P<h>\d+)h)?(?:(?P<m>\d+)m)?(?:(?P<s>\d+)s)?$")
_CLOCK = re.compile(r"^(?P<h>\d{1,2}):(?P<m>\d{2})$")

#: Marked for the catalogues (English here, as data): the command line (`snooze 10x`) and a
#: config file's message (core/config.py) translate them where they show them.
DURATION_EXPECTED = N_('expected a duration like "45m" or "1h30m"')
CLOCK_EXPECTED = N_('expected a time of day like "04:00" or "17:30"')


def parse_duration(text: str) -> int:
    """Parse ``1h30m``, ``45m``, ``20s`` (any of h, m, s in that order) into whole seconds.

    Raises:
        ValueError: with DURATION_EXPECTED when the text is not such a duration.
    """
    match = _DURATION.match(text.strip().lower())
    if not text.strip() or match is None:
        raise ValueError(DURATION_EXPECTED)
    hours, minutes, seconds = (int(match.group(g) or 0) for g in ("h", "m", "s"))
    return hours * 3600 + minutes * 60 + seconds


def format_duration(seconds: float) -> str:
    """Seconds as a short human duration: ``1h30m``, ``45m``, ``20s``, ``0s``; rounds down."""
    total = max(0, int(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    parts = [f"{hours}h" if hours else "", f"{minutes}m" if minutes else ""]
    if secs and not hours:
        parts.append(f"{secs}s")
    return "".join(parts) or "0s"


def parse_clock(text: str, *, allow_24: bool = False) -> time:
    """Parse ``HH:MM`` into a time; ``24:00`` (end of day) only when allow_24, as 23:59:59.999999.

    Raises:
        ValueError: with CLOCK_EXPECTED when the text is not such a time.
    """
    match = _CLOCK.match(text.strip())
    if match is None:
        raise ValueError(CLOCK_EXPECTED)
    hour, minute = int(match.group("h")), int(match.group("m"))
    if allow_24 and (hour, minute) == (24, 0):
        return time.max
    if hour > 23 or minute > 59:
        raise ValueError(CLOCK_EXPECTED)
    return time(hour, minute)


def format_clock(value: time) -> str:
    """A time of day as ``HH:MM``; time.max is ``24:00``."""
    return "24:00" if value == time.max else f"{value.hour:02d}:{value.minute:02d}"


def seconds_at_least_zero(value: object, name: str) -> float:
    """`value` as float seconds; ValueError naming `name` when it is not a finite number >= 0
    (a bool is no number here)."""
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not math.isfinite(value)
        or value < 0
    ):
        raise ValueError(f"{name}: expected seconds >= 0, got {value!r}")
    return float(value)
