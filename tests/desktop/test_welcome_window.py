"""The first run's welcome window on a real X desktop (own Xvfb + openbox): typed into with
xdotool, keyboard only; drawn by GTK 3 and by Tk; read by a real AT-SPI registry (GTK); the login
item written under the test's XDG_CONFIG_HOME and the clinic saved in a real diary. And
`posture-guard run` opening it once, and never under a policy. Screenshots go to
tests/artifacts/welcome-*.png."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from posture_guard.core.form_view import Look
from tests.app import App, read_until
from tests.desktop.atspi import accessibility, focused
from tests.desktop.conftest import wait_until
from tests.desktop.formwin import FormWindow
from tests.desktop.test_forms_gtk import all_controls, key, settle, tab_round
from tests.desktop.wm import Desk, desk, wait_gone

__all__ = ["desk"]

pytestmark = pytest.mark.desktop

TITLE = "Welcome - Posture Guard"
BOOKING = "https://riverside-physio.example/book"
ERROR_RGB = tuple(int(Look.of(high_contrast=False).error[i : i + 2], 16) for i in (1, 3, 5))


def user_env(desk: Desk, tmp_path: Path, toolkit: str) -> dict[str, str]:
    """A user of their own (XDG folders under tmp_path, no policy), windows drawn by `toolkit`."""
    home = tmp_path / "home"
    (tmp_path / "run").mkdir(mode=0o700, exist_ok=True)
    return {
        **desk.env,
        "POSTURE_GUARD_TOOLKIT": toolkit,
        "HOME": str(home),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_STATE_HOME": str(home / "state"),
        "XDG_RUNTIME_DIR": str(tmp_path / "run"),
        "POSTURE_GUARD_POLICY": "",
    }


@pytest.fixture(params=["gtk", "tk"])
def env(desk: Desk, tmp_path: Path, request: pytest.FixtureRequest) -> dict[str, str]:
    return user_env(desk, tmp_path, request.param)


def login_item(env: dict[str, str]) -> Path:
    """Where `posture-guard autostart enable` writes the XDG autostart entry for this user."""
    return Path(env["XDG_CONFIG_HOME"]) / "autostart" / "posture-guard.desktop"


def clinic_show(env: dict[str, str]) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "posture_guard", "clinic", "show"],
        env=env, capture_output=True, text=True, timeout=30, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout


class Welcome(FormWindow):
    """`python -m posture_guard.ui.welcome` on the desk, until it exits."""

    def __init__(self, desk: Desk, env: dict[str, str]) -> None:
        super().__init__(desk, env, ["-m", "posture_guard.ui.welcome"], "welcome")

    def wait(self, title: str = TITLE) -> None:
        super().wait(title)


@pytest.fixture
def opened(desk: Desk):
    made: list[Welcome] = []

    def open_(env: dict[str, str]) -> Welcome:
        made.append(Welcome(desk, env))
        return made[-1]

    yield open_
    for window in made:
        window.close()


def error_pixels(path: Path) -> int:
    with Image.open(path) as image:
        colours = image.convert("RGB").getcolors(1 << 24) or []
    return sum(n for n, colour in colours if colour == ERROR_RGB)


def test_keyboard_only_start_at_login_kept_a_clinic_typed_start_writes_both(desk, env, opened):
    """The first day: the check box (ticked) has the focus; Space twice leaves it ticked; Tab
    reaches the clinic's name and link; Enter is Start: the XDG autostart entry is written as
    `autostart enable` writes it, the clinic saved as `clinic set` saves it, and it closes."""
    window = opened(env)
    window.wait()
    window.shot("first")
    window.keys("space", "space")  # unticked and ticked again: on, as it started
    window.keys("Tab")
    window.type("Riverside Physiotherapy")
    window.keys("Tab")
    window.type(BOOKING)
    window.shot("typed")
    window.keys("Return")
    assert window.result() == {
        "outcome": "started",
        "start_at_login": True,
        "login": f"Autostart enabled: Posture Guard starts at login ({login_item(env)}).",
        "clinic": True,
    }
    entry = login_item(env).read_text()
    assert f"Exec={sys.executable} -m posture_guard run" in entry
    assert "X-Posture-Guard-Autostart=true" in entry
    assert clinic_show(env).splitlines() == [
        "Clinic: Riverside Physiotherapy",
        f"  Booking: {BOOKING}",
    ]


def test_unticking_start_at_login_leaves_it_off(desk, env, opened):
    window = opened(env)
    window.wait()
    window.keys("space", "Return")
    assert window.result() == {
        "outcome": "started", "start_at_login": False, "login": "", "clinic": False,
    }  # fmt: skip
    assert not login_item(env).exists()
    assert clinic_show(env).startswith("No clinic is set.")


def test_a_bad_booking_link_is_shown_beside_its_field_and_nothing_is_saved(desk, env, opened):
    window = opened(env)
    window.wait()
    window.keys("Tab")
    window.type("Riverside Physiotherapy")
    window.keys("Tab")
    window.type("riverside-physio.example/book")
    before = error_pixels(window.shot("before-refusal"))
    window.keys("Return")
    after = error_pixels(window.shot("bad-link"))
    assert after > before + 300, (before, after)  # the refusal, in the error colour
    assert window.proc.poll() is None  # still open, for the person to correct it
    assert not login_item(env).exists()  # Start at login was ticked: not written either
    assert clinic_show(env).startswith("No clinic is set.")
    skip_what_was_typed(desk, window)
    assert window.result() == {"outcome": "skipped"}
    assert not login_item(env).exists()


def skip_what_was_typed(desk: Desk, window: Any) -> None:
    """Esc after typing: the forms' question before what was typed is thrown away comes (one
    more window on the desk, in any language and toolkit), and Discard (after Keep editing) is
    taken."""

    def shown() -> int:
        return len(desk.xdotool("search", "--onlyvisible", "--name", ".").split())

    before = shown()
    window.keys("Escape")
    wait_until(lambda: shown() > before, "the discard question")
    window.keys("Tab", "Return")


# --- GTK: screen readers, languages ----------------------------------------------------------


def test_gtk_every_control_is_named_tab_reaches_each_and_a_refusal_is_said(desk, tmp_path, opened):
    plain = user_env(desk, tmp_path, "gtk")
    with accessibility(plain, tmp_path / "a11y") as env:
        window = opened(env)
        window.wait()
        app = settle(env, TITLE)
        controls = all_controls(app)
        assert [(n.role, n.name) for n in controls] == [
            ("check box", "Start Posture Guard when I log in"),
            ("text", "Clinic's name"),
            ("text", "Booking link"),
            ("text", "Phone (optional)"),
            ("push button", "Start"),
            ("push button", "Skip"),
        ]
        readable = " ".join(n.name for n in app.walk() if n.role == "label")
        assert "Nothing leaves this computer." in readable
        assert "Stretch break: every 40 min of screen time, for 2 min" in readable
        assert key(focused(env)) == key(controls[0])  # the check box has the focus first
        reached = tab_round(desk, env, limit=len(controls) + 3)
        assert sorted(reached) == sorted(key(n) for n in controls)

        # back on the check box: a name, a bad link, Enter
        window.keys("Tab")
        window.type("Riverside")
        window.keys("Tab")
        window.type("ftp://riverside-physio.example")
        window.keys("Return")
        now = focused(env)
        assert now is not None
        assert now.name == "Booking link"
        assert now.description.startswith("\u26a0 Expected a web address starting with https://")
        skip_what_was_typed(desk, window)
        assert window.result() == {"outcome": "skipped"}


@pytest.mark.parametrize(
    ("language", "title"),
    [("en", TITLE), ("de", "Willkommen - Posture Guard"), ("hi", "स्वागत है - Posture Guard")],
)
def test_gtk_welcome_in_english_german_and_hindi(desk, tmp_path, opened, language, title):
    """Screenshots to look at: Devanagari shaped, nothing clipped, the plan in the language's
    words; the refusal beside the booking link."""
    env = {**user_env(desk, tmp_path, "gtk"), "LANGUAGE": language}
    window = opened(env)
    window.wait(title)
    window.shot(f"{language}")
    window.keys("Tab")
    window.type("Riverside")
    window.keys("Tab")
    window.type("riverside.example")
    window.keys("Return")
    window.shot(f"{language}-refused")
    skip_what_was_typed(desk, window)
    assert window.result() == {"outcome": "skipped"}


# --- `posture-guard run`: once, and never under a policy -------------------------------------


@pytest.fixture
def desk_app(app: App, desk: Desk) -> App:
    """The `app` user on the desk: a display, no tray host, no bus, no policy."""
    app.env.update(DISPLAY=desk.display, POSTURE_GUARD_TOOLKIT="gtk", NO_AT_BRIDGE="1")
    return app


def log_of(app: App) -> str:
    path = app.home / ".state" / "posture-guard" / "posture-guard.log"
    return path.read_text() if path.exists() else ""


def welcome_pids(app: App) -> list[int]:
    return [int(pid) for pid in re.findall(r"opened welcome \(pid (\d+)\)", log_of(app))]


def run_once(app: App) -> list[str]:
    """Start `posture-guard run` on the desk, wait until it answers; its lines so far."""
    proc = app.start()
    lines = read_until(proc, "Posture Guard is running", timeout=30)
    app.wait_running()
    return lines


def quit_service(app: App) -> None:
    assert app.cli("quit").returncode == 0
    for proc in app.processes:
        assert wait_gone(proc, 20) == 0


def end_welcome(app: App, desk: Desk) -> None:
    """Close the welcome windows the runs opened (WM close), else end them by their pid."""
    for window_id, _geometry in desk.windows_named(TITLE):
        desk.close_window(window_id)
    for pid in welcome_pids(app):
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and Path(f"/proc/{pid}").exists():
            time.sleep(0.05)
        if Path(f"/proc/{pid}").exists():
            os.kill(pid, signal.SIGTERM)


def test_run_opens_the_welcome_once_on_the_first_run_with_a_display(desk_app, desk):
    try:
        lines = run_once(desk_app)
        assert "Welcome to Posture Guard." in lines  # the terminal notice is still said
        wait_until(lambda: desk.windows_named(TITLE), "the welcome window", 30)
        assert len(welcome_pids(desk_app)) == 1
        quit_service(desk_app)
        assert desk.windows_named(TITLE)  # the window is the person's: it outlives the run
        end_welcome(desk_app, desk)
        wait_until(lambda: not desk.windows_named(TITLE), "the welcome window to close", 10)

        lines = run_once(desk_app)  # the second run: neither the notice nor the window
        assert "Welcome to Posture Guard." not in lines
        time.sleep(2)
        assert not desk.windows_named(TITLE)
        assert len(welcome_pids(desk_app)) == 1
        quit_service(desk_app)
    finally:
        end_welcome(desk_app, desk)


def test_run_under_a_policy_asks_nothing_on_the_first_run(desk_app, desk, tmp_path):
    policy = tmp_path / "policy.toml"
    policy.write_text('[branding]\norganisation = "Acme Ltd"\n')
    desk_app.env["POSTURE_GUARD_POLICY"] = str(policy)
    try:
        lines = run_once(desk_app)
        assert "Acme Ltd manages this copy of Posture Guard with a policy." in lines
        time.sleep(2)
        assert not desk.windows_named(TITLE)
        assert welcome_pids(desk_app) == []
        assert "first run: told the user: Welcome to Posture Guard." in log_of(desk_app)
        quit_service(desk_app)
    finally:
        end_welcome(desk_app, desk)
