"""The report in the person's language (report Rules: sections.py 3, html.py 4, pdf.py 5): German
and Hindi words, dates and numbers in the HTML and the PDF; the page's `lang` and `dir`; the PDF's
Devanagari font embedded and its text shaped; the README of the CSV zip translated while the
columns' names stay; and no word left out of the catalogue (the pseudo-locale)."""

from __future__ import annotations

import io
import re
import subprocess
import zipfile
from collections.abc import Iterator
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path

import pytest

from posture_guard import __version__
from posture_guard.core import i18n
from posture_guard.core.clinic import ClinicProfile
from posture_guard.desktop import language
from posture_guard.report import html, pdf
from posture_guard.report.export import to_csv_zip
from posture_guard.report.model import build
from tests.unit.test_report_model import NOW, PERIOD, records


@pytest.fixture(autouse=True)
def english_after() -> Iterator[None]:
    yield
    i18n.use(i18n.English(), "en")


def speak(code: str) -> None:
    i18n.use(*language.catalogue_for([code]))
    assert i18n.language() == code


def model():  # the known history: 3 episodes, 4 check-ins, breaks over March 2026
    return build(
        replace(records(), clinic=ClinicProfile(name="Riverside Physio", phone="0123 456")),
        PERIOD,
        NOW,
    )


# --- HTML ----------------------------------------------------------------------------------------


def test_report_html_in_english_says_so() -> None:
    page = html.render(model())
    assert '<html lang="en" dir="ltr">' in page
    assert "1 March 2026 \u2013 28 March 2026 (28 days; a day starts at 04:00)." in page


def test_report_html_in_german_words_dates_and_numbers() -> None:
    speak("de")
    page = html.render(model())
    assert '<html lang="de" dir="ltr">' in page
    assert "<h1>Nackenschmerzen und Bildschirmarbeit: ein Bericht für Ihre" in page
    assert "1. März 2026 \u2013 28. März 2026 (28 Tage; ein Tag beginnt um 04:00)." in page
    assert "Erstellt am 28. März 2026, 20:00." in page
    assert ">Zusammenfassung für die Behandlung</h2>" in page
    assert "Praxis: Riverside Physio" in page  # the clinic's name as it was given
    assert "(3. März bis 9. März 2026)" in page  # the week before episode 1
    assert "Sie haben 3,0 Pausen pro Tag übersprungen" in page  # German decimal comma
    assert "49\u00a0%" in page  # adherence of posture breaks: 26 / 53
    assert ">5. März<" in page  # the charts' axes (SVG text)
    assert "Pausen pro Tag" in page
    assert "Wärme (2)" in page  # the vocabulary's words ("heat")
    assert " Mar " not in page
    assert "March" not in page


def test_report_html_in_hindi_words_dates_and_numbers() -> None:
    speak("hi")
    page = html.render(model())
    assert '<html lang="hi" dir="ltr">' in page
    assert "<h1>गर्दन दर्द और स्क्रीन पर काम: आपके डॉक्टर या थेरेपिस्ट के लिए रिपोर्ट</h1>" in page
    assert "1 मार्च 2026 \u2013 28 मार्च 2026 (28 दिन; दिन 04:00 बजे शुरू होता है)।" in page
    assert ">डॉक्टर या थेरेपिस्ट के लिए सारांश</h2>" in page
    assert "क्लिनिक: Riverside Physio" in page
    assert "(3 मार्च से 9 मार्च 2026)" in page
    assert ">5 मार्च<" in page  # the charts' axes
    assert "पोस्चर" in page  # a break kind in the table
    assert "March" not in page


def test_report_html_dir_follows_the_language() -> None:
    i18n.use(i18n.English(), "ar")  # no Arabic catalogue: the direction alone is checked
    assert '<html lang="ar" dir="rtl">' in html.render(model())


# --- the pseudo-locale: every word goes through the catalogue ------------------------------------


class _Words(HTMLParser):
    """The text a person reads or hears: text nodes (not the style sheet, nor the charts' SVG
    metadata, which no browser shows) and the alternative texts and labels."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("style", "metadata"):
            self._skip += 1
        self.found += [v for k, v in attrs if k in ("alt", "aria-label", "title") and v]

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "metadata"):
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.found.append(data)


#: What may stand outside ⟦ ⟧: data, not words. Numbers, times and durations (45m, 1h30m),
#: rule ids in [ ], the version; the sources' titles are citations (kept as published), the
#: clinic's name and the diary's notes are the person's.
_DATA = re.compile(
    r"\[[a-z-]+\]|\d+h(\d+m)?|\d+m|\d+s|[\d.,:/%+\u2013-]+|"
    + re.escape(__version__)
    + r"|Riverside Physio"
)


def test_report_html_pseudo_locale_leaves_no_word_out_of_the_catalogue() -> None:
    speak("en_XA")
    m = model()
    page = html.render(m)
    assert '<html lang="en-XA" dir="ltr">' in page
    parser = _Words()
    parser.feed(page)
    cited = {s.title for c in [m.advice] if c for r in c.reasons for s in r.sources}
    notes = {n for e in m.episodes for n in e.notes}
    left = []
    for text in parser.found:
        rest = text
        while re.search(r"⟦[^⟦⟧]*⟧", rest):  # translations hold translated parts: innermost first
            rest = re.sub(r"⟦[^⟦⟧]*⟧", " ", rest)
        for datum in sorted(cited | notes, key=len, reverse=True):
            rest = rest.replace(datum, " ")
        rest = _DATA.sub(" ", rest)
        if re.search(r"[^\W\d_]", rest):
            left.append((text, rest.strip()))
    assert left == [], "\n".join(f"{rest!r} in {text!r}" for text, rest in left)


# --- PDF -----------------------------------------------------------------------------------------


def _pdf(tmp_path: Path, code: str) -> Path:
    speak(code)
    path = tmp_path / f"report-{code}.pdf"
    path.write_bytes(pdf.render(model()))
    return path


def _text(path: Path) -> str:
    done = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True)
    return " ".join(done.stdout.split())


def _fonts(path: Path) -> list[list[str]]:
    done = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True)
    return [line.split() for line in done.stdout.splitlines()[2:]]


def test_report_pdf_in_german(tmp_path: Path) -> None:
    words = _text(_pdf(tmp_path, "de"))
    assert "Nackenschmerzen und Bildschirmarbeit" in words
    assert "Zusammenfassung für die Behandlung" in words
    assert "1. März 2026 \u2013 28. März 2026" in words
    assert "Seite 1 von" in words
    assert "Sie haben 3,0 Pausen pro Tag übersprungen" in words


def test_report_pdf_in_hindi_embeds_a_devanagari_font_and_says_its_language(
    tmp_path: Path,
) -> None:
    path = _pdf(tmp_path, "hi")
    words = _text(path)
    # pdftotext gives glyphs in the order drawn: a vowel sign drawn before its consonant (the
    # "ि" of "लिए") comes out before it; these headings have none
    assert "गर्दन दर्द और स्क्रीन पर काम" in words
    assert "सारांश" in words
    assert "28 मार्च 2026" in words
    fonts = {row[0].split("+", 1)[-1]: row for row in _fonts(path)}
    assert "LohitDevanagari" in fonts
    assert fonts["LohitDevanagari"][-5:-3] == ["yes", "yes"]  # embedded and subset
    assert b"/Lang (hi)" in path.read_bytes()


def test_report_pdf_in_english_embeds_no_devanagari(tmp_path: Path) -> None:
    path = _pdf(tmp_path, "en")
    assert not any("Devanagari" in row[0] for row in _fonts(path))
    assert "Neck pain and screen work" in _text(path)


def _glyphs_drawn(text: str, *, shaping: bool) -> int:
    """How many glyphs the PDF draws for `text` (2-byte glyph ids in its Tj strings)."""
    document = pdf.new_document(shaping=shaping)
    document.set_compression(False)
    document.add_page()
    document.set_font("DejaVu", size=12)
    document.cell(0, 10, text)
    data = bytes(document.output())
    page = data[data.index(b"BT") : data.index(b"ET", data.index(b"BT"))]
    return sum(len(s) // 2 for s in re.findall(rb"\(((?:[^()\\]|\\.)*)\) Tj", page, re.S))


def test_report_pdf_shapes_devanagari() -> None:
    # गर्दन: ग र ् द न are five characters; shaped, र् becomes the reph (a mark over द) and no
    # virama is drawn: four glyphs. Unshaped, each character is its own glyph.
    assert _glyphs_drawn("गर्दन", shaping=False) == 5
    assert _glyphs_drawn("गर्दन", shaping=True) == 4


# --- the records: names stay, the README is translated -------------------------------------------


def test_report_csv_readme_in_german_keeps_the_columns_names() -> None:
    speak("de")
    data = to_csv_zip(records(), PERIOD, NOW)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        readme = archive.read("README.txt").decode()
        header = archive.read("breaks.csv").decode().splitlines()[0]
    assert readme.startswith("Posture-Guard-Aufzeichnungen: eine Tabelle pro Datei (CSV)")
    assert "  snoozes: wie oft sie verschoben wurde" in readme
    assert "breaks:" in readme
    assert header == "day,kind,outcome,due,prompted,started,ended,snoozes,exercise"
