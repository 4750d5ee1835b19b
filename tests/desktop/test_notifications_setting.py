"""`[notifications] enabled`: the real `posture-guard run` with dunst on a private session bus.
Off, a break's notice is the terminal's line only and dunst gets nothing; a hand edit turning it
on applies to the running service, and the next break's notice reaches dunst."""

from __future__ import annotations

import time

import pytest

from tests.app import App, read_until
from tests.desktop.conftest import SessionBus, wait_until

pytestmark = pytest.mark.desktop

PLAN = """\
[notifications]
enabled = {enabled}
[breaks.posture]
every = "10s"
length = "5s"
[breaks.stretch]
enabled = false
[breaks.movement]
enabled = false
"""


def notices_seen(bus: SessionBus) -> int:
    """How many notifications dunst has shown or holds (shown now, waiting, or in history)."""
    return sum(
        int(bus.run("dunstctl", "count", which).strip())
        for which in ("displayed", "waiting", "history")
    )


def test_notifications_off_leaves_the_desktop_quiet_and_turning_them_on_applies_at_once(
    app: App, notification_daemon: SessionBus
) -> None:
    # Protects: with notifications off the prompt is printed but never reaches the desktop's
    # daemon; a hand edit turning them on applies without a restart.
    app.env.update(
        DBUS_SESSION_BUS_ADDRESS=notification_daemon.env["DBUS_SESSION_BUS_ADDRESS"],
        POSTURE_GUARD_IDLE="none",  # all time counts: the 10 s break comes due by itself
    )
    app.config.write_text(PLAN.format(enabled="false"))
    proc = app.start("--headless")
    lines = read_until(proc, "Posture Guard is running", timeout=30)
    running = next(line for line in lines if "Posture Guard is running" in line)
    assert "notifications: freedesktop+terminal" in running
    read_until(proc, "Posture and eyes check", timeout=30)  # the terminal's line
    time.sleep(0.5)
    assert notices_seen(notification_daemon) == 0
    assert app.cli("skip").returncode == 0

    app.config.write_text(PLAN.format(enabled="true"))
    wait_until(
        lambda: notices_seen(notification_daemon) > 0, "the next break's notice in dunst", 30
    )
