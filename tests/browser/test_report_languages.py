"""The report made by `posture-guard report` under LANGUAGE=de and LANGUAGE=hi, in a real headless
Chromium (HTML) and through poppler (PDF): the page says its language, the words and dates are
the language's, nothing is fetched, German fits a phone, and Hindi is drawn with a Devanagari font.
Screenshots: tests/artifacts/report-{de,hi}*.png, report-pdf-{de,hi}-N.png (LOOK at them:
Devanagari shaped, no dotted circles, no visible virama in गर्दन; German words not clipped).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.app import App
from tests.browser.conftest import Visit
from tests.e2e.test_diary_cli import ok
from tests.e2e.test_report_cli import write_known_history
from tests.e2e.test_report_pdf import inked, pages, text

pytestmark = [pytest.mark.browser, pytest.mark.date_sensitive]  # the history ends today

Open = Callable[[Path, int], Visit]
MONTHS_HI = ("जनवरी", "फ़रवरी", "मार्च", "अप्रैल", "मई", "जून", "जुलाई", "अगस्त", "सितंबर", "अक्तूबर",
             "नवंबर", "दिसंबर")  # fmt: skip


def report(app: App, code: str, fmt: str = "html") -> Path:
    app.env["LANGUAGE"] = code
    out = app.home / f"report-{code}.{fmt}"
    ok(app, "report", "--since", "28d", "--format", fmt, "--out", str(out))
    return out


def fonts_used(visit: Visit, selector: str) -> set[str]:
    """The font families Chromium really used for the text of `selector` (DevTools' platform
    fonts: the ones that drew glyphs, not the ones the style sheet asked for)."""
    cdp = visit.page.context.new_cdp_session(visit.page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument")["root"]["nodeId"]
    node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
    used = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    return {font["familyName"] for font in used}


def test_report_page_in_hindi(app: App, open_page: Open) -> None:
    write_known_history(app)
    path = report(app, "hi")
    visit = open_page(path, 1100)
    assert visit.errors == []
    assert visit.requests == [path.as_uri()]
    page = visit.page
    assert page.evaluate("document.documentElement.lang") == "hi"
    assert page.evaluate("document.documentElement.dir") == "ltr"
    heading = page.inner_text("h1")
    assert heading == "गर्दन दर्द और स्क्रीन पर काम: आपके डॉक्टर या थेरेपिस्ट के लिए रिपोर्ट"
    assert any("Devanagari" in family for family in fonts_used(visit, "h1"))
    meta = page.inner_text(".meta")
    assert "(28 दिन; दिन 04:00 बजे शुरू होता है)" in meta
    assert any(month in meta for month in MONTHS_HI)  # the dates' months (the history ends today)
    assert "इसमें स्वास्थ्य संबंधी जानकारी है।" in page.inner_text(".notice")
    visit.screenshot("report-hi")


def test_report_page_in_german_fits_a_phone(app: App, open_page: Open) -> None:
    write_known_history(app)
    path = report(app, "de")
    for width, name in ((1100, "report-de"), (390, "report-de-phone")):
        visit = open_page(path, width)
        assert visit.errors == []
        assert visit.requests == [path.as_uri()]
        page = visit.page
        assert page.evaluate("document.documentElement.lang") == "de"
        assert page.inner_text("h1").startswith("Nackenschmerzen und Bildschirmarbeit")
        assert "Gesundheitsdaten" in page.inner_text(".notice")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        visit.screenshot(name)


@pytest.mark.parametrize(
    ("code", "words"),
    [
        ("de", ("Nackenschmerzen und Bildschirmarbeit", "Zusammenfassung für die Behandlung")),
        ("hi", ("गर्दन दर्द और स्क्रीन पर काम", "सारांश")),
    ],
)
def test_report_pdf_pages_in_a_language(app: App, code: str, words: tuple[str, ...]) -> None:
    write_known_history(app)
    path = report(app, code, "pdf")
    shots = pages(path, f"report-pdf-{code}")
    assert len(shots) >= 2
    assert all(inked(shot) > 0.02 for shot in shots)
    found = " ".join(text(path).split())
    for expected in words:
        assert expected in found


def test_report_pdf_table_headers_keep_their_words_whole(app: App) -> None:
    # Protects: a narrow column is never narrower than its longest word in the header's bold
    # font: German headers were broken inside words ("Schme rz:", "Daue r", "helpe d").
    write_known_history(app)
    path = report(app, "de", "pdf")
    found = text(path).split()
    for word in ("Schmerz:", "Höchstwert", "Dauer", "geholfen", "Steifheit", "Empfehlung"):
        assert word in found, word
