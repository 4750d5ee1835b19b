"""desktop/toolkit.py: which toolkit can draw where."""

from __future__ import annotations

import sys

import pytest

from posture_guard.desktop.toolkit import tk_has_no_display


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"WAYLAND_DISPLAY": "wayland-1"}, True),  # Wayland without XWayland
        ({"WAYLAND_DISPLAY": "wayland-1", "DISPLAY": ":0"}, False),  # XWayland: Tk draws there
        ({"WAYLAND_DISPLAY": "wayland-1", "DISPLAY": ""}, True),
        ({"DISPLAY": ":0"}, False),  # X11
        ({}, False),  # no display at all: Tk says so itself, as before
    ],
)
def test_tk_has_no_display_only_in_a_wayland_session_without_x(
    env: dict[str, str], expected: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Protects: toolkit Rule 4: the menu window (Tk) is drawn by GTK only where Tk cannot
    # draw (Wayland, no DISPLAY); on X11 and under XWayland it stays Tk.
    monkeypatch.setattr(sys, "platform", "linux")
    assert tk_has_no_display(env) is expected


def test_tk_has_no_display_is_false_off_linux(monkeypatch: pytest.MonkeyPatch) -> None:
    # Protects: Tk needs no X display on Windows and macOS: Rule 4 never applies there.
    for platform in ("win32", "darwin"):
        monkeypatch.setattr(sys, "platform", platform)
        assert tk_has_no_display({"WAYLAND_DISPLAY": "wayland-1"}) is False
