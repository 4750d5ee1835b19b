"""The statistics window on a real X desktop (own Xvfb + openbox): drawn by GTK 3 (read by a
real AT-SPI registry) and by Tk, from a real diary holding a week of breaks and active time;
closed with Esc; at 100 % and 200 % and in high contrast. Screenshots go to
tests/artifacts/statistics-*.png."""

from __future__ import annotations

import subprocess
import sys
import time
from datetime import date, datetime, timedelta
from datetime import time as clock
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from PIL import Image

from posture_guard.app.store import Store
from posture_guard.core.records import BreakRecord, DayActivity
from posture_guard.core.statistics import ACTIVE_COLOUR
from posture_guard.core.stretches import WorkStretch
from posture_guard.core.timer import Outcome
from tests.app import Output, stop_process
from tests.desktop.atspi import accessibility, focused
from tests.desktop.conftest import save_screenshot, wait_until
from tests.desktop.test_forms_gtk import settle
from tests.desktop.test_welcome_window import user_env
from tests.desktop.wm import Desk, desk, wait_gone

__all__ = ["desk"]

pytestmark = pytest.mark.desktop

TITLE = "Statistics - Posture Guard"
ZONE = "Europe/Berlin"
ACTIVE_RGB = tuple(int(ACTIVE_COLOUR[i : i + 2], 16) for i in (1, 3, 5))


def working_day_now() -> date:
    """The working day the window's clock is in (the zone the test sets; day starts 04:00)."""
    return (datetime.now(ZoneInfo(ZONE)) - timedelta(hours=4)).date()


def fill_diary(env: dict[str, str]) -> date:
    """A week in the diary, ending today: day n (0 = today, 6 = six days ago) has (n + 1)
    hours of active time, two taken breaks, one natural and, on today and yesterday, one
    skipped; a 50-minute stretch yesterday is the longest. Returns today."""
    today = working_day_now()
    zone = ZoneInfo(ZONE)
    database = Path(env["XDG_DATA_HOME"]) / "posture-guard" / "posture-guard.sqlite3"
    breaks, activity = [], []
    for n in range(7):
        day = today - timedelta(days=n)
        noon = datetime.combine(day, clock(12, 0), tzinfo=zone)
        activity.append(DayActivity(day=day, active_s=(n + 1) * 3600))
        outcomes = [Outcome.TAKEN, Outcome.TAKEN, Outcome.NATURAL]
        if n < 2:
            outcomes.append(Outcome.SKIPPED)
        breaks += [
            BreakRecord(kind="posture", ended=noon + timedelta(minutes=10 * i), outcome=outcome)
            for i, outcome in enumerate(outcomes)
        ]
    yesterday = datetime.combine(today - timedelta(days=1), clock(11, 0), tzinfo=zone)
    stretch = WorkStretch(started=yesterday - timedelta(minutes=50), ended=yesterday, active_s=3000)
    with Store.open(database) as store:
        store.save(breaks=breaks, activity=activity, stretches=[stretch])
    return today


class Statistics:
    """`python -m posture_guard.ui.statistics` on the desk, until it exits."""

    def __init__(self, desk: Desk, env: dict[str, str], *extra: str) -> None:
        self.desk = Desk(desk.display, env)
        self.toolkit = env["POSTURE_GUARD_TOOLKIT"]
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "posture_guard.ui.statistics", *extra],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )  # fmt: skip
        self.out = Output(self.proc)

    def wait(self) -> None:
        wait_until(lambda: self.title() == TITLE, f"the window {TITLE!r}", 20)
        time.sleep(0.8)  # drawn and focused

    def title(self) -> str:
        ids = self.desk.xdotool("search", "--onlyvisible", "--class", "PostureGuardInfo").split()
        return self.desk.xdotool("getwindowname", ids[0]).strip() if ids else ""

    def shot(self, name: str) -> Path:
        return save_screenshot(self.desk.display, f"statistics-{name}-{self.toolkit}")

    def close(self) -> None:
        stop_process(self.proc)
        if self.proc.stdout is not None:
            self.proc.stdout.close()


@pytest.fixture
def opened(desk: Desk):
    made: list[Statistics] = []

    def open_(env: dict[str, str], *extra: str) -> Statistics:
        made.append(Statistics(desk, env, *extra))
        return made[-1]

    yield open_
    for window in made:
        window.close()


def colour_pixels(path: Path, rgb: tuple[int, ...]) -> int:
    with Image.open(path) as image:
        colours = image.convert("RGB").getcolors(1 << 24) or []
    return sum(n for n, colour in colours if colour == rgb)


@pytest.fixture(params=["gtk", "tk"])
def env(desk: Desk, tmp_path: Path, request: pytest.FixtureRequest) -> dict[str, str]:
    found = {**user_env(desk, tmp_path, request.param), "TZ": ZONE, "LANGUAGE": "en"}
    fill_diary(found)
    return found


def test_statistics_window_draws_the_bars_in_the_reports_blue_and_esc_closes_it(desk, env, opened):
    # Protects: the window opens from a real diary, draws the active time per day in the
    # report's colour for it, and Esc closes it (exit 0).
    window = opened(env)
    window.wait()
    shot = window.shot("100")
    assert colour_pixels(shot, ACTIVE_RGB) > 2000  # seven bars of active time
    desk.xdotool("key", "Escape")
    assert wait_gone(window.proc) == 0


@pytest.mark.parametrize(
    "look",
    [
        ("200", {"GDK_SCALE": "2"}, ("--scale", "2")),
        ("high-contrast", {"GTK_THEME": "HighContrast"}, ()),
    ],
)
def test_statistics_window_at_200_percent_and_in_high_contrast(desk, env, opened, look):
    # Protects: the window opens at 200 % (GDK_SCALE=2 for GTK, --scale 2 for Tk) and in high
    # contrast (the bars then in the high-contrast accent, not the usual blue); screenshots
    # to look at.
    name, extra_env, args = look
    window = opened({**env, **extra_env}, *(args if env["POSTURE_GUARD_TOOLKIT"] == "tk" else ()))
    window.wait()
    shot = window.shot(name)
    if name == "high-contrast":
        assert colour_pixels(shot, ACTIVE_RGB) == 0
        assert colour_pixels(shot, (0xFF, 0xDD, 0x00)) > 2000
    desk.xdotool("key", "Escape")
    assert wait_gone(window.proc) == 0


def test_gtk_statistics_rows_and_bars_are_named_for_screen_readers_and_tab_reaches_them(
    desk, tmp_path, opened
):
    # Protects: a screen reader hears each row of the table as one sentence (each period and
    # its figure), the bars as every day's time, and Tab moves down the rows, to the bars,
    # to Close; the first row has the focus when the window opens.
    plain = {**user_env(desk, tmp_path, "gtk"), "TZ": ZONE, "LANGUAGE": "en"}
    fill_diary(plain)
    with accessibility(plain, tmp_path / "a11y") as env:
        window = opened(env)
        window.wait()
        app = settle(env, TITLE)
        rows = [n.name for n in app.walk() if n.role == "list item"]
        assert rows == [
            "active time: Today 1h, Last 7 days 28h, Last 30 days 28h",
            "longest stretch: Today -, Last 7 days 50m, Last 30 days 50m",
            "taken: Today 2, Last 7 days 14, Last 30 days 14",
            "natural: Today 1, Last 7 days 7, Last 30 days 7",
            "skipped: Today 1, Last 7 days 2, Last 30 days 2",
            "adherence: Today 75%, Last 7 days 91%, Last 30 days 91%",
        ]
        reached = []
        for _ in range(len(rows) + 2):
            now = focused(env)
            assert now is not None
            reached.append(now.name)
            desk.xdotool("key", "Tab")
            time.sleep(0.2)
        assert reached[: len(rows)] == rows  # the first row first, then each row in turn
        assert reached[-2].startswith("Active time per day, last 7 days: ")
        assert reached[-2].endswith(" 1h")  # today, the last bar
        assert reached[-1] == "Close"
        desk.xdotool("key", "Escape")
        assert wait_gone(window.proc) == 0
