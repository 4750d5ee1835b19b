"""The pure parts of the Windows, macOS and D-Bus idle sources, with sample values.

The Windows and macOS modules import nothing of their OS at import time (ctypes is used only
inside `sys.platform` branches), so their arithmetic is tested here on any OS.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from posture_guard.desktop.dbus import DBusError
from posture_guard.desktop.idle import in_wayland_session, linux_candidates
from posture_guard.desktop.idle.dbus_idle import parse_idle_ms
from posture_guard.desktop.idle.macos import idle_from_cg
from posture_guard.desktop.idle.windows import TICK_MODULUS, idle_from_ticks

TICK = st.integers(0, TICK_MODULUS - 1)


def test_windows_idle_is_the_tick_difference_in_seconds() -> None:
    assert idle_from_ticks(now_ms=1_000_000, last_input_ms=997_500) == 2.5
    assert idle_from_ticks(now_ms=5000, last_input_ms=5000) == 0.0


def test_windows_idle_across_the_49_7_day_tick_wraparound() -> None:
    # GetTickCount wraps to 0 after 2**32 - 1 ms: input 1 s before the wrap, read 2 s after.
    assert idle_from_ticks(now_ms=2000, last_input_ms=TICK_MODULUS - 1000) == 3.0
    assert idle_from_ticks(now_ms=0, last_input_ms=TICK_MODULUS - 1) == 0.001


@given(last=TICK, idle_ms=st.integers(0, TICK_MODULUS - 1))
def test_windows_idle_recovers_any_idle_time_below_the_wrap(last: int, idle_ms: int) -> None:
    now = (last + idle_ms) % TICK_MODULUS
    assert idle_from_ticks(now, last) == idle_ms / 1000


@pytest.mark.parametrize(("now", "last"), [(-1, 0), (0, TICK_MODULUS), (TICK_MODULUS, 5)])
def test_windows_idle_refuses_a_reading_that_is_not_32_bit(now: int, last: int) -> None:
    with pytest.raises(
        ValueError, match=r"^(now|last input) tick -?\d+ is not a 32-bit tick count$"
    ):
        idle_from_ticks(now, last)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0.0, 0.0),
        (12.75, 12.75),
        (86400.5, 86400.5),
        (-1.0, None),
        (math.nan, None),
        (math.inf, None),
    ],
)
def test_macos_idle_from_coregraphics_answer(value: float, expected: float | None) -> None:
    assert idle_from_cg(value) == expected


@pytest.mark.parametrize(("value", "expected"), [(0, 0.0), (1500, 1.5), (2**40, 2**40 / 1000)])
def test_dbus_idle_milliseconds_become_seconds(value: int, expected: float) -> None:
    assert parse_idle_ms(value) == expected


@pytest.mark.parametrize("value", [-1, True, "12", 1.5, None])
def test_dbus_idle_reply_of_the_wrong_type_is_an_error(value: object) -> None:
    with pytest.raises(DBusError, match=r"^expected idle milliseconds as a whole number, got "):
        parse_idle_ms(value)


@pytest.mark.parametrize(
    ("env", "wayland"),
    [
        ({"XDG_SESSION_TYPE": "x11"}, False),
        ({}, False),
        ({"XDG_SESSION_TYPE": "tty"}, False),
        ({"XDG_SESSION_TYPE": "wayland"}, True),
        ({"XDG_SESSION_TYPE": "Wayland "}, True),
        ({"XDG_SESSION_TYPE": "x11", "WAYLAND_DISPLAY": "wayland-0"}, True),  # a nested session
        ({"WAYLAND_DISPLAY": ""}, False),
    ],
)
def test_a_wayland_session_is_told_by_the_session_type_or_the_display(
    env: dict[str, str], wayland: bool
) -> None:
    assert in_wayland_session(env) is wayland


def test_linux_idle_order_never_falls_back_to_xwayland() -> None:
    # Protects: in a Wayland session XWayland's counter (blind to Wayland clients' input) is
    # not a candidate at all: GNOME's monitor, the two Wayland protocols, the ScreenSaver API.
    assert linux_candidates(True) == ["gnome", "ext-idle-notify", "kwin-idle", "freedesktop"]
    assert linux_candidates(False) == ["x11", "gnome", "freedesktop"]
