"""A real, private desktop for the tests in this folder (how and why: tests/desktop/README.md).

- `xvfb_display` (session): one Xvfb, started with `-displayfd` so it picks a free display.
- `desktop_env` (function): pins DISPLAY, HOME, XDG_CONFIG_HOME and NO_AT_BRIDGE=1 in os.environ
  (code under test reads them there) and returns the same values as a dict for subprocesses.
  DBUS_SESSION_BUS_ADDRESS is removed until a bus fixture sets it, so nothing can reach, or
  autolaunch, a bus outside the test.
- `session_bus` / `notification_daemon` (function): a private dbus-daemon whose config lists
  no service directories (nothing is activated behind our back), and dunst on it.
- `make_xvfb`, `make_session_bus`: the same as context managers, for tests that need their
  own display or bus (one to kill, one without an extension, one with activation).
- `dunst_with_menu` (function): dunst on `session_bus` whose context menu (`dunstctl context`)
  picks the entry named in a file, as a person picks a notice's button.
- `sound_server` (function): a private PulseAudio with a null sink whose monitor records what
  is played (`start_sound_server` as a context manager).
- `screenshot(name)`: saves the shared display as tests/artifacts/<name>.png.
Everything is torn down in reverse order of start.
"""

from __future__ import annotations

import os
import select
import signal
import subprocess
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.app import stop_process

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
# -noreset: by default an X server resets when its last client disconnects, and a client
# that connects during the reset gets "Connection reset by peer". Tests open and close
# connections one after another, so without it about one run in twenty failed that way.
XVFB_ARGS = ("-screen", "0", "1280x800x24", "-nolisten", "tcp", "-s", "0", "-dpms", "-noreset")
STARTUP_TIMEOUT_S = 10.0
NOTIFICATIONS = "org.freedesktop.Notifications"


def wait_until(predicate: Callable[[], object], what: str, timeout: float = 5.0) -> None:
    """Poll `predicate` every 20 ms until it is truthy; fail the test naming `what` if not."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.02)


def _read_display_number(fd: int, proc: subprocess.Popen[bytes], log: Path) -> str:
    data = b""
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while not data.endswith(b"\n"):
        left = deadline - time.monotonic()
        ready, _, _ = select.select([fd], [], [], max(left, 0))
        chunk = os.read(fd, 64) if ready else b""
        if not chunk:
            stop_process(proc)
            pytest.fail(f"Xvfb did not report a display number; its log:\n{log.read_text()}")
        data += chunk
    return data.decode().strip()


def _x_ready(display: str) -> bool:
    from Xlib import display as xdisplay
    from Xlib.error import DisplayError

    try:
        xdisplay.Display(display).close()
    except DisplayError:
        return False
    return True


@contextmanager
def start_xvfb(log_dir: Path, *extra_args: str) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """Run Xvfb on a free display until the block ends; yields (":N", its process)."""
    read_fd, write_fd = os.pipe()
    log = log_dir / f"xvfb-{time.monotonic_ns()}.log"
    with log.open("wb") as log_file:
        proc = subprocess.Popen(
            ["Xvfb", "-displayfd", str(write_fd), *XVFB_ARGS, *extra_args],
            pass_fds=(write_fd,),
            stdin=subprocess.DEVNULL,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    os.close(write_fd)
    try:
        display = ":" + _read_display_number(read_fd, proc, log)
        # Xvfb writes the number once it listens; a first real connection confirms it.
        wait_until(lambda: _x_ready(display), f"Xvfb on {display}", STARTUP_TIMEOUT_S)
        yield display, proc
    finally:
        os.close(read_fd)
        stop_process(proc)


@pytest.fixture(scope="session")
def xvfb_display(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The display string (":N") of one Xvfb shared by the whole session."""
    with start_xvfb(tmp_path_factory.mktemp("xvfb")) as (display, _proc):
        yield display


@pytest.fixture
def desktop_env(
    xvfb_display: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> dict[str, str]:
    """Pin the desktop environment in os.environ and return it for subprocesses."""
    home = tmp_path / "home"
    (home / ".config").mkdir(parents=True)
    pinned = {
        "DISPLAY": xvfb_display,
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "NO_AT_BRIDGE": "1",
    }
    for name, value in pinned.items():
        monkeypatch.setenv(name, value)
    for name in (
        "DBUS_SESSION_BUS_ADDRESS",
        "XDG_RUNTIME_DIR",
        "POSTURE_GUARD_IDLE",
        "WAYLAND_DISPLAY",  # an X11 desktop: the tests' own, even when run inside Wayland
        "XDG_SESSION_TYPE",
    ):
        monkeypatch.delenv(name, raising=False)
    return dict(os.environ)


def bus_call(env: Mapping[str, str], method: str, *args: str) -> str:
    """Call org.freedesktop.DBus.<method> with dbus-send on the bus in `env`; the reply text."""
    done = subprocess.run(
        ["dbus-send", "--session", "--print-reply", "--reply-timeout=2000",
         "--dest=org.freedesktop.DBus", "/org/freedesktop/DBus",
         f"org.freedesktop.DBus.{method}", *args],
        env=dict(env), capture_output=True, text=True, timeout=10, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        raise RuntimeError(f"dbus-send {method} failed: {done.stderr.strip()}")
    return done.stdout


def name_has_owner(env: Mapping[str, str], name: str) -> bool:
    return bus_call(env, "NameHasOwner", f"string:{name}").strip().endswith("true")


def _bus_answers(env: Mapping[str, str]) -> bool:
    try:
        bus_call(env, "GetId")
    except RuntimeError:
        return False
    return True


_BUS_CONFIG = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path={socket}</listen>
  <auth>EXTERNAL</auth>
  {servicedir}
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"""


@dataclass
class SessionBus:
    """A private session bus; `env` is `desktop_env` plus DBUS_SESSION_BUS_ADDRESS."""

    address: str
    env: dict[str, str]
    log_dir: Path

    def name_has_owner(self, name: str) -> bool:
        return name_has_owner(self.env, name)

    def run(self, *cmd: str) -> str:
        """Run a client (dunstctl, notify-send...) on this bus; its stdout. Fails on exit != 0."""
        done = subprocess.run(
            cmd, env=self.env, capture_output=True, text=True, timeout=10, check=False
        )
        assert done.returncode == 0, f"{cmd} exited {done.returncode}: {done.stderr}"
        return done.stdout


@contextmanager
def start_session_bus(
    base_env: Mapping[str, str], workdir: Path, *, activatable: str | None = None
) -> Iterator[SessionBus]:
    """Run a private dbus-daemon until the block ends.

    Its config lists no service directory, so nothing is D-Bus-activated, unless
    `activatable` names a program (e.g. "/usr/bin/dunst"): then it is the only service, as
    org.freedesktop.Notifications. The daemon runs with `base_env`, so an activated dunst
    gets the test's DISPLAY (an activated dunst without one dies at start).
    """
    workdir.mkdir(parents=True, exist_ok=True)
    socket = workdir / "bus"
    servicedir = ""
    if activatable is not None:
        services = workdir / "services"
        services.mkdir()
        (services / f"{NOTIFICATIONS}.service").write_text(
            f"[D-BUS Service]\nName={NOTIFICATIONS}\nExec={activatable}\n"
        )
        servicedir = f"<servicedir>{services}</servicedir>"
    config = workdir / "session.conf"
    config.write_text(_BUS_CONFIG.format(socket=socket, servicedir=servicedir))
    address = f"unix:path={socket}"
    env = {**base_env, "DBUS_SESSION_BUS_ADDRESS": address}
    with (workdir / "dbus-daemon.log").open("wb") as log:
        proc = subprocess.Popen(
            ["dbus-daemon", "--nofork", f"--config-file={config}"],
            env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
    bus = SessionBus(address=address, env=env, log_dir=workdir)
    try:
        wait_until(lambda: socket.exists() and _bus_answers(env), "the private dbus-daemon")
        yield bus
    finally:
        if activatable is not None:
            _stop_activated(env)
        stop_process(proc)


def _stop_activated(env: Mapping[str, str]) -> None:
    """Terminate the notification daemon the bus started for a test, if it is running."""
    try:
        if not name_has_owner(env, NOTIFICATIONS):
            return
        reply = bus_call(env, "GetConnectionUnixProcessID", f"string:{NOTIFICATIONS}")
    except RuntimeError:
        return
    os.kill(int(reply.split()[-1]), signal.SIGTERM)
    wait_until(lambda: not name_has_owner(env, NOTIFICATIONS), "the activated daemon to exit")


@pytest.fixture
def session_bus(
    desktop_env: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[SessionBus]:
    """A private session bus with no notification service; its address is set in os.environ."""
    with start_session_bus(desktop_env, tmp_path / "dbus") as bus:
        monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", bus.address)
        yield bus


@pytest.fixture
def notification_daemon(session_bus: SessionBus) -> Iterator[SessionBus]:
    """dunst on the private bus and the Xvfb display, ready once it owns the name (polled with
    NameHasOwner: calling the name would activate a second daemon)."""
    with (session_bus.log_dir / "dunst.log").open("wb") as log:
        proc = subprocess.Popen(
            ["dunst"], env=session_bus.env,
            stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        wait_until(lambda: name_has_owner(session_bus.env, NOTIFICATIONS), "dunst on the bus")
        yield session_bus
    finally:
        stop_process(proc)


def save_screenshot(display: str, name: str) -> Path:
    """Save the whole screen of `display` as tests/artifacts/<name>.png; the file's path."""
    from PIL import ImageGrab

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    ImageGrab.grab(xdisplay=display).save(path)
    return path


@pytest.fixture
def screenshot(xvfb_display: str) -> Callable[[str], Path]:
    """`screenshot(name)` saves the shared display as tests/artifacts/<name>.png."""
    return lambda name: save_screenshot(xvfb_display, name)


@pytest.fixture
def make_xvfb(
    tmp_path: Path,
) -> Callable[..., AbstractContextManager[tuple[str, subprocess.Popen[bytes]]]]:
    """`with make_xvfb(*extra_args) as (display, proc):` an Xvfb of the test's own."""
    return lambda *extra_args: start_xvfb(tmp_path, *extra_args)


@pytest.fixture
def make_session_bus(
    desktop_env: dict[str, str], tmp_path: Path
) -> Callable[..., AbstractContextManager[SessionBus]]:
    """`with make_session_bus(activatable="/usr/bin/dunst") as bus:` a bus of the test's own.

    Unlike `session_bus`, it does not set DBUS_SESSION_BUS_ADDRESS in os.environ.
    """
    counter = iter(range(1000))
    return lambda **kw: start_session_bus(desktop_env, tmp_path / f"dbus-{next(counter)}", **kw)


# openbox + trayer for the tray tests (at the end: traydesk imports the helpers above)
# waybar's tray in headless sway, a real StatusNotifierItem host (snihost imports the above)
from tests.desktop.snihost import waybar  # noqa: E402, F401
from tests.desktop.traydesk import quiet_tray_desktop, tray_desktop  # noqa: E402, F401


@dataclass(frozen=True)
class SoundServer:
    """A private PulseAudio with one null sink (`sink`), whose monitor (`monitor`) records
    what is played; clients reach it through `env` (PULSE_SERVER)."""

    env: dict[str, str]
    sink: str
    log_dir: Path

    @property
    def monitor(self) -> str:
        return f"{self.sink}.monitor"

    def pactl(self, *args: str) -> str:
        """Run `pactl` on this server; its stdout. Fails on exit != 0."""
        done = subprocess.run(
            ["pactl", *args], env=self.env, capture_output=True, text=True, timeout=10, check=False
        )
        assert done.returncode == 0, f"pactl {args} exited {done.returncode}: {done.stderr}"
        return done.stdout


def _sound_server_answers(env: Mapping[str, str]) -> bool:
    done = subprocess.run(["pactl", "info"], env=env, capture_output=True, timeout=5, check=False)
    return done.returncode == 0


@contextmanager
def start_sound_server(workdir: Path) -> Iterator[SoundServer]:
    """Run a private PulseAudio (`-n`: no default.pa, so no real sound card and no D-Bus) with a
    null sink until the block ends. Its HOME and XDG_RUNTIME_DIR are under `workdir`, and it
    runs as a per-user daemon even as root (`--system=false`)."""
    home, runtime = workdir / "home", workdir / "runtime"
    home.mkdir(parents=True)
    runtime.mkdir(mode=0o700)
    socket = runtime / "pulse.sock"
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "XDG_RUNTIME_DIR": str(runtime),
        "LC_ALL": "C",
    }
    with (workdir / "pulseaudio.log").open("wb") as log:
        proc = subprocess.Popen(
            ["pulseaudio", "-n", "--daemonize=no", "--system=false", "--exit-idle-time=-1",
             "--log-target=stderr",
             "-L", "module-null-sink sink_name=breaks",
             "-L", f"module-native-protocol-unix socket={socket} auth-anonymous=1"],
            env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
    client_env = {**env, "PULSE_SERVER": f"unix:{socket}"}
    try:
        wait_until(
            lambda: socket.exists() and _sound_server_answers(client_env),
            "the private PulseAudio",
            timeout=15,
        )
        yield SoundServer(env=client_env, sink="breaks", log_dir=workdir)
    finally:
        stop_process(proc)


@pytest.fixture
def sound_server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[SoundServer]:
    """A private PulseAudio with a null sink; PULSE_SERVER, HOME and XDG_RUNTIME_DIR point at
    it in os.environ, so code under test (and the players it starts) play there."""
    with start_sound_server(tmp_path / "pulse") as server:
        for name in ("PULSE_SERVER", "HOME", "XDG_RUNTIME_DIR"):
            monkeypatch.setenv(name, server.env[name])
        yield server


#: dunst's context menu runs this as its dmenu: it logs the menu it is given and picks the line
#: holding the text in the file `choice` beside it (as a person picks a button).
MENU_SCRIPT = """#!/bin/sh
here=$(dirname "$0")
tee "$here/menu.txt" | grep -m1 -F -- "$(cat "$here/choice")"
"""


@pytest.fixture
def dunst_with_menu(session_bus: SessionBus, tmp_path: Path) -> Iterator[tuple[SessionBus, Path]]:
    """dunst on the private bus whose context menu ("dunstctl context") picks the entry named
    in the returned folder's `choice` file."""
    menu = tmp_path / "menu"
    menu.mkdir()
    script = menu / "pick"
    script.write_text(MENU_SCRIPT)
    script.chmod(0o755)
    config = tmp_path / "dunstrc"
    config.write_text(f'[global]\ndmenu = "{script}"\n')
    with (session_bus.log_dir / "dunst.log").open("wb") as log:
        proc = subprocess.Popen(
            ["dunst", "-config", str(config)], env=session_bus.env,
            stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        wait_until(lambda: name_has_owner(session_bus.env, NOTIFICATIONS), "dunst on the bus")
        yield session_bus, menu
    finally:
        stop_process(proc)


def menu_text(menu: Path) -> str:
    """The context menu dunst last gave `dunst_with_menu`'s picker (one line per entry)."""
    path = menu / "menu.txt"
    return path.read_text() if path.exists() else ""
