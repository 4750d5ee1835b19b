"""The HTML report in a real headless Chromium (issue 5, acceptance 2 and 3): no console errors,
no request but the file itself, charts drawn with visible shapes, readable at phone width; the
known history, an empty store and five years of data. Screenshots: tests/artifacts/report-*.png.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from posture_guard.app.store import Store
from posture_guard.testing import synthetic_years
from tests import report_history as h
from tests.app import App
from tests.browser.conftest import Visit
from tests.e2e.test_diary_cli import database, ok
from tests.e2e.test_report_cli import write_known_history

pytestmark = [pytest.mark.browser, pytest.mark.date_sensitive]

Open = Callable[[Path, int], Visit]

#: Per chart: its drawn size and how many of its shapes (bars, lines, markers) have an area.
CHARTS_JS = """
() => [...document.querySelectorAll('figure svg')].map(svg => {
  const box = svg.getBoundingClientRect();
  const shapes = [...svg.querySelectorAll('path, rect, use')].filter(el => {
    const b = el.getBoundingClientRect();
    return b.width > 0 && b.height > 0;
  });
  return {width: box.width, height: box.height, shapes: shapes.length};
})
"""


def report(app: App, *args: str) -> Path:
    out = app.home / "report.html"
    ok(app, "report", "--out", str(out), *args)
    return out


def clean(visit: Visit, path: Path) -> None:
    """Nothing went wrong and nothing was fetched."""
    assert visit.errors == []
    assert [m for m in visit.console if m.startswith(("error", "warning"))] == []
    assert visit.requests == [path.as_uri()]


def test_report_page_of_a_known_history_renders_cleanly(app: App, open_page: Open) -> None:
    write_known_history(app)
    path = report(app, "--since", "28d")
    visit = open_page(path, 1100)
    clean(visit, path)
    charts = visit.page.evaluate(CHARTS_JS)
    assert len(charts) == 2
    daily, pain = charts
    assert daily["width"] > 600
    assert daily["height"] > 250
    assert daily["shapes"] > 2 * 26  # two bars (or more) for each of 26 recorded days
    assert pain["height"] > 150
    assert pain["shapes"] > 10  # lines and markers of 3 episodes and 3 check-ins
    text = visit.page.inner_text("main")
    assert "Contains health information." in text
    assert "In the 7 days before episode 1" in text
    assert '<script>alert("x")</script>' in text  # the note shown as text, not run
    visit.screenshot("report-desktop")


def test_report_page_fits_a_phone_screen(app: App, open_page: Open) -> None:
    write_known_history(app)
    path = report(app, "--since", "28d")
    visit = open_page(path, 390)
    clean(visit, path)
    width = visit.page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390  # wide tables scroll inside their own box, the page does not
    charts = visit.page.evaluate(CHARTS_JS)
    assert [c["width"] <= 390 and c["shapes"] > 10 for c in charts] == [True, True]
    visit.screenshot("report-phone")


def test_report_page_of_an_empty_store_says_no_data_yet(app: App, open_page: Open) -> None:
    path = report(app)
    visit = open_page(path, 1100)
    clean(visit, path)
    assert "No data yet" in visit.page.inner_text("#summary")
    assert visit.page.evaluate(CHARTS_JS) == []
    visit.screenshot("report-empty")


def test_report_page_of_five_years_still_works(app: App, open_page: Open) -> None:
    app.env["TZ"] = "Asia/Tokyo"
    # a fixed last day: the weekdays in five years depend on the day they end (issue 13)
    with Store.open(database(app)) as store:
        days, breaks = synthetic_years(store, date(2026, 11, 20), 5, h.TOKYO)
    assert (days, breaks) == (1305, 27627)
    path = report(app, "--since", "all")
    visit = open_page(path, 1100)
    clean(visit, path)
    daily, pain = visit.page.evaluate(CHARTS_JS)
    assert daily["shapes"] > 2 * 250  # a bar per week (five years is too many for a bar a day)
    assert pain["shapes"] > 37
    assert "per week" in visit.page.inner_text("#daily")
    visit.screenshot("report-5-years")


def test_report_page_prints_on_a4_with_the_booking_address(app: App, open_page: Open) -> None:
    """Chromium's own print (the print CSS): A4 pages with ink, the link's address printed."""
    import subprocess

    from tests.e2e.test_report_pdf import inked, pages

    write_known_history(app)
    ok(app, "clinic", "set", "--name", "Riverside Physio", "--booking-url",
       "https://riverside.example/book")  # fmt: skip
    path = report(app, "--since", "28d")
    visit = open_page(path, 1100)
    clean(visit, path)
    printed = app.home / "printed.pdf"
    visit.page.pdf(path=str(printed), format="A4", print_background=True)
    shots = pages(printed, "report-print")
    assert 2 <= len(shots) <= 6
    assert all(inked(shot) > 0.02 for shot in shots)
    words = subprocess.run(["pdftotext", str(printed), "-"], capture_output=True, text=True,
                           check=True).stdout  # fmt: skip
    assert "(https://riverside.example/book)" in words  # a[href]::after, for paper


def test_report_page_branded_by_a_policy_embeds_the_logo_and_fetches_nothing(
    app: App, open_page: Open, tmp_path: Path
) -> None:
    """Issue 6: the organisation's logo, name, accent and clinic, and still no request but the
    file itself (the logo is a data: URI, drawn from inside the file)."""
    from tests.e2e.test_report_branding import ACCENT, brand

    brand(app, tmp_path)
    write_known_history(app)
    path = report(app, "--since", "28d")
    visit = open_page(path, 1100)
    clean(visit, path)  # the only request is the file: the logo comes from inside it
    logo = visit.page.evaluate(
        "() => { const i = document.querySelector('header img');"
        " return {loaded: i.complete, w: i.naturalWidth, h: i.naturalHeight,"
        " shown: i.getBoundingClientRect().height, src: i.currentSrc.slice(0, 22)}; }"
    )
    assert logo == {"loaded": True, "w": 240, "h": 80, "shown": 48, "src": "data:image/png;base64,"}
    header = visit.page.inner_text("header")
    assert "Provided by Acme Ltd" in header
    assert "Clinic offered by Acme Ltd: Acme Physio" in header
    colour = visit.page.evaluate("getComputedStyle(document.querySelector('h2')).color")
    assert (
        colour
        == "rgb(200, 16, 46)"
        == "rgb({}, {}, {})".format(*(int(ACCENT[i : i + 2], 16) for i in (1, 3, 5)))
    )
    visit.screenshot("report-branded")
    phone = open_page(path, 390)
    clean(phone, path)
    assert phone.page.evaluate("document.documentElement.scrollWidth") <= 390
    phone.screenshot("report-branded-phone")
