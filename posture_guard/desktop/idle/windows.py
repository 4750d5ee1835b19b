"""Idle time on Windows: GetLastInputInfo against GetTickCount, through ctypes.

Only `select_idle_source` imports this, and only on win32; the arithmetic is the pure
`idle_from_ticks`, tested on every OS.

Threading: any thread; each query is two cheap user32/kernel32 calls.
"""

from __future__ import annotations

import sys
from typing import Final

from posture_guard.core.errors import IdleSourceUnavailable

#: GetTickCount and LASTINPUTINFO.dwTime are 32-bit millisecond counters that wrap every
#: 2**32 ms (about 49.7 days of uptime).
TICK_MODULUS: Final = 2**32


def idle_from_ticks(now_ms: int, last_input_ms: int) -> float:
    """Seconds since the last input, from two 32-bit tick readings (wraparound-safe).

    Args:
        now_ms: GetTickCount() now.
        last_input_ms: LASTINPUTINFO.dwTime, the tick count at the last input.

    Raises:
        ValueError: a reading outside 0 .. 2**32 - 1.
    """
    for label, value in (("now", now_ms), ("last input", last_input_ms)):
        if not 0 <= value < TICK_MODULUS:
            raise ValueError(f"{label} tick {value} is not a 32-bit tick count")
    return ((now_ms - last_input_ms) % TICK_MODULUS) / 1000


class WindowsIdleSource:
    """Seconds since the last keyboard or mouse input in this session."""

    #: A short name for logs and `doctor`.
    name: str = "windows"
    #: True: GetLastInputInfo always answers in an interactive session.
    HAS_IDLE_TIME: Final = True

    def __init__(self) -> None:
        """Check that GetLastInputInfo answers.

        Raises:
            IdleSourceUnavailable: not on Windows, or the call fails (no interactive session).
        """
        if self._read() is None:
            raise IdleSourceUnavailable("GetLastInputInfo failed (no interactive session?)")

    def idle_seconds(self) -> float | None:
        """Seconds since the last input, or None when the call fails. Never raises."""
        return self._read()

    def close(self) -> None:
        """Nothing to release."""

    def _read(self) -> float | None:
        if sys.platform == "win32":
            import ctypes  # noqa: PLC0415 - only on Windows
            from ctypes import wintypes  # noqa: PLC0415

            class LastInputInfo(ctypes.Structure):
                _fields_ = (("cbSize", wintypes.UINT), ("dwTime", wintypes.DWORD))

            info = LastInputInfo()
            info.cbSize = ctypes.sizeof(info)
            if not ctypes.windll.user32.GetLastInputInfo(ctypes.byref(info)):
                return None
            now = int(ctypes.windll.kernel32.GetTickCount()) % TICK_MODULUS
            return idle_from_ticks(now, int(info.dwTime))
        else:
            return None
