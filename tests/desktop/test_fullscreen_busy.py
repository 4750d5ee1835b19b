"""The full-screen busy source on a real X server with a real window manager (openbox)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

import pytest

from posture_guard.core.errors import BusySourceUnavailable
from posture_guard.desktop import xconn
from posture_guard.desktop.busy.fullscreen import FullscreenSource
from tests.app import ROOT, stop_process
from tests.desktop.conftest import save_screenshot, wait_until

pytestmark = pytest.mark.desktop

MakeXvfb = Callable[..., AbstractContextManager[tuple[str, subprocess.Popen[bytes]]]]


def _has_wm(display: str) -> bool:
    from Xlib import display as xdisplay

    conn = xdisplay.Display(display)
    try:
        atom = conn.intern_atom("_NET_SUPPORTING_WM_CHECK")
        return conn.screen().root.get_full_property(atom, 0) is not None
    finally:
        conn.close()


@contextmanager
def openbox(display: str, home: Path) -> Iterator[subprocess.Popen[bytes]]:
    """openbox on `display`, ready once it set _NET_SUPPORTING_WM_CHECK on the root."""
    env = {"DISPLAY": display, "HOME": str(home), "PATH": "/usr/bin:/bin", "NO_AT_BRIDGE": "1"}
    proc = subprocess.Popen(
        ["openbox"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        wait_until(lambda: _has_wm(display), "openbox")
        yield proc
    finally:
        stop_process(proc)


class Window:
    """The test window process (tests/desktop/fullscreen_window.py)."""

    def __init__(self, display: str, home: Path, title: str) -> None:
        env = {"DISPLAY": display, "HOME": str(home), "NO_AT_BRIDGE": "1", "PATH": "/usr/bin:/bin"}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tests.desktop.fullscreen_window", title],
            env=env, cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        )  # fmt: skip
        assert self._line().startswith("SHOWN ")

    def _line(self) -> str:
        assert self.proc.stdout is not None
        return self.proc.stdout.readline().strip()

    def fullscreen(self, on: bool) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write("on\n" if on else "off\n")
        self.proc.stdin.flush()
        assert self._line() == f"FULLSCREEN {'on' if on else 'off'}"

    def close(self) -> None:
        stop_process(self.proc)
        for stream in (self.proc.stdin, self.proc.stdout):
            if stream is not None:
                stream.close()


@contextmanager
def window(display: str, home: Path, title: str = "Film") -> Iterator[Window]:
    shown = Window(display, home, title)
    try:
        yield shown
    finally:
        shown.close()


def test_fullscreen_source_follows_the_active_window_state(
    make_xvfb: MakeXvfb, tmp_path: Path
) -> None:
    # Protects: busy exactly while the active window is full screen under a real EWMH
    # window manager; a window merely open is not busy.
    with make_xvfb() as (display, _x), openbox(display, tmp_path):
        source = FullscreenSource(display)
        assert source.busy_reason() is None  # no window at all
        with window(display, tmp_path) as film:
            wait_until(lambda: source.busy_reason() is None, "a normal window: not busy")
            film.fullscreen(True)
            wait_until(lambda: source.busy_reason() == "fullscreen", "full screen: busy")
            save_screenshot(display, "busy_fullscreen_source_on")
            film.fullscreen(False)
            wait_until(lambda: source.busy_reason() is None, "windowed again: not busy")
        source.close()
        assert source.busy_reason() is None


def test_fullscreen_source_survives_the_window_manager_and_x_server_going_away(
    make_xvfb: MakeXvfb, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Protects: a stale _NET_ACTIVE_WINDOW left by an exited window manager names a destroyed
    # window (BadWindow): not busy, no exception. An X server that dies gives None, and the
    # source reads again once a server is back on that display.
    monkeypatch.setattr(xconn, "REOPEN_AFTER_S", 0.2)
    with make_xvfb() as (display, xvfb):
        with openbox(display, tmp_path), window(display, tmp_path) as film:
            source = FullscreenSource(display)
            film.fullscreen(True)
            wait_until(lambda: source.busy_reason() == "fullscreen", "full screen: busy")
        assert source.busy_reason() is None  # window and WM gone; the root keeps stale ids
        stop_process(xvfb)
        assert source.busy_reason() is None
    with (
        make_xvfb(display) as (_again, _x),
        openbox(display, tmp_path),
        window(display, tmp_path) as film,
    ):
        film.fullscreen(True)
        wait_until(lambda: source.busy_reason() == "fullscreen", "busy on the restarted server")
    source.close()


def test_fullscreen_source_without_display_is_unavailable(
    desktop_env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DISPLAY")
    with pytest.raises(BusySourceUnavailable, match=r"^no DISPLAY set$"):
        FullscreenSource()
