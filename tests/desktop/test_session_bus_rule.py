"""Every adapter finds the session bus by the same rule (posture_guard.desktop.dbus), on a real
private dbus-daemon whose socket stands where systemd puts the user bus: $XDG_RUNTIME_DIR/bus,
with DBUS_SESSION_BUS_ADDRESS unset (as in a login session that does not export it)."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path

import pytest

from posture_guard.desktop.busy import probe_busy_sources
from posture_guard.desktop.dbus import NO_SESSION_BUS, session_bus, session_bus_address
from posture_guard.desktop.notify import notification_service_problem, select_notifier
from tests.desktop.conftest import SessionBus

pytestmark = pytest.mark.desktop

NOTIFICATIONS = "org.freedesktop.Notifications"
MakeBus = Callable[..., AbstractContextManager[SessionBus]]


def busy_sources() -> dict[str, str]:
    """The D-Bus busy sources' verdicts: "not busy", "busy: REASON" or why there is none."""
    found = {}
    for name, source, why_not in probe_busy_sources():
        verdict = why_not
        if source is not None:
            reason = source.busy_reason()
            source.close()
            verdict = f"busy: {reason}" if reason else "not busy"
        if name == "do-not-disturb":
            found[name] = verdict
    return found


def test_the_systemd_user_bus_serves_jeepney_the_bus_tools_and_the_busy_sources(
    make_session_bus: MakeBus, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Protects: with only $XDG_RUNTIME_DIR/bus, the notifier's dbus-send children, the jeepney
    # adapters (do-not-disturb) and the address agree, and dunst is activated on that bus.
    with make_session_bus(activatable="/usr/bin/dunst") as bus:
        monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
        monkeypatch.setenv("XDG_RUNTIME_DIR", str(bus.log_dir))  # its socket is log_dir/bus
        assert session_bus_address() == bus.address == f"unix:path={bus.log_dir / 'bus'}"
        assert notification_service_problem() is None  # activated dunst through dbus-send
        assert bus.name_has_owner(NOTIFICATIONS)
        client = session_bus()
        try:
            assert client.has_owner(NOTIFICATIONS)
        finally:
            client.close()
        assert busy_sources() == {"do-not-disturb": "not busy"}  # dunst is not paused


def test_a_runtime_dir_without_a_bus_socket_means_no_bus_everywhere(
    desktop_env: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Protects: no adapter autolaunches or guesses a bus: all say the same reason.
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path))
    (tmp_path / "bus").write_text("a file, not a socket")
    assert "DBUS_SESSION_BUS_ADDRESS" not in desktop_env
    assert notification_service_problem() == NO_SESSION_BUS
    notifier, reasons = select_notifier()
    assert (notifier.name, reasons) == ("terminal", [f"freedesktop: {NO_SESSION_BUS}"])
    assert busy_sources() == {"do-not-disturb": NO_SESSION_BUS}
