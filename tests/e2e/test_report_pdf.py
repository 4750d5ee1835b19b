"""The PDF report rendered to PNG pages by poppler's pdftoppm (issue 5, acceptance 2): pages
exist, none is blank, the text is there. Pages: tests/artifacts/report-pdf-*.png."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from PIL import Image

from tests.app import App
from tests.browser.conftest import ARTIFACTS
from tests.e2e.test_diary_cli import ok
from tests.e2e.test_report_cli import write_known_history

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
        '<script>alert("x")</script> & <b>bold</b> =SUM(A1) ünïcødé',
        "?? ",  # the note's 中文: DejaVu Sans has no glyph for them
    ):
        assert expected in " ".join(words.split()), expected
    assert "中" not in words


def test_report_pdf_of_an_empty_store_is_one_friendly_page(app: App) -> None:
    pdf = app.home / "empty.pdf"
    ok(app, "report", "--format", "pdf", "--out", str(pdf))
    (shot,) = pages(pdf, "report-pdf-empty")
    assert inked(shot) > 0.005
    assert "No data yet" in text(pdf)
