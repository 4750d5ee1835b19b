"""A desktop of the test's own with a window manager (openbox), and X window helpers.

The break window and forms tests need a WM (focus, _NET_ACTIVE_WINDOW, WM close), sometimes a
screen of another size or two monitors; so they start their own Xvfb + openbox (tests/desktop/README.md)
instead of sharing the session display with the tray tests.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.app import stop_process
from tests.desktop.conftest import start_xvfb, wait_until

REPO = Path(__file__).resolve().parents[2]


@dataclass
class Desk:
    display: str
    env: dict[str, str]

    def x(self):
        from Xlib import display as xdisplay

        return xdisplay.Display(self.display)

    def windows_named(self, suffix: str) -> list[tuple[int, tuple[int, int, int, int]]]:
        """Mapped top-level windows whose WM_NAME ends with `suffix`: (id, (x, y, w, h))."""
        from Xlib import X
        from Xlib.error import XError

        conn = self.x()
        try:
            found = []
            root = conn.screen().root
            for frame in root.query_tree().children:
                # a window may go away while we walk the tree (BadWindow): skip it
                try:
                    candidates = [frame, *frame.query_tree().children]
                except XError:
                    continue
                for window in candidates:
                    try:
                        name = window.get_wm_name()
                        attrs = window.get_attributes()
                        if not (
                            isinstance(name, str)
                            and name.endswith(suffix)
                            and attrs.map_state == X.IsViewable
                        ):
                            continue
                        geo = window.get_geometry()
                        pos = window.translate_coords(root, 0, 0)
                    except XError:
                        continue
                    found.append((window.id, (-pos.x, -pos.y, geo.width, geo.height)))
            return found
        finally:
            conn.close()

    def active_window(self) -> int:
        conn = self.x()
        try:
            prop = conn.screen().root.get_full_property(conn.intern_atom("_NET_ACTIVE_WINDOW"), 0)
            return int(prop.value[0]) if prop else 0
        finally:
            conn.close()

    def focus_window(self) -> int:
        """The X input focus's top-level client (where keystrokes go)."""
        conn = self.x()
        try:
            focus = conn.get_input_focus().focus
            if isinstance(focus, int):
                return focus
            # GTK focuses an input-only child of its top-level: climb to the window the window
            # manager manages (it has WM_STATE)
            wm_state = conn.intern_atom("WM_STATE")
            window, root = focus, conn.screen().root
            while window.id != root.id and window.get_full_property(wm_state, 0) is None:
                parent = window.query_tree().parent
                if parent is None or parent.id == root.id:
                    return focus.id
                window = parent
            return window.id
        finally:
            conn.close()

    def close_window(self, window_id: int) -> None:
        """Close a window as a window manager's close button does: a WM_DELETE_WINDOW
        message to the client (openbox offers no close for undecorated splash windows)."""
        from Xlib import X
        from Xlib.protocol import event

        conn = self.x()
        try:
            window = conn.create_resource_object("window", window_id)
            message = event.ClientMessage(
                window=window,
                client_type=conn.intern_atom("WM_PROTOCOLS"),
                data=(32, [conn.intern_atom("WM_DELETE_WINDOW"), X.CurrentTime, 0, 0, 0]),
            )
            window.send_event(message)
            conn.sync()
        finally:
            conn.close()

    def xdotool(self, *args: str) -> str:
        done = subprocess.run(
            ["xdotool", *args], env=self.env, capture_output=True, text=True, timeout=10,
            check=False,
        )  # fmt: skip
        return done.stdout


@contextmanager
def start_desk(tmp: Path, *xvfb_args: str) -> Iterator[Desk]:
    """An Xvfb (with `xvfb_args` after the standard ones) and openbox, until the block ends."""
    home = tmp / "home"
    (home / ".config").mkdir(parents=True, exist_ok=True)
    with start_xvfb(tmp, *xvfb_args) as (display, _xvfb):
        env = {
            "PATH": "/usr/local/bin:/usr/bin:/bin",
            "DISPLAY": display,
            "HOME": str(home),
            "XDG_CONFIG_HOME": str(home / ".config"),
            "NO_AT_BRIDGE": "1",
            "PYTHONPATH": str(REPO),
        }
        with (tmp / "openbox.log").open("wb") as log:
            wm = subprocess.Popen(
                ["openbox"], env=env, stdin=subprocess.DEVNULL, stdout=log,
                stderr=subprocess.STDOUT,
            )  # fmt: skip
        desk = Desk(display, env)
        try:
            wait_until(lambda: _wm_ready(desk), "openbox to manage the screen")
            yield desk
        finally:
            stop_process(wm)


def _wm_ready(desk: Desk) -> bool:
    conn = desk.x()
    try:
        return (
            conn.screen().root.get_full_property(conn.intern_atom("_NET_SUPPORTING_WM_CHECK"), 0)
            is not None
        )
    finally:
        conn.close()


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Desk]:
    """One 1280x800 screen with openbox, shared by the tests of a module."""
    with start_desk(tmp_path_factory.mktemp("desk")) as found:
        yield found


@pytest.fixture(scope="session")
def kept_desk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Desk]:
    """A desk that lives as long as the test process, for Tk built in that process: Tk keeps
    a display's connection open until the process exits, even after its last window is
    destroyed, and when that X server goes away the next Tk call anywhere in the process
    exits it with status 1 and no word (seen: the whole suite stopped in the next module)."""
    with start_desk(tmp_path_factory.mktemp("kept-desk")) as found:
        yield found


TYPING_WINDOW = """
import sys, tkinter as tk
root = tk.Tk()
root.title("typing-target")
root.geometry("400x80+40+40")
entry = tk.Entry(root, font=("DejaVu Sans", 14))
entry.pack(fill="x", padx=10, pady=10)
def report(_event):
    print(entry.get(), flush=True)
entry.bind("<KeyRelease>", report)
root.after(100, lambda: (root.focus_force(), entry.focus_set()))
print("ready", flush=True)
root.mainloop()
"""


def start_typing_window(desk: Desk) -> subprocess.Popen[str]:
    """A Tk window with a focused entry that prints its text after each key."""
    proc = subprocess.Popen(
        [sys.executable, "-c", TYPING_WINDOW], env=desk.env, stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "ready"
    wait_until(lambda: desk.windows_named("typing-target"), "the typing window")
    wait_until(
        lambda: desk.active_window() == desk.windows_named("typing-target")[0][0],
        "the typing window to be active",
    )
    time.sleep(0.3)  # the entry takes the focus 100 ms after the window (TYPING_WINDOW)
    return proc


def wait_gone(proc: subprocess.Popen[str], timeout: float = 10.0) -> int:
    deadline = time.monotonic() + timeout
    while proc.poll() is None:
        if time.monotonic() > deadline:
            stop_process(proc)
            pytest.fail(f"pid {proc.pid} did not exit within {timeout} s")
        time.sleep(0.02)
    return proc.returncode
