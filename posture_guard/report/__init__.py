"""`posture-guard report`: the clinician report (HTML, PDF) and the records (CSV, JSON), written
to a private file.

Rule 1: its modules are imported only by the report command (and the tray's "Open report", which
        runs that command), never by the running service, so matplotlib and fpdf2 stay out of its
        memory. This module alone is the exception (Rule 4).
Rule 2: the file is written only where the user asks (or, by default, in the current folder),
        mode 0600 from its creation. A default name never replaces a file: the next free name is
        taken. A name given with --out replaces that file (the user named it).
Rule 3: `write.write_report` is the one entry point the CLI and the tray call; everything it
        decides is in model.py (figures), sections.py (words) and the renderers.
Rule 4: this module holds only what parsing the command line needs (the CLI builds every
        subcommand's parser in every process, the service's too); the work is in write.py.
"""

from __future__ import annotations

import re
from enum import Enum
from typing import Final

from posture_guard.core.i18n import N_, _
from posture_guard.core.tiers import Tier

FORMATS: Final = ("html", "pdf", "csv", "json")
DEFAULT_SINCE_DAYS: Final = 90


class Fitted(Enum):
    """`--since` not given: the last DEFAULT_SINCE_DAYS days, or from the first record when that
    is later, so that a four-week diary fills the charts instead of a fifth of them."""

    TO_DATA = "fitted"


FITTED: Final = Fitted.TO_DATA
MAX_SINCE_DAYS: Final = 3650
#: What `--since` takes (English, with {days} for MAX_SINCE_DAYS; said through `since_expected`).
SINCE_EXPECTED: Final = N_(
    'expected a number of days, weeks or years like "90d", "12w" or "1y" (at most'
    ' {days} days), or "all"'
)
#: Marked for the catalogues; the check-in translates it where it prints it.
REPORT_OFFER: Final = N_(
    "To take to your appointment: `posture-guard report --open` makes a report of your diary and"
    " screen work for your clinician."
)
_SINCE: Final = re.compile(r"^\s*(\d{1,5})\s*([dwy]?)\s*$", re.IGNORECASE)
_UNIT_DAYS: Final = {"": 1, "d": 1, "w": 7, "y": 365}


def offers_report(tier: Tier) -> bool:
    """After a check-in: offer the report when the advice is to book or to get help promptly
    (the emergency tier stays free of anything that could distract from it)."""
    return tier in (Tier.BOOK, Tier.PROMPT)


def since_expected() -> str:
    """SINCE_EXPECTED in the language in use."""
    # the quoted values are what the person types: they stay as they are
    return _(SINCE_EXPECTED).format(days=MAX_SINCE_DAYS)


def parse_since(text: str) -> int | None:
    """`--since`: "90d", "12w", "1y" or a bare number of days -> days; "all" -> None.

    Raises:
        ValueError: with `since_expected()`.
    """
    if text.strip().lower() == "all":
        return None
    match = _SINCE.match(text)
    if match is None:
        raise ValueError(since_expected())
    days = int(match.group(1)) * _UNIT_DAYS[match.group(2).lower()]
    if not 1 <= days <= MAX_SINCE_DAYS:
        raise ValueError(since_expected())
    return days
