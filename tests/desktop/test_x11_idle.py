"""The X11 idle source and the idle selector, on a real Xvfb (MIT-SCREEN-SAVER, XTEST input)."""

from __future__ import annotations

import gc
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path

import pytest
from PIL import Image

from posture_guard.desktop import xconn
from posture_guard.desktop.idle import IdleSourceUnavailable, select_idle_source
from posture_guard.desktop.idle.none import NoIdleSource
from posture_guard.desktop.idle.x11 import X11IdleSource
from tests.app import stop_process

pytestmark = pytest.mark.desktop


MakeXvfb = Callable[..., AbstractContextManager[tuple[str, subprocess.Popen[bytes]]]]


@pytest.fixture
def x11_source(desktop_env: dict[str, str]) -> Iterator[X11IdleSource]:
    source = X11IdleSource(desktop_env["DISPLAY"])
    yield source
    source.close()


def test_x11_idle_counts_up_while_there_is_no_input(
    x11_source: X11IdleSource, desktop_env: dict[str, str]
) -> None:
    # Protects: idle_seconds() reads the server's idle counter, in seconds (not ms). The
    # display is shared: input first, so earlier tests' quiet time does not count.
    subprocess.run(["xdotool", "mousemove", "600", "300"], env=desktop_env, check=True, timeout=10)
    time.sleep(1.2)
    idle = x11_source.idle_seconds()
    assert idle is not None
    assert 1.0 <= idle < 60


def test_x11_idle_resets_on_pointer_motion(
    x11_source: X11IdleSource, desktop_env: dict[str, str], screenshot: Callable[[str], Path]
) -> None:
    # Protects: input (here synthetic XTEST motion, as from xdotool) resets the reading.
    time.sleep(1.2)
    before = x11_source.idle_seconds()
    assert before is not None
    assert before >= 1.0
    subprocess.run(["xdotool", "mousemove", "640", "400"], env=desktop_env, check=True, timeout=10)
    after = x11_source.idle_seconds()
    assert after is not None
    assert after < 0.3
    # The evidence on screen (the pointer itself is not in X screenshots): the two readings.
    text = f"x11 idle: {before:.2f} s before, {after:.2f} s after xdotool mousemove"
    shown = subprocess.Popen(["xmessage", "-center", text], env=desktop_env)
    try:
        subprocess.run(
            ["xdotool", "search", "--sync", "--onlyvisible", "--class", "Xmessage"],
            env=desktop_env, check=True, timeout=10, capture_output=True,
        )  # fmt: skip
        screenshot("x11_idle_after_xdotool_input")
    finally:
        stop_process(shown)


def test_x11_idle_is_none_after_close(x11_source: X11IdleSource) -> None:
    # Protects: a closed source answers "cannot tell" and close() may be called twice.
    assert x11_source.idle_seconds() is not None
    x11_source.close()
    assert x11_source.idle_seconds() is None
    x11_source.close()


def test_x11_idle_is_none_once_the_display_is_gone(make_xvfb: MakeXvfb) -> None:
    # Protects: the worker thread never sees an exception when the X server goes away
    # (logout, crash); the source answers None, and close() does not raise either.
    with make_xvfb() as (display, proc):
        source = X11IdleSource(display)
        assert source.idle_seconds() is not None
        proc.terminate()
        proc.wait(timeout=5)
        assert source.idle_seconds() is None
        assert source.idle_seconds() is None
        source.close()


def test_x11_idle_comes_back_when_the_x_server_restarts(
    make_xvfb: MakeXvfb, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Protects: after the X server went away and came back on the same display (a restarted
    # session, Xvfb), the source reopens it by itself instead of staying blind until restart.
    monkeypatch.setattr(xconn, "REOPEN_AFTER_S", 0.2)
    with make_xvfb() as (display, proc):
        source = X11IdleSource(display)
        proc.terminate()
        proc.wait(timeout=5)
        assert source.idle_seconds() is None
    with make_xvfb(display) as (again, _proc):
        assert again == display
        deadline = time.monotonic() + 5
        while (idle := source.idle_seconds()) is None and time.monotonic() < deadline:
            time.sleep(0.1)
        assert idle is not None
        assert 0 <= idle < 30  # a fresh server's counter
        source.close()
        assert source.idle_seconds() is None  # closed for good: never reopened


def test_x11_source_on_a_display_that_does_not_exist_fails_at_construction(
    make_xvfb: MakeXvfb,
) -> None:
    # Protects: a dead display is reported when the source is built, with the display name
    # and the cause, so select_idle_source can keep the reason for `doctor`.
    with make_xvfb() as (display, proc):
        proc.terminate()
        proc.wait(timeout=5)
        with pytest.raises(
            IdleSourceUnavailable,
            match=rf"^cannot open display '{display}': Can't connect to display \"{display}\": ",
        ) as failure:
            X11IdleSource(display)
    # python-xlib leaves the failed sockets open; the source closes them. Were one still open,
    # collecting it here would raise ResourceWarning inside this test (filterwarnings=error).
    del failure
    gc.collect()


def test_x11_source_without_the_screen_saver_extension_fails_at_construction(
    make_xvfb: MakeXvfb,
) -> None:
    # Protects: a server that cannot report idle time is refused up front, not with an
    # AttributeError on every later query.
    with make_xvfb("-extension", "MIT-SCREEN-SAVER") as (display, _proc):
        expected = rf"^display '{display}' has no MIT-SCREEN-SAVER extension, so it cannot report idle time$"
        with pytest.raises(IdleSourceUnavailable, match=expected):
            X11IdleSource(display)


def test_x11_source_without_display_name_fails_at_construction(
    desktop_env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Protects: with no DISPLAY the source says so instead of python-xlib's 'Bad display name ""'.
    monkeypatch.delenv("DISPLAY")
    with pytest.raises(IdleSourceUnavailable, match=r"^no DISPLAY set$"):
        X11IdleSource()


def test_select_idle_source_picks_x11_when_display_is_set(desktop_env: dict[str, str]) -> None:
    # Protects: on Linux with a working $DISPLAY the service gets real idle time, no reasons.
    source, reasons = select_idle_source()
    assert isinstance(source, X11IdleSource)
    try:
        assert source.name == "x11"
        assert source.display_name == desktop_env["DISPLAY"]
        assert source.idle_seconds() is not None
        assert reasons == []
    finally:
        source.close()


def test_select_idle_source_falls_back_to_none_without_display(
    desktop_env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Protects: no display and no session bus means the none source plus one reason per
    # backend that `doctor` shows; no exception.
    monkeypatch.delenv("DISPLAY")
    monkeypatch.delenv("XDG_SESSION_TYPE", raising=False)
    source, reasons = select_idle_source()
    assert isinstance(source, NoIdleSource)
    assert source.name == "none"
    assert source.idle_seconds() is None
    no_bus = "no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is not set, and $XDG_RUNTIME_DIR/bus is not a socket of ours)"
    assert reasons == ["x11: no DISPLAY set", f"gnome: {no_bus}", f"freedesktop: {no_bus}"]


def test_select_idle_source_records_why_x11_failed(
    make_xvfb: MakeXvfb, desktop_env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Protects: an unreachable display is a reason too, naming the display.
    with make_xvfb() as (display, proc):
        proc.terminate()
        proc.wait(timeout=5)
        monkeypatch.setenv("DISPLAY", display)
        source, reasons = select_idle_source("x11")
    assert isinstance(source, NoIdleSource)
    assert reasons[:2] == [  # the others are skipped: the override asks for x11
        "gnome: skipped, override asks for 'x11'",
        "freedesktop: skipped, override asks for 'x11'",
    ]
    assert len(reasons) == 3
    assert reasons[2].startswith(f"x11: cannot open display '{display}': ")


@pytest.mark.parametrize("how", ["argument", "environment"])
def test_select_idle_source_override_none_wins_over_a_working_display(
    how: str, desktop_env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Protects: POSTURE_GUARD_IDLE=none (or the argument) forces the none source, and the
    # skipped platform source is named so `doctor` explains it.
    if how == "argument":
        source, reasons = select_idle_source("none")
        origin = "override"
    else:
        monkeypatch.setenv("POSTURE_GUARD_IDLE", "none")
        source, reasons = select_idle_source()
        origin = "POSTURE_GUARD_IDLE"
    assert isinstance(source, NoIdleSource)
    assert reasons == [
        f"{name}: skipped, {origin} asks for 'none'" for name in ("x11", "gnome", "freedesktop")
    ]


def test_select_idle_source_reports_unknown_override_and_uses_platform_choice(
    desktop_env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Protects: a typo in POSTURE_GUARD_IDLE does not cost the user idle detection.
    monkeypatch.setenv("POSTURE_GUARD_IDLE", "wayland")
    monkeypatch.delenv("XDG_SESSION_TYPE", raising=False)
    source, reasons = select_idle_source()
    assert isinstance(source, X11IdleSource)
    source.close()
    assert reasons == [
        "POSTURE_GUARD_IDLE: unknown idle source 'wayland' "
        "(known: x11, gnome, freedesktop, ext-idle-notify, kwin-idle, windows, macos, none)"
    ]


def test_select_idle_source_on_a_platform_without_backend_says_so(
    desktop_env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Protects: on a platform with no backend the selector returns the none source with a
    # clear reason instead of trying X11.
    with monkeypatch.context() as patch:
        patch.setattr(sys, "platform", "sunos5")
        source, reasons = select_idle_source()
    assert isinstance(source, NoIdleSource)
    assert reasons == ["idle: no idle source is implemented yet on sunos5"]


def test_select_idle_source_on_macos_tries_coregraphics_only(
    desktop_env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Protects: on macOS the macos source is the one tried (not X11, though DISPLAY is set);
    # where CoreGraphics cannot be loaded, that is the reason, and nothing raises.
    with monkeypatch.context() as patch:
        patch.setattr(sys, "platform", "darwin")
        source, reasons = select_idle_source()
    assert isinstance(source, NoIdleSource)
    assert len(reasons) == 1
    assert reasons[0].startswith("macos: cannot load CoreGraphics: ")


def test_x11_screen_can_be_saved_as_an_artefact(
    desktop_env: dict[str, str], screenshot: Callable[[str], Path]
) -> None:
    # Protects: the screenshot helper works, so failing desktop tests can leave evidence.
    subprocess.run(["xdotool", "mousemove", "640", "400"], env=desktop_env, check=True, timeout=10)
    path = screenshot("x11_idle_screen")
    with Image.open(path) as shot:
        assert shot.size == (1280, 800)
