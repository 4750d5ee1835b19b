"""The episode and check-in forms on a real X desktop (own Xvfb + openbox), typed into with
xdotool, saving into a real SQLite diary; each drawn by GTK 3 and by Tk (POSTURE_GUARD_TOOLKIT).
Screenshots go to tests/artifacts/<name>-<toolkit>.png."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from PIL import Image

from posture_guard.app.store import Store
from posture_guard.core.episodes import AgeBand, Area, Episode, Lasted, Stiffness
from posture_guard.desktop.paths import APP_NAME, default_paths
from tests.app import Output, stop_process
from tests.desktop.conftest import save_screenshot, wait_until
from tests.desktop.wm import Desk, desk, wait_gone

__all__ = ["desk"]

pytestmark = pytest.mark.desktop


@pytest.fixture(params=["gtk", "tk"])
def diary_env(desk, tmp_path, request):
    home = tmp_path / "home"
    env = {
        **desk.env,
        "POSTURE_GUARD_TOOLKIT": request.param,
        "HOME": str(home),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_STATE_HOME": str(home / "state"),
        "XDG_RUNTIME_DIR": str(tmp_path / "run"),
    }
    (tmp_path / "run").mkdir(mode=0o700)
    return env


def shot(desk: Desk, env: dict[str, str], name: str) -> Path:
    """A screenshot named after the toolkit that drew the window."""
    return save_screenshot(desk.display, f"{name}-{env['POSTURE_GUARD_TOOLKIT']}")


def database(env: dict[str, str]) -> Path:
    """Where the form process keeps the diary (paths.py reads XDG_DATA_HOME)."""
    return Path(env["XDG_DATA_HOME"]) / APP_NAME / default_paths().database.name


def database_made(env: dict[str, str]) -> Path:
    """`database`, its folder made private as the app makes it, for a diary written first."""
    path = database(env)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


class FormProcess:
    def __init__(self, desk: Desk, env: dict[str, str], form: str, title: str, *args: str) -> None:
        self.desk = Desk(desk.display, env)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "posture_guard.ui.forms", form, *args],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        self.out = Output(self.proc)
        wait_until(
            lambda: self.desk.windows_named(f"{title} - Posture Guard"), f"the {form} form", 10
        )
        time.sleep(0.6)  # the first field takes the focus 50 ms after the window maps

    def keys(self, *keys: str) -> None:
        for key in keys:
            self.desk.xdotool("key", key)
            time.sleep(0.05)
        time.sleep(0.4)

    def type(self, text: str) -> None:
        self.desk.xdotool("type", text)
        time.sleep(0.2)

    def result(self) -> dict[str, object]:
        self.out.wait_for("outcome", 10)
        assert wait_gone(self.proc) == 0
        return json.loads(self.out.lines[-1])

    def close(self) -> None:
        stop_process(self.proc)
        self.out._thread.join(5)
        for pipe in (self.proc.stdout, self.proc.stderr):
            if pipe is not None:
                pipe.close()


@pytest.fixture
def form(desk, diary_env):
    opened: list[FormProcess] = []

    def make(name: str, title: str) -> FormProcess:
        made = FormProcess(desk, diary_env, name, title)
        opened.append(made)
        return made

    yield make
    for made in opened:
        made.close()


def test_episode_form_asks_for_the_pain_on_a_scale_then_saves_in_the_forms_words(
    form, desk, diary_env
):
    """Pain was typed as a number: it is chosen on 0-10 with the keyboard (a refusal beside it
    while none is chosen); the Saved page then says the words the form used."""
    f = form("episode", "Log a neck-pain episode")
    f.keys("Return")  # no pain chosen yet: needed to start
    shot(desk, diary_env, "form-episode-error")
    assert f.proc.poll() is None  # still open, nothing saved
    with Store.open(database(diary_env)) as store:
        assert store.episodes() == []
    # the focus is back on the pain's first choice (0); six Tabs on is 6
    f.keys(*["Tab"] * 6, "space")
    f.keys(*["Tab"] * 6, "space")  # 7, 8, 9, 10, then the stiffness: none, a little stiff
    f.keys(*["Tab"] * 4, "space")  # moderate, severe, not answered, the first area: neck-left
    f.keys("Return")
    shot(desk, diary_env, "form-episode-saved")
    f.keys("Return")  # Close
    assert f.result() == {"outcome": "saved", "form": "episode", "action": "start"}
    with Store.open(database(diary_env)) as store:
        episode = store.open_episode()
    assert episode is not None
    assert (episode.pain_at_start, episode.stiffness) == (6, Stiffness.MILD)
    assert episode.areas == {Area.NECK_LEFT}


def test_an_unanswered_stiffness_is_saved_unanswered(form, diary_env):
    """It was saved as "no stiffness": left as it opened ("not answered") it stays None."""
    f = form("episode", "Log a neck-pain episode")
    f.keys("space", "Return")  # pain 0, nothing else
    f.keys("Return")  # Close
    assert f.result()["outcome"] == "saved"
    with Store.open(database(diary_env)) as store:
        episode = store.open_episode()
    assert episode is not None
    assert (episode.pain_at_start, episode.stiffness) == (0, None)


#: From the first control, Shift+Tab wraps to Cancel, then: Start episode, the day, the time,
#: "Another day", "Earlier today", "Now", the notes.
BACK_TO_NOTES = 8


def test_enter_in_the_notes_is_a_new_line_and_ctrl_enter_saves(form, diary_env):
    """Enter in the notes saved and closed the form, losing the rest of the note."""
    f = form("episode", "Log a neck-pain episode")
    f.keys("space")  # pain 0
    f.keys(*["shift+Tab"] * BACK_TO_NOTES)
    f.type("stiff")
    f.keys("Return")
    f.type("after desk")
    assert f.proc.poll() is None  # still open
    with Store.open(database(diary_env)) as store:
        assert store.episodes() == []
    f.keys("ctrl+Return")
    f.keys("Return")  # Close
    assert f.result()["outcome"] == "saved"
    with Store.open(database(diary_env)) as store:
        episode = store.open_episode()
    assert episode is not None
    assert episode.notes == "stiff\nafter desk"


def test_a_refusal_on_top_brings_the_focus_to_when(form, desk, diary_env):
    """A refusal at the top was missed: it shows above the questions, and "When?", which it
    concerns, takes the focus (its first choice, "Now", is chosen by Space)."""
    yesterday = datetime.now().astimezone().replace(microsecond=0) - timedelta(days=1)
    day = yesterday.date()
    with Store.open(database_made(diary_env)) as store:
        started = datetime.combine(day, datetime.min.time(), yesterday.tzinfo)
        store.start_episode(Episode(started=started + timedelta(hours=8), pain_at_start=3,
                                    pain_peak=3))  # fmt: skip
        store.end_episode(started + timedelta(hours=20))
    f = form("episode", "Log a neck-pain episode")
    f.keys("space")  # pain 0
    f.keys(*["shift+Tab"] * 5, "space")  # "Another day"
    f.keys("Tab")
    f.type("12:00")
    f.keys("Tab")
    f.type(day.isoformat())
    f.keys("Return")  # inside episode 1: refused on top
    shot(desk, diary_env, "form-episode-refused-on-top")
    assert f.proc.poll() is None
    f.keys("space", "Return")  # the focus is on "Now": now is after episode 1
    f.keys("Return")  # Close
    assert f.result()["outcome"] == "saved"
    with Store.open(database(diary_env)) as store:
        assert len(store.episodes()) == 2


def test_check_in_form_asks_for_what_is_missing_saves_and_shows_the_advice(form, desk, diary_env):
    f = form("check-in", "How is your neck today?")
    shot(desk, diary_env, "form-check-in")
    f.keys(*["Tab"] * 4, "space")  # pain 4
    f.keys("Return")  # stiffness has no answer and no default yet
    shot(desk, diary_env, "form-check-in-missing")
    f.keys("space")  # the focus went to the first stiffness choice: no stiffness
    f.keys("Return")  # the warning signs need an answer: "None of these" is not assumed
    shot(desk, diary_env, "form-check-in-warning-signs-missing")
    f.keys("space")  # the focus went to the first warning-sign choice: None of these
    f.keys("Return")  # how long it has lasted has no answer (no open episode)
    f.keys("space")  # the focus went to its first choice: less than a week
    f.keys("Return")  # now the age is the one missing; its first band has the focus
    f.keys("Tab", "space")  # 20 to 50
    f.keys("Return")
    shot(desk, diary_env, "form-check-in-advice")
    f.keys("Return")
    outcome = f.result()
    assert outcome["outcome"] == "saved"
    assert outcome["form"] == "check-in"
    with Store.open(database(diary_env)) as store:
        latest = store.latest_check_in()
    assert latest is not None
    assert (latest.check_in.pain_now, latest.check_in.stiffness) == (4, Stiffness.NONE)
    assert latest.check_in.age_band is AgeBand.FROM_20_TO_50
    assert latest.check_in.symptoms == frozenset()  # "None of these", said
    assert latest.check_in.pain_lasted is Lasted.UNDER_1_WEEK
    assert outcome["tier"] == latest.advice.tier.value


DISCARD = "Discard what you entered? - Posture Guard"


def test_escape_closes_an_untouched_form_at_once(form, diary_env):
    f = form("episode", "Log a neck-pain episode")
    f.keys("Escape")
    assert f.result() == {"outcome": "cancelled"}


def test_escape_asks_before_a_filled_form_is_discarded(form, desk, diary_env):
    """Esc threw a filled form away without asking: it asks "Discard what you entered?", Keep
    editing first (Enter, Esc); the window's close button asks too; Discard closes."""
    f = form("check-in", "How is your neck today?")
    f.keys("space")  # pain 0
    f.keys("Escape")
    wait_until(lambda: f.desk.windows_named(DISCARD), "the discard question", 10)
    time.sleep(0.4)
    shot(desk, diary_env, "form-discard-question")
    f.keys("Return")  # Keep editing
    wait_until(lambda: not f.desk.windows_named(DISCARD), "the question gone", 10)
    assert f.proc.poll() is None
    (window, _box), *_ = f.desk.windows_named("How is your neck today? - Posture Guard")
    f.desk.close_window(window)  # the window's close button
    wait_until(lambda: f.desk.windows_named(DISCARD), "the discard question", 10)
    time.sleep(0.4)
    f.keys("Escape")  # Keep editing
    wait_until(lambda: not f.desk.windows_named(DISCARD), "the question gone", 10)
    assert f.proc.poll() is None
    f.keys("Escape")
    wait_until(lambda: f.desk.windows_named(DISCARD), "the discard question", 10)
    time.sleep(0.4)
    f.keys("Tab", "Return")  # Discard
    assert f.result() == {"outcome": "cancelled"}
    with Store.open(database(diary_env)) as store:
        assert store.latest_check_in() is None


def test_check_in_form_in_high_contrast(desk, diary_env):
    env = {**diary_env, "POSTURE_GUARD_HIGH_CONTRAST": "1"}
    f = FormProcess(desk, env, "check-in", "How is your neck today?")
    try:
        path = shot(desk, diary_env, "form-check-in-high-contrast")
        with Image.open(path) as image:
            colours = {c for _n, c in image.convert("RGB").getcolors(1 << 20)}
        assert (0, 0, 0) in colours
        assert (255, 221, 0) in colours  # the yellow Save button
        f.keys("Escape")
        assert f.result() == {"outcome": "cancelled"}
    finally:
        f.close()


def test_check_in_form_with_the_organisations_branding(desk, diary_env):
    f = FormProcess(
        desk, diary_env, "check-in", "How is your neck today?",
        "--accent", "#7A1F5C", "--organisation", "Acme Health",
    )  # fmt: skip
    try:
        path = shot(desk, diary_env, "form-check-in-branded")
        with Image.open(path) as image:
            counts = {c: n for n, c in image.convert("RGB").getcolors(1 << 20)}
        assert counts.get((122, 31, 92), 0) > 1000  # the Save button and the attribution
        assert (46, 84, 120) not in counts  # none of our own accent
        f.keys("Escape")
        assert f.result() == {"outcome": "cancelled"}
    finally:
        f.close()


def test_a_malformed_accent_is_one_line_and_exit_2(diary_env):
    done = subprocess.run(
        [sys.executable, "-m", "posture_guard.ui.forms", "check-in", "--accent", "plum"],
        env=diary_env, capture_output=True, text=True, timeout=30, check=False,
    )  # fmt: skip
    assert (done.returncode, done.stderr) == (
        2,
        "posture-guard forms: --accent: colour: expected '#' and six hex digits like #2E5478,"
        " got 'plum'\n",
    )
