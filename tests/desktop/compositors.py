"""Real headless Wayland compositors from Debian packages, each in a private runtime directory.

- `sway(tmp)`: sway with wlroots' headless backend and no input devices. Sway refuses to run
  as root (it cannot drop root for good), so as root it runs as nobody, with the runtime
  directory (0700) given to nobody; root's clients can still connect.
- `kwin(tmp)`: kwin_wayland --virtual. Debian's binary carries a file capability
  (cap_sys_resource, to raise its rlimits); where the capability bounding set lacks it (a
  container) exec fails with EPERM, so a copy without it runs instead. Its name must stay
  kwin_wayland: KWin's own Qt platform plugin refuses to load in a binary named otherwise.
  KWIN_WAYLAND_NO_PERMISSION_CHECKS=1 lets a test client use org_kde_kwin_fake_input.
- `mutter(tmp, bus)`: mutter --headless --wayland --no-x11 with one virtual monitor (GNOME 43's
  compositor, without GNOME Shell), on a private session bus where it owns
  org.gnome.Mutter.IdleMonitor and org.gnome.Mutter.RemoteDesktop. It renders with Mesa's
  surfaceless software renderer; no GPU, no logind, and it runs as root.
- `gnome_shell(tmp, bus)`: GNOME Shell 43 (`gnome-shell --headless`: mutter with the shell on
  top), and its notification server (org.gnome.Shell.Notifications, which owns
  org.freedesktop.Notifications for the shell; a desktop's bus activates it, ours has no
  service files, so it is started here). The bus stands in for the system bus too: the shell
  asks it for logind and the like, finds nothing and goes on.

Input is injected with each compositor's own means: `wtype` (the virtual keyboard protocol)
or `swaymsg seat - cursor move` for sway, org_kde_kwin_fake_input for KWin (`kwin_pointer`),
a RemoteDesktop session's NotifyPointerMotionRelative or NotifyKeyboardKeycode for mutter
(`mutter_input`: what GNOME Remote Desktop calls).
Each context manager stops its compositor; nothing outlives the test.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from PIL import Image

from posture_guard.desktop.dbus import Bus, call_through
from posture_guard.desktop.wayland import (
    Connection,
    WaylandError,
    int32,
    socket_path,
    string,
    uint,
)
from tests.app import stop_process
from tests.desktop.traydesk import wait_until  # conftest's, imported when called

if TYPE_CHECKING:  # conftest imports this module (through snihost's fixtures): no cycle at run
    from tests.desktop.conftest import SessionBus

STARTUP_TIMEOUT_S = 20.0
NOBODY = 65534


@dataclass(frozen=True)
class Compositor:
    """A running compositor: its name and the environment a client needs to reach it."""

    name: str
    env: dict[str, str]
    runtime: Path
    log: Path


def gtk_client_env(compositor: Compositor, **extra: str) -> dict[str, str]:
    """The environment of a GTK client of `compositor` on Wayland alone (no DISPLAY: GTK must
    talk Wayland) and our windows drawn by GTK, with `extra` on top."""
    env = {**compositor.env, "GDK_BACKEND": "wayland", "NO_AT_BRIDGE": "1",
           "POSTURE_GUARD_TOOLKIT": "gtk", **extra}  # fmt: skip
    env.pop("DISPLAY", None)
    return env


def _base_env(runtime: Path, home: Path) -> dict[str, str]:
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "XDG_RUNTIME_DIR": str(runtime),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "LANG": "C.UTF-8",
    }


def _private_runtime(tmp: Path) -> Path:
    runtime = tmp / "run"
    runtime.mkdir(mode=0o700)
    return runtime


def _wait_for_socket(
    proc: subprocess.Popen[bytes], runtime: Path, log: Path, what: str, name: str | None
) -> str:
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"{what} exited with {proc.returncode}; its log:\n{log.read_text()}")
        found = sorted(
            p.name
            for p in runtime.iterdir()
            if p.name.startswith("wayland-") and not p.name.endswith(".lock")
        )
        if (name in found) if name else found:
            display = name or found[0]
            try:  # the socket exists before the compositor answers on it
                Connection(str(runtime / display)).close()
            except WaylandError:
                pass
            else:
                return display
        time.sleep(0.05)
    stop_process(proc)
    pytest.fail(f"{what} made no Wayland socket in time; its log:\n{log.read_text()}")


@contextmanager
def sway(tmp: Path) -> Iterator[Compositor]:
    """Headless sway 1.7 (wlroots 0.15); SWAYSOCK in its env for swaymsg. Its runtime directory
    is a fresh 0700 one in the system's temp dir (nobody must reach it as root runs tests)."""
    tmp.mkdir(parents=True, exist_ok=True)
    as_root = os.geteuid() == 0
    runtime = Path(tempfile.mkdtemp(prefix="posture-guard-sway-"))  # 0700
    config = runtime / "sway.config"
    config.write_text("")  # no bar, no key bindings, no outputs set up
    if as_root:
        os.chown(runtime, NOBODY, NOBODY)
    env = _base_env(runtime, runtime)
    env.update(WLR_BACKENDS="headless", WLR_LIBINPUT_NO_DEVICES="1", WLR_RENDERER="pixman")
    cmd = ["sway", "--config", str(config)]
    if as_root:
        cmd = ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", *cmd]
    log = tmp / "sway.log"
    try:
        with log.open("wb") as out:
            proc = subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.STDOUT)
        try:
            display = _wait_for_socket(proc, runtime, log, "sway", None)
            ipc = [p for p in runtime.iterdir() if p.name.startswith("sway-ipc.")]
            client_env = {**env, "WAYLAND_DISPLAY": display, "SWAYSOCK": str(ipc[0])}
            yield Compositor("sway", client_env, runtime, log)
        finally:
            stop_process(proc)
    finally:
        shutil.rmtree(runtime, ignore_errors=True)


@contextmanager
def kwin(tmp: Path, bus: SessionBus | None = None) -> Iterator[Compositor]:
    """kwin_wayland --virtual (Plasma 5.27), with fake input allowed for the tests. On `bus`
    it owns org.kde.KWin (its scripting and screenshots, both allowed to the tests)."""
    tmp.mkdir(parents=True, exist_ok=True)
    runtime = _private_runtime(tmp)
    installed = shutil.which("kwin_wayland")
    assert installed, "kwin_wayland is not installed (tests/run.sh installs kwin-wayland)"
    (tmp / "bin").mkdir()
    binary = tmp / "bin" / "kwin_wayland"
    shutil.copy(installed, binary)  # shutil.copy keeps no file capability
    env = _base_env(runtime, tmp)
    env["KWIN_WAYLAND_NO_PERMISSION_CHECKS"] = "1"
    if bus is not None:
        env.update(DBUS_SESSION_BUS_ADDRESS=bus.address, KWIN_SCREENSHOT_NO_PERMISSION_CHECKS="1")
    log = tmp / "kwin.log"
    cmd = [
        str(binary),
        "--virtual",
        "--socket",
        "wayland-kwin",
        "--no-lockscreen",
        "--no-global-shortcuts",
        "--no-kactivities",
    ]
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        display = _wait_for_socket(proc, runtime, log, "kwin_wayland", "wayland-kwin")
        if bus is not None:
            wait_until(lambda: bus.name_has_owner(KWIN), KWIN, 30)
        yield Compositor("kwin", {**env, "WAYLAND_DISPLAY": display}, runtime, log)
    finally:
        stop_process(proc)


@contextmanager
def mutter(tmp: Path, bus: SessionBus) -> Iterator[Compositor]:
    """mutter --headless (GNOME 43) on `bus`, ready once its Wayland socket answers and it owns
    org.gnome.Mutter.IdleMonitor. Its env carries the bus's address."""
    tmp.mkdir(parents=True, exist_ok=True)
    runtime = _private_runtime(tmp)
    assert shutil.which("mutter"), "mutter is not installed (tests/run.sh installs it)"
    env = _base_env(runtime, tmp)
    env["DBUS_SESSION_BUS_ADDRESS"] = bus.address
    log = tmp / "mutter.log"
    cmd = ["mutter", "--headless", "--wayland", "--no-x11", "--virtual-monitor", "1280x800",
           "--wayland-display", "wayland-mutter"]  # fmt: skip
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        display = _wait_for_socket(proc, runtime, log, "mutter", "wayland-mutter")
        wait_until(lambda: bus.name_has_owner(MUTTER_IDLE), "mutter's idle monitor on the bus")
        yield Compositor("mutter", {**env, "WAYLAND_DISPLAY": display}, runtime, log)
    finally:
        stop_process(proc)


MUTTER_IDLE = "org.gnome.Mutter.IdleMonitor"
REMOTE_DESKTOP = "org.gnome.Mutter.RemoteDesktop"
GNOME_SHELL = "org.gnome.Shell"
NOTIFICATIONS = "org.freedesktop.Notifications"
#: The left button's evdev code (BTN_LEFT).
BTN_LEFT = 0x110


@contextmanager
def gnome_shell(tmp: Path, bus: SessionBus) -> Iterator[Compositor]:
    """GNOME Shell 43 headless on `bus` with one 1280x800 virtual monitor, ready once it owns
    org.gnome.Shell, its notification server org.freedesktop.Notifications and mutter's
    remote desktop. The once-per-user "Screen Lock disabled" banner (no GDM here) is marked
    shown beforehand, so no banner of the shell's own is queued before the test's."""
    tmp.mkdir(parents=True, exist_ok=True)
    runtime = _private_runtime(tmp)
    for program in ("gnome-shell", "gjs"):
        assert shutil.which(program), f"{program} is not installed (tests/run.sh installs it)"
    env = _base_env(runtime, tmp)
    env.update(DBUS_SESSION_BUS_ADDRESS=bus.address, DBUS_SYSTEM_BUS_ADDRESS=bus.address,
               XDG_DATA_HOME=str(tmp / ".local" / "share"))  # fmt: skip
    shown = tmp / ".local" / "share" / "gnome-shell" / "lock-warning-shown"
    shown.parent.mkdir(parents=True, exist_ok=True)
    shown.touch()
    log = tmp / "gnome-shell.log"
    cmd = ["gnome-shell", "--headless", "--wayland", "--no-x11", "--virtual-monitor", "1280x800",
           "--wayland-display", "wayland-gnome"]  # fmt: skip
    with log.open("wb") as out:
        shell = subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.STDOUT)
        server: subprocess.Popen[bytes] | None = None
        try:
            display = _wait_for_socket(shell, runtime, log, "gnome-shell", "wayland-gnome")
            wait_until(lambda: bus.name_has_owner(GNOME_SHELL), "org.gnome.Shell", 30)
            server = subprocess.Popen(
                ["gjs", "/usr/share/gnome-shell/org.gnome.Shell.Notifications"], env=env,
                stdout=out, stderr=subprocess.STDOUT,
            )  # fmt: skip
            for name in (NOTIFICATIONS, REMOTE_DESKTOP, MUTTER_IDLE):
                wait_until(lambda name=name: bus.name_has_owner(name), name, 30)
            yield Compositor("gnome-shell", {**env, "WAYLAND_DISPLAY": display}, runtime, log)
        finally:
            if server is not None:
                stop_process(server)
            stop_process(shell)


class RemoteDesktop:
    """A session of mutter's remote desktop API (what GNOME Remote Desktop calls): the
    pointer moved by exact steps (virtual motion is not accelerated), buttons and keys. It
    lives on one connection: mutter ends it when its caller leaves the bus."""

    SESSION = f"{REMOTE_DESKTOP}.Session"

    def __init__(self, address: str) -> None:
        self.bus = Bus(address)
        (self.path,) = self.bus.call(
            REMOTE_DESKTOP, "/org/gnome/Mutter/RemoteDesktop", REMOTE_DESKTOP, "CreateSession",
            timeout=5,
        )  # fmt: skip
        self._call("Start")

    def _call(
        self, method: str, signature: str | None = None, body: tuple[object, ...] = ()
    ) -> None:
        self.bus.call(REMOTE_DESKTOP, self.path, self.SESSION, method, signature, body, timeout=5)

    def move_by(self, dx: float, dy: float) -> None:
        self._call("NotifyPointerMotionRelative", "dd", (dx, dy))

    def move_to(self, x: int, y: int, height: int = 800) -> None:
        """To (x, y) of a monitor `height` pixels high: into its bottom left corner first (the
        pointer stops at the edges), then up and right. Not by the top left corner: GNOME
        Shell's hot corner there opens the overview and its pressure barriers hold the pointer.
        Each move is given time to land, so the two are not folded into one."""
        self.move_by(-10_000.0, 10_000.0)
        time.sleep(0.1)
        self.move_by(float(x), float(y - (height - 1)))
        time.sleep(0.1)

    def click(self) -> None:
        for pressed in (True, False):
            self._call("NotifyPointerButton", "ib", (BTN_LEFT, pressed))

    def key(self, keycode: int) -> None:
        """Press and release the key of evdev `keycode`."""
        for pressed in (True, False):
            self._call("NotifyKeyboardKeycode", "ub", (keycode, pressed))

    def close(self) -> None:
        try:
            self._call("Stop")
        finally:
            self.bus.close()


def mutter_input(address: str, how: str) -> None:
    """Input to mutter through its remote desktop API: "pointer" moves the pointer by (5, 3),
    "key" presses and releases A (evdev keycode 30)."""
    session = RemoteDesktop(address)
    try:
        if how == "pointer":
            session.move_by(5.0, 3.0)
        else:
            session.key(30)
    finally:
        session.close()


def gnome_windows(bus: SessionBus) -> dict[str, str]:
    """The windows GNOME Shell shows, title -> the app it counts each as (its desktop file id,
    or "window:N" when it matched none), from org.gnome.Shell.Introspect. The shell answers the
    desktop portal only: the call comes from a connection that owns its name on this bus."""
    from jeepney.bus_messages import message_bus
    from jeepney.io.blocking import open_dbus_connection

    with open_dbus_connection(bus=bus.address) as conn:
        conn.send_and_get_reply(
            message_bus.RequestName("org.freedesktop.impl.portal.desktop.gtk"), timeout=5
        )
        (windows,) = call_through(
            conn, "org.gnome.Shell.Introspect", "/org/gnome/Shell/Introspect",
            "org.gnome.Shell.Introspect", "GetWindows", timeout=10,
        )  # fmt: skip
    return {str(w["title"][1]): str(w["app-id"][1]) for w in windows.values() if "title" in w}


def gnome_shot(bus: SessionBus, name: str) -> Image.Image:
    """The monitor as GNOME Shell draws it (org.gnome.Shell.Screenshot, the pointer shown),
    saved as tests/artifacts/<name>.png, in RGB. The shell takes screenshots only for the
    desktop's screenshot tools, known by their bus names: the call comes from a connection
    that owns org.gnome.Screenshot on this private bus."""
    from jeepney.bus_messages import message_bus
    from jeepney.io.blocking import open_dbus_connection

    from tests.desktop.conftest import ARTIFACTS

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    with open_dbus_connection(bus=bus.address) as conn:
        conn.send_and_get_reply(message_bus.RequestName("org.gnome.Screenshot"), timeout=5)
        (done, _) = call_through(
            conn, "org.gnome.Shell.Screenshot", "/org/gnome/Shell/Screenshot",
            "org.gnome.Shell.Screenshot", "Screenshot", "bbs", (True, False, str(path)),
            timeout=15,
        )  # fmt: skip
    assert done, f"GNOME Shell took no screenshot to {path}"
    with Image.open(path) as image:
        return image.convert("RGB")


def offered(env: Mapping[str, str]) -> set[str]:
    """The global interfaces the compositor of `env` offers."""
    conn = Connection(socket_path(env))
    try:
        return set(conn.globals())
    finally:
        conn.close()


def _fixed(value: float) -> bytes:
    return int32(round(value * 256))


KWIN = "org.kde.KWin"
#: What KWin's scripting says of each window it manages (and of layer-shell surfaces: their
#: caption is empty), one JSON line each in its log after the marker.
_KWIN_WINDOWS_JS = """
const marker = %s;
for (const w of workspace.clientList()) {
    const g = w.frameGeometry;
    console.info(marker, JSON.stringify({caption: String(w.caption), x: g.x, y: g.y,
        width: g.width, height: g.height, active: workspace.activeClient === w,
        fullscreen: w.fullScreen}));
}
console.info(marker, "end");
"""


def kwin_windows(kwin: Compositor, bus: SessionBus) -> list[dict[str, object]]:
    """KWin's windows now, as its own scripting API sees them (loaded over D-Bus, printed to
    its log): caption, frame geometry, whether active, whether full screen."""
    import json
    import uuid

    marker = f"windows-{uuid.uuid4().hex}"
    script = kwin.runtime / f"{marker}.js"
    script.write_text(_KWIN_WINDOWS_JS % json.dumps(marker))
    scripting = Bus(bus.address)
    try:
        scripting.call(KWIN, "/Scripting", "org.kde.kwin.Scripting", "loadScript", "ss",
                       (str(script), marker), timeout=10)  # fmt: skip
        scripting.call(KWIN, "/Scripting", "org.kde.kwin.Scripting", "start", timeout=10)
    finally:
        scripting.close()

    def said() -> list[str]:
        text = kwin.log.read_text(errors="replace")
        return [line.split(marker, 1)[1].strip() for line in text.splitlines() if marker in line]

    wait_until(lambda: "end" in said(), "KWin's script", 10)
    return [json.loads(line) for line in said() if line != "end"]


def kwin_shot(bus: SessionBus, name: str, size: tuple[int, int] = (1024, 768)) -> Image.Image:
    """The virtual output as KWin draws it (org.kde.KWin.ScreenShot2 CaptureArea, raw pixels
    through a pipe), saved as tests/artifacts/<name>.png, in RGB."""
    from jeepney.io.blocking import open_dbus_connection

    from tests.desktop.conftest import ARTIFACTS

    read_end, write_end = os.pipe()
    try:
        with open_dbus_connection(bus=bus.address, enable_fds=True) as conn:
            (meta,) = call_through(
                conn, KWIN, "/org/kde/KWin/ScreenShot2", "org.kde.KWin.ScreenShot2",
                "CaptureArea", "iiuua{sv}h", (0, 0, *size, {}, write_end), timeout=15,
            )  # fmt: skip
        os.close(write_end)
        write_end = -1
        data = b""
        while chunk := os.read(read_end, 1 << 20):
            data += chunk
    finally:
        os.close(read_end)
        if write_end >= 0:
            os.close(write_end)
    width, height, stride = (int(meta[k][1]) for k in ("width", "height", "stride"))
    image = Image.frombuffer("RGBA", (width, height), data, "raw", "BGRA", stride, 1)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shot = image.convert("RGB")
    shot.save(ARTIFACTS / f"{name}.png")
    return shot


def kwin_click(env: Mapping[str, str], x: float, y: float) -> None:
    """Move KWin's pointer to (x, y) and click its left button, through fake input."""
    conn = Connection(socket_path(env))
    try:
        fake = conn.bind(conn.globals()["org_kde_kwin_fake_input"], 4)
        conn.send(fake, 0, string("posture-guard tests"), string("inject test input"))
        conn.send(fake, 9, _fixed(x), _fixed(y))  # pointer_motion_absolute
        conn.roundtrip()
        time.sleep(0.3)  # the window under it gets the pointer (enter, motion) before the press
        for state in (1, 0):  # button: pressed, released
            conn.send(fake, 2, uint(BTN_LEFT), uint(state))
            conn.roundtrip()
            time.sleep(0.05)
    finally:
        conn.close()


def kwin_pointer(env: Mapping[str, str], dx: float = 7.0, dy: float = 5.0) -> None:
    """Move KWin's pointer through org_kde_kwin_fake_input (authenticate, pointer_motion)."""
    conn = Connection(socket_path(env))
    try:
        fake = conn.bind(conn.globals()["org_kde_kwin_fake_input"], 4)
        conn.send(fake, 0, string("posture-guard tests"), string("inject test input"))
        conn.send(fake, 1, _fixed(dx), _fixed(dy))
        conn.roundtrip()
    finally:
        conn.close()


def sway_input(env: Mapping[str, str], how: str) -> None:
    """Input to sway: "key" types with wtype, "pointer" moves the cursor with swaymsg."""
    cmd = ["wtype", "a"] if how == "key" else ["swaymsg", "seat", "-", "cursor", "move", "9", "4"]
    done = subprocess.run(
        cmd, env=dict(env), capture_output=True, text=True, timeout=10, check=False
    )
    assert done.returncode == 0, (cmd, done.stdout, done.stderr)


def grim_shot(env: Mapping[str, str], name: str) -> Image.Image:
    """Every output of a wlroots compositor as grim sees it (screencopy), saved as
    tests/artifacts/<name>.png, in RGB."""
    from tests.desktop.conftest import ARTIFACTS

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    done = subprocess.run(
        ["grim", str(path)], env=dict(env), capture_output=True, text=True, timeout=15,
        check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    with Image.open(path) as image:
        return image.convert("RGB")
