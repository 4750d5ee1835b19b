"""The xorg tray's menu window (ui/menu_window.py, Tk) in the reader's language: every text of
its widget tree comes from the catalogue.

The window is opened as the tray opens it (`python -m posture_guard.ui.menu_window --config`),
beside a running service that speaks the same language (the service passes its language down
to the windows it opens). A driver runs the real `main()` and, instead of the main loop, reads
the texts of the widget tree in that process (each widget's `text` and `textvariable`) and
prints them as JSON; the test then takes a screenshot and lets the window close.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterator

import pytest

from posture_guard.desktop import language
from tests.app import App, stop_process
from tests.desktop.conftest import save_screenshot
from tests.desktop.test_doctor_desktop import MakeXvfb
from tests.e2e.test_i18n_cli import PSEUDO, bare_words

pytestmark = pytest.mark.desktop

DEVANAGARI = re.compile("[\u0900-\u097f]{2,}")

#: Runs the menu window's own main(); its run() reads the widget tree instead of looping.
DRIVER = """\
import json, sys, tkinter as tk
from posture_guard.ui import menu_window

def texts(widget):
    found = []
    for child in widget.winfo_children():
        try:
            text = str(child.cget("text"))
        except tk.TclError:
            text = ""
        try:
            variable = str(child.cget("textvariable"))
        except tk.TclError:
            variable = ""
        if variable:
            text = str(child.getvar(variable))
        if text:
            found.append(text)
        found += texts(child)
    return found

def run(self):
    self.root.update()
    print(json.dumps(texts(self.root)), flush=True)
    sys.stdin.readline()  # the test's screenshot is taken
    self.close()

menu_window.MenuWindow.run = run
sys.exit(menu_window.main(sys.argv[1:]))
"""


@pytest.fixture
def window_display(make_xvfb: MakeXvfb) -> Iterator[str]:
    """An Xvfb of the test's own: the window is the only one on it."""
    with make_xvfb() as (display, _proc):
        yield display


def menu_texts(app: App, display: str, code: str, shot: str) -> list[str]:
    """The texts of the menu window opened with LANGUAGE=`code`; a screenshot as `shot`."""
    with subprocess.Popen(
        [sys.executable, "-c", DRIVER, "--config", str(app.config)],
        env={**app.env, "DISPLAY": display, "NO_AT_BRIDGE": "1", "LANGUAGE": code},
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    ) as proc:  # fmt: skip
        try:
            assert proc.stdout is not None
            assert proc.stdin is not None
            line = proc.stdout.readline()
            save_screenshot(display, shot)
            proc.stdin.write("\n")
            proc.stdin.flush()
            _out, err = proc.communicate(timeout=10)
        finally:
            stop_process(proc)
    assert line, err
    assert proc.returncode == 0, err
    texts: list[str] = json.loads(line)
    return texts


def with_service(app: App, code: str) -> subprocess.Popen[str]:
    """The service, headless, in language `code` (as the windows it opens would be)."""
    app.env["LANGUAGE"] = code
    proc = app.start("--headless")
    app.wait_running()
    return proc


def stop(app: App, proc: subprocess.Popen[str]) -> None:
    assert app.cli("quit").returncode == 0
    assert proc.wait(timeout=10) == 0


def test_menu_window_pseudo_locale_leaves_no_english(app: App, window_display: str) -> None:
    service = with_service(app, PSEUDO)
    try:
        texts = menu_texts(app, window_display, PSEUDO, "menu-window-en_XA")
    finally:
        stop(app, service)
    assert len(texts) >= 6, texts  # the status line and the entries
    assert all("⟦" in text for text in texts), texts
    left = [text for text in texts if bare_words(text)]
    assert left == [], left


def test_menu_window_without_the_service_says_so_in_the_language(
    app: App, window_display: str
) -> None:
    app.env["LANGUAGE"] = PSEUDO
    texts = menu_texts(app, window_display, PSEUDO, "menu-window-en_XA-no-service")
    assert texts, texts  # the reason and the Close button
    assert all("⟦" in text for text in texts), texts
    assert [text for text in texts if bare_words(text)] == []


def test_menu_window_in_hindi_and_german(app: App, window_display: str) -> None:
    service = with_service(app, "hi")
    try:
        hindi = menu_texts(app, window_display, "hi", "menu-window-hi")
    finally:
        stop(app, service)
    assert len(hindi) >= 6, hindi
    without = [text for text in hindi if not DEVANAGARI.search(text)]
    assert without == [], without

    service = with_service(app, "de")
    try:
        german = menu_texts(app, window_display, "de", "menu-window-de")
    finally:
        stop(app, service)
    catalogue, _code = language.catalogue_for(["de"])
    for english in ("Take a break now", "Quit"):
        said = catalogue.gettext(english)
        assert said != english
        assert any(said in text for text in german), (said, german)
    # German nouns keep their capital in a submenu's line ("Pause: Für 30 Minuten" would be
    # lowered to "für" in English only)
    pause = catalogue.gettext("Pause")
    assert any(text.startswith(f"{pause}: ") for text in german), german


def test_posture_guard_menu_opens_the_menu_window_where_no_tray_shows(
    app: App, window_display: str
) -> None:
    """Issue 15: with no tray host there was no way into the menu. `posture-guard menu` (and
    the launcher's "Posture Guard menu" action) opens the same menu window the xorg tray does;
    Esc closes it."""
    from posture_guard.ui.menu_window import WINDOW_CLASS
    from tests.desktop.conftest import wait_until

    service = with_service(app, "en")
    env = {**app.env, "DISPLAY": window_display, "NO_AT_BRIDGE": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "posture_guard", "--config", str(app.config), "menu"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    found: list[str] = []

    def shown() -> bool:
        done = subprocess.run(
            ["xdotool", "search", "--onlyvisible", "--class", WINDOW_CLASS],
            env=env, capture_output=True, text=True, check=False,
        )  # fmt: skip
        found[:] = done.stdout.split()
        return bool(found)

    try:
        wait_until(shown, "the menu window", 15)
        save_screenshot(window_display, "menu-window-from-the-command")
        subprocess.run(["xdotool", "windowactivate", "--sync", found[0]], env=env, check=False)
        subprocess.run(["xdotool", "key", "--window", found[0], "Escape"], env=env, check=False)
        _out, err = proc.communicate(timeout=10)
        assert proc.returncode == 0, err
    finally:
        stop_process(proc)
        stop(app, service)
