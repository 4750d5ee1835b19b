"""Busy on Windows: SHQueryUserNotificationState, the shell's own "may I notify now?" answer.

It covers a full-screen window or game, presentation mode and a locked or switched-away
session in one call. Only `select_busy_source` imports this, and only on win32; reading the
answer is the pure `reason_from_state`, tested on every OS.

Threading: any thread; one shell32 call per look.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from typing import Final

from posture_guard.core.errors import BusySourceUnavailable

#: QUERY_USER_NOTIFICATION_STATE values (shellapi.h) that mean "do not interrupt", and why.
BUSY_STATES: Final[Mapping[int, str]] = {
    1: "screen locked",  # QUNS_NOT_PRESENT: locked, screen saver, or another user's session
    2: "fullscreen",  # QUNS_BUSY: a full-screen application
    3: "fullscreen",  # QUNS_RUNNING_D3D_FULL_SCREEN: a full-screen Direct3D game or video
    4: "presentation",  # QUNS_PRESENTATION_MODE
    7: "fullscreen",  # QUNS_APP: a full-screen Store app
}
#: Values that mean "free": QUNS_ACCEPTS_NOTIFICATIONS (5), QUNS_QUIET_TIME (6, the first hour
#: after a new user signs in: notifications are for the shell's own nagging).
FREE_STATES: Final = frozenset({5, 6})


def reason_from_state(state: int) -> str | None:
    """The busy reason for a QUERY_USER_NOTIFICATION_STATE, or None (free, or unknown)."""
    return BUSY_STATES.get(state)


class WindowsBusySource:
    """Says "fullscreen", "presentation" or "screen locked" as the Windows shell reports it."""

    #: A short name for logs and `doctor`.
    name: str = "windows-shell"

    def __init__(self) -> None:
        """Check that the shell answers.

        Raises:
            BusySourceUnavailable: not on Windows, or the call fails.
        """
        if self._query() is None:
            raise BusySourceUnavailable("SHQueryUserNotificationState failed")

    def busy_reason(self) -> str | None:
        """The reason, or None when free or when the call fails. Never raises."""
        state = self._query()
        return None if state is None else reason_from_state(state)

    def close(self) -> None:
        """Nothing to release."""

    def _query(self) -> int | None:
        if sys.platform == "win32":
            import ctypes  # noqa: PLC0415 - only on Windows

            state = ctypes.c_int(0)
            try:
                result = ctypes.windll.shell32.SHQueryUserNotificationState(ctypes.byref(state))
            except OSError:
                return None
            return int(state.value) if result == 0 else None  # S_OK
        else:
            return None
