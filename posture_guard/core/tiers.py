"""The tiers of advice (how soon to get help), ordered. Pure.

Triage (core/triage.py) decides one; the diary keeps it with each check-in (core/records.py);
the exercise picker (core/exercises.py) and the report read it. It has a module of its own so
that the running service, which reads stored tiers but never triages, does not import triage.
"""

from __future__ import annotations

from enum import Enum


class Tier(Enum):
    """How soon to get help, lowest first; compare with <, >, max()."""

    SELF_CARE = "self-care"
    BOOK = "book"
    PROMPT = "prompt"
    EMERGENCY = "emergency"

    @property
    def rank(self) -> int:
        """0 (self-care) to 3 (emergency)."""
        return list(Tier).index(self)

    def __lt__(self, other: object) -> bool:
        return self.rank < other.rank if isinstance(other, Tier) else NotImplemented

    def __le__(self, other: object) -> bool:
        return self.rank <= other.rank if isinstance(other, Tier) else NotImplemented

    def __gt__(self, other: object) -> bool:
        return self.rank > other.rank if isinstance(other, Tier) else NotImplemented

    def __ge__(self, other: object) -> bool:
        return self.rank >= other.rank if isinstance(other, Tier) else NotImplemented
