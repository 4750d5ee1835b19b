"""The fonts the report draws text with: DejaVu Sans (Latin, Greek, Cyrillic; matplotlib ships
it) and, for what it lacks, Lohit Devanagari (Hindi), shipped in report/fonts/ (SIL OFL 1.1,
fonts/OFL.txt).

Rule 1: DejaVu Sans comes first and the Devanagari font takes the characters it lacks (a
        fallback, not a switch on the language): a Hindi report still names a clinic or a
        trigger note in Latin letters, and a German one may quote a Hindi note.
Rule 2: the text is shaped (HarfBuzz: conjuncts, vowel signs before their consonant, the reph)
        by fpdf2 through uharfbuzz in the PDF and by matplotlib's libraqm in the charts; the
        browser shapes the HTML's own text.
Rule 3: matplotlib learns of the Devanagari font when a chart is first drawn (`for_charts`),
        never at import.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Final

import matplotlib as mpl

#: DejaVu Sans and its bold, as matplotlib ships them.
DEJAVU: Final = Path(mpl.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"
DEJAVU_BOLD: Final = DEJAVU.with_name("DejaVuSans-Bold.ttf")
#: The Devanagari font shipped with the package (regular only: headings in Hindi are set in it
#: at their size, not in bold).
DEVANAGARI: Final = Path(__file__).resolve().parent / "fonts" / "Lohit-Devanagari.ttf"
#: Their family names, as matplotlib knows them.
CHART_FAMILIES: Final = ("DejaVu Sans", "Lohit Devanagari")


@cache
def for_charts() -> tuple[str, ...]:
    """Register the Devanagari font with matplotlib (once); the families to list, in order."""
    from matplotlib import font_manager  # noqa: PLC0415 - only when a chart is drawn

    font_manager.fontManager.addfont(str(DEVANAGARI))
    return CHART_FAMILIES
