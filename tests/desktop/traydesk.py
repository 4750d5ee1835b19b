"""A window manager and a tray host on the test display, and helpers to find and click icons.

Fixtures (tests/desktop/conftest.py imports them):
- `tray_desktop`: openbox and trayer on the shared Xvfb, with dunst on a private session bus
  (tests/desktop/README.md); torn down in reverse order.
- `quiet_tray_desktop`: the same with a session bus but no notification daemon.
Helpers find tray icons by walking the children of trayer's ("panel", "trayer") window, the one
way that works for every pystray backend.
"""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from PIL import Image, ImageGrab

from tests.app import stop_process

if TYPE_CHECKING:
    from tests.desktop.conftest import SessionBus


def wait_until(predicate: Callable[[], object], what: str, timeout: float = 5.0) -> None:
    """conftest's `wait_until`, imported when called (conftest imports this module's fixtures)."""
    from tests.desktop.conftest import wait_until as conftest_wait_until

    conftest_wait_until(predicate, what, timeout)


TRAYER_ARGS = (
    "--edge", "top", "--align", "right", "--widthtype", "request", "--height", "24",
    "--SetDockType", "true", "--transparent", "false", "--tint", "0x888888", "--expand", "true",
)  # fmt: skip


def _root_property(display: str, name: str) -> bool:
    from Xlib import display as xdisplay

    conn = xdisplay.Display(display)
    try:
        atom = conn.intern_atom(name)
        return conn.screen().root.get_full_property(atom, 0) is not None
    finally:
        conn.close()


def _delete_root_property(display: str, name: str) -> None:
    from Xlib import display as xdisplay

    conn = xdisplay.Display(display)
    try:
        conn.screen().root.delete_property(conn.intern_atom(name))
        conn.sync()
    finally:
        conn.close()


def tray_owner(display: str) -> int:
    """The window id that owns _NET_SYSTEM_TRAY_S0 (0: no tray host)."""
    from Xlib import display as xdisplay

    conn = xdisplay.Display(display)
    try:
        owner = conn.get_selection_owner(conn.intern_atom("_NET_SYSTEM_TRAY_S0"))
        return owner.id if owner else 0
    finally:
        conn.close()


@dataclass(frozen=True)
class TrayIcon:
    """A docked icon: its window id, title (WM_NAME) and box on the screen."""

    window: int
    title: str
    box: tuple[int, int, int, int]

    @property
    def center(self) -> tuple[int, int]:
        return (self.box[0] + self.box[2]) // 2, (self.box[1] + self.box[3]) // 2


def tray_icons(display: str) -> list[TrayIcon]:
    """Mapped windows of at least 16 px inside trayer's panel (the docked icons)."""
    from Xlib import X
    from Xlib import display as xdisplay
    from Xlib.error import XError

    conn = xdisplay.Display(display)
    found: list[TrayIcon] = []
    try:
        root = conn.screen().root

        def walk(window: object, inside: bool) -> None:
            try:
                children = window.query_tree().children
            except XError:
                return
            for child in children:
                try:
                    wm_class = child.get_wm_class()
                    attrs = child.get_attributes()
                    geom = child.get_geometry()
                except XError:
                    continue
                in_panel = inside or wm_class == ("panel", "trayer")
                if (
                    inside
                    and attrs.map_state == X.IsViewable
                    and geom.width >= 16
                    and geom.height >= 16
                    and wm_class is not None  # the icon, not trayer's socket around it
                ):
                    pos = child.translate_coords(root, 0, 0)
                    x, y = -pos.x, -pos.y
                    found.append(
                        TrayIcon(
                            window=child.id,
                            title=str(child.get_wm_name() or ""),
                            box=(x, y, x + geom.width, y + geom.height),
                        )
                    )
                walk(child, in_panel)

        walk(root, False)
    finally:
        conn.close()
    return found


def wait_for_icon(display: str, timeout: float = 10.0) -> TrayIcon:
    icons: list[TrayIcon] = []

    def docked() -> bool:
        icons[:] = tray_icons(display)
        return bool(icons)

    try:
        wait_until(docked, "a tray icon docked in trayer", timeout)
    except BaseException:
        tree = subprocess.run(
            ["xwininfo", "-root", "-tree"],
            env={"DISPLAY": display},
            capture_output=True,
            text=True,
            check=False,
        )
        print(tree.stdout)  # where the icon window is, for the failure report
        raise
    return icons[0]


def grab(display: str, box: tuple[int, int, int, int]) -> Image.Image:
    return ImageGrab.grab(bbox=box, xdisplay=display).convert("RGB")


def share_near(image: Image.Image, colour: tuple[int, int, int], tolerance: int = 40) -> float:
    """The share of pixels within `tolerance` (per channel) of `colour`."""
    pixels = list(image.get_flattened_data())
    near = sum(
        1
        for p in pixels
        if all(abs(int(a) - b) <= tolerance for a, b in zip(p, colour, strict=False))
    )
    return near / len(pixels)


@dataclass
class TrayDesktop:
    """openbox + trayer on `display`; `env` is for every process a test starts."""

    display: str
    env: dict[str, str]
    log_dir: Path
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    def start(self, name: str, *cmd: str) -> subprocess.Popen[bytes]:
        with (self.log_dir / f"{name}-{time.monotonic_ns()}.log").open("wb") as log:
            proc = subprocess.Popen(
                cmd, env=self.env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT
            )
        self.processes[name] = proc
        return proc

    def start_trayer(self) -> None:
        self.start("trayer", "trayer", *TRAYER_ARGS)
        wait_until(lambda: tray_owner(self.display) != 0, "trayer to own the tray selection")

    def stop_trayer(self) -> None:
        stop_process(self.processes.pop("trayer"))
        wait_until(lambda: tray_owner(self.display) == 0, "the tray selection to be free")

    def xdotool(self, *args: str) -> str:
        done = subprocess.run(
            ["xdotool", *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
        return done.stdout.strip()

    def screenshot(self, name: str) -> Path:
        from tests.desktop.conftest import save_screenshot

        return save_screenshot(self.display, name)


@contextmanager
def start_tray_desktop(bus: SessionBus) -> Iterator[TrayDesktop]:
    env = {**bus.env, "NO_AT_BRIDGE": "1"}
    desk = TrayDesktop(display=env["DISPLAY"], env=env, log_dir=bus.log_dir)
    try:
        # a window manager that exited leaves this on the root (stale): wait for a fresh one
        _delete_root_property(desk.display, "_NET_SUPPORTING_WM_CHECK")
        desk.start("openbox", "openbox")
        wait_until(
            lambda: _root_property(desk.display, "_NET_SUPPORTING_WM_CHECK"), "openbox to manage"
        )
        desk.start_trayer()
        yield desk
    finally:
        for name in reversed(list(desk.processes)):
            stop_process(desk.processes[name])


@pytest.fixture
def tray_desktop(notification_daemon: SessionBus) -> Iterator[TrayDesktop]:
    """openbox + trayer, with dunst on the private bus."""
    with start_tray_desktop(notification_daemon) as desk:
        yield desk


@pytest.fixture
def quiet_tray_desktop(session_bus: SessionBus) -> Iterator[TrayDesktop]:
    """openbox + trayer with a session bus but no notification daemon."""
    with start_tray_desktop(session_bus) as desk:
        yield desk


def app_env(base: Mapping[str, str], desk: TrayDesktop, backend: str) -> dict[str, str]:
    """`base` (the app fixture's private user) on this desktop with `backend` pinned."""
    return {
        **base,
        "DISPLAY": desk.display,
        "DBUS_SESSION_BUS_ADDRESS": desk.env["DBUS_SESSION_BUS_ADDRESS"],
        "NO_AT_BRIDGE": "1",
        "PYSTRAY_BACKEND": backend,
    }
