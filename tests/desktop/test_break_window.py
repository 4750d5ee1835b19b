"""The break window on a real X desktop (own Xvfb + openbox): what it shows, its keys, focus,
strict mode, scale, high contrast and two monitors, drawn by each toolkit (GTK 3 and Tk, the
`toolkit` fixture). Screenshots go to tests/artifacts/, named with the toolkit."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time

import pytest
from PIL import Image, ImageGrab

from posture_guard.art.exercises import draw
from posture_guard.art.pose import CALM
from tests.app import Output, stop_process
from tests.desktop.conftest import save_screenshot, wait_until
from tests.desktop.wm import Desk, desk, start_desk, start_typing_window, wait_gone

__all__ = ["desk"]  # the module-scoped desktop fixture

pytestmark = pytest.mark.desktop
SUFFIX = " - Posture Guard"
BUTTON = (230, 237, 243)  # the plain buttons' colour (#E6EDF3)
ACCENT = (46, 84, 120)  # the default accent (#2E5478), the primary buttons' colour
NOTICE = " - Posture Guard notice"


@pytest.fixture(params=["gtk", "tk"], autouse=True)
def toolkit(request: pytest.FixtureRequest) -> str:
    """The toolkit the window process draws with (POSTURE_GUARD_TOOLKIT)."""
    return str(request.param)


def shot_name(toolkit: str, name: str) -> str:
    return f"{name}-{toolkit}"


class Window:
    """One break window process and its JSON lines."""

    def __init__(
        self, desk: Desk, *args: str, stdin: str | None = None, toolkit: str = "gtk",
        env: dict[str, str] | None = None,
    ) -> None:  # fmt: skip
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "posture_guard.ui.break_window", *args],
            env={**desk.env, **(env or {}), "POSTURE_GUARD_TOOLKIT": toolkit},
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert self.proc.stdin is not None
        if stdin is not None:
            self.proc.stdin.write(stdin)
        self.proc.stdin.close()
        self.out = Output(self.proc)
        self.desk = desk

    def shown(self, count: int = 1) -> list[tuple[int, tuple[int, int, int, int]]]:
        wait_until(lambda: len(self.desk.windows_named(SUFFIX)) >= count, "the break window")
        time.sleep(0.4)  # let Tk draw its first frame before a screenshot
        return self.desk.windows_named(SUFFIX)

    def lines(self) -> list[dict[str, object]]:
        return [json.loads(x) for x in self.out.lines]

    def outcome(self) -> dict[str, object]:
        self.out.wait_for("outcome", 10)
        assert wait_gone(self.proc) == 0
        return self.lines()[-1]

    def close(self) -> None:
        stop_process(self.proc)
        self.out._thread.join(5)
        for pipe in (self.proc.stdout, self.proc.stderr):
            if pipe is not None:
                pipe.close()


@pytest.fixture
def window(desk, toolkit):
    opened: list[Window] = []

    def make(
        *args: str, stdin: str | None = None, on: Desk | None = None,
        env: dict[str, str] | None = None,
    ) -> Window:  # fmt: skip
        w = Window(on or desk, *args, stdin=stdin, toolkit=toolkit, env=env)
        opened.append(w)
        return w

    yield make
    for w in opened:
        w.close()


def stretch(*extra: str) -> tuple[str, ...]:
    return ("--kind", "stretch", "--title", "Stretch break", *extra)


def grab(desk: Desk) -> Image.Image:
    return ImageGrab.grab(xdisplay=desk.display).convert("RGB")


def _panel_box(image: Image.Image) -> tuple[int, int, int, int] | None:
    mask = Image.new("L", image.size)
    mask.putdata([255 if p == CALM.panel else 0 for p in image.get_flattened_data()])
    return mask.getbbox()


def find_picture(shot: Image.Image, exercise_id: str, width: int = 400) -> bool:
    """True when the exercise's picture, drawn `width` px wide, is on screen pixel for pixel
    (located by its card colour, which nothing else in the window uses)."""
    picture = draw(exercise_id, width)
    on_screen, drawn = _panel_box(shot), _panel_box(picture)
    if on_screen is None or drawn is None:
        return False
    left, top = on_screen[0] - drawn[0], on_screen[1] - drawn[1]
    found = shot.crop((left, top, left + picture.width, top + picture.height))
    return list(found.get_flattened_data()) == list(picture.get_flattened_data())


def button_runs(shot: Image.Image) -> int:
    """How many plain buttons the window shows: runs of the button colour on the first pixel
    row (from the middle down) that has any; that row is in the buttons' padding, above the
    text that would split a run."""
    width, height = shot.size
    pixels = shot.load()
    for y in range(height // 2, height):
        runs, run = 0, 0
        for x in range(width):
            if pixels[x, y] == BUTTON:
                run += 1
            else:
                runs += run >= 40
                run = 0
        runs += run >= 40
        if runs:
            return runs
    return 0


def test_window_covers_the_screen_with_the_exercise_picture_and_a_running_countdown(
    window, desk, toolkit
):
    w = window(*stretch("--seconds", "90", "--exercise", "neck-turn", "--focus-after-idle", "0.3"))
    ((_id, geometry),) = w.shown()
    assert geometry == (0, 0, 1280, 800)
    w.out.wait_for("started", 5)
    first = grab(desk)
    save_screenshot(desk.display, shot_name(toolkit, "break-window-normal"))
    assert find_picture(first, "neck-turn")
    time.sleep(1.3)
    later = grab(desk)
    assert first != later, "the countdown did not move"


def test_escape_postpones(window):
    w = window(*stretch("--seconds", "60", "--exercise", "chin-glide", "--focus-after-idle", "0.3"))
    w.shown()
    w.out.wait_for("started", 5)
    w.desk.xdotool("key", "Escape")
    assert w.outcome() == {"outcome": "postponed", "countdown_done": False}


def test_enter_before_the_countdown_ends_does_nothing_and_after_it_is_done(window):
    w = window(
        *stretch("--seconds", "2", "--exercise", "shoulder-rolls", "--focus-after-idle", "0.3")
    )
    w.shown()
    w.out.wait_for("started", 5)
    w.desk.xdotool("key", "Return")
    time.sleep(0.5)
    assert w.proc.poll() is None, "Enter ended the break before its countdown"
    time.sleep(2.0)
    w.desk.xdotool("key", "Return")
    assert w.outcome() == {"outcome": "taken", "countdown_done": True}
    assert [line.get("event") for line in w.lines()] == ["started", None]


def test_tab_moves_from_done_past_postpone_to_skip_and_space_presses_it(window, desk, toolkit):
    w = window(*stretch("--seconds", "60", "--exercise", "neck-turn", "--focus-after-idle", "0.3"))
    w.shown()
    w.out.wait_for("started", 5)  # the focus is on Done now, which waits for the time
    time.sleep(0.3)
    desk.xdotool("key", "Tab", "Tab")
    time.sleep(0.3)
    save_screenshot(desk.display, shot_name(toolkit, "break-window-focus-on-skip"))
    desk.xdotool("key", "space")
    assert w.outcome() == {"outcome": "skipped", "countdown_done": False}


def test_closing_the_window_reports_closed(window, desk):
    w = window(*stretch("--seconds", "60", "--focus-after-idle", "0.3"))
    ((window_id, _geo),) = w.shown()
    w.out.wait_for("started", 5)
    desk.close_window(window_id)
    assert w.outcome() == {"outcome": "closed", "countdown_done": False}


def test_strict_mode_hides_skip(window, desk, toolkit):
    normal = window(*stretch("--seconds", "60", "--exercise", "neck-side-tilt"))
    normal.shown()
    with_skip = button_runs(grab(desk))
    normal.close()
    wait_until(lambda: not desk.windows_named(SUFFIX), "the first window to go")
    strict = window(*stretch("--seconds", "60", "--exercise", "neck-side-tilt", "--no-skip"))
    strict.shown()
    save_screenshot(desk.display, shot_name(toolkit, "break-window-strict"))
    assert (with_skip, button_runs(grab(desk))) == (2, 1)  # Postpone + Skip, then Postpone


def test_stdin_screen_with_bad_seconds_is_one_line_error(window):
    w = window("--stdin", stdin=json.dumps({"kind": "k", "title": "T", "seconds": "ten"}))
    assert wait_gone(w.proc) == 2
    assert w.proc.stderr is not None
    assert w.proc.stderr.read() == (
        "break window: stdin: 'seconds': expected a whole number from 1 to 3600, got 'ten'\n"
    )


def test_while_the_user_types_only_a_corner_notice_shows_then_the_window_takes_focus(
    window, desk, toolkit
):
    typing = start_typing_window(desk)
    typing_out = Output(typing)
    target, (tx, ty, tw, th) = desk.windows_named("typing-target")[0]
    word = "keepstypingwhilethebreakwindowopens"
    typist = threading.Thread(
        target=lambda: [(desk.xdotool("type", c), time.sleep(0.15)) for c in word], daemon=True
    )
    try:
        typist.start()  # the user is typing before the window opens, and goes on typing
        time.sleep(0.5)
        w = window(
            *stretch("--seconds", "60", "--exercise", "neck-turn", "--focus-after-idle", "1.5")
        )
        wait_until(lambda: desk.windows_named(NOTICE), "the corner notice")
        time.sleep(0.4)  # let Tk draw the notice
        ((_nid, (nx, ny, nw, nh)),) = desk.windows_named(NOTICE)
        # small, in the bottom-right corner of the 1280x800 screen
        assert 360 <= nw <= 480
        assert 110 <= nh <= 160
        assert 12 <= 1280 - (nx + nw) <= 24
        assert 12 <= 800 - (ny + nh) <= 24
        assert desk.windows_named(SUFFIX) == [], "the full-screen window is mapped while typing"
        shot = grab(desk)
        save_screenshot(desk.display, shot_name(toolkit, "break-window-notice-while-typing"))
        typed = shot.crop((tx, ty, tx + tw, ty + th))
        colours = {c for _n, c in typed.getcolors(1 << 16)}
        assert (220, 230, 238) not in colours, "the break page covers the typing window"
        assert (0, 0, 0) in colours, "the typed text is not visible"
        while typist.is_alive():
            assert desk.active_window() == target
            assert desk.windows_named(SUFFIX) == []
            time.sleep(0.1)
        typing_out.wait_for(word, 5)  # every key reached the typing window
        assert not any("started" in line for line in w.out.lines)
        # the user stopped typing: after 1.5 s idle the window goes full screen and takes focus
        w.out.wait_for("started", 5)
        wait_until(lambda: desk.active_window() != target, "the break window to take focus")
        ((main, geometry),) = desk.windows_named(SUFFIX)
        assert geometry == (0, 0, 1280, 800)
        assert desk.active_window() == main
        assert desk.windows_named(NOTICE) == []
        time.sleep(0.3)
        save_screenshot(desk.display, shot_name(toolkit, "break-window-after-the-pause"))
        assert find_picture(grab(desk), "neck-turn")
    finally:
        stop_process(typing)
        typist.join(10)
        assert typing.stdout is not None
        typing.stdout.close()


def test_clicking_start_on_the_notice_opens_the_window_with_the_focus(window, desk):
    typing = start_typing_window(desk)
    target = desk.windows_named("typing-target")[0][0]
    try:
        # a long idle wait stands for a user who keeps typing
        w = window(*stretch("--seconds", "60", "--focus-after-idle", "600"))
        wait_until(lambda: desk.windows_named(NOTICE), "the corner notice")
        time.sleep(0.4)
        ((_nid, (nx, ny, nw, nh)),) = desk.windows_named(NOTICE)
        start = _notice_button(grab(desk), (nx, ny, nw, nh), ACCENT)
        desk.xdotool("mousemove", str(start[0]), str(start[1]), "click", "1")
        w.out.wait_for("started", 5)
        wait_until(lambda: desk.active_window() != target, "the break window to take focus")
        ((main, _geo),) = desk.windows_named(SUFFIX)
        assert desk.active_window() == main
        desk.xdotool("key", "Escape")  # the keyboard is the window's now
        assert w.outcome() == {"outcome": "postponed", "countdown_done": False}
    finally:
        stop_process(typing)
        assert typing.stdout is not None
        typing.stdout.close()


def test_clicking_postpone_on_the_notice_postpones(window, desk):
    w = window(*stretch("--seconds", "60", "--focus-after-idle", "600"))
    wait_until(lambda: desk.windows_named(NOTICE), "the corner notice")
    time.sleep(0.4)
    ((_nid, box),) = desk.windows_named(NOTICE)
    postpone = _notice_button(grab(desk), box, BUTTON)
    desk.xdotool("mousemove", str(postpone[0]), str(postpone[1]), "click", "1")
    assert w.outcome() == {"outcome": "postponed", "countdown_done": False}
    assert not any("started" in line for line in w.out.lines)


def _notice_button(
    shot: Image.Image, box: tuple[int, int, int, int], colour: tuple[int, int, int]
) -> tuple[int, int]:
    """The middle of the notice's button drawn in `colour` (found by its pixels)."""
    x, y, width, height = box
    mask = Image.new("L", (width, height))
    area = shot.crop((x, y, x + width, y + height))
    mask.putdata([255 if p == colour else 0 for p in area.get_flattened_data()])
    found = mask.getbbox()
    assert found is not None, f"no button of colour {colour} on the notice"
    return x + (found[0] + found[2]) // 2, y + (found[1] + found[3]) // 2


def test_xinerama_heads_are_found_and_a_cloned_head_is_not_covered_twice(tmp_path, window):
    """Xvfb's Xinerama puts every head at 0,0 (cloned monitors): one window covers both."""
    with start_desk(tmp_path, "+xinerama", "-screen", "1", "1024x768x24") as two:
        env = dict(two.env)
        found = subprocess.run(
            [sys.executable, "-c",
             "from posture_guard.desktop.monitors import _x11_monitors, monitors, Monitor;"
             "print(_x11_monitors(None), monitors(Monitor(0, 0, 1, 1)))"],
            env=env, capture_output=True, text=True, check=True,
        ).stdout.strip()  # fmt: skip
        assert found == (
            "[Monitor(x=0, y=0, width=1280, height=800), Monitor(x=0, y=0, width=1024, height=768)]"
            " [Monitor(x=0, y=0, width=1280, height=800)]"
        )
        w = window(*stretch("--seconds", "60"), on=two)
        assert [geo for _id, geo in w.shown()] == [(0, 0, 1280, 800)]
        w.close()


def test_every_monitor_gets_a_window(tmp_path, window, toolkit):
    """Two monitors side by side on one 2304x800 screen: one window on each."""
    with start_desk(tmp_path, "-screen", "0", "2304x800x24") as wide:
        w = window(
            *stretch("--seconds", "60", "--exercise", "doorway-chest-stretch"),
            "--monitors", "1280x800+0+0,1024x768+1280+0",
            on=wide,
        )  # fmt: skip
        shown = w.shown(count=2)
        assert sorted(geo for _id, geo in shown) == [(0, 0, 1280, 800), (1280, 0, 1024, 768)]
        path = save_screenshot(wide.display, shot_name(toolkit, "break-window-two-monitors"))
        with Image.open(path) as shot:
            rgb = shot.convert("RGB")
        assert find_picture(rgb, "doorway-chest-stretch")
        assert rgb.getpixel((1300, 20)) == (220, 230, 238)  # the cover's calm page colour
        w.close()


def test_200_percent_scale_on_a_large_screen(tmp_path, window, toolkit):
    with start_desk(tmp_path, "-screen", "0", "2560x1600x24") as big:
        w = window(
            *stretch("--seconds", "120", "--exercise", "shrug-and-drop", "--scale", "2"), on=big
        )
        ((_id, geometry),) = w.shown()
        assert geometry == (0, 0, 2560, 1600)
        path = save_screenshot(big.display, shot_name(toolkit, "break-window-200-percent"))
        with Image.open(path) as shot:
            rgb = shot.convert("RGB")
        # everything doubles: the picture is drawn 800 px wide
        assert find_picture(rgb, "shrug-and-drop", 800)
        assert button_runs(rgb) == 2
        w.close()


def test_high_contrast_follows_the_desktop_theme(window, desk, toolkit):
    env = {**desk.env, "GTK_THEME": "HighContrast"}
    w = window(
        *stretch("--seconds", "60", "--exercise", "distance-gaze"), on=Desk(desk.display, env)
    )
    w.shown()
    path = save_screenshot(desk.display, shot_name(toolkit, "break-window-high-contrast"))
    with Image.open(path) as shot:
        colours = {c for _n, c in shot.convert("RGB").getcolors(1 << 20)}
    assert (0, 0, 0) in colours
    assert (255, 221, 0) in colours  # the yellow accent
    assert (220, 230, 238) not in colours  # no trace of the normal page colour


BRAND = (122, 31, 92)  # #7A1F5C, a dark plum: white reads on it
LOGO = (19, 168, 158)  # #13A89E, the test logo's colour


def _logo(path):
    """A 200x100 PNG logo: a teal block."""
    Image.new("RGB", (200, 100), LOGO).save(path)
    return str(path)


def test_branded_window_shows_the_organisation_its_logo_and_accent(window, desk, tmp_path, toolkit):
    w = window(
        *stretch("--seconds", "60", "--exercise", "neck-turn", "--focus-after-idle", "0"),
        "--accent", "#7A1F5C", "--organisation", "Acme Health", "--logo", _logo(tmp_path / "l.png"),
    )  # fmt: skip
    w.shown()
    w.out.wait_for("started", 5)
    time.sleep(1.5)  # the bar fills a little
    path = save_screenshot(desk.display, shot_name(toolkit, "break-window-branded"))
    with Image.open(path) as shot:
        rgb = shot.convert("RGB")
    counts = {c: n for n, c in rgb.getcolors(1 << 20)}
    # the logo, scaled to the header's 28 pt (29 px at this screen's Tk scaling), 2:1 kept
    assert counts.get(LOGO, 0) in {2 * h * h for h in (28, 29, 30)}
    assert counts.get(BRAND, 0) > 2000  # the primary button, step numbers and bar
    assert find_picture(rgb, "neck-turn")


def test_an_unreadable_logo_is_skipped_with_one_line_and_the_break_goes_on(window, desk, tmp_path):
    bad = tmp_path / "logo.png"
    bad.write_text("not a picture")
    w = window(
        *stretch("--seconds", "60", "--focus-after-idle", "0"),
        "--organisation", "Acme Health", "--logo", str(bad),
    )  # fmt: skip
    w.shown()
    w.out.wait_for("started", 5)
    w.desk.xdotool("key", "Escape")
    assert w.outcome() == {"outcome": "postponed", "countdown_done": False}
    assert w.proc.stderr is not None
    lines = w.proc.stderr.read().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"break window: logo {bad} skipped: cannot identify image file")


def test_high_contrast_ignores_the_accent(window, desk, toolkit):
    env = {**desk.env, "GTK_THEME": "HighContrast"}
    w = window(
        *stretch("--seconds", "60", "--exercise", "distance-gaze", "--focus-after-idle", "0"),
        "--accent", "#7A1F5C", "--organisation", "Acme Health",
        on=Desk(desk.display, env),
    )  # fmt: skip
    w.shown()
    path = save_screenshot(desk.display, shot_name(toolkit, "break-window-branded-high-contrast"))
    with Image.open(path) as shot:
        colours = {c for _n, c in shot.convert("RGB").getcolors(1 << 20)}
    assert (255, 221, 0) in colours
    assert BRAND not in colours


def test_a_light_accent_fills_the_notices_start_button_with_dark_text(window, desk, toolkit):
    w = window(
        *stretch("--seconds", "60", "--exercise", "neck-turn", "--focus-after-idle", "600"),
        "--accent", "#FFC83D",
    )  # fmt: skip
    wait_until(lambda: desk.windows_named(NOTICE), "the corner notice")
    time.sleep(0.4)
    ((_nid, (x, y, width, height)),) = desk.windows_named(NOTICE)
    save_screenshot(desk.display, shot_name(toolkit, "break-window-notice-light-accent"))
    left, top = _notice_button(grab(desk), (x, y, width, height), (255, 200, 61))
    button = grab(desk).crop((left - 20, top - 8, left + 20, top + 8))
    assert (28, 43, 57) in {c for _n, c in button.getcolors(1 << 16)}  # our dark text on it
    w.close()
