"""The X11 idle source and the full-screen busy source share one X connection per display
(xconn.share_display), on real Xvfb servers; the X server counts the connections (X-Resource).

Each python-xlib connection costs about 330 KiB of Python objects in the service, so two
sources on one display must cost one connection, lose it together and get it back together.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path

import pytest

from posture_guard.core.errors import BusySourceUnavailable
from posture_guard.desktop import xconn
from posture_guard.desktop.busy.fullscreen import FullscreenSource
from posture_guard.desktop.idle.x11 import X11IdleSource
from tests.app import stop_process
from tests.desktop.conftest import wait_until
from tests.desktop.test_fullscreen_busy import openbox, window
from tests.desktop.xclients import x_connections_of

pytestmark = pytest.mark.desktop

MakeXvfb = Callable[..., AbstractContextManager[tuple[str, subprocess.Popen[bytes]]]]
ME = os.getpid()


def test_idle_and_fullscreen_sources_answer_from_one_x_connection(
    make_xvfb: MakeXvfb, tmp_path: Path
) -> None:
    # Protects: the service's two X sources hold one connection, not one each; both answer on
    # it; the idle source closing leaves the busy source working; the last close disconnects.
    with (
        make_xvfb() as (display, _x),
        openbox(display, tmp_path),
        window(display, tmp_path) as film,
    ):
        assert x_connections_of(display, ME) == 0
        idle = X11IdleSource(display)
        busy = FullscreenSource(display)
        try:
            assert x_connections_of(display, ME) == 1
            assert idle.idle_seconds() is not None
            film.fullscreen(True)
            wait_until(lambda: busy.busy_reason() == "fullscreen", "full screen: busy")
            idle.close()
            assert idle.idle_seconds() is None
            film.fullscreen(False)
            wait_until(lambda: busy.busy_reason() is None, "windowed: not busy, idle closed")
            film.fullscreen(True)
            wait_until(lambda: busy.busy_reason() == "fullscreen", "busy again, idle closed")
            assert x_connections_of(display, ME) == 1
        finally:
            busy.close()
            idle.close()
        assert busy.busy_reason() is None
        wait_until(lambda: x_connections_of(display, ME) == 0, "the last close to disconnect")


def test_closing_the_busy_source_leaves_the_idle_source_reading(
    make_xvfb: MakeXvfb, tmp_path: Path
) -> None:
    # Protects: a share given back does not close the connection under the other one.
    with make_xvfb() as (display, _x):
        busy = FullscreenSource(display)
        idle = X11IdleSource(display)
        try:
            busy.close()
            busy.close()  # idempotent: does not give back the idle source's share too
            assert x_connections_of(display, ME) == 1
            env = {"DISPLAY": display, "PATH": "/usr/bin:/bin"}
            wait_until(lambda: (idle.idle_seconds() or 0) >= 0.5, "idle to count up")
            subprocess.run(["xdotool", "mousemove", "10", "10"], env=env, check=True, timeout=10)
            after = idle.idle_seconds()
            assert after is not None
            assert after < 0.3  # a live reading, not a stale one
        finally:
            idle.close()
        wait_until(lambda: x_connections_of(display, ME) == 0, "the last close to disconnect")


def test_a_lost_display_answers_none_to_both_and_one_reopened_connection_serves_both(
    make_xvfb: MakeXvfb, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Protects: when the X server goes away both sources say "cannot tell" (no exception), a
    # new source on the dead display is refused with the cause, and once a server is back
    # the idle source's reopen serves the busy source too: one connection, not one each.
    monkeypatch.setattr(xconn, "REOPEN_AFTER_S", 0.2)
    with make_xvfb() as (display, xvfb):
        idle = X11IdleSource(display)
        busy = FullscreenSource(display)
        try:
            stop_process(xvfb)
            assert idle.idle_seconds() is None
            assert busy.busy_reason() is None
            with pytest.raises(BusySourceUnavailable, match=rf"^cannot open display '{display}'"):
                FullscreenSource(display)
            with (
                make_xvfb(display) as (_again, _x),
                openbox(display, tmp_path),
                window(display, tmp_path) as film,
            ):
                wait_until(lambda: idle.idle_seconds() is not None, "idle on the new server")
                film.fullscreen(True)
                wait_until(lambda: busy.busy_reason() == "fullscreen", "busy on the new server")
                assert x_connections_of(display, ME) == 1
        finally:
            idle.close()
            busy.close()


def test_a_failure_seen_on_a_replaced_connection_leaves_the_new_one_alone(
    make_xvfb: MakeXvfb, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Protects: a share reporting a failure of the connection it was handed before another
    # share reopened it does not close the reopened one under everybody.
    monkeypatch.setattr(xconn, "REOPEN_AFTER_S", 0.0)
    with make_xvfb() as (display, xvfb):
        first, second = xconn.share_display(display), xconn.share_display(display)
        try:
            old = second.get()
            assert old is first.get()
            stop_process(xvfb)
            first.drop("the server went away")
            assert first.get() is None
            with make_xvfb(display) as (_again, _x):
                new = first.get()
                assert new is not None
                assert new is not old
                second.drop("a late report about the old connection")
                assert first.get() is new
                assert new.screen().root.screensaver_query_info().idle >= 0  # still open
                assert second.get() is new
        finally:
            first.close()
            second.close()
