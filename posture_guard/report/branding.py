"""The organisation's branding as the report shows it: the accent's contrast, the logo's bytes.

Rule 1: the colour decisions are pure functions of "#rrggbb" strings: the accent colours the
        headings and links only when it reads on white as well as body text must (WCAG 2 AA,
        4.5:1); a lighter accent still draws the rules, and one too pale even for that is left out.
Rule 2: `load_logo` is the one read. A logo that is missing, unreadable, too big or not a PNG is
        skipped with one log line: the report is made without it, never fails for it.
Rule 3: the branding only decorates the file on this computer: the logo is embedded (a data: URI
        in HTML, an image in the PDF), nothing is fetched and nothing is sent. The welcome text
        is for the person at the first run, not for their clinician, so the report leaves it out.
"""

from __future__ import annotations

import base64
import io
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from posture_guard.core import settings as settings_values
from posture_guard.core.brand_colours import contrast_ratio, rgb

log = logging.getLogger(__name__)

WHITE: Final = "#ffffff"
#: The report's own link colour, used when the organisation's accent is too light for text.
DEFAULT_ACCENT: Final = "#0b5394"
#: WCAG 2 AA contrast for body text; headings and links get the accent only at this or above.
TEXT_CONTRAST: Final = 4.5
#: Below this a rule in the accent would hardly show on white: the default rule colour stays.
RULE_CONTRAST: Final = 1.3
MAX_LOGO_BYTES: Final = 512 * 1024
MAX_LOGO_SIDE: Final = 2048  # pixels, each way
_PNG_SIGNATURE: Final = b"\x89PNG\r\n\x1a\n"


@dataclass(frozen=True, slots=True, kw_only=True)
class Accent:
    """Which colour the report uses where (Rule 1).

    Attributes:
        text: headings and links; the organisation's accent when it reads on white, else ours.
        rule: the lines under the header and the section headings; None = the report's grey.
    """

    text: str | None
    rule: str | None


def accent_roles(accent: str | None, background: str = WHITE) -> Accent:
    """Where the organisation's accent can go on `background` (Rule 1)."""
    if accent is None:
        return Accent(text=None, rule=None)
    ratio = contrast_ratio(accent, background)
    if ratio >= TEXT_CONTRAST:
        return Accent(text=accent.lower(), rule=accent.lower())
    if ratio >= RULE_CONTRAST:
        return Accent(text=None, rule=accent.lower())
    return Accent(text=None, rule=None)


@dataclass(frozen=True, slots=True, kw_only=True)
class Logo:
    """A checked PNG logo: its bytes and its size in pixels."""

    png: bytes
    width: int
    height: int

    def data_uri(self) -> str:
        """The PNG as a data: URI, so the HTML needs no other file and fetches nothing."""
        return "data:image/png;base64," + base64.b64encode(self.png).decode("ascii")


@dataclass(frozen=True, slots=True, kw_only=True)
class ReportBranding:
    """What of the policy's branding the report shows; every field None = an unbranded report.

    Attributes:
        organisation: the organisation's name ("Provided by ..." and the footer).
        accent: the accent, "#rrggbb" lower case; `roles` says where it may go.
        support_contact: who to ask about Posture Guard (the app, not the person's health).
        logo: the checked logo, or None (not set, or skipped by `load_logo`).
    """

    organisation: str | None = None
    accent: str | None = None
    support_contact: str | None = None
    logo: Logo | None = None

    def __post_init__(self) -> None:
        if self.accent is not None:
            rgb(self.accent)  # raises for anything but "#rrggbb"

    @property
    def roles(self) -> Accent:
        return accent_roles(self.accent)


NO_BRANDING: Final = ReportBranding()


def logo_from_bytes(data: bytes, name: str) -> Logo | None:
    """`data` as a Logo when it is a PNG of at most MAX_LOGO_BYTES and MAX_LOGO_SIDE pixels a
    side that decodes whole; else None, with one log line naming `name` and why (Rule 2)."""
    if len(data) > MAX_LOGO_BYTES:
        log.warning(
            "report: logo %s skipped: %d bytes, expected at most %d",
            name,
            len(data),
            MAX_LOGO_BYTES,
        )
        return None
    if not data.startswith(_PNG_SIGNATURE):
        log.warning("report: logo %s skipped: not a PNG image", name)
        return None
    from PIL import Image  # noqa: PLC0415 - only when there is a logo to check

    try:
        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
            if max(width, height) > MAX_LOGO_SIDE:
                log.warning(
                    "report: logo %s skipped: %dx%d pixels, expected at most %d a side",
                    name,
                    width,
                    height,
                    MAX_LOGO_SIDE,
                )
                return None
            image.load()
    except (OSError, ValueError, SyntaxError) as exc:  # Pillow's ways of saying "broken image"
        log.warning("report: logo %s skipped: it cannot be decoded: %s", name, exc)
        return None
    return Logo(png=data, width=width, height=height)


def load_logo(path: Path) -> Logo | None:
    """The policy's logo file, checked (`logo_from_bytes`); None, with a log line, when it is
    missing or cannot be read (Rule 2)."""
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_LOGO_BYTES + 1)
    except OSError as exc:
        log.warning("report: logo %s skipped: it cannot be read: %s", path, exc.strerror or exc)
        return None
    return logo_from_bytes(data, str(path))


def from_settings(branding: settings_values.Branding, *, with_logo: bool = True) -> ReportBranding:
    """The report's branding from the effective settings'; reads the logo file, if any, unless
    `with_logo` is False (the CSV and JSON exports show no logo)."""
    return ReportBranding(
        organisation=branding.organisation,
        accent=branding.accent_colour,
        support_contact=branding.support_contact,
        logo=None if branding.logo is None or not with_logo else load_logo(branding.logo),
    )
