"""The first day at the desk, walked through as a new user lives it, on real programs only.

A fresh HOME on Xvfb with openbox, a tray host (trayer), a notification daemon (dunst, on a
private session bus) and a sound server (a private PulseAudio whose null sink's monitor is
recorded). `posture-guard run` is started as the README says, with a short plan in the user's
settings file so the day fits in a minute:

welcome window (Start, "Start at login" left on) -> the login item is written -> working (the
pointer moves) -> the pre-break notice, then the prompt: never more than one of our
notifications on screen (`dunstctl count displayed`, polled all along) -> the break window: its
corner notice while the pointer moves, then the full window counting down once it stops; Enter
does nothing while it counts; at the end Done (Enter) closes it and the break is stored as taken
-> a start and an end sound, two separate sounds in the recording -> the tray icon's menu (our
menu window; a letter jumps to its item) -> a check-in through the form -> its advice page ->
the advice window -> the report, opened in a real browser (Chromium, the desktop's default for
HTML in this HOME). A screenshot of each step: tests/artifacts/first-day-NN-*.png.

The tray runs pystray's xorg backend (trayer is an XEmbed tray), whose left click opens our menu
window: the path a keyboard can drive; the appindicator menu has its own tests (test_tray.py).
"""

from __future__ import annotations

import array
import math
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import wave
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from pathlib import Path

import pytest

from posture_guard.app.store import Store
from posture_guard.core.timer import Outcome
from tests.app import Output, stop_process
from tests.desktop.conftest import SoundServer, save_screenshot, start_sound_server, wait_until
from tests.desktop.test_sound import SILENCE_RMS, recording
from tests.desktop.traydesk import TrayDesktop, wait_for_icon

pytestmark = pytest.mark.desktop

REPO = Path(__file__).resolve().parents[2]
#: The short plan: a posture check after 20 s of screen time, 5 s long; nothing else.
PLAN = """\
# my plan for trying Posture Guard out
[breaks.posture]
every = "20s"
length = "5s"
[breaks.stretch]
enabled = false
[breaks.movement]
enabled = false
"""
WELCOME = "Welcome - Posture Guard"
BREAK_WINDOW = "Posture and eyes check - Posture Guard"
CHECK_IN = "How is your neck today? - Posture Guard"
ADVICE = "Posture Guard: advice"
REPORT = "Neck pain and screen work: a report for your clinician"


def user_env(desk: TrayDesktop, sound: SoundServer, home: Path, runtime: Path) -> dict[str, str]:
    """A person of their own: HOME and the XDG folders under `home`, no policy, the desk's
    display and bus, the private sound server, English."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("XDG_", "LC_", "POSTURE_GUARD_", "PULSE_"))
        and k not in ("LANGUAGE", "WAYLAND_DISPLAY", "BROWSER")
    }
    env.update(
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / ".config"),
        XDG_DATA_HOME=str(home / ".local" / "share"),
        XDG_STATE_HOME=str(home / ".local" / "state"),
        XDG_RUNTIME_DIR=str(runtime),
        DISPLAY=desk.display,
        DBUS_SESSION_BUS_ADDRESS=desk.env["DBUS_SESSION_BUS_ADDRESS"],
        PULSE_SERVER=sound.env["PULSE_SERVER"],
        PYSTRAY_BACKEND="xorg",
        NO_AT_BRIDGE="1",
        LANG="C.UTF-8",
        POSTURE_GUARD_POLICY="",
        PYTHONPATH=str(REPO),
    )
    return env


def default_browser(env: dict[str, str], profile: Path) -> None:
    """Make Chromium this HOME's default browser, as a desktop's settings do: the default for
    HTML pages and web links in mimeapps.list, which xdg-open and `xdg-settings get
    default-web-browser` (asked by Python's webbrowser) read. Run as root here, it needs
    --no-sandbox, which the system's own chromium entry lacks."""
    apps = Path(env["XDG_DATA_HOME"]) / "applications"
    apps.mkdir(parents=True)
    chromium = shutil.which("chromium")
    assert chromium is not None, "tests/run.sh installs chromium"
    (apps / "test-browser.desktop").write_text(
        "[Desktop Entry]\nType=Application\nName=Browser\nMimeType=text/html;\n"
        f"Exec={chromium} --no-sandbox --no-first-run --no-default-browser-check --disable-gpu"
        f" --password-store=basic --user-data-dir={profile} --window-size=1100,700 %u\n"
    )
    config = Path(env["XDG_CONFIG_HOME"])
    config.mkdir(parents=True, exist_ok=True)
    (config / "mimeapps.list").write_text(
        "[Default Applications]\n"
        + "".join(
            f"{kind}=test-browser.desktop\n"
            for kind in ("text/html", "x-scheme-handler/http", "x-scheme-handler/https")
        )
    )


class NotificationWatch:
    """Polls dunst's count of notifications on screen every 50 ms; keeps the largest seen and
    whether any was seen at all."""

    def __init__(self, env: dict[str, str]) -> None:
        self.env = env
        self.most = 0
        self.seen = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True)
        self._thread.start()

    def shown(self) -> int:
        done = subprocess.run(
            ["dunstctl", "count", "displayed"],
            env=self.env, capture_output=True, text=True, timeout=5, check=False,
        )  # fmt: skip
        return int(done.stdout.strip() or 0) if done.returncode == 0 else 0

    def _poll(self) -> None:
        while not self._stop.is_set():
            now = self.shown()
            self.most = max(self.most, now)
            self.seen += now > 0
            time.sleep(0.05)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(5)


class Pointer:
    """Someone at work: the pointer moves every 0.4 s (XTest input resets the X idle time the
    service and the break window read) until `still()`."""

    def __init__(self, desk: TrayDesktop) -> None:
        self.desk = desk
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._move, daemon=True)
        self._thread.start()

    def _move(self) -> None:
        step = 1
        while not self._stop.is_set():
            self.desk.xdotool("mousemove_relative", "--", str(step), "0")
            step = -step
            time.sleep(0.4)

    def still(self) -> None:
        self._stop.set()
        self._thread.join(5)


def shot(desk: TrayDesktop, number: int, name: str) -> Path:
    time.sleep(0.4)  # the last change drawn
    return save_screenshot(desk.display, f"first-day-{number:02d}-{name}")


def windows(desk: TrayDesktop, title: str) -> list[str]:
    """The shown windows whose title starts with `title` (xdotool takes a regular expression)."""
    literal = "".join(f"\\{c}" if c in ".^$*+?()[]{}|\\" else c for c in title)
    return desk.xdotool("search", "--onlyvisible", "--name", f"^{literal}").split()


def key(desk: TrayDesktop, *names: str) -> None:
    for name in names:
        desk.xdotool("key", name)
        time.sleep(0.15)
    time.sleep(0.3)


def sounds_in(path: Path, window_s: float = 0.05) -> list[tuple[float, float]]:
    """The separate sounds in a WAV recording: (start, end) in seconds of each run of 50 ms
    windows louder than silence (gaps under 0.3 s join a run)."""
    with wave.open(str(path)) as reader:
        rate = reader.getframerate()
        samples = array.array("h", reader.readframes(reader.getnframes()))
    size = int(rate * window_s)
    loud = [
        math.sqrt(sum(s * s for s in chunk) / len(chunk)) > SILENCE_RMS
        for chunk in (samples[i : i + size] for i in range(0, len(samples), size))
        if len(chunk)
    ]
    runs: list[tuple[float, float]] = []
    for index, is_loud in enumerate(loud):
        if not is_loud:
            continue
        start, end = index * window_s, (index + 1) * window_s
        if runs and start - runs[-1][1] < 0.3:
            runs[-1] = (runs[-1][0], end)
        else:
            runs.append((start, end))
    return runs


def breaks_stored(database: Path) -> list[tuple[str, Outcome]]:
    """(kind, outcome) of each break the diary holds."""
    if not database.exists():
        return []
    with Store.open(database) as store:
        found = store.breaks_between(datetime(2000, 1, 1, tzinfo=UTC), datetime.now(UTC))
    return [(record.kind, record.outcome) for record in found]


def check_ins_stored(database: Path) -> int:
    with Store.open(database) as store:
        return len(store.check_ins())


def cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "posture_guard", *args],
        env=env, capture_output=True, text=True, timeout=30, check=False,
    )  # fmt: skip


def open_menu_item(desk: TrayDesktop, letter: str) -> None:
    """Click the tray icon (our menu window opens) and choose the item starting with `letter`."""
    icon = wait_for_icon(desk.display, timeout=30)
    desk.xdotool("mousemove", str(icon.center[0]), str(icon.center[1]), "click", "1")
    wait_until(
        lambda: desk.xdotool("search", "--onlyvisible", "--class", "PostureGuardMenu"),
        "our menu window",
        timeout=15,
    )
    window = desk.xdotool("search", "--onlyvisible", "--class", "PostureGuardMenu").split()[0]
    desk.xdotool("windowactivate", "--sync", window)
    time.sleep(0.3)
    key(desk, letter)


@contextmanager
def browser_processes(profile: Path) -> Iterator[None]:
    """Ends the browser the report opened (found by its private profile) when the block ends."""
    try:
        yield
    finally:
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                command = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            if f"--user-data-dir={profile}".encode() in command:
                with suppress(ProcessLookupError):
                    os.kill(int(entry.name), signal.SIGTERM)


def test_the_first_day_from_the_welcome_to_the_report(
    tray_desktop: TrayDesktop, tmp_path: Path
) -> None:
    # Protects: the whole first day of a new user on a real desktop, each step as the issue
    # lists it (see the module's docstring); each assertion names its step.
    desk = tray_desktop
    runtime = tmp_path / "run"
    runtime.mkdir(mode=0o700)
    with start_sound_server(tmp_path / "pulse") as sound:
        env = user_env(desk, sound, tmp_path / "home", runtime)
        profile = tmp_path / "browser-profile"
        default_browser(env, profile)
        settings_file = Path(env["XDG_CONFIG_HOME"]) / "posture-guard" / "config.toml"
        settings_file.parent.mkdir(parents=True)
        settings_file.write_text(PLAN)
        data_dir = Path(env["XDG_DATA_HOME"]) / "posture-guard"
        notifications = NotificationWatch(env)
        service = subprocess.Popen(
            [sys.executable, "-u", "-m", "posture_guard", "run"],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )  # fmt: skip
        out = Output(service)
        pointer: Pointer | None = None
        try:
            with browser_processes(profile):
                # 1. the welcome window, on the first run with a display
                out.wait_for("Posture Guard is running", 30)
                wait_until(lambda: windows(desk, WELCOME), "the welcome window", 30)
                time.sleep(0.8)  # the check box takes the focus once the window maps
                shot(desk, 1, "welcome")
                key(desk, "Return")  # Start, with "Start at login" as it came: on
                login_item = Path(env["XDG_CONFIG_HOME"]) / "autostart" / "posture-guard.desktop"
                wait_until(login_item.exists, "the login item (Start at login)", 15)
                assert "posture_guard run" in login_item.read_text()
                wait_until(lambda: not windows(desk, WELCOME), "the welcome window to close")

                # 2. working: the notice, then the prompt and the break window's corner notice
                pointer = Pointer(desk)
                wait_until(lambda: notifications.seen, "the pre-break notice", 30)
                shot(desk, 2, "notice")
                with recording(sound, tmp_path / "break.wav"):
                    wait_until(lambda: windows(desk, BREAK_WINDOW), "the break window", 30)
                    shot(desk, 3, "break-corner-notice")
                    pointer.still()  # the person stops: the full window comes, counting
                    wait_until(
                        lambda: "on a break" in cli(env, "status").stdout,
                        "the countdown to start",
                        15,
                    )
                    wait_until(
                        lambda: notifications.shown() == 0, "the prompt withdrawn once it started"
                    )
                    shot(desk, 4, "break-counting-down")
                    key(desk, "Return")  # nothing while it counts
                    assert windows(desk, BREAK_WINDOW), "Enter ended the break while counting"
                    time.sleep(5.5)  # the break's 5 s, and the end sound
                    shot(desk, 5, "break-done")
                    key(desk, "Return")  # Done
                    wait_until(lambda: not windows(desk, BREAK_WINDOW), "the break window to close")
                database = data_dir / "posture-guard.sqlite3"
                wait_until(
                    lambda: ("posture", Outcome.TAKEN) in breaks_stored(database),
                    "the break stored as taken",
                    10,
                )
                heard = sounds_in(tmp_path / "break.wav")
                assert len(heard) >= 2, f"a start and an end sound, separately: {heard}"
                assert heard[-1][0] - heard[0][0] > 4, f"the end sound comes at the end: {heard}"

                # 3. the day goes on without breaks for a while: Pause from the tray's menu
                open_menu_item(desk, "p")  # "Pause: for 30 minutes"
                shot(desk, 6, "menu-pause")
                key(desk, "Return")
                wait_until(lambda: "paused" in cli(env, "status").stdout, "the pause", 10)

                # 4. a check-in, through the form the tray menu opens
                open_menu_item(desk, "c")
                shot(desk, 7, "menu-check-in")
                key(desk, "Return")
                wait_until(lambda: windows(desk, CHECK_IN), "the check-in form", 20)
                time.sleep(0.8)
                shot(desk, 8, "check-in")
                key(desk, *["Tab"] * 4, "space")  # pain: 4 out of 10
                for _question in range(8):  # Enter asks for what is missing; its first answer
                    key(desk, "Return")
                    if check_ins_stored(database):
                        break
                    key(desk, "space")
                assert check_ins_stored(database) == 1, "the check-in was not saved"
                shot(desk, 9, "check-in-advice")
                key(desk, "Return")
                wait_until(lambda: not windows(desk, CHECK_IN), "the check-in form to close")

                # 5. the advice window
                open_menu_item(desk, "a")
                key(desk, "Return")
                wait_until(lambda: windows(desk, ADVICE), "the advice window", 20)
                shot(desk, 10, "advice")
                key(desk, "Escape")
                wait_until(lambda: not windows(desk, ADVICE), "the advice window to close")

                # 6. the report, opened in the browser
                open_menu_item(desk, "o")
                key(desk, "Return")
                wait_until(lambda: windows(desk, REPORT), "the report in the browser", 60)
                time.sleep(2)
                shot(desk, 11, "report")
                assert (data_dir / "report.html").exists()
            notifications.stop()
            assert notifications.most == 1, f"{notifications.most} notifications on screen at once"
        finally:
            if pointer is not None:
                pointer.still()
            notifications.stop()
            cli(env, "quit")
            try:
                service.wait(20)
            except subprocess.TimeoutExpired:
                stop_process(service)
            out._thread.join(5)
            if service.stdout is not None:
                service.stdout.close()
            log = Path(env["XDG_STATE_HOME"]) / "posture-guard" / "posture-guard.log"
            print("\n".join(out.lines))  # shown when the test fails
            print(log.read_text() if log.exists() else "(no log)")
