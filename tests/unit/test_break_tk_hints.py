"""What the Tk break window asks of each windowing system's window manager (break_tk.window_hints):
only what that system has, so no window fails to open on Windows or macOS for an X11-only one."""

from __future__ import annotations

import pytest

from posture_guard.ui.break_tk import WindowHints, window_hints


def test_x11_gets_the_splash_type_kept_above_and_keeps_its_focus() -> None:
    assert window_hints("x11") == WindowHints((("-type", "splash"), ("-topmost", True)), False)


def test_windows_has_no_window_types_and_drops_the_frame_by_override_redirect() -> None:
    assert window_hints("win32") == WindowHints((("-topmost", True),), override_redirect=True)


def test_macos_is_only_kept_above() -> None:
    assert window_hints("aqua") == WindowHints((("-topmost", True),), override_redirect=False)


@pytest.mark.parametrize("system", ["win32", "aqua", "wayland", ""])
def test_the_x11_window_type_is_asked_on_x11_only(system: str) -> None:
    assert "-type" not in dict(window_hints(system).attributes)


def test_an_unknown_system_is_asked_nothing() -> None:
    assert window_hints("wayland") == WindowHints((), override_redirect=False)


def test_under_xwayland_the_notice_is_override_redirect_and_the_main_window_a_splash() -> None:
    # Protects: sway placed the splash notice mid-screen with a frame and gave it the keys of
    # the person typing; an override-redirect notice is shown where placed and never focused,
    # while the main window keeps the splash type that gets it the focus it takes
    notice = window_hints("x11", notice=True, xwayland=True)
    assert notice == WindowHints((("-type", "splash"), ("-topmost", True)), override_redirect=True)
    assert window_hints("x11", notice=False, xwayland=True) == window_hints("x11")
    assert window_hints("x11", notice=True, xwayland=False) == window_hints("x11")
