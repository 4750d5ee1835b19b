"""The PDF report rendered to PNG pages by poppler's pdftoppm (issue 5, acceptance 2): pages
exist, none is blank, the text is there. Pages: tests/artifacts/report-pdf-*.png."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from PIL import Image

from posture_guard.report import pdf
from posture_guard.report.model import build
from tests.app import App
from tests.browser.conftest import ARTIFACTS
from tests.e2e.test_diary_cli import ok
from tests.e2e.test_report_cli import write_known_history
from tests.unit.test_report_model import NOW, PERIOD, records

pytestmark = pytest.mark.e2e


def pages(pdf: Path, name: str) -> list[Path]:
    """Each page as a PNG at 80 dpi in tests/artifacts, named `name`-N.png."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTIFACTS.glob(f"{name}-*.png"):
        old.unlink()
    subprocess.run(["pdftoppm", "-r", "80", "-png", str(pdf), str(ARTIFACTS / name)], check=True)
    return sorted(ARTIFACTS.glob(f"{name}-*.png"))


def inked(png: Path) -> float:
    """The share of the page's pixels that are not (nearly) white."""
    with Image.open(png) as image:
        gray = image.convert("L")
    histogram = gray.histogram()
    return 1 - sum(histogram[245:]) / (gray.width * gray.height)


def text(pdf: Path) -> str:
    done = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True)  # fmt: skip
    return done.stdout


@pytest.mark.date_sensitive  # its history ends today (Tokyo)
def test_report_pdf_pages_render_and_are_not_blank(app: App) -> None:
    write_known_history(app)
    pdf = app.home / "report.pdf"
    ok(app, "report", "--since", "28d", "--format", "pdf", "--out", str(pdf))
    assert pdf.read_bytes().startswith(b"%PDF-")
    shots = pages(pdf, "report-pdf")
    assert len(shots) >= 2
    for shot in shots:
        with Image.open(shot) as image:
            assert image.size == (662, 936)  # A4 (210 x 297 mm) at 80 dpi
        assert inked(shot) > 0.02, shot
    words = text(pdf)
    for expected in (
        "Neck pain and screen work: a report for your clinician",
        "Contains health information.",
        "Summary for the clinician",
        "Work patterns before episodes",
        "In the 7 days before episode 1",
        '<script>alert("x")</script> & <b>bold</b> =SUM(A1) ünïcødé 😀 中文',
    ):
        assert expected in " ".join(words.split()), expected


def test_report_pdf_draws_hindi_and_chinese_notes_as_text(app: App) -> None:
    """Issue 13: a note in Chinese came out of the PDF as "??". Text the report's own fonts lack
    is drawn with a font of this computer that has it (fontconfig finds it; tests/run.sh
    installs a Chinese font), embedded, so the PDF holds it as text; what no font here has is
    "?" and the report is still written."""
    hindi, chinese, nowhere = "गर्दन में अकड़न", "脖子僵硬\uff0c转头疼痛", "\U0010fffd"
    ok(app, "episode", "start", "--pain", "5", "--notes", f"{hindi} / {chinese} / {nowhere}")
    pdf = app.home / "notes.pdf"
    ok(app, "report", "--since", "all", "--format", "pdf", "--out", str(pdf))
    words = text(pdf)
    assert hindi in words
    assert chinese in words
    assert f"{chinese} / ?" in words
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True)
    assert len(fonts.stdout.splitlines()) >= 2 + 4  # DejaVu, its bold, Devanagari, a CJK font
    shots = pages(pdf, "report-pdf-notes")
    assert all(inked(shot) > 0.005 for shot in shots)


def test_report_pdf_of_an_empty_store_is_one_friendly_page(app: App) -> None:
    pdf = app.home / "empty.pdf"
    ok(app, "report", "--format", "pdf", "--out", str(pdf))
    (shot,) = pages(pdf, "report-pdf-empty")
    assert inked(shot) > 0.005
    assert "No data yet" in text(pdf)


@pytest.mark.date_sensitive  # its history ends today (Tokyo)
def test_report_pdf_branded_by_a_policy_has_the_logo_name_and_clinic(
    app: App, tmp_path: Path
) -> None:
    """Issue 6: the organisation's logo at the top left of page 1, its name in the head and in
    every page's footer, its clinic said to be theirs, the accent in the headings; no welcome."""
    from tests.e2e.test_report_branding import ACCENT, brand

    brand(app, tmp_path)
    write_known_history(app)
    pdf = app.home / "branded.pdf"
    ok(app, "report", "--since", "28d", "--format", "pdf", "--out", str(pdf))
    shots = pages(pdf, "report-pdf-branded")
    assert len(shots) >= 2
    accent = tuple(int(ACCENT[i : i + 2], 16) for i in (1, 3, 5))
    with Image.open(shots[0]) as image:
        first = image.convert("RGB")
    # the logo's badge: 12 mm high at the 16 mm margins, i.e. about 50-88 px at 80 dpi
    badge = [first.getpixel((x, y)) for x in range(52, 86, 2) for y in range(52, 86, 2)]
    red = [p for p in badge if all(abs(a - b) < 40 for a, b in zip(p, accent, strict=True))]
    assert len(red) > len(badge) / 2
    words = " ".join(text(pdf).split())
    assert "Provided by Acme Ltd" in words
    assert words.count("Provided by Acme Ltd · Contains health information") == len(shots)
    assert "Clinic offered by Acme Ltd: Acme Physio (phone +44 20 7946 0000)" in words
    assert "Book: https://physio.acme.example/book" in words
    assert "Questions about Posture Guard (the app, not your health): IT desk, ext. 4357" in words
    assert "Welcome to Acme" not in words


def test_report_pdf_keeps_a_heading_and_its_sentences_on_the_page_of_their_table(
    tmp_path: Path,
) -> None:
    """The known history once left "Work patterns before episodes" and its sentences at the
    foot of page 3 with their table overleaf; a section now moves over whole instead."""
    out = tmp_path / "report.pdf"
    out.write_bytes(pdf.render(build(records(), PERIOD, NOW)))
    pages = text(out).split("\f")
    for heading, *parts in (
        ("Work patterns before episodes", "In the 7 days before episode 1", "baseline"),
        ("Triggers and what helped", "How many of the 3 episodes named each.", "stretching"),
    ):
        (page,) = [page for page in pages if heading in page]
        assert all(part in page for part in parts), (heading, page)
