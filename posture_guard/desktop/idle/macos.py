"""Idle time on macOS: CGEventSourceSecondsSinceLastEventType from CoreGraphics, via ctypes.

Only `select_idle_source` imports this, and only on darwin; reading the answer is the pure
`idle_from_cg`, tested on every OS.

Threading: any thread; one CoreGraphics call per query.
"""

from __future__ import annotations

import math
import sys
from typing import Any, Final

from posture_guard.core.errors import IdleSourceUnavailable

#: kCGEventSourceStateCombinedSessionState: input from every source in the login session.
COMBINED_SESSION_STATE: Final = 0
#: kCGAnyInputEventType (~0 as a 32-bit CGEventType): the latest event of any kind.
ANY_INPUT_EVENT_TYPE: Final = 0xFFFFFFFF
COREGRAPHICS: Final = "/System/Library/Frameworks/CoreGraphics.framework/CoreGraphics"


def idle_from_cg(seconds: float) -> float | None:
    """CoreGraphics' answer as idle seconds, or None when it is not a usable number.

    It is a double; NaN, infinity or a negative value (seen without a window server session)
    means "cannot tell".
    """
    if math.isnan(seconds) or math.isinf(seconds) or seconds < 0:
        return None
    return float(seconds)


class MacIdleSource:
    """Seconds since the last input event in the login session."""

    #: A short name for logs and `doctor`.
    name: str = "macos"
    #: True: CoreGraphics answers in a GUI login session.
    HAS_IDLE_TIME: Final = True

    def __init__(self) -> None:
        """Load CoreGraphics and ask once.

        Raises:
            IdleSourceUnavailable: not on macOS, CoreGraphics cannot be loaded, or it cannot
                tell (no GUI session, e.g. over ssh).
        """
        self._fn: Any = _load()
        if self.idle_seconds() is None:
            raise IdleSourceUnavailable("CoreGraphics cannot tell idle time (no GUI session?)")

    def idle_seconds(self) -> float | None:
        """Seconds since the last input, or None when CoreGraphics cannot tell. Never raises."""
        try:
            return idle_from_cg(float(self._fn(COMBINED_SESSION_STATE, ANY_INPUT_EVENT_TYPE)))
        except (OSError, ValueError, TypeError):
            return None

    def close(self) -> None:
        """Nothing to release."""


def _load() -> Any:
    if sys.platform == "darwin":
        import ctypes  # noqa: PLC0415 - only on macOS

        try:
            library = ctypes.CDLL(COREGRAPHICS)
        except OSError as exc:
            raise IdleSourceUnavailable(f"cannot load CoreGraphics: {exc}") from None
        function = library.CGEventSourceSecondsSinceLastEventType
        function.argtypes = (ctypes.c_int32, ctypes.c_uint32)
        function.restype = ctypes.c_double
        return function
    else:
        raise IdleSourceUnavailable(f"CoreGraphics is only on macOS, not {sys.platform}")
