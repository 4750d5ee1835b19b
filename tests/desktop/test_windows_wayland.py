"""Our GTK windows under a real Wayland compositor, with no X display at all (DISPLAY unset,
GDK_BACKEND=wayland): headless sway 1.7 (wlroots), keys typed with wtype (the virtual keyboard
protocol), the tree read with `swaymsg -t get_tree`, screenshots with grim (sway's screencopy)
under tests/artifacts/wayland-*.png.

What X11's window-manager hints did there and Wayland ignores (desktop/gtk_windows.py): the
break window asks for full screen on each output; the corner notice is a layer-shell surface
that never takes the keyboard. The menu window, Tk's elsewhere, is drawn by GTK here: Tk has no
X display to draw on (desktop/toolkit.py Rule 4). The other windows are opened as the app opens
them, each checked focused and within the output, and driven by their keyboard paths.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from PIL import Image

from posture_guard.app.store import Store
from posture_guard.core.episodes import AgeBand, Lasted, Stiffness
from posture_guard.core.timer import Outcome, State
from posture_guard.desktop.paths import APP_NAME, default_paths
from posture_guard.ui.launch import launch_argv
from posture_guard.ui.presenter import WINDOW_COMMAND
from tests.app import App, Output, stop_process
from tests.desktop.compositors import Compositor, grim_shot, gtk_client_env, sway
from tests.desktop.conftest import wait_until
from tests.desktop.test_break_flow import START, Flow, settings
from tests.desktop.test_break_window import find_picture
from tests.desktop.test_forms_gtk import cli
from tests.desktop.wm import wait_gone

pytestmark = pytest.mark.desktop

BREAK = " - Posture Guard"
NOTICE = " - Posture Guard notice"
PAGE = (220, 230, 238)  # the break page's calm colour
NOTICE_BORDER = (74, 91, 107)  # the notice's frame (#4A5B6B, the muted text colour)
ACCENT = (46, 84, 120)  # the default accent (#2E5478): Start now
ERROR = (179, 38, 30)  # the error colour (#B3261E): a reason said
#: A GTK window with a focused entry that prints each key it gets (the user's work).
TYPING_WINDOW = """
import gi
gi.require_version("Gtk", "3.0")
gi.require_version("Gdk", "3.0")
from gi.repository import Gdk, Gtk
window = Gtk.Window(title="typing-target")
entry = Gtk.Entry()
window.add(entry)
window.connect("key-press-event", lambda _w, e: print(Gdk.keyval_name(e.keyval), flush=True))
window.connect("destroy", Gtk.main_quit)
window.show_all()
print("ready", flush=True)
Gtk.main()
"""


#: Releases (of keys not pressed: no key press reaches a window) that give every wtype run
#: the same keymap: wtype numbers the keys in the order it first meets them, so Tab was keycode
#: 9 in one run and space in the next, and GTK's key bindings (Tab moves the focus, Space
#: chooses) read the keycode through a keymap of an earlier run: they did nothing (the key
#: events themselves came through, so Enter and Esc, handled by the windows, worked).
KEYMAP = ("-p", "Tab", "-p", "space", "-p", "Return", "-p", "Escape", "-p", "x")


@dataclass
class View:
    """A toplevel as sway's tree shows it."""

    name: str
    rect: tuple[int, int, int, int]
    focused: bool
    fullscreen: bool
    output: str


@dataclass
class Sway:
    """Headless sway and an environment for Wayland-only GTK clients."""

    compositor: Compositor

    @property
    def env(self) -> dict[str, str]:
        return gtk_client_env(self.compositor, PYSTRAY_BACKEND="dummy")

    def msg(self, *args: str) -> str:
        done = subprocess.run(
            ["swaymsg", *args], env=self.env, capture_output=True, text=True, timeout=10,
            check=False,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        return done.stdout

    def views(self) -> list[View]:
        found: list[View] = []

        def walk(node: dict[str, object], output: str) -> None:
            if node.get("type") == "output":
                output = str(node["name"])
            if node.get("type") in ("con", "floating_con") and node.get("name"):
                r = node["rect"]
                assert isinstance(r, dict)
                found.append(View(str(node["name"]), (r["x"], r["y"], r["width"], r["height"]),
                                  node.get("focused") is True, node.get("fullscreen_mode") == 1,
                                  output))  # fmt: skip
            for key in ("nodes", "floating_nodes"):
                for child in node.get(key, []):  # type: ignore[attr-defined]
                    walk(child, output)

        walk(json.loads(self.msg("-t", "get_tree")), "")
        return found

    def named(self, suffix: str) -> list[View]:
        return [v for v in self.views() if v.name.endswith(suffix)]

    def keys(self, *names: str, gap_ms: int = 120) -> None:
        """Press and release each key (an xkb keysym name) in turn; the first waits for the
        keymap to reach GTK."""
        args = ["-s", "300"]
        for name in names:
            args += ["-k", name, "-s", str(gap_ms)]
        self.wtype(*args)

    def wtype(self, *args: str) -> None:
        """wtype, its keymap starting with KEYMAP's keys (see KEYMAP)."""
        done = subprocess.run(
            ["wtype", *KEYMAP, *args], env=self.env, capture_output=True, text=True, timeout=30,
            check=False,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        time.sleep(0.3)

    def shot(self, name: str) -> Image.Image:
        """Every output, as grim sees them, saved as tests/artifacts/wayland-<name>.png."""
        return grim_shot(self.env, f"wayland-{name}")


def box_of(shot: Image.Image, colour: tuple[int, int, int]) -> tuple[int, int, int, int] | None:
    """(x, y, width, height) around every pixel of `colour`, None when there is none."""
    mask = Image.new("L", shot.size)
    mask.putdata([255 if p == colour else 0 for p in shot.get_flattened_data()])
    found = mask.getbbox()
    return None if found is None else (found[0], found[1], found[2] - found[0], found[3] - found[1])


@pytest.fixture
def desk(tmp_path: Path) -> Iterator[Sway]:
    with sway_desk(tmp_path) as made:
        yield made


@contextmanager
def sway_desk(tmp_path: Path) -> Iterator[Sway]:
    """Headless sway with one 1280x800 output and a keyboard that stays plugged in.

    The headless seat has no keyboard of its own, and each wtype run plugs in a virtual one
    and unplugs it as it ends: the seat gained and lost its keyboard with every run, and a key
    sent before GTK had bound the new keyboard was lost (now and then, under load); a window
    that opened with no keyboard there drew no focus ring. A wtype that waits an hour before
    its last (release) event is the keyboard a person always has plugged in."""
    with sway(tmp_path / "sway") as compositor:
        desk = Sway(compositor)
        desk.msg("output", "HEADLESS-1", "resolution", "1280x800")
        keyboard = subprocess.Popen(["wtype", *KEYMAP, "-s", "3600000", "-p", "x"], env=desk.env)
        try:
            wait_until(lambda: "keyboard" in desk.msg("-t", "get_seats"), "the keyboard")
            yield desk
        finally:
            stop_process(keyboard)


def output_rect(desk: Sway, name: str = "HEADLESS-1") -> tuple[int, int, int, int]:
    (found,) = [o for o in json.loads(desk.msg("-t", "get_outputs")) if o["name"] == name]
    r = found["rect"]
    return (r["x"], r["y"], r["width"], r["height"])


class Window:
    """One of our window processes, started with `argv` (as the app starts it) and `env`, `stdin`
    written to it; its outcome is its last line of output."""

    def __init__(self, argv: list[str], env: dict[str, str], stdin: str = "") -> None:
        self.proc = subprocess.Popen(
            argv, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True,
        )  # fmt: skip
        assert self.proc.stdin is not None
        self.proc.stdin.write(stdin)
        self.proc.stdin.close()
        self.out = Output(self.proc)

    def outcome(self) -> dict[str, object]:
        self.out.wait_for("outcome", 10)
        assert wait_gone(self.proc) == 0
        return json.loads(self.out.lines[-1])

    def close(self) -> None:
        finish(self.proc, self.out)


class BreakWindow(Window):
    """The break window process as the presenter starts it (WINDOW_COMMAND, the screen as
    JSON on stdin), with extra arguments."""

    def __init__(self, desk: Sway, screen: dict[str, object], *args: str) -> None:
        super().__init__([*WINDOW_COMMAND, *args], desk.env, json.dumps(screen))


def finish(proc: subprocess.Popen[str], out: Output) -> None:
    """Stop `proc` (if it still runs) and close its pipes."""
    stop_process(proc)
    out._thread.join(5)
    for pipe in (proc.stdout, proc.stderr):
        if pipe is not None:
            pipe.close()


NECK_TURN = {"kind": "stretch", "title": "Stretch break", "seconds": 60, "exercise_id": "neck-turn",
             "exercise_name": "Neck turn", "steps": ["Turn slowly."], "hold": ""}  # fmt: skip


@pytest.fixture
def break_window(desk: Sway) -> Iterator[type[BreakWindow]]:
    opened: list[BreakWindow] = []

    class Opened(BreakWindow):
        def __init__(self, desk: Sway, screen: dict[str, object], *args: str) -> None:
            super().__init__(desk, screen, *args)
            opened.append(self)

    yield Opened
    for made in opened:
        made.close()


# --- the break window --------------------------------------------------------------------------


def test_the_services_break_window_is_full_screen_focused_and_done_by_enter_after_the_countdown(
    desk: Sway, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Protects: under sway the break window was tiled with a title bar (move, keep-above and
    # the splash hint are X11's); it must cover the output, have the keyboard, ignore Enter
    # while the countdown runs and close on Enter after it, the service recording the break.
    for name in ("DISPLAY", "DBUS_SESSION_BUS_ADDRESS"):
        monkeypatch.delenv(name, raising=False)
    for name, value in desk.env.items():
        monkeypatch.setenv(name, value)  # the presenter's window process inherits them
    store = Store.open(tmp_path / "pg.sqlite3")
    flow = Flow(store, settings(posture_length_s=3))
    try:
        flow.work(20 * 60)  # the posture break comes due and is prompted
        # nobody types: once the compositor has seen 5 s without input (its idle protocol's
        # resolution) the window goes full screen, takes the keyboard and starts
        wait_until(lambda: flow.state() is State.ON_BREAK, "start-break from the window", 15)
        wait_until(lambda: desk.named(BREAK), "the break window in sway's tree")
        time.sleep(0.4)
        ((view,),) = (desk.named(BREAK),)
        assert view.fullscreen
        assert view.focused
        assert view.rect == output_rect(desk) == (0, 0, 1280, 800)
        shot = desk.shot("break-window-service")
        assert shot.size == (1280, 800)
        # drawn edge to edge by us: the page colour in every corner (no title bar, no border)
        assert {shot.getpixel(p) for p in ((0, 0), (1279, 0), (0, 799), (1279, 799))} == {PAGE}
        desk.keys("Return")  # Done waits for the time: nothing happens
        assert flow.state() is State.ON_BREAK
        assert desk.named(BREAK)
        time.sleep(3.2)  # the 3-second countdown
        desk.shot("break-window-service-time-up")
        desk.keys("Return")
        wait_until(lambda: flow.state() is State.WORKING, "finish-break from the window", 10)
        wait_until(lambda: not desk.named(BREAK), "the window to close")
    finally:
        flow.stop()
    records = store.breaks_between(START, START.replace(hour=23))
    store.close()
    assert [(r.kind, r.outcome) for r in records] == [("posture", Outcome.TAKEN)]


@pytest.mark.parametrize("away", [True, False])
def test_someone_away_at_the_prompt_gets_the_break_at_once_not_after_the_compositors_5_s(
    desk: Sway, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, away: bool
) -> None:
    # Protects: the window's own idle source (ext-idle-notify) reads 0 until it has itself seen
    # 5 s without input, so everyone got the notice for 5 s at least; the presenter hands the
    # service's reading at the prompt to the window: someone away for 20 s gets the full window
    # at once; someone typing at the prompt (0 s) still gets the notice, for the compositor's
    # 5 s at least. (Focus after 8 s of idle: only the service's reading can start it sooner.)
    for name in ("DISPLAY", "DBUS_SESSION_BUS_ADDRESS"):
        monkeypatch.delenv(name, raising=False)
    for name, value in desk.env.items():
        monkeypatch.setenv(name, value)
    store = Store.open(tmp_path / "pg.sqlite3")
    flow = Flow(store, settings(posture_length_s=3), idle=20.0 if away else 0.0,
                focus_after_idle="8")  # fmt: skip
    try:
        flow.work(20 * 60)  # the posture break comes due and is prompted
        prompted = time.monotonic()
        if away:
            wait_until(lambda: flow.state() is State.ON_BREAK, "start-break from the window", 5)
            assert time.monotonic() - prompted < 5.0
            wait_until(lambda: [v.focused for v in desk.named(BREAK)] == [True], "the break")
            time.sleep(0.4)
            desk.shot("break-idle-at-prompt")
        else:
            time.sleep(5.0)
            assert flow.state() is not State.ON_BREAK
            assert not desk.named(BREAK)
            assert box_of(desk.shot("break-typing-at-prompt"), NOTICE_BORDER) is not None
    finally:
        flow.stop()
    store.close()


def test_escape_postpones_and_the_picture_is_drawn_pixel_for_pixel(desk: Sway, break_window):
    # Protects: the keyboard reaches the window under Wayland (Esc = Postpone) and GTK draws
    # the exercise picture there as on X11.
    w = break_window(desk, NECK_TURN, "--focus-after-idle", "0")
    w.out.wait_for("started", 10)
    wait_until(lambda: desk.named(BREAK), "the break window")
    time.sleep(0.5)
    first = desk.shot("break-window-neck-turn")
    assert find_picture(first, "neck-turn")
    time.sleep(1.2)
    assert desk.shot("break-window-neck-turn-later") != first, "the countdown did not move"
    desk.keys("Escape")
    assert w.outcome() == {"outcome": "postponed", "countdown_done": False}
    wait_until(lambda: not desk.named(BREAK), "the window to close")


class Typist:
    """A person typing into a Wayland window of theirs (TYPING_WINDOW, with `env`): focused,
    then an x every 0.1 s through wtype until `stop`, which waits for every key to arrive."""

    def __init__(self, desk: Sway, env: dict[str, str]) -> None:
        self.desk = desk
        self.proc = subprocess.Popen([sys.executable, "-c", TYPING_WINDOW], env=env,
                                     stdout=subprocess.PIPE, text=True)  # fmt: skip
        self.got = Output(self.proc)
        self.typed = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._type, daemon=True)

    def _type(self) -> None:
        while not self._stop.is_set():
            self.desk.wtype("-s", "100", "-k", "x")
            self.typed += 1

    def start(self) -> None:
        self.got.wait_for("ready", 10)
        wait_until(self.focused, "typing")
        self._thread.start()
        time.sleep(1.0)

    def focused(self) -> bool:
        return [v.focused for v in self.desk.named("typing-target")] == [True]

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(10)
        wait_until(
            lambda: self.got.lines.count("x") >= self.typed,
            f"every key in the typing window ({self.typed} typed; got {self.got.lines[-5:]})",
        )

    def close(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(10)
        finish(self.proc, self.got)


def notice_in_the_corner(
    shot: Image.Image, output: tuple[int, int] = (1280, 800)
) -> tuple[int, int, int, int]:
    """Check that the notice's frame (its border colour) is in the bottom-right corner of an
    `output` (width, height) at the top left, as on X11, with Start now on it; its box."""
    found = box_of(shot, NOTICE_BORDER)
    assert found is not None, "no notice on screen"
    x, y, width, height = found
    assert 12 <= output[0] - (x + width) <= 24, found
    assert 12 <= output[1] - (y + height) <= 24, found
    start_now = box_of(shot, ACCENT)
    assert start_now is not None
    assert x < start_now[0] < start_now[0] + start_now[2] < x + width  # on the notice
    return found


def test_while_the_user_types_the_notice_waits_in_the_corner_without_the_keyboard(
    desk: Sway, break_window
) -> None:
    # Protects: a notice made as a toplevel was tiled over half the screen by sway and took
    # the keyboard while the user typed; as a layer-shell overlay it sits in the corner and
    # every key goes on reaching the user's window, until they pause.
    typist = Typist(desk, desk.env)
    try:
        typist.start()
        w = break_window(desk, NECK_TURN, "--focus-after-idle", "1")
        time.sleep(2.5)
        assert [v.name for v in desk.views()] == ["typing-target"]  # the notice is no view
        assert typist.focused()
        _x, _y, width, height = notice_in_the_corner(desk.shot("break-notice-while-typing"))
        assert (360 <= width <= 480, 110 <= height <= 160) == (True, True), (width, height)
        assert not any("started" in line for line in w.out.lines)
        typist.stop()
        # the pause: after the compositor's 5 s the full window comes with the keyboard
        w.out.wait_for("started", 15)
        wait_until(lambda: [v.focused for v in desk.named(BREAK)] == [True], "the break focused")
        ((view,),) = (desk.named(BREAK),)
        assert view.fullscreen
        time.sleep(0.4)
        desk.shot("break-after-the-pause")
        desk.keys("Escape")
        assert w.outcome() == {"outcome": "postponed", "countdown_done": False}
    finally:
        typist.close()


def test_each_output_gets_a_window_full_screen_on_it(desk: Sway, break_window) -> None:
    # Protects: with no X there is no Xinerama: the monitors come from GDK (wl_output), each
    # covered by its own full-screen window (one window the size of both would cover one).
    desk.msg("create_output")
    wait_until(lambda: len(json.loads(desk.msg("-t", "get_outputs"))) == 2, "a second output")
    desk.msg("output", "HEADLESS-1", "position", "0", "0")
    desk.msg("output", "HEADLESS-2", "resolution", "1024x768", "position", "1280", "0")
    w = break_window(desk, NECK_TURN, "--focus-after-idle", "0")
    w.out.wait_for("started", 10)
    wait_until(lambda: len(desk.named(BREAK)) == 2, "two break windows")
    time.sleep(0.5)
    views = sorted(desk.named(BREAK), key=lambda v: v.output)
    assert [(v.output, v.rect, v.fullscreen) for v in views] == [
        ("HEADLESS-1", (0, 0, 1280, 800), True),
        ("HEADLESS-2", (1280, 0, 1024, 768), True),
    ]

    def both_drawn() -> bool:  # a headless output shows a new window from its next frame on
        shot = desk.shot("break-window-two-outputs")
        return shot.getpixel((10, 10)) == shot.getpixel((1290, 10)) == PAGE

    wait_until(both_drawn, "the page on the first output and the calm cover on the second", 10)
    shot = desk.shot("break-window-two-outputs")
    assert find_picture(shot.crop((0, 0, 1280, 800)), "neck-turn")
    desk.keys("Escape")
    assert w.outcome() == {"outcome": "postponed", "countdown_done": False}


# --- the check-in form ---------------------------------------------------------------------------


@pytest.fixture
def user(desk: Sway, tmp_path: Path) -> dict[str, str]:
    """A user of their own (XDG folders under tmp_path, no policy) on the Wayland desk."""
    home = tmp_path / "home"
    return {**desk.env, "HOME": str(home), "XDG_DATA_HOME": str(home / "data"),
            "XDG_CONFIG_HOME": str(home / "config"), "XDG_STATE_HOME": str(home / "state"),
            "POSTURE_GUARD_POLICY": ""}  # fmt: skip


def test_the_check_in_form_is_typed_into_and_saved(desk: Sway, user: dict[str, str]) -> None:
    # Protects: the check-in form, opened as the tray opens it, takes the keyboard under
    # Wayland, walks its questions by Tab, Space and Enter, and saves what was answered.
    env = user
    proc = subprocess.Popen(
        launch_argv("check-in"), env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    out = Output(proc)
    title = "How is your neck today? - Posture Guard"
    try:
        wait_until(lambda: desk.named(title), "the check-in form", 15)
        wait_until(lambda: desk.named(title)[0].focused, "the form focused")
        time.sleep(0.6)  # the first field takes the focus once the window maps
        desk.shot("form-check-in")
        desk.keys(*["Tab"] * 4, "space")  # pain 4
        desk.keys("Return")  # stiffness has no answer: the focus goes to its first choice
        desk.shot("form-check-in-missing")
        # each refusal moves the focus to the first choice of what is missing, once it is
        # drawn: the next key waits for that (as test_forms.py does on X11)
        desk.keys("space")  # no stiffness
        desk.keys("Return")  # the warning signs need an answer
        desk.keys("space")  # None of these
        desk.keys("Return")  # how long it has lasted has no answer
        desk.keys("space")  # less than a week
        desk.keys("Return")  # now the age is the one missing
        desk.keys("Tab", "space")  # 20 to 50
        desk.keys("Return")  # saved: the advice shows
        time.sleep(0.5)
        desk.shot("form-check-in-advice")
        desk.keys("Return")
        out.wait_for("outcome", 15)
        assert wait_gone(proc) == 0
    finally:
        finish(proc, out)
    outcome = json.loads(out.lines[-1])
    assert (outcome["outcome"], outcome["form"]) == ("saved", "check-in")
    with Store.open(Path(env["XDG_DATA_HOME"]) / APP_NAME / default_paths().database.name) as s:
        latest = s.latest_check_in()
    assert latest is not None
    assert (latest.check_in.pain_now, latest.check_in.stiffness) == (4, Stiffness.NONE)
    assert latest.check_in.symptoms == frozenset()
    assert latest.check_in.pain_lasted is Lasted.UNDER_1_WEEK
    assert latest.check_in.age_band is AgeBand.FROM_20_TO_50
    shown = subprocess.run(
        [sys.executable, "-m", "posture_guard", "advice"], env=env, capture_output=True,
        text=True, timeout=30, check=False,
    )  # fmt: skip
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.startswith("Your check-in of ")  # the CLI reads the form's check-in
    assert "Advice: Look after it yourself for now" in shown.stdout


# --- the other windows: each opened as the app opens it ------------------------------------------


@pytest.fixture
def windows() -> Iterator[type[Window]]:
    opened: list[Window] = []

    class Opened(Window):
        def __init__(self, argv: list[str], env: dict[str, str], stdin: str = "") -> None:
            super().__init__(argv, env, stdin)
            opened.append(self)

    yield Opened
    for made in opened:
        made.close()


@pytest.fixture
def service(app: App, desk: Sway) -> App:
    """The user's running service (`run --headless`, past its first run) on the Wayland desk:
    the windows it opens reach it over its control socket."""
    app.env.update({k: v for k, v in desk.env.items() if k not in ("HOME", "XDG_CONFIG_HOME")})
    return app


def start(app: App, config: str = "") -> None:
    app.config.write_text(config)
    app.not_first_run()
    app.start("--headless")
    app.wait_running()


def shown(desk: Sway, title: str) -> View:
    """The view titled `title` once it has the keyboard, checked to be drawn (not 0 wide or
    high) within the output."""
    wait_until(lambda: [v.focused for v in desk.named(title)] == [True], f"{title!r} focused", 20)
    time.sleep(0.8)  # the first control takes the focus once the window maps; the next frame
    ((view,),) = (desk.named(title),)
    ox, oy, ow, oh = output_rect(desk)
    x, y, width, height = view.rect
    assert (0 < width <= ow, 0 < height <= oh) == (True, True), view
    assert (ox <= x, x + width <= ox + ow, oy <= y, y + height <= oy + oh) == (True,) * 4, view
    return view


def test_the_welcome_window_has_the_keyboard_and_enter_starts(desk: Sway, user, windows) -> None:
    # Protects: the first run's welcome window takes the keyboard under Wayland and Enter
    # (Start) completes it, the login item written.
    w = windows(launch_argv("welcome"), user)
    shown(desk, "Welcome - Posture Guard")
    desk.shot("welcome")
    desk.keys("Return")
    assert w.outcome()["outcome"] == "started"
    assert (Path(user["XDG_CONFIG_HOME"]) / "autostart" / "posture-guard.desktop").exists()
    wait_until(lambda: not desk.named("Welcome - Posture Guard"), "the window to close")


STRETCH_EVERY_10M = '[breaks.stretch]\nevery = "10m"\n'


def test_settings_a_keyboard_change_saved_reaches_the_running_service(
    desk: Sway, service: App, windows
) -> None:
    # Protects: `posture-guard settings` under Wayland takes the keyboard; Tab, typing and
    # Enter change the stretch interval in the file and the running service counts it down.
    start(service, STRETCH_EVERY_10M)
    wait_until(lambda: "stretch in 9m" in service.cli("status").stdout, "the 10m plan")
    w = windows([sys.executable, "-m", "posture_guard", "--config", str(service.config),
                 "settings"], service.env)  # fmt: skip
    shown(desk, "Settings - Posture Guard")
    desk.shot("settings")
    desk.keys("Tab", "Tab", "Tab", "Tab")  # the posture break's three, then the stretch's box
    desk.wtype("-s", "300", "3m")  # its interval, selected by Tab: replaced
    desk.keys("Return")
    wait_until(lambda: 'every = "3m"' in service.config.read_text(), "the save", 10)
    wait_until(lambda: "stretch in 2m" in service.cli("status").stdout, "the 3m plan")
    desk.shot("settings-saved")
    desk.keys("Escape")  # the result's Close
    outcome = w.outcome()
    assert (outcome["outcome"], outcome["changed"]) == ("saved", ["breaks.stretch.every"])


def test_the_statistics_window_opens_focused_and_escape_closes_it(
    desk: Sway, user, windows
) -> None:
    # Protects: `posture-guard stats --window` under Wayland: focused, within the output, and
    # Esc closes it.
    w = windows([sys.executable, "-m", "posture_guard", "stats", "--window"], user)
    shown(desk, "Statistics - Posture Guard")
    desk.shot("statistics")
    desk.keys("Escape")
    assert wait_gone(w.proc) == 0
    assert not desk.named("Statistics - Posture Guard")


def test_the_advice_window_opens_focused_and_escape_closes_it(desk: Sway, user, windows) -> None:
    # Protects: the advice window (the tray's "Advice") under Wayland: focused, within the
    # output, the check-in's advice shown, and Esc closes it.
    cli(user, "check-in", "--pain", "3", "--stiffness", "mild", "--trend", "same", "--age",
        "42", "--yes")  # fmt: skip
    w = windows(launch_argv("advice"), user)
    shown(desk, "Posture Guard: advice")
    desk.shot("advice")
    desk.keys("Escape")
    assert wait_gone(w.proc) == 0


def test_the_episode_form_is_answered_and_saved(desk: Sway, user, windows) -> None:
    # Protects: the episode form (the tray's "Log an episode") under Wayland: focused on the
    # pain's first choice; Tab and Space choose 3, Enter saves, Enter closes; the diary has it.
    w = windows(launch_argv("episode"), user)
    shown(desk, "Log a neck-pain episode - Posture Guard")
    desk.shot("episode")
    desk.keys("Tab", "Tab", "Tab", "space")  # pain 3
    desk.keys("Return")
    time.sleep(0.5)
    desk.shot("episode-saved")
    desk.keys("Return")  # Close
    assert w.outcome() == {"outcome": "saved", "form": "episode", "action": "start"}
    with Store.open(Path(user["XDG_DATA_HOME"]) / APP_NAME / default_paths().database.name) as s:
        episode = s.open_episode()
    assert episode is not None
    assert episode.pain_at_start == 3


def test_the_menu_window_pauses_the_service_by_its_letter_and_enter(
    desk: Sway, service: App, windows
) -> None:
    # Protects: `posture-guard menu` (where no tray shows) under Wayland: focused, within the
    # output; P moves to Pause's first item, Enter pauses the running service and closes.
    start(service)
    w = windows([sys.executable, "-m", "posture_guard", "--config", str(service.config), "menu"],
                service.env)  # fmt: skip
    shown(desk, "Posture Guard")
    desk.shot("menu")
    desk.keys("p", "Return")
    assert wait_gone(w.proc) == 0
    wait_until(lambda: "paused" in service.cli("status").stdout, "status to say paused")


def test_the_menu_window_without_the_service_says_why_and_escape_closes_it(
    desk: Sway, service: App, windows
) -> None:
    # Protects: with no service running, the GTK menu window says why (the Tk one's words)
    # instead of items, and Esc closes it.
    service.config.write_text("")
    w = windows([sys.executable, "-m", "posture_guard", "--config", str(service.config), "menu"],
                service.env)  # fmt: skip
    shown(desk, "Posture Guard")
    shot = desk.shot("menu-no-service")
    assert box_of(shot, ERROR) is not None, "no reason shown"
    desk.keys("Escape")
    assert wait_gone(w.proc) == 0
