"""How the runner picks the tray backend (no display needed: it decides before importing pystray)."""

from __future__ import annotations

import sys

import pytest

from posture_guard.desktop.tray_backends import tray_backends
from posture_guard.ui.launch import Launcher
from posture_guard.ui.tray import open_tray, probe_tray, tray_candidates


@pytest.fixture
def display(monkeypatch):
    monkeypatch.setenv("DISPLAY", "unix:999")  # unix socket only: no TCP retry
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)


def test_no_display_means_no_tray(monkeypatch):
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    assert tray_candidates({}) == (
        [],
        ["tray: no display (DISPLAY and WAYLAND_DISPLAY are not set)"],
    )


def test_linux_tries_the_status_notifier_item_then_xorg(display):
    # Protects: issue 15: no GTK by default; appindicator and gtk only when pinned
    assert tray_candidates({}) == (["sni", "xorg"], [])


def test_pystray_backend_set_by_the_user_is_tried_alone(display):
    assert tray_candidates({"PYSTRAY_BACKEND": "xorg"}) == (
        ["xorg"],
        ["tray: PYSTRAY_BACKEND=xorg is set: only it is tried"],
    )


def test_our_own_variable_pins_any_backend_and_comes_before_pystrays(display):
    # Protects: POSTURE_GUARD_TRAY pins sni too (PYSTRAY_BACKEND is pystray's: not sni)
    assert tray_candidates({"POSTURE_GUARD_TRAY": "sni", "PYSTRAY_BACKEND": "xorg"}) == (
        ["sni"],
        ["tray: POSTURE_GUARD_TRAY=sni is set: only it is tried"],
    )
    assert tray_candidates({"PYSTRAY_BACKEND": "sni"}) == (
        ["sni", "xorg"],
        ["tray: PYSTRAY_BACKEND='sni' is not one we drive; ignored"],
    )


def test_an_unknown_pystray_backend_is_ignored_with_a_note(display):
    assert tray_candidates({"PYSTRAY_BACKEND": "win32"}) == (
        ["sni", "xorg"],
        ["tray: PYSTRAY_BACKEND='win32' is not one we drive; ignored"],
    )


def test_without_a_session_bus_or_a_reachable_x_server_there_is_no_tray(display):
    # sni needs the session bus; xorg needs the X server (there is none on :999)
    tray, reasons = open_tray(lambda _p: {"ok": True}, Launcher(), rhythm_s=1200, env={})
    assert tray is None
    assert reasons[0] == (
        "tray: sni: no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is not set, and $XDG_RUNTIME_DIR/bus is not a socket of ours)"
    )
    assert reasons[1].startswith("tray: xorg: cannot open the X display: ")


def test_doctor_probe_says_no_tray_and_why_without_a_display(monkeypatch):
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    assert probe_tray({}) == (None, ["tray: no display (DISPLAY and WAYLAND_DISPLAY are not set)"])


@pytest.mark.parametrize("platform", ["win32", "darwin"])
def test_windows_and_macos_use_their_one_backend_and_do_not_read_pystray_backend(
    monkeypatch, platform
):
    monkeypatch.setattr(sys, "platform", platform)  # a display is always there on both
    assert tray_candidates({"PYSTRAY_BACKEND": "xorg"}) == ([platform], [])


@pytest.mark.parametrize(
    ("platform", "known", "needs_tray_host"),
    [
        ("linux", ("sni", "appindicator", "gtk", "xorg"), True),
        ("win32", ("win32",), False),
        ("darwin", ("darwin",), False),
    ],
)
def test_tray_backends_name_what_doctor_reports_on_and_whether_it_looks_for_a_host(
    monkeypatch, platform, known, needs_tray_host
):
    monkeypatch.setattr(sys, "platform", platform)
    here = tray_backends()
    assert (here.known, here.needs_tray_host) == (known, needs_tray_host)
    assert set(here.candidates) <= set(here.known)


def test_only_gtks_known_xembed_complaint_counts_as_noise() -> None:
    """Issue 13: "Gdk-CRITICAL gdk_window_thaw_toplevel_updates" printed on every start (GTK's
    own bookkeeping for libayatana's XEmbed fallback icon). Only that message of GDK's is
    routed to our debug log; any other, or the same words from another domain, is not."""
    from posture_guard.ui.tray import is_known_gtk_noise

    known = (
        "gdk_window_thaw_toplevel_updates: assertion"
        " 'window->update_and_descendants_freeze_count > 0' failed"
    )
    assert is_known_gtk_noise("Gdk", known)
    assert not is_known_gtk_noise("Gtk", known)
    assert not is_known_gtk_noise("Gdk", "gdk_window_set_cursor: assertion 'GDK_IS_WINDOW' failed")
    assert not is_known_gtk_noise("Gdk", None)
