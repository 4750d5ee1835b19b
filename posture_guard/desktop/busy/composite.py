"""Several busy sources asked in order as one: the first reason wins."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from posture_guard.core.ports import BusySource

_log = logging.getLogger("posture_guard.busy")


class CompositeBusySource:
    """Asks each source in order and returns the first reason; None when none is busy."""

    def __init__(self, sources: Sequence[BusySource]) -> None:
        self.sources = tuple(sources)
        #: A short name for logs and `doctor`: the parts, or "none".
        self.name = "+".join(s.name for s in self.sources) or "none"

    def busy_reason(self) -> str | None:
        """The first source's reason, or None. Never raises: a failing source counts as free."""
        for source in self.sources:
            try:
                reason = source.busy_reason()
            except Exception:
                _log.exception("busy source %s failed; treating it as not busy", source.name)
                continue
            if reason is not None:
                return reason
        return None

    def close(self) -> None:
        """Close every source; one failing does not stop the others. Never raises."""
        for source in self.sources:
            try:
                source.close()
            except Exception:
                _log.exception("closing busy source %s failed", source.name)
