"""The GTK break window as people with other languages and screen readers meet it: read over a
real AT-SPI registry (names, roles, Tab), shaped Devanagari (Pango's glyph run), nothing clipped
in Hindi and German (screenshots in tests/artifacts/), and no word left out of the catalogue
(the pseudo-locale en_XA)."""

from __future__ import annotations

import gettext
import json
import re
import subprocess
import sys
import time

import pytest
from PIL import Image

from posture_guard.core.break_view import NOTICE_SUFFIX, TITLE_SUFFIX
from posture_guard.desktop.language import DOMAIN, LOCALE_DIR
from tests.app import Output, stop_process
from tests.desktop.atspi import Node, accessibility, focused, tree
from tests.desktop.conftest import save_screenshot, wait_until
from tests.desktop.test_break_window import find_picture
from tests.desktop.wm import REPO, Desk, desk, start_desk, wait_gone

__all__ = ["desk"]

pytestmark = pytest.mark.desktop
VIRAMA = "\u094d"  # Devanagari's sign that joins consonants into a conjunct


def title_in(language: str) -> str:
    """ "Stretch break" as the service would pass it in `language`."""
    found = gettext.translation(DOMAIN, LOCALE_DIR, [language], fallback=True)
    return found.gettext("Stretch break")


def start(
    desk: Desk, *args: str, env: dict[str, str] | None = None, language: str = "en"
) -> tuple[subprocess.Popen[str], Output]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "posture_guard.ui.break_window", "--kind", "stretch",
         "--title", title_in(language), *args],
        env={**(env or desk.env), "POSTURE_GUARD_TOOLKIT": "gtk", "LANGUAGE": language},
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    return proc, Output(proc)


def stop(proc: subprocess.Popen[str], out: Output) -> None:
    stop_process(proc)
    out._thread.join(5)
    for pipe in (proc.stdout, proc.stderr):
        if pipe is not None:
            pipe.close()


def notice_shown(desk: Desk) -> bool:
    """The notice is mapped (found by _NET_WM_NAME: a Hindi title is UTF-8 there only)."""
    return bool(desk.xdotool("search", "--onlyvisible", "--name", f"{NOTICE_SUFFIX}$").strip())


def probe(desk: Desk, language: str, *args: str) -> dict[str, object]:
    """What GTK laid out in the break window in `language` (tests/desktop/break_probe.py)."""
    done = subprocess.run(
        [sys.executable, "-m", "tests.desktop.break_probe", "--kind", "stretch",
         "--title", title_in(language), "--seconds", "90", *args],
        env={**desk.env, "LANGUAGE": language, "PYTHONPATH": str(REPO)},
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1])


# --- screen readers ----------------------------------------------------------------------------


def test_screen_readers_find_every_control_named_and_tab_reaches_each(desk, tmp_path):
    with accessibility(desk.env, tmp_path / "a11y") as env:
        proc, out = start(
            desk, "--seconds", "8", "--exercise", "neck-turn", "--focus-after-idle", "0",
            "--organisation", "Acme Health", env=env,
        )  # fmt: skip
        try:
            out.wait_for("started", 10)
            started = time.monotonic()
            app = tree(env, TITLE_SUFFIX)
            controls = app.controls()
            buttons = [n for n in controls if n.role == "push button"]
            assert [(b.name, b.description) for b in buttons] == [
                ("Done", "Unlocks when the time is up. Shortcut: Enter"),
                ("Postpone", "Shortcut: Esc"),
                ("Skip", ""),
            ]
            assert all("enabled" in b.states and "focusable" in b.states for b in buttons)
            nodes = list(app.walk())
            (bar,) = [n for n in nodes if n.role == "progress bar"]
            assert (bar.name, bar.description) == ("Time left", "How much of the break has passed")
            assert any(n.role == "label" and re.fullmatch(r"0:0\d", n.name) for n in nodes), "clock"
            assert [n.name for n in nodes if n.role in ("image", "icon")] == [
                "Drawing of the exercise: Neck turn"
            ]
            assert {n.name for n in nodes if n.role == "label" and n.name.startswith("Step")} == {
                "Step 1", "Step 2", "Step 3",
            }  # fmt: skip
            assert all(n.role and n.name for n in controls)
            # the keyboard alone: Tab goes round every control while the countdown runs
            wait_until(lambda: (f := focused(env)) is not None and f.name == "Done", "Done focused")
            reached = []
            for _ in range(len(buttons)):
                desk.xdotool("key", "Tab")
                time.sleep(0.2)
                now = focused(env)
                assert now is not None
                reached.append(now.name)
            assert sorted(reached) == ["Done", "Postpone", "Skip"]
            assert reached[-1] == "Done"  # round again
            assert time.monotonic() - started < 8, "the round took longer than the break"
            # the time is up: Done works, Postpone and Skip are off (issue 13: the break is
            # taken, there is nothing left to postpone or skip)
            time.sleep(max(0.0, 8.5 - (time.monotonic() - started)))
            after = [n for n in tree(env, TITLE_SUFFIX).controls() if n.role == "push button"]
            assert [(b.name, "enabled" in b.states) for b in after] == [("Done", True)]
            assert any(
                n.role == "label" and n.name == "0:00" for n in tree(env, TITLE_SUFFIX).walk()
            )
            desk.xdotool("key", "space")  # on Done, where the focus is
            out.wait_for("outcome", 10)
            assert json.loads(out.lines[-1]) == {"outcome": "taken", "countdown_done": True}
            assert wait_gone(proc) == 0
        finally:
            stop(proc, out)


def test_the_keyboard_starts_on_done_which_waits_for_the_time_not_on_postpone(desk, tmp_path):
    with accessibility(desk.env, tmp_path / "a11y") as env:
        proc, out = start(desk, "--seconds", "60", "--focus-after-idle", "0", env=env)
        try:
            out.wait_for("started", 10)
            wait_until(lambda: focused(env) is not None, "the focus in the window", 10)
            first = focused(env)
            assert first is not None
            assert (first.role, first.name) == ("push button", "Done")
            assert first.description == "Unlocks when the time is up. Shortcut: Enter"
            save_screenshot(desk.display, "break-window-gtk-focus-on-done")
            desk.xdotool("key", "space")  # pressing Done before the time does nothing
            time.sleep(0.5)
            assert proc.poll() is None
            assert out.lines == ['{"event": "started"}']
            desk.xdotool("key", "Tab")
            wait_until(lambda: (f := focused(env)) is not None and f.name == "Postpone", "Tab")
        finally:
            stop(proc, out)


def test_the_notice_is_named_for_screen_readers_and_never_takes_the_focus(desk, tmp_path):
    with accessibility(desk.env, tmp_path / "a11y") as env:
        proc, out = start(desk, "--seconds", "60", "--focus-after-idle", "600", env=env)
        try:
            wait_until(lambda: desk.windows_named(NOTICE_SUFFIX), "the notice")
            app = tree(env, NOTICE_SUFFIX)
            buttons = [n for n in app.controls() if n.role == "push button"]
            assert [b.name for b in buttons] == ["Start now", "Postpone"]
            assert not any("focusable" in b.states for b in buttons)
            assert not any("active" in f.states for f in app.children)
        finally:
            stop(proc, out)


# --- shaping, clipping and screenshots in Hindi and German -------------------------------------


def test_devanagari_is_shaped_in_the_gtk_window(desk):
    laid_out = probe(desk, "hi", "--exercise", "neck-turn")
    labels = laid_out["labels"]
    assert isinstance(labels, list)
    joined = [x for x in labels if VIRAMA in x["text"]]
    assert joined, "no Hindi text with a conjunct in the window"
    for label in joined:
        # HarfBuzz (through Pango) joins consonant + virama + consonant into conjunct glyphs and
        # reorders vowel signs: fewer glyphs than codepoints, unlike the unshaped form, which
        # draws each codepoint alone (a virama alone even gets a dotted circle)
        codepoints = len(label["text"].replace(" ", ""))
        assert label["glyphs"] < len(label["text"]), label
        assert label["unshaped_glyphs"] >= codepoints > label["glyphs"] - label["text"].count(" ")
        assert "Lohit Devanagari" in label["fonts"], label


@pytest.mark.parametrize("language", ["hi", "de"])
def test_the_window_in_hindi_and_german_fits_without_clipping(desk, language):
    args = ("--exercise", "doorway-chest-stretch", "--organisation", "Acme Health")
    laid_out = probe(desk, language, *args)
    labels = laid_out["labels"]
    assert isinstance(labels, list)
    assert laid_out["window"] == [1280, 800]
    for label in labels:
        assert label["mapped"], label
        # the text as Pango laid it out for drawing fits the label's room
        assert label["drawn_height"] <= label["height"], f"clipped: {label}"
        assert label["drawn_width"] <= label["width"], f"clipped: {label}"
        assert 0 <= label["x"] <= 1280 - label["width"], label
        assert 0 <= label["y"] <= 800 - label["height"], label
    # and as people see it
    proc, out = start(desk, "--seconds", "90", *args, "--focus-after-idle", "0", language=language)
    try:
        out.wait_for("started", 10)
        time.sleep(0.6)
        save_screenshot(desk.display, f"break-window-gtk-{language}")
    finally:
        stop(proc, out)
    proc, out = start(
        desk, "--seconds", "90", *args, "--focus-after-idle", "600", language=language
    )
    try:
        wait_until(lambda: notice_shown(desk), "the notice")
        time.sleep(0.5)
        save_screenshot(desk.display, f"break-window-gtk-notice-{language}")
    finally:
        stop(proc, out)


# --- the pseudo-locale -------------------------------------------------------------------------

ORGANISATION = "Acme Health"
CLOCK = re.compile(r"^\d+:\d\d$")


def left_out(app: Node) -> list[tuple[str, str]]:
    """(role, text) of every name or description that is neither translated (⟦ ⟧) nor data."""
    data = {"", "Posture Guard", f"Posture Guard  \u00b7  {ORGANISATION}"}
    found = []
    for node in app.walk():
        for text in (node.name, node.description):
            if "\u27e6" in text or text in data or CLOCK.match(text) or text.isdigit():
                continue
            found.append((node.role, text))
    return found


def test_under_the_pseudo_locale_every_word_is_translated(desk, tmp_path):
    with accessibility(desk.env, tmp_path / "a11y") as env:
        args = ("--seconds", "60", "--exercise", "neck-turn", "--organisation", ORGANISATION)
        proc, out = start(desk, *args, "--focus-after-idle", "600", env=env, language="en_XA")
        try:
            wait_until(lambda: notice_shown(desk), "the notice")
            notice = tree(env, NOTICE_SUFFIX)
            assert len(list(notice.walk())) > 5
            assert left_out(notice) == []
        finally:
            stop(proc, out)
        proc, out = start(desk, *args, "--focus-after-idle", "0", env=env, language="en_XA")
        try:
            out.wait_for("started", 10)
            time.sleep(0.5)
            main = tree(env, TITLE_SUFFIX)
            assert len([n for n in main.walk() if n.role == "label"]) > 8
            assert left_out(main) == []
            save_screenshot(desk.display, "break-window-gtk-en_XA")
        finally:
            stop(proc, out)


def test_the_desktops_gdk_scale_doubles_the_window_and_keeps_the_picture_sharp(tmp_path):
    """GDK_SCALE=2 on a 2560x1600 screen: GTK doubles everything itself; the picture is drawn
    at device pixels (800 px wide, pixel for pixel), not a 400 px one blown up."""
    with start_desk(tmp_path, "-screen", "0", "2560x1600x24") as big:
        env = {**big.env, "GDK_SCALE": "2"}
        proc, out = start(
            big, "--seconds", "60", "--exercise", "shrug-and-drop", "--focus-after-idle", "0",
            env=env,
        )  # fmt: skip
        try:
            out.wait_for("started", 10)
            wait_until(lambda: big.windows_named(TITLE_SUFFIX), "the window")
            time.sleep(0.5)
            ((_id, geometry),) = big.windows_named(TITLE_SUFFIX)
            assert geometry == (0, 0, 2560, 1600)
            path = save_screenshot(big.display, "break-window-gtk-gdk-scale-2")
            with Image.open(path) as shot:
                assert find_picture(shot.convert("RGB"), "shrug-and-drop", 800)
        finally:
            stop(proc, out)
