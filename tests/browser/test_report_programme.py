"""The report's clinic programme in a real headless Chromium (issue 17, acceptance 3): after the
sample pack is imported and breaks offered its exercises, the page shows the pack, its version
and adherence per exercise, cleanly. Screenshot: tests/artifacts/report-programme.png."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from posture_guard.app.store import Store
from posture_guard.core.records import BreakRecord
from posture_guard.core.timer import Outcome
from tests import packs
from tests.app import App
from tests.browser.conftest import ARTIFACTS, Visit
from tests.e2e.test_diary_cli import database, ok

pytestmark = pytest.mark.browser

Open = Callable[[Path, int], Visit]

ROWS_JS = """
() => [...document.querySelectorAll('#programme table')].map(t =>
  [...t.querySelectorAll('tr')].map(r => [...r.children].map(c => c.textContent.trim())))
"""


def test_report_page_shows_the_programmes_adherence_per_exercise(app: App, open_page: Open) -> None:
    # Protects: the report shows the pack and its version, and per prescribed exercise the
    # breaks that offered it and those done (acceptance 3).
    ok(app, "clinic", "import", str(packs.SAMPLE))
    now = datetime.now().astimezone().replace(microsecond=0)
    offered = [
        (packs.NOD, Outcome.TAKEN), (packs.NOD, Outcome.TAKEN), (packs.NOD, Outcome.SKIPPED),
        ("riverside-shoulder-circles", Outcome.TAKEN),
    ]  # fmt: skip
    with Store.open(database(app)) as store:
        for n, (exercise, outcome) in enumerate(offered, start=1):
            store.add_break(
                BreakRecord(
                    kind="stretch",
                    ended=now - timedelta(minutes=15 * n),
                    outcome=outcome,
                    exercise=exercise,
                )
            )
    path = app.home / "report.html"
    ok(app, "report", "--since", "7d", "--out", str(path))
    visit = open_page(path, 1100)
    assert visit.errors == []
    assert visit.requests == [path.as_uri()]
    section = visit.page.locator("#programme")
    assert "riverside-neck-programme, version 1.2" in section.inner_text()
    adherence, _pain = visit.page.evaluate(ROWS_JS)
    assert adherence[0] == ["exercise", "phases", "per day", "offered", "done", "done of offered"]
    assert adherence[1:3] == [
        ["Supported chin nod", "acute, recovery", "3", "3", "2", "67%"],
        ["Slow shoulder circles", "acute", "4", "1", "1", "100%"],
    ]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    section.screenshot(path=str(ARTIFACTS / "report-programme.png"))
