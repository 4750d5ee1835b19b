"""The settings window on a real X desktop (own Xvfb + openbox): opened from the real tray menu
(appindicator in trayer) and by `posture-guard settings`; typed into with xdotool, keyboard
only; drawn by GTK 3 (read by a real AT-SPI registry) and by Tk; its saves read back by the real
running service. Screenshots go to tests/artifacts/settings-*.png."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.app import App
from tests.desktop.atspi import accessibility, focused
from tests.desktop.conftest import wait_until
from tests.desktop.formwin import FormWindow
from tests.desktop.test_forms_gtk import all_controls, settle
from tests.desktop.test_tray import start_tray_app, status_of
from tests.desktop.test_welcome_window import error_pixels, skip_what_was_typed, user_env
from tests.desktop.traydesk import TrayDesktop, wait_for_icon
from tests.desktop.wm import Desk, desk

__all__ = ["desk"]

pytestmark = pytest.mark.desktop

TITLE = "Settings - Posture Guard"
SAMPLE_PACK = Path(__file__).resolve().parents[1] / "data" / "clinic-pack"
STRETCH_EVERY = "Stretch break: after this much screen time"
#: A person's own file: comments, their order, a blank line; the stretch break every 10m.
MINE = """\
# my settings: shorter breaks for my back (physio's advice)
[breaks.stretch]
every = "10m"     # keep this short
length = "1m"

# no posture or movement breaks for now
[breaks.posture]
enabled = false
[breaks.movement]
enabled = false
"""


class SettingsWindow(FormWindow):
    """`posture-guard settings --config FILE` on the desk, until it exits."""

    def __init__(self, desk: Desk, env: dict[str, str], config: Path, *args: str) -> None:
        command = ["-m", "posture_guard", "--config", str(config), "settings", *args]
        super().__init__(desk, env, command, "settings")

    def wait(self, title: str = TITLE) -> None:
        super().wait(title)


@pytest.fixture
def opened(desk: Desk):
    made: list[SettingsWindow] = []

    def open_(env: dict[str, str], config: Path, *args: str) -> SettingsWindow:
        made.append(SettingsWindow(desk, env, config, *args))
        return made[-1]

    yield open_
    for window in made:
        window.close()


@pytest.fixture(params=["gtk", "tk"])
def toolkit(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def mine(tmp_path: Path, text: str = MINE) -> Path:
    config = tmp_path / "config.toml"
    config.write_text(text)
    config.chmod(0o600)
    return config


def to_stretch_every(window: SettingsWindow) -> None:
    """From the first control (the posture check box): its check box, interval and length,
    then the stretch break's check box and its interval, whose text Tab selects (GTK and Tk
    alike), so typing replaces it."""
    window.keys("Tab", "Tab", "Tab", "Tab")


# --- acceptance 1: from the tray menu, keyboard only, applied within 2 s ------------------------


def test_tray_menu_opens_settings_a_keyboard_change_shows_in_status_within_2_s(
    app: App, tray_desktop: TrayDesktop
):
    """Protects: tray -> Settings… opens the settings window (the real appindicator menu in
    trayer, walked with keys); Tab, typing and Enter alone change the stretch interval; the
    running service (never restarted) counts down the new one within 2 s of the save."""
    proc = start_tray_app(app, tray_desktop, "appindicator", POSTURE_GUARD_TOOLKIT="gtk")
    app.config.write_text(MINE)
    wait_until(lambda: "stretch in 9m" in status_of(app), "the 10m plan in status", 10)
    icon = wait_for_icon(tray_desktop.display)
    tray_desktop.xdotool("mousemove", str(icon.center[0]), str(icon.center[1]), "click", "1")
    wait_until(
        lambda: tray_desktop.xdotool("search", "--onlyvisible", "--class", "posture-guard"),
        "the menu to open",
    )
    time.sleep(0.3)
    # Up from the top wraps to the end: Quit, About, then Settings…
    tray_desktop.xdotool("key", "--delay", "150", "Up", "Up", "Up")
    time.sleep(0.3)
    tray_desktop.screenshot("settings-tray-menu")
    tray_desktop.xdotool("key", "Return")
    desk = Desk(tray_desktop.display, app.env)
    wait_until(lambda: desk.windows_named(TITLE), "the settings window from the tray", 20)
    window_id = desk.windows_named(TITLE)[0][0]
    desk.xdotool("windowactivate", "--sync", str(window_id))
    time.sleep(0.8)
    for name in ("Tab", "Tab", "Tab", "Tab"):
        desk.xdotool("key", name)
        time.sleep(0.08)
    desk.xdotool("type", "--delay", "20", "3m")
    time.sleep(0.3)
    tray_desktop.screenshot("settings-tray-typed")
    before = app.config.stat().st_mtime_ns
    desk.xdotool("key", "Return")
    wait_until(lambda: app.config.stat().st_mtime_ns != before, "the save", 10)
    saved = time.monotonic()
    wait_until(lambda: "stretch in 2m" in status_of(app), "status to count down 3m", 2)
    assert time.monotonic() - saved <= 2
    assert proc.poll() is None  # the same service, never restarted
    assert 'every = "3m"     # keep this short' in app.config.read_text()
    tray_desktop.screenshot("settings-tray-saved")
    desk.xdotool("key", "Escape")  # the result's Close
    wait_until(lambda: not desk.windows_named(TITLE), "the settings window to close", 10)


# --- acceptance 2: a locked key -----------------------------------------------------------------


def test_gtk_every_control_is_named_and_a_locked_key_is_disabled_with_the_policys_value(
    desk: Desk, tmp_path: Path, opened
):
    """Protects: every control has an accessible name; a key the policy locks is drawn
    disabled, holding the policy's value and saying "Set by your organisation"; a save
    (after another change) never writes it."""
    policy = tmp_path / "policy.toml"
    policy.write_text(
        '[breaks.stretch]\nevery = "25m"\n[policy]\nlock = ["breaks.stretch.every"]\n'
    )
    config = mine(tmp_path)
    plain = {**user_env(desk, tmp_path, "gtk"), "POSTURE_GUARD_POLICY": str(policy)}
    with accessibility(plain, tmp_path / "a11y") as env:
        window = opened(env, config)
        window.wait()
        app = settle(env, TITLE)
        controls = all_controls(app)
        assert all(n.name for n in controls), [n for n in controls if not n.name]
        names = [n.name for n in controls]
        for expected in ("Stretch break", STRETCH_EVERY, "Usual hours", "Monday", "Sunday",
                         "Skips allowed in a day", "Daily screen-time limit",
                         "Play a soft sound when a break starts and ends",
                         "Start Posture Guard when I log in", "Clinic's name",
                         "Opening hours (optional)", "Save", "Cancel"):  # fmt: skip
            assert expected in names, names
        locked = next(n for n in controls if n.name == STRETCH_EVERY)
        assert locked.text == "25m"
        assert "enabled" not in locked.states
        assert "Set by your organisation" in locked.description
        window.shot("locked")
        # Tab never lands on it: from the stretch check box straight to its length
        to_stretch_every(window)
        now = focused(env)
        assert now is not None
        assert now.name == "Stretch break: how long it lasts"
        window.type("2m")
        window.keys("Return")
        window.keys("Escape")  # the result's Close
        assert window.result()["outcome"] == "saved"
    text = config.read_text()
    assert 'length = "2m"' in text
    assert 'every = "10m"     # keep this short' in text  # the locked key: never written


# --- acceptance 3: a refusal beside its field, nothing written -----------------------------------


def test_invalid_input_is_shown_beside_its_field_and_nothing_is_written(
    desk: Desk, tmp_path: Path, opened, toolkit: str
):
    """Protects: an interval `config check` refuses is refused in the window in its words,
    beside the field (the error colour there), and the file's bytes stay as they were."""
    config = mine(tmp_path)
    before = config.read_bytes()
    window = opened(user_env(desk, tmp_path, toolkit), config)
    window.wait()
    to_stretch_every(window)
    window.type("3 minutes")
    calm = error_pixels(window.shot("before-refusal"))
    window.keys("Return")
    refused = error_pixels(window.shot("refused"))
    assert refused > calm + 300, (calm, refused)
    assert window.proc.poll() is None  # still open, for the person to correct it
    assert config.read_bytes() == before
    skip_what_was_typed(desk, window)
    assert window.result() == {"outcome": "cancelled"}
    assert config.read_bytes() == before


def test_gtk_a_refusal_says_config_checks_words_to_a_screen_reader(
    desk: Desk, tmp_path: Path, opened
):
    """Protects: the refusal is `config check`'s line (the file's name left off), said as the
    field's description when the focus goes back to it."""
    config = mine(tmp_path)
    with accessibility(user_env(desk, tmp_path, "gtk"), tmp_path / "a11y") as env:
        window = opened(env, config)
        window.wait()
        to_stretch_every(window)
        window.type("3 minutes")
        window.keys("Return")
        now = focused(env)
        assert now is not None
        assert now.name == STRETCH_EVERY
        assert now.description.startswith(
            '\u26a0 [breaks.stretch] every = "3 minutes": expected a duration like "45m" or "1h30m"'
        )
        check = subprocess.run(
            [sys.executable, "-m", "posture_guard", "--config", str(config), "config", "check"],
            env=env, capture_output=True, text=True, timeout=30, check=False,
        )  # fmt: skip
        assert check.returncode == 0  # the file itself is still good: nothing was written
        skip_what_was_typed(desk, window)


# --- acceptance 4: comments survive -------------------------------------------------------------


def test_a_save_keeps_the_persons_comments_and_changes_only_the_value(
    desk: Desk, tmp_path: Path, opened, toolkit: str
):
    """Protects: a save edits the file in place: the byte diff is the changed value alone;
    the file stays 0600."""
    config = mine(tmp_path)
    window = opened(user_env(desk, tmp_path, toolkit), config)
    window.wait()
    to_stretch_every(window)
    window.type("3m")
    window.keys("Return")
    time.sleep(0.5)
    window.shot("saved")
    window.keys("Escape")
    result = window.result()
    assert result["outcome"] == "saved"
    assert result["changed"] == ["breaks.stretch.every"]
    assert config.read_text() == MINE.replace('every = "10m"', 'every = "3m"')
    assert config.stat().st_mode & 0o777 == 0o600


# --- the clinic's file, imported from the window (issue 17) ------------------------------------


def clinic_show(env: dict[str, str], config: Path) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "posture_guard", "--config", str(config), "clinic", "show"],
        env=env, capture_output=True, text=True, timeout=30, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_a_clinic_pack_is_imported_from_the_window_and_a_damaged_one_changes_nothing(
    desk: Desk, tmp_path: Path, opened, toolkit: str
):
    """Protects: the clinic's file can be imported from the settings window (keyboard only,
    from the clinic's section the advice's Add my clinic opens): a damaged pack is refused
    beside its field, with the import's own line, and nothing is saved; the good one is then
    imported and `clinic show` lists its programme."""
    env = user_env(desk, tmp_path, toolkit)
    config = mine(tmp_path)
    damaged = tmp_path / "damaged-pack"
    shutil.copytree(SAMPLE_PACK, damaged)
    toml = damaged / "pack.toml"
    toml.write_text(toml.read_text().replace("Riverside", "Rivershade", 1))
    window = opened(env, config, "--clinic")
    window.wait()
    window.keys("Tab", "Tab", "Tab", "Tab")  # the link, the phone, the hours, the file
    window.type(str(damaged))
    window.keys("Return")
    time.sleep(0.5)
    window.shot("clinic-file-refused")
    assert window.proc.poll() is None  # still open, to correct it
    assert clinic_show(env, config).startswith("No clinic is set.")
    assert config.read_text() == MINE
    window.keys("Home", "shift+End", "BackSpace")  # what was typed, gone (GTK and Tk alike)
    window.type(str(SAMPLE_PACK))
    window.keys("Return")
    time.sleep(0.5)
    window.shot("clinic-file-imported")  # the saved page says what the pack brought
    window.keys("Escape")
    result = window.result()
    assert (result["outcome"], result["clinic_file"]) == ("saved", True)
    shown = clinic_show(env, config)
    assert "Riverside" in shown
    assert "acute" in shown  # the programme's first phase


# --- acceptance 7: screenshots at 100 % and 200 % and in high contrast --------------------------


@pytest.mark.parametrize(
    ("name", "extra"),
    [
        ("100", {}),
        ("200", {"GDK_SCALE": "2"}),
        ("high-contrast", {"GTK_THEME": "HighContrast"}),
    ],
)
def test_gtk_settings_window_screenshots(desk: Desk, tmp_path: Path, opened, name, extra):
    """Screenshots to look at (tests/artifacts/settings-look-*-gtk.png): nothing clipped or
    overlapping, every label readable; the first control has a visible focus ring."""
    env = {**user_env(desk, tmp_path, "gtk"), **extra}
    window = opened(env, mine(tmp_path))
    window.wait()
    path = window.shot(f"look-{name}")
    assert path.stat().st_size > 0
    window.keys("Escape")
    assert window.result() == {"outcome": "cancelled"}
