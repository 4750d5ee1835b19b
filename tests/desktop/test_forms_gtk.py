"""The forms and info windows drawn by GTK 3, read as a screen reader reads them (a real AT-SPI
registry), in German and Hindi (screenshots), and in the pseudo-locale, where every word a person
reads must come from the catalogue."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from PIL import Image

from posture_guard import __version__
from posture_guard.app.store import Store
from posture_guard.core.episodes import Episode
from posture_guard.desktop.paths import APP_NAME, default_paths
from tests.app import stop_process
from tests.desktop.atspi import CONTROL_ROLES, Node, accessibility, focused, tree
from tests.desktop.conftest import save_screenshot, wait_until
from tests.desktop.wm import Desk, desk

__all__ = ["desk"]

pytestmark = pytest.mark.desktop

CHECK_IN = "How is your neck today? - Posture Guard"
BOOKING = "https://riverside-physio.example/book"


@pytest.fixture
def user_env(desk: Desk, tmp_path: Path) -> dict[str, str]:
    """A user of their own (XDG folders under tmp_path), the windows drawn by GTK."""
    home = tmp_path / "home"
    (tmp_path / "run").mkdir(mode=0o700)
    return {
        **desk.env,
        "POSTURE_GUARD_TOOLKIT": "gtk",
        "HOME": str(home),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_STATE_HOME": str(home / "state"),
        "XDG_RUNTIME_DIR": str(tmp_path / "run"),
        "POSTURE_GUARD_POLICY": "",
    }


def cli(env: dict[str, str], *args: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "posture_guard", *args],
        env=env, capture_output=True, text=True, timeout=30, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr


def a_check_in_with_a_booking_link(env: dict[str, str]) -> None:
    """A clinic with a booking link and a check-in whose advice offers it."""
    cli(env, "clinic", "set", "--name", "Riverside Physiotherapy", "--booking-url", BOOKING)
    cli(env, "check-in", "--pain", "7", "--stiffness", "moderate", "--symptom",
        "tingling-numbness", "--trend", "same", "--age", "42", "--yes")  # fmt: skip


class Window:
    """One of our window processes on the desk, until closed."""

    def __init__(self, desk: Desk, env: dict[str, str], module: str, *args: str) -> None:
        self.desk = desk
        self.proc = subprocess.Popen(
            [sys.executable, "-m", f"posture_guard.ui.{module}", *args],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip

    def wait(self, title_end: str) -> None:
        wait_until(lambda: self.desk.windows_named(title_end), f"a window ...{title_end}", 15)
        time.sleep(0.6)

    def title(self, window_class: str) -> str:
        """The title (_NET_WM_NAME, UTF-8) of our visible window of `window_class`, once shown."""
        found: list[str] = []

        def shown() -> bool:
            found[:] = self.desk.xdotool("search", "--onlyvisible", "--class", window_class).split()
            return bool(found)

        wait_until(shown, f"a {window_class} window", 15)
        time.sleep(0.6)
        return self.desk.xdotool("getwindowname", found[0]).strip()

    def close(self) -> None:
        stop_process(self.proc)
        for pipe in (self.proc.stdout, self.proc.stderr):
            if pipe is not None:
                pipe.close()


@pytest.fixture
def window(desk: Desk) -> Iterator[type[Window]]:
    opened: list[Window] = []

    class Opened(Window):
        def __init__(self, env: dict[str, str], module: str, *args: str) -> None:
            super().__init__(desk, env, module, *args)
            opened.append(self)

    yield Opened  # type: ignore[misc]
    for made in opened:
        made.close()


def all_controls(app: Node) -> list[Node]:
    """The controls of `app` in tree order, those scrolled out of view included (AT-SPI's
    "showing" is only for the ones in view; `Node.controls()` keeps those)."""
    return [n for n in app.walk() if n.role in CONTROL_ROLES and "visible" in n.states]


def key(node: Node | None) -> tuple[str, str, str]:
    assert node is not None, "nothing has the keyboard focus"
    return (node.role, node.name, node.description)


def tab_round(desk: Desk, env: dict[str, str], limit: int) -> list[tuple[str, str, str]]:
    """What has the focus, from now, after each Tab, until the first comes round again."""
    seen = [key(focused(env))]
    for _ in range(limit):
        desk.xdotool("key", "Tab")
        time.sleep(0.08)
        now = key(focused(env))
        if now == seen[0]:
            return seen
        seen.append(now)
    pytest.fail(f"Tab did not come round in {limit} presses; reached {len(seen)}: {seen[-3:]}")


def application(env: dict[str, str], title: str) -> Node | None:
    """The application with a window whose name holds `title`, or None."""
    for app in tree(env).children:
        if any(title in frame.name for frame in app.children):
            return app
    return None


def settle(env: dict[str, str], title: str) -> Node:
    """The accessible tree of the application with a window named with `title` once its
    controls stop changing."""
    last: list[Node] = []

    def steady() -> bool:
        app = application(env, title)
        if app is None:
            return False
        last.append(app)
        return len(last) > 1 and len(all_controls(last[-1])) == len(all_controls(last[-2])) > 0

    wait_until(steady, f"the controls of {title!r} over AT-SPI", 20)
    return last[-1]


def test_check_in_form_every_control_is_named_and_tab_reaches_each(
    desk, user_env, window, tmp_path
):
    with accessibility(user_env, tmp_path / "a11y") as env:
        form = window(env, "forms", "check-in")
        form.wait(CHECK_IN)
        app = settle(env, CHECK_IN)
        controls = all_controls(app)
        roles = {n.role for n in controls}
        assert {"text", "radio button", "check box", "push button"} <= roles
        unnamed = [(n.role, n.description) for n in controls if not n.name.strip()]
        assert unnamed == []
        # each choice says its question too (its description), so "Yes" is never alone
        choices = [n for n in controls if n.role in ("radio button", "check box")]
        assert all(n.description for n in choices)
        assert "Is the pain interfering with your work?" in {n.description for n in choices}
        assert "None of these" in {n.name for n in choices}
        # the pain is chosen on a scale, each choice named, its question its description
        first = next(n for n in controls if n.name == "0: no pain")
        assert first.role == "radio button"
        assert first.description.startswith("How bad is the neck pain right now")
        assert "10: worst imaginable" in {n.name for n in controls}
        assert key(focused(env)) == key(first)  # the first question has the focus

        reached = tab_round(desk, env, limit=len(controls) + 5)
        assert sorted(reached) == sorted(key(n) for n in controls)
        # a button is named by its label alone: the key beside it is for the eye
        assert reached[-2:] == [
            ("push button", "Save check-in", ""),
            ("push button", "Cancel", ""),
        ]


def test_a_refusal_is_said_with_its_question(desk, user_env, window, tmp_path):
    with accessibility(user_env, tmp_path / "a11y") as env:
        form = window(env, "forms", "check-in")
        form.wait(CHECK_IN)
        settle(env, CHECK_IN)
        desk.xdotool("key", "Return")  # no pain chosen
        time.sleep(0.5)
        now = focused(env)
        assert now is not None
        assert now.name == "0: no pain"
        assert now.description.startswith(
            "\u26a0 Please answer this question. How bad is the neck pain"
        )
        assert "showing" in now.states  # in view


def test_a_refusal_on_top_is_said_with_the_question_it_concerns(desk, user_env, window, tmp_path):
    """A refusal at the top was neither in view nor said: "When?", which it concerns, takes
    the focus, in view, and its description says the refusal."""
    yesterday = datetime.now().astimezone().replace(microsecond=0) - timedelta(days=1)
    midnight = datetime.combine(yesterday.date(), datetime.min.time(), yesterday.tzinfo)
    folder = Path(user_env["XDG_DATA_HOME"]) / APP_NAME
    folder.mkdir(mode=0o700, parents=True)
    with Store.open(folder / default_paths().database.name) as store:
        store.start_episode(Episode(started=midnight + timedelta(hours=8), pain_at_start=3,
                                    pain_peak=3))  # fmt: skip
        store.end_episode(midnight + timedelta(hours=20))
    with accessibility(user_env, tmp_path / "a11y") as env:
        form = window(env, "forms", "episode")
        form.wait("Log a neck-pain episode - Posture Guard")
        settle(env, "Log a neck-pain episode")
        desk.xdotool("key", "space")  # pain 0
        for _ in range(5):
            desk.xdotool("key", "shift+Tab")
        desk.xdotool("key", "space", "Tab")  # "Another day"
        desk.xdotool("type", "12:00")
        desk.xdotool("key", "Tab")
        desk.xdotool("type", yesterday.date().isoformat())
        desk.xdotool("key", "Return")
        time.sleep(0.8)
        now = focused(env)
        assert now is not None
        assert (now.role, now.name) == ("radio button", "Now")
        assert now.description.startswith("\u26a0 can't start an episode at ")
        assert "showing" in now.states  # in view
        save_screenshot(desk.display, "gtk-form-refused-on-top")


def test_advice_window_is_named_and_tab_reaches_its_buttons(desk, user_env, window, tmp_path):
    a_check_in_with_a_booking_link(user_env)
    with accessibility(user_env, tmp_path / "a11y") as env:
        advice = window(env, "info_window", "advice")
        advice.wait("Posture Guard: advice")
        app = settle(env, "Posture Guard: advice")
        controls = all_controls(app)
        assert [(n.role, n.name) for n in controls] == [
            ("text", "Advice"),
            ("push button", "Close"),
            ("push button", "Book an appointment"),
        ]
        assert BOOKING in controls[0].text
        assert key(focused(env)) == key(controls[1])  # Close
        reached = tab_round(desk, env, limit=6)
        assert sorted(reached) == sorted(key(n) for n in controls)


def test_advice_without_a_clinic_offers_add_my_clinic_which_opens_settings_at_the_clinic(
    desk, user_env, window, tmp_path
):
    # Protects: with no clinic set, the advice window names a button, never a command, and
    # that button opens the settings window with the focus on the clinic's name.
    cli(user_env, "check-in", "--pain", "7", "--stiffness", "moderate", "--symptom",
        "tingling-numbness", "--trend", "same", "--age", "42", "--yes")  # fmt: skip
    with accessibility(user_env, tmp_path / "a11y") as env:
        advice = window(env, "info_window", "advice")
        advice.wait("Posture Guard: advice")
        app = settle(env, "Posture Guard: advice")
        controls = all_controls(app)
        assert [n.name for n in controls] == ["Advice", "Close", "Add my clinic"]
        assert "press Add my clinic" in controls[0].text
        assert "posture-guard" not in controls[0].text
        desk.xdotool("key", "Tab")
        time.sleep(0.3)
        now = focused(env)
        assert now is not None
        assert now.name == "Add my clinic"
        desk.xdotool("key", "space")
        wait_until(lambda: desk.windows_named("Settings - Posture Guard"), "the settings", 20)
        settle(env, "Settings - Posture Guard")
        wait_until(
            lambda: getattr(focused(env), "name", "") == "Clinic's name",
            "the focus on the clinic's name",
            10,
        )
        save_screenshot(desk.display, "advice-add-my-clinic-settings")
        for window_id, _box in desk.windows_named("Settings - Posture Guard"):
            desk.close_window(window_id)


def test_emergency_advice_opens_with_an_alert_before_anything_else(
    desk, user_env, window, tmp_path
):
    """Issue 13: emergency advice looked like any other. Its window opens with a banner in the
    error colour that screen readers meet first and announce (role alert), saying it is an
    emergency and what to do with the numbers; no booking button (triage Rule 5)."""
    cli(user_env, "clinic", "set", "--name", "Riverside Physiotherapy", "--booking-url", BOOKING)
    cli(user_env, "check-in", "--pain", "8", "--stiffness", "moderate", "--symptom",
        "thunderclap-headache", "--trend", "worse", "--age", "42", "--yes")  # fmt: skip
    with accessibility(user_env, tmp_path / "a11y") as env:
        advice = window(env, "info_window", "advice")
        advice.wait("Posture Guard: advice")
        app = settle(env, "Posture Guard: advice")
        readable = [n for n in app.walk() if n.role in ("alert", "text", "push button")]
        assert [n.role for n in readable] == ["alert", "text", "push button"]  # Close only
        alert = readable[0]
        assert alert.name.startswith("Emergency. Call your local emergency number now (112")
        path = save_screenshot(desk.display, "gtk-advice-emergency")
    with Image.open(path) as image:
        colours = image.convert("RGB").getcolors(1 << 24) or []
    banner = sum(n for n, colour in colours if colour == (0xB3, 0x26, 0x1E))
    assert banner > 20_000, banner  # a banner of the error colour, not a thin line of text


# --- German and Hindi ------------------------------------------------------------------------


TITLES = {
    "de": ("Wie geht es Ihrem Nacken heute? - Posture Guard", "Posture Guard: Empfehlung"),
    "hi": ("आज आपकी गर्दन कैसी है? - Posture Guard", "Posture Guard: सलाह"),
}


@pytest.mark.parametrize("language", sorted(TITLES))
def test_check_in_form_and_advice_in_german_and_hindi(desk, user_env, window, language):
    """Screenshots to look at: Devanagari shaped (Lohit), nothing clipped."""
    title, advice_title = TITLES[language]
    env = {**user_env, "LANGUAGE": language}
    form = window(env, "forms", "check-in")
    assert form.title("PostureGuardForm") == title
    save_screenshot(desk.display, f"gtk-form-check-in-{language}")
    desk.xdotool("key", "Escape")
    a_check_in_with_a_booking_link(env)
    assert form.proc.wait(timeout=10) == 0
    advice = window(env, "info_window", "advice")
    assert advice.title("PostureGuardInfo") == advice_title
    save_screenshot(desk.display, f"gtk-advice-{language}")
    desk.xdotool("key", "Escape")
    assert advice.proc.wait(timeout=10) == 0


# --- the pseudo-locale -----------------------------------------------------------------------

_MARKED = re.compile(r"⟦[^⟦⟧]*⟧")  # the innermost: a translation can hold another
#: a setting as `config show` prints it: `[general] snooze = "5m"` (its source follows)
_SETTING = re.compile(r"^\[[a-z_.]+\] [a-z_]+ = .*?(?=\s+# |$)", re.MULTILINE)
_PATH = re.compile(r"\S*/\S*")  # a file's path
_RULE_ID = re.compile(r"\[[a-z0-9-]+\]")  # the advice's rules, named as the records name them


def unmarked(said: str) -> str:
    """`said` without its translated parts (nested ones included) and the rules' ids."""
    while (rest := _MARKED.sub(" ", said)) != said:
        said = rest
    return _RULE_ID.sub(" ", _PATH.sub(" ", _SETTING.sub(" ", said)))


def left_out(node: Node, data: list[str]) -> list[str]:
    """Every word a person reads under `node` (names, descriptions, text) that is not between
    the pseudo-locale's ⟦ ⟧ and is not data (`data`, paths, rule ids,
    settings' keys and values, numbers, punctuation)."""
    found = []
    for n in node.walk():
        if n.role == "application":
            continue  # the program's name (WM_CLASS), not a word to translate
        for said in (n.name, n.description, n.text):
            rest = unmarked(said)
            for item in sorted(data, key=len, reverse=True):
                rest = rest.replace(item, " ")
            if re.search(r"[A-Za-z]{2,}", rest):
                found.append(f"{n.role}: {rest.strip()[:120]!r} in {said[:80]!r}")
    return found


def test_every_word_of_the_forms_and_windows_comes_from_the_catalogue(
    desk, user_env, window, tmp_path
):
    pseudo_env = {**user_env, "LANGUAGE": "en_XA"}
    data = ["Posture Guard", __version__]
    with accessibility(pseudo_env, tmp_path / "a11y") as env:
        for module, args, title in [
            ("forms", ("episode",), "Ĺöĝ à ñéçķ-þàíñ"),
            ("forms", ("check-in",), "Ĥöŵ íš ýöûŕ ñéçķ ţöđàý"),
            ("info_window", ("advice",), "àđṽíçé"),
            ("info_window", ("about",), "Àƀöûţ"),
            ("info_window", ("settings",), "šéţţíñĝš"),
        ]:
            opened = window(env, module, *args)
            wait_until(lambda t=title: application(env, t), f"the {args[0]} window", 20)
            app = settle(env, title)
            frames = [f.name for f in app.children]
            assert all("⟦" in name for name in frames), frames
            assert left_out(app, data) == [], f"{args[0]}: words left out of the catalogue"
            desk.xdotool("key", "Escape")
            assert opened.proc.wait(timeout=10) == 0
            if args == ("check-in",):
                a_check_in_with_a_booking_link(env)


# --- the desktop's text scale ----------------------------------------------------------------

_DPI_PROBE = """
import json, sys
import gi
gi.require_version("Gtk", "3.0")  # where GTK 4's typelib is installed too
from gi.repository import Gtk
from posture_guard.core.form_view import Look
from posture_guard.ui import form_gtk
settings = Gtk.Settings.get_default()
settings.set_property("gtk-xft-dpi", int(sys.argv[1]))  # what the desktop's XSETTINGS say


def height():
    label = Gtk.Label(label="How is your neck today?")
    window = Gtk.Window()
    window.add(label)
    window.show_all()
    while Gtk.events_pending():
        Gtk.main_iteration()
    return label.get_preferred_height()[1]


before = height()
form_gtk._open(form_gtk.FORM_CLASS, Look.of(high_contrast=False), float(sys.argv[2]) or None)
print(json.dumps({"dpi": settings.get_property("gtk-xft-dpi"), "before": before,
                  "after": height()}))
"""


def dpi_after(env: dict[str, str], desktop_dpi: int, scale: float) -> dict[str, int]:
    done = subprocess.run(
        [sys.executable, "-c", _DPI_PROBE, str(desktop_dpi), str(scale)],
        env={**env, "NO_AT_BRIDGE": "1"}, capture_output=True, text=True, timeout=30, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_scale_multiplies_the_desktop_s_text_scale_and_enlarges_the_text(desk, user_env):
    """`--scale` on top of a desktop's 2x text scale (gtk-xft-dpi 192 dpi) makes 3x; without
    it the desktop's own is kept; and a larger dpi is larger text."""
    from posture_guard.ui.form_gtk import BASE_XFT_DPI, text_dpi

    assert text_dpi(2 * BASE_XFT_DPI, 1.5) == 3 * BASE_XFT_DPI
    assert text_dpi(-1, 2) == text_dpi(0, 2) == 2 * BASE_XFT_DPI  # no desktop setting: 96 dpi
    kept = dpi_after(user_env, 2 * BASE_XFT_DPI, 0)
    assert kept["dpi"] == 2 * BASE_XFT_DPI
    scaled = dpi_after(user_env, 2 * BASE_XFT_DPI, 1.5)
    assert scaled["dpi"] == 3 * BASE_XFT_DPI
    assert scaled["after"] > scaled["before"] * 1.3  # the text grew with it
    plain = dpi_after(user_env, BASE_XFT_DPI, 0)
    assert kept["before"] > plain["before"] * 1.6  # the desktop's 2x is 2x text
