"""The report as a PDF (A4), laid out by fpdf2 with the charts as matplotlib PNGs.

Rule 1: the same sections as the HTML (sections.py), in the same order; only the layout differs.
Rule 2: text is set in DejaVu Sans, the TrueType font matplotlib ships (so every machine that can
        draw the charts has it), with the package's Devanagari font as fallback for what it
        lacks (typefaces.py), both embedded and subset by fpdf2. A character neither has (a note
        in Chinese) is drawn with a font of this computer that has it (desktop/fonts.py), also
        embedded and subset; one that no font here has is shown as "?" rather than dropped
        silently or failing the report.
Rule 5: the text is shaped by HarfBuzz (fpdf2's text shaping through uharfbuzz), without which
        Hindi comes out letter by letter: a visible virama in "गर्दन", vowel signs after their
        consonant. The document says its language (/Lang) and every word is the language's
        (sections.py Rule 3); the charts carry their titles as alternative text.
Rule 3: fpdf2 (pure Python, maintained, Unicode TrueType fonts, tables with page breaks) rather
        than reportlab: a smaller dependency for what the report needs.
Rule 4: the organisation's branding (report/branding.py) colours headings and rules where it
        reads, and its logo heads the first page; a logo fpdf2 cannot place is left out with a
        log line, never failing the report.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Callable, Sequence
from typing import Final

from fpdf import FPDF
from fpdf.enums import MethodReturnValue, XPos, YPos
from fpdf.errors import FPDFException
from fpdf.fonts import FontFace

from posture_guard import __version__
from posture_guard.core import i18n
from posture_guard.core.brand_colours import rgb
from posture_guard.core.i18n import _
from posture_guard.desktop import fonts
from posture_guard.report import charts, typefaces
from posture_guard.report.branding import Logo
from posture_guard.report.html import lang_tag
from posture_guard.report.model import ReportModel
from posture_guard.report.sections import (
    HEALTH_NOTICE,
    NOT_A_DIAGNOSIS,
    TITLE,
    Section,
    Table,
    branding_notes,
    chart_title,
    clinic_label,
    clinic_line,
    health_notice_lead,
    made_by,
    period_line,
    provided_by,
    sections,
)

log = logging.getLogger(__name__)

_FONT: Final = "DejaVu"
#: The fallback font's name in the document (Rule 2).
_DEVANAGARI: Final = "Devanagari"
#: The names of the fonts of this computer added for other scripts: Fallback2, Fallback3, ...
_SYSTEM_FALLBACK: Final = "Fallback"
#: At most this many font lookups for one report: each asks fontconfig, and a note of emoji
#: and symbols that no font here has must not turn into thousands of them.
_MAX_FONT_LOOKUPS: Final = 40
_INK: Final = (29, 35, 41)
_MUTED: Final = (86, 96, 107)
_ACCENT: Final = (11, 83, 148)
_NOTICE_FILL: Final = (255, 246, 229)
_HEAD_FILL: Final = (244, 246, 248)
_RULE: Final = (217, 221, 225)
_LOGO_HEIGHT: Final = 12.0  # mm
_LOGO_MAX_WIDTH: Final = 50.0  # mm


class _Report(FPDF):
    """A4 pages with a footer that repeats the health notice and the page number (and who
    provides Posture Guard, when the policy names the organisation)."""

    provided: str = ""

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(_FONT, size=7.5)
        self.set_text_color(*_MUTED)
        # Translators: the PDF's footer on every page; {page} is this page's number, {pages}
        # how many there are
        words = _("Contains health information: keep it private.   Page {page} of {pages}")
        self.cell(0, 5, self.provided + words.format(page=self.page_no(), pages="{nb}"), align="C")


def new_document(*, shaping: bool = True) -> _Report:
    """An A4 document with the report's fonts: DejaVu Sans, the Devanagari font as its fallback,
    and text shaping (Rule 5; `shaping=False` only to compare against, never for a report)."""
    pdf = _Report(orientation="portrait", unit="mm", format="A4")
    pdf.add_font(_FONT, "", str(typefaces.DEJAVU))
    pdf.add_font(_FONT, "B", str(typefaces.DEJAVU_BOLD))
    pdf.add_font(_DEVANAGARI, "", str(typefaces.DEVANAGARI))
    # exact_match=False: bold text (headings) falls back to the regular Devanagari font
    pdf.set_fallback_fonts([_DEVANAGARI], exact_match=False)
    if shaping:
        pdf.set_text_shaping(True)
    return pdf


def render(model: ReportModel) -> bytes:
    """The whole report as PDF bytes, in the language in use."""
    pdf = new_document()
    pdf.set_margins(16, 16, 16)
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.set_lang(lang_tag(i18n.language()))
    title = _(TITLE)
    pdf.set_title(title)
    pdf.set_creator(f"Posture Guard {__version__}")
    pdf.set_creation_date(model.generated)
    glyphs = _Glyphs(pdf)
    line = provided_by(model)
    if line is not None:
        pdf.provided = glyphs(f"{line}   ·   ")
    pdf.add_page()
    _brand(pdf, model, glyphs)

    pdf.set_text_color(*_heading(model))
    pdf.set_font(_FONT, "B", 17)
    pdf.multi_cell(0, 8, glyphs(title), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(_FONT, size=9.5)
    pdf.set_text_color(*_MUTED)
    pdf.multi_cell(
        0, 5.5, glyphs(period_line(model)), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT
    )
    clinic = clinic_line(model)
    if clinic is not None:
        pdf.set_text_color(*_INK)
        pdf.multi_cell(
            0,
            5.5,
            glyphs(f"{clinic_label(model)}: {clinic.name}"),
            align="L",
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )
        if clinic.shown is not None:
            pdf.set_text_color(*_link(model))
            # Translators: before the address of the clinic's booking page
            book = _("Book: {address}").format(address=clinic.shown)
            pdf.multi_cell(
                0,
                5.5,
                glyphs(book),
                link=clinic.href or "",
                new_x=XPos.LMARGIN,
                new_y=YPos.NEXT,
            )
    pdf.ln(3)
    pdf.set_fill_color(*_NOTICE_FILL)
    pdf.set_text_color(*_INK)
    pdf.set_font(_FONT, size=9.5)
    pdf.multi_cell(
        0,
        5.5,
        glyphs(f"**{health_notice_lead()}** {_(HEALTH_NOTICE)}"),
        fill=True,
        markdown=True,
        padding=(2, 3),
        align="L",
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )
    pdf.set_fill_color(255, 255, 255)
    for section in sections(model):
        _section(pdf, section, model, glyphs)
    pdf.ln(6)
    pdf.set_font(_FONT, size=8)
    pdf.set_text_color(*_MUTED)
    pdf.multi_cell(
        0,
        4.5,
        glyphs(f"{_(NOT_A_DIAGNOSIS)} {made_by(__version__)}"),
        align="L",
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )
    for note in branding_notes(model):
        pdf.ln(1)
        pdf.multi_cell(0, 4.5, glyphs(note), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    return bytes(pdf.output())


def _heading(model: ReportModel) -> tuple[int, int, int]:
    text = model.branding.roles.text
    return _INK if text is None else rgb(text)


def _link(model: ReportModel) -> tuple[int, int, int]:
    text = model.branding.roles.text
    return _ACCENT if text is None else rgb(text)


def _rule(model: ReportModel) -> tuple[int, int, int]:
    rule = model.branding.roles.rule
    return _RULE if rule is None else rgb(rule)


def _brand(pdf: FPDF, model: ReportModel, glyphs: _Glyphs) -> None:
    """The first page's head: the logo and "Provided by ..." on one line, then a rule in the
    accent (when the policy gives any of them)."""
    b = model.branding
    line = provided_by(model)
    if b.logo is None and line is None and b.accent is None:
        return
    top = pdf.get_y()
    placed = 0.0 if b.logo is None else _logo(pdf, b.logo, top)
    height = _LOGO_HEIGHT if placed else 6.0
    if line is not None:
        pdf.set_xy(pdf.l_margin + placed + (4 if placed else 0), top)
        pdf.set_font(_FONT, size=9.5)
        pdf.set_text_color(*_MUTED)
        pdf.cell(0, height, glyphs(line), align="L")
    pdf.set_xy(pdf.l_margin, top + height + 2)
    pdf.set_draw_color(*_rule(model))
    pdf.set_line_width(0.8)
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())
    pdf.set_line_width(0.2)
    pdf.set_draw_color(*_RULE)
    pdf.ln(4)


def _logo(pdf: FPDF, logo: Logo, top: float) -> float:
    """Place the logo at the top left, 12 mm high (narrower if it is very wide); its width in
    mm, or 0.0 when fpdf2 cannot place it (Rule 4)."""
    width = min(_LOGO_HEIGHT * logo.width / logo.height, _LOGO_MAX_WIDTH)
    try:
        pdf.image(io.BytesIO(logo.png), x=pdf.l_margin, y=top, w=width, keep_aspect_ratio=True,
                  h=_LOGO_HEIGHT)  # fmt: skip
    except (FPDFException, OSError, ValueError) as exc:
        log.warning("report: logo left out of the PDF: %s", exc)
        return 0.0
    return width


def _section(pdf: FPDF, section: Section, model: ReportModel, glyphs: _Glyphs) -> None:
    chart = _chart(section.chart, model)
    width = pdf.w - pdf.l_margin - pdf.r_margin
    room = 60.0 if chart is None else 25 + width * chart[1]  # the heading with what follows it
    lead = [glyphs(paragraph) for paragraph in section.paragraphs] if section.tables else []
    if lead and chart is None and not section.facts:  # the heading, its sentences, the table
        pdf.set_font(_FONT, size=9.5)
        room = max(room, _HEADING_MM + _start_of_table_mm(pdf, lead))
    if pdf.get_y() + room > pdf.h - 20 and room < pdf.page_break_trigger - pdf.t_margin:
        pdf.add_page()
    pdf.ln(5)
    pdf.set_font(_FONT, "B", 13)
    pdf.set_text_color(*_heading(model))
    pdf.multi_cell(0, 7, glyphs(section.title), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_text_color(*_INK)
    pdf.set_draw_color(*_rule(model))
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())
    pdf.set_draw_color(*_RULE)  # the tables' lines stay grey
    pdf.ln(2)
    pdf.set_font(_FONT, size=9.5)
    for fact in section.facts:
        with pdf.table(
            col_widths=(38, 140),
            first_row_as_headings=False,
            borders_layout="NONE",
            text_align="LEFT",
            v_align="TOP",
            line_height=5,
            padding=(1, 1),
        ) as table:
            row = table.row()
            row.cell(glyphs(fact.label), style=FontFace(emphasis="BOLD"))
            text = fact.text + "".join(f"\n• {item}" for item in fact.items)
            row.cell(glyphs(text))
    if chart is not None and section.chart is not None:
        pdf.image(io.BytesIO(chart[0]), w=width, alt_text=chart_title(section.chart))
    if lead and pdf.get_y() + _start_of_table_mm(pdf, lead) > pdf.page_break_trigger:
        pdf.add_page()  # after a chart or facts: the sentences go over with their table
    for paragraph in section.paragraphs:
        pdf.ln(1)
        pdf.multi_cell(0, 5, glyphs(paragraph), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    for content in section.tables:
        _table(pdf, content, glyphs)
    pdf.set_font(_FONT, size=8)
    pdf.set_text_color(*_MUTED)
    for note in section.notes:
        pdf.ln(1)
        pdf.multi_cell(0, 4.2, glyphs(note), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_text_color(*_INK)


#: A section's heading: the space above it, its line and the space under its rule.
_HEADING_MM: Final = 5 + 7 + 2
#: Room a table needs to start under the sentences about it: a two-line header and two rows.
_TABLE_START_MM: Final = 2 + (2 * 4.6 + 2) + 2 * (4.6 + 2)


def _start_of_table_mm(pdf: FPDF, paragraphs: list[str]) -> float:
    """The height of `paragraphs` as _section writes them (1 mm, then 5 mm lines, in the
    current font) and the start of the table after them: what must share a page so the
    sentences are not stranded at a page's foot with their table overleaf."""
    needed = _TABLE_START_MM
    for text in paragraphs:
        height = pdf.multi_cell(0, 5, text, dry_run=True, output=MethodReturnValue.HEIGHT)
        assert isinstance(height, (int, float))  # what output=HEIGHT returns
        needed += 1 + height
    return needed


def _table(pdf: FPDF, table: Table, glyphs: _Glyphs) -> None:
    pdf.ln(2)
    pdf.set_font(_FONT, size=8.5)
    aligns = tuple("RIGHT" if i in table.numeric else "LEFT" for i in range(len(table.header)))
    with pdf.table(
        width=pdf.epw,
        col_widths=_widths(pdf, table, glyphs),
        text_align=aligns,
        line_height=4.6,
        padding=(1, 1.5),
        headings_style=FontFace(emphasis="BOLD", fill_color=_HEAD_FILL),
        borders_layout="HORIZONTAL_LINES",
        repeat_headings=1,
    ) as out:
        for row in (table.header, *table.rows):
            cells = out.row()
            for cell in row:
                cells.cell(glyphs(_clipped(cell)))
    if table.caption:
        pdf.set_font(_FONT, size=7.5)
        pdf.set_text_color(*_MUTED)
        pdf.multi_cell(0, 4, glyphs(table.caption), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_text_color(*_INK)
    pdf.set_font(_FONT, size=9.5)


#: The most characters of one table cell the PDF shows: a row must fit on a page (4,000 emoji
#: in a note made it "too high" and a crash), and a diary must never become unreportable.
CELL_MAX: Final = 600


def _clipped(text: str) -> str:
    """`text`, cut at CELL_MAX characters with a note saying where the rest is."""
    if len(text) <= CELL_MAX:
        return text
    # Translators: after a note cut short in the PDF report
    return text[:CELL_MAX] + "… " + _("(shortened here; the HTML and JSON reports hold it whole)")


#: A cell's padding left and right (the table's `padding`), and a hair more, in mm.
_CELL_PAD: Final = 2 * 1.5 + 0.6
#: The widest a single word may make its column (a long link wraps inside it instead), in mm.
_LONGEST_WORD: Final = 45.0


def _widths(pdf: FPDF, table: Table, glyphs: _Glyphs) -> tuple[float, ...]:
    """Column widths in mm over the page's width. Each column is at least as wide as its
    longest word, measured in the font it is set in (the header's bold), so no word is broken
    inside ("Schme-rz"); the room left goes to the columns whose text would wrap, in proportion
    to how much more they want (the longest cell, up to 40 characters' worth)."""
    size = 8.5
    least: list[float] = []
    wanted: list[float] = []
    for i, head in enumerate(table.header):
        cells = [glyphs(_clipped(row[i])) for row in table.rows]
        pdf.set_font(_FONT, style="B", size=size)
        word = max((pdf.get_string_width(w) for w in glyphs(head).split()), default=0.0)
        pdf.set_font(_FONT, size=size)
        for cell in cells:
            word = max(word, *(pdf.get_string_width(w) for w in cell.split()), 0.0)
        whole = max((pdf.get_string_width(c[:40]) for c in cells), default=0.0)
        least.append(min(word, _LONGEST_WORD) + _CELL_PAD)
        wanted.append(max(whole + _CELL_PAD, least[-1]))
    room = pdf.epw - sum(least)
    if room <= 0:  # too many columns for any layout: each in proportion to its least
        return tuple(w * pdf.epw / sum(least) for w in least)
    more = [w - m for w, m in zip(wanted, least, strict=True)]
    if sum(more) <= room:  # all fit unwrapped: the rest in proportion to what each wants
        return tuple(w * pdf.epw / sum(wanted) for w in wanted)
    return tuple(m + room * x / sum(more) for m, x in zip(least, more, strict=True))


def _chart(name: str | None, model: ReportModel) -> tuple[bytes, float] | None:
    if name == "activity":
        fig = charts.activity_figure(model)
    elif name == "pain":
        found = charts.pain_figure(model)
        if found is None:
            return None
        fig = found
    else:
        return None
    width, height = fig.get_size_inches()
    return charts.to_png(fig, dpi=200), float(height / width)


class _Glyphs:
    """Makes every character drawable: DejaVu Sans, then the Devanagari font, then a font of this
    computer found for a script neither has (Rule 2); "?" for what no font here can draw."""

    def __init__(
        self, pdf: FPDF, find: Callable[[str], Sequence[fonts.FontFile]] = fonts.fonts_for
    ) -> None:
        self._pdf = pdf
        self._find = find
        self._fallbacks = [_DEVANAGARI]
        self._unfound: set[str] = set()
        self._lookups = 0
        known: set[int] = set()
        for font in (pdf.fonts[_FONT.lower()], pdf.fonts[_DEVANAGARI.lower()]):
            if not hasattr(font, "cmap"):
                self._known: set[int] | None = None
                return
            known.update(font.cmap)
        self._known = known

    def __call__(self, text: str) -> str:
        if self._known is None:
            return text
        for c in dict.fromkeys(text):
            if ord(c) not in self._known and c not in "\n\t":
                self._learn(c)
        return "".join(c if ord(c) in self._known or c in "\n\t" else "?" for c in text)

    def _learn(self, char: str) -> None:
        """Add the first font of this computer that draws `char` as one more fallback (its whole
        character map with it, so one lookup serves a whole script)."""
        assert self._known is not None
        if char in self._unfound or self._lookups >= _MAX_FONT_LOOKUPS:
            return
        self._lookups += 1
        for face in self._find(char):
            family = f"{_SYSTEM_FALLBACK}{len(self._fallbacks)}"
            try:
                self._pdf.add_font(family, "", str(face.path), collection_font_number=face.index)
            except Exception as exc:  # a font fpdf2 cannot read is one we do without
                log.info("report: can't use the font %s (%s): %s", face.path, face.index, exc)
                continue
            cmap = getattr(self._pdf.fonts[family.lower()], "cmap", {})
            if ord(char) not in cmap:
                continue
            self._fallbacks.append(family)
            self._pdf.set_fallback_fonts(self._fallbacks, exact_match=False)
            self._known.update(cmap)
            return
        self._unfound.add(char)
