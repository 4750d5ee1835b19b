"""Where an organisation's accent colour may go on our windows (break window, notice, forms); pure.

Rule 1: the primary button (and the step numbers) take the accent when a label reads on it
        (WCAG 2 AA, 4.5:1): white on a dark accent, our dark text on a light one; an accent
        neither reads on keeps our own.
Rule 2: the progress bar takes that button colour when it stands out from the card (WCAG 2
        non-text contrast, 3:1), else our own accent.
Rule 3: the attribution line ("Posture Guard · Acme") is written in the accent when it reads
        on the card (4.5:1), else in our muted text colour.
Rule 4: high contrast ignores the accent (the break window's own high-contrast colours).

The contrast maths is WCAG 2's (relative luminance of sRGB).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

#: Our own accent (the app's slate blue), used when the organisation's does not read.
OWN_ACCENT: Final = "#2E5478"
WHITE: Final = "#FFFFFF"
#: Our body text colour, the label on a light accent.
DARK_TEXT: Final = "#1C2B39"
#: Our muted text colour, the attribution line when the accent does not read on the card.
MUTED_TEXT: Final = "#4A5B6B"
#: Our focus ring (3:1 on white).
FOCUS_RING: Final = "#D66222"
#: High contrast, shared by every window: white on black, yellow for what to act on, a cyan ring.
BLACK: Final = "#000000"
HIGH_CONTRAST_ACCENT: Final = "#FFDD00"
HIGH_CONTRAST_FOCUS: Final = "#00FFFF"
TEXT_CONTRAST: Final = 4.5
GRAPHIC_CONTRAST: Final = 3.0
_COLOUR: Final = re.compile(r"^#([0-9a-fA-F]{2})([0-9a-fA-F]{2})([0-9a-fA-F]{2})$")


def is_colour(text: str) -> bool:
    """Whether `text` is "#" and six hex digits, nothing more (the one spelling we accept)."""
    return _COLOUR.fullmatch(text) is not None


def rgb(colour: str) -> tuple[int, int, int]:
    """ "#rrggbb" -> (r, g, b), 0-255 each.

    Raises:
        ValueError: `colour` is not "#" and six hex digits.
    """
    match = _COLOUR.match(colour)
    if match is None:
        raise ValueError(f"colour: expected '#' and six hex digits like #2E5478, got {colour!r}")
    r, g, b = (int(part, 16) for part in match.groups())
    return r, g, b


def relative_luminance(colour: str) -> float:
    """WCAG 2 relative luminance: 0.0 (black) to 1.0 (white)."""

    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(first: str, second: str) -> float:
    """WCAG 2 contrast ratio: 1.0 (the same colour) to 21.0 (black on white); symmetric."""
    high, low = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def mix(first: str, second: str, share: float) -> str:
    """`first` moved `share` (0..1) of the way to `second`, as "#RRGGBB"."""
    a, b = rgb(first), rgb(second)
    return "#" + "".join(f"{round(x + (y - x) * share):02X}" for x, y in zip(a, b, strict=True))


@dataclass(frozen=True, slots=True)
class AccentUse:
    """The accent's colours on a window (Rules 1-3).

    Attributes:
        fill: the primary button's and step numbers' background.
        on_fill: the label on `fill`.
        bar: the progress bar.
        attribution: the "Posture Guard · Acme" line.
    """

    fill: str
    on_fill: str
    bar: str
    attribution: str


def accent_use(accent: str | None, card: str = WHITE) -> AccentUse:
    """Where `accent` (None = not set) may go on a window whose card is `card` (Rules 1-3)."""
    own = AccentUse(fill=OWN_ACCENT, on_fill=WHITE, bar=OWN_ACCENT, attribution=OWN_ACCENT)
    if accent is None or not is_colour(accent):
        return own
    accent = accent.upper()
    on_fill = max((WHITE, DARK_TEXT), key=lambda label: contrast_ratio(accent, label))
    readable = contrast_ratio(accent, on_fill) >= TEXT_CONTRAST
    fill, on_fill = (accent, on_fill) if readable else (OWN_ACCENT, WHITE)
    return AccentUse(
        fill=fill,
        on_fill=on_fill,
        bar=fill if contrast_ratio(fill, card) >= GRAPHIC_CONTRAST else OWN_ACCENT,
        attribution=accent if contrast_ratio(accent, card) >= TEXT_CONTRAST else MUTED_TEXT,
    )
