"""The pure part of the Windows busy source: the shell's notification state as a reason."""

from __future__ import annotations

import pytest

from posture_guard.desktop.busy.windows import BUSY_STATES, FREE_STATES, reason_from_state


@pytest.mark.parametrize(
    ("state", "reason"),
    [
        (1, "screen locked"),  # QUNS_NOT_PRESENT
        (2, "fullscreen"),  # QUNS_BUSY
        (3, "fullscreen"),  # QUNS_RUNNING_D3D_FULL_SCREEN
        (4, "presentation"),  # QUNS_PRESENTATION_MODE
        (5, None),  # QUNS_ACCEPTS_NOTIFICATIONS
        (6, None),  # QUNS_QUIET_TIME
        (7, "fullscreen"),  # QUNS_APP
        (0, None),  # not a documented value: free rather than stuck busy
        (99, None),
    ],
)
def test_windows_notification_state_as_a_busy_reason(state: int, reason: str | None) -> None:
    assert reason_from_state(state) == reason


def test_windows_states_are_either_busy_or_free() -> None:
    assert set(BUSY_STATES) | FREE_STATES == set(range(1, 8))
    assert not set(BUSY_STATES) & FREE_STATES
